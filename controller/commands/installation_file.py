"""The installation file read whole, once: every section from the one file ``--installation`` names.

``data/installation.toml`` describes this museum's hardware, and each part reads its own
sections: the stations (:mod:`controller.stations.roster`), the leader console
(:mod:`controller.console`), the direct build's wiring (:mod:`controller.stations.wiring`), the
LED floor (:mod:`controller.floor.mat`), the modes' settings (:mod:`controller.session`) and
the opening hours (:mod:`controller.opening_hours`). :func:`load_installation` parses the file
once and hands the same document to each of them, so a copy named with ``--installation``
governs every section, and refuses a table none of them reads (a typo such as ``[consol]``
would otherwise leave the console on its defaults without a word)::

    setup = load_installation(args.installation, network)
    setup.roster.by_serial, setup.console, setup.floor, setup.modes

The one thing the program writes in it is a station's board serial, when a technician gives a
missing station the board that replaced its dead one (:func:`assign_station`): the line
``serial = "…"`` of that station is edited in place, the rest of the file (its comments
included) left as it was, the new file checked whole before it replaces the old one, and the
old one kept (:class:`~controller.storage.Store`: written atomically, previous versions kept).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from controller import console
from controller.console import ConsolePins, console_pins_from
from controller.datafile import DataError, Field, check_keys
from controller.floor import mat
from controller.floor.mat import FloorLayout, floor_from
from controller.network import Network
from controller.opening_hours import OpeningHours, hours_from
from controller.session import ModeSettings, mode_settings_from
from controller.stations import roster, wiring
from controller.stations.roster import Roster, roster_from
from controller.stations.wiring import DirectWiring, wiring_from
from controller.storage import Store

#: Every table of the installation file, by the part that reads it.
SECTIONS = (*roster.SECTIONS, *wiring.SECTIONS, *console.SECTIONS, *mat.SECTIONS, "modes", "hours")


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
    hours: OpeningHours | None = None  # None: no [hours], always open

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
    return installation_from(Field.load(path), network)


def installation_from(root: Field, network: Network) -> InstallationFile:
    """The installation held in a parsed document (see :func:`load_installation`)."""
    path = root.source
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
        hours=hours_from(root),
    )


# --- a station given a new board ---------------------------------------------------------------

_TABLE = re.compile(r"^\s*\[")
_ID = re.compile(r"^\s*id\s*=\s*(\d+)\s*(#.*)?$")
_SERIAL = re.compile(r"""^(?P<key>\s*serial\s*=\s*)(?P<q>["'])[^"']*(?P=q)(?P<rest>.*)$""")


def assign_serial(text: str, station_id: int, serial: str, source: str = "") -> str:
    """``text`` (an installation file) with station ``station_id``'s serial made ``serial``: only
    that ``serial = "…"`` line changes, its comment kept.

    :raises DataError: naming ``source`` and the station, if the file has no such station or
        its serial is not on a line of its own (then it is edited by hand).
    """
    lines = text.splitlines(keepends=True)
    blocks: list[list[int]] = []  # the line numbers of each [[station]] table
    inside = False
    for number, line in enumerate(lines):
        if _TABLE.match(line):
            inside = line.strip() == "[[station]]"
            if inside:
                blocks.append([])
        elif inside:
            blocks[-1].append(number)
    for block in blocks:
        ids = [m[1] for n in block if (m := _ID.match(lines[n]))]
        if ids != [str(station_id)]:
            continue
        serials = [n for n in block if _SERIAL.match(lines[n])]
        if len(serials) != 1:
            break
        match = _SERIAL.match(lines[serials[0]])
        assert match is not None
        end = "\n" if lines[serials[0]].endswith("\n") else ""
        rest = match["rest"].rstrip("\n")
        lines[serials[0]] = f'{match["key"]}"{serial}"{rest}{end}'
        return "".join(lines)
    raise DataError(
        source,
        f"station {station_id}",
        'no line "serial = …" to change in a [[station]] with this id',
    )


def assign_station(
    path: str | Path, station_id: int, serial: str, network: Network
) -> InstallationFile:
    """Give station ``station_id`` the board ``serial`` in the installation file at ``path``:
    the file edited in place (:func:`assign_serial`), checked whole, then saved atomically with
    its previous version kept in ``versions/`` beside it; the installation it now describes.

    :raises DataError: if the station is not in the file, the board is another station's, or
        the file would not load; nothing is written then.
    :raises WriteError: if the folder cannot be written (the file is then untouched).
    """
    path = Path(path)
    old = load_installation(path, network)
    serial = serial.upper()
    if station_id not in {s.station_id for s in old.roster.stations}:
        raise DataError(path, f"station {station_id}", "no such station in the file")
    other = old.roster.by_serial.get(serial)
    if other is not None and other.station_id != station_id:
        raise DataError(
            path, f"station {station_id}", f"{serial} is station {other.station_id}'s board"
        )
    text = assign_serial(path.read_text(encoding="utf-8"), station_id, serial, str(path))
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # a serial the line cannot hold: nothing written
        raise DataError(
            path, f"station {station_id}", f"the new file would not load ({exc})"
        ) from None
    new = installation_from(Field(document, str(path)), network)
    Store(path.parent).save(path.name, text)
    return new
