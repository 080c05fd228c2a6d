"""The installation file read whole, once: every section from the one file ``--installation`` names.

``data/installation.toml`` describes this museum's hardware, and each part reads its own
sections: the stations (:mod:`controller.stations.roster`), the leader console
(:mod:`controller.console`), the direct build's wiring (:mod:`controller.stations.wiring`), the
LED floor (:mod:`controller.floor.mat`) and the modes' settings
(:mod:`controller.session`). :func:`load_installation` parses the file once and hands the same
document to each of them, so a copy named with ``--installation`` governs every section, and
refuses a table none of them reads (a typo such as ``[consol]`` would otherwise leave the
console on its defaults without a word)::

    setup = load_installation(args.installation, network)
    setup.roster.by_serial, setup.console, setup.floor, setup.modes
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from controller import console
from controller.console import ConsolePins, console_pins_from
from controller.datafile import Field, check_keys
from controller.floor import mat
from controller.floor.mat import FloorLayout, floor_from
from controller.network import Network
from controller.session import ModeSettings, mode_settings_from
from controller.stations import roster, wiring
from controller.stations.roster import Roster, roster_from
from controller.stations.wiring import DirectWiring, wiring_from

#: Every table of the installation file, by the part that reads it.
SECTIONS = (*roster.SECTIONS, *wiring.SECTIONS, *console.SECTIONS, *mat.SECTIONS, "modes")


@dataclass(frozen=True)
class InstallationFile:
    """Everything the installation file says, checked against the network."""

    path: str
    roster: Roster
    wiring: DirectWiring | None  # where the stations are wired, on the direct build
    console: ConsolePins
    console_configured: bool  # the file has a [console]: its absence is a fault, not a PC
    floor: FloorLayout | None  # None: an installation without LEDs
    modes: ModeSettings

    @property
    def expected_stations(self) -> tuple[str, ...]:
        """The neurons whose stations the file lists, in station order."""
        entries = sorted(self.roster.stations, key=lambda s: s.station_id)
        return tuple(s.neuron for s in entries)


def load_installation(path: str | Path, network: Network) -> InstallationFile:
    """Read every section of the installation file at ``path``, checked against ``network``.

    :raises DataError: naming the file and the key path of the first mistake (an unknown
        table or key, a value out of range, a layout that does not fit the network…).
    """
    root = Field.load(path)
    check_keys(root.table(), SECTIONS)
    neurons = (*network.input_names, *network.thresholds())
    stations = roster_from(root, neurons)
    direct = stations.settings.source == "direct"
    return InstallationFile(
        path=str(path),
        roster=stations,
        wiring=wiring_from(root) if direct else None,
        console=console_pins_from(root),
        console_configured="console" in root,
        floor=floor_from(root, network),
        modes=mode_settings_from(root),
    )
