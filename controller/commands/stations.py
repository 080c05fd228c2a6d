"""The station options that ``run``, ``calibrate`` and ``diagnose`` share, and the links they open.

Real stations by default: the links look on the USB bus for every station of the installation file,
all the time, so a station plugged in later appears by itself; on the tabletop build
(``[stations] source = "direct"``) the direct source reads the stations' chips on the Pi's SPI and
I²C buses instead (:mod:`controller.stations.direct`). ``--emulate-stations N`` runs N
emulated stations instead (the real station firmware on pseudo-terminals,
:mod:`controller.stations.emulation`), with the installation file's serials, so the same links,
calibration and diagnostics run without any hardware (on the direct build, models of its chips
behind gpiozero's mock pins and the ``smbus2`` interface:
:mod:`controller.stations.direct_emulation`). ``neurones run --chaos`` makes them misbehave
(unplugs, garbage, noise, freezes) to prove the installation survives.
"""

from __future__ import annotations

import argparse
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from controller.calibration import CalibrationBook
from controller.commands.installation_file import (
    InstallationFile,
    assign_station,
    load_installation,
)
from controller.commands.options import add_installation_option, bounded
from controller.datafile import DataError
from controller.events import Event
from controller.loop import Installation
from controller.network import Network, load_network
from controller.stations.direct import DirectStations
from controller.stations.links import Links
from controller.stations.roster import Roster
from controller.stations.wiring import DirectWiring
from controller.storage import Store, default_state_dir
from controller.technician.store import CalibrationStore

log = logging.getLogger(__name__)

#: Seconds before the end of a ``--for`` run when ``--chaos`` stops and everything is replugged,
#: so the run ends with every station back (a freeze may last 3.6 s, then a watchdog reboot).
SETTLE_S = 8.0


def add_station_options(parser: argparse.ArgumentParser, *, chaos: bool = False) -> None:
    """``--emulate-stations N`` and ``--installation FILE``; with ``chaos``, ``--chaos``."""
    group = parser.add_argument_group("stations")
    group.add_argument(
        "--emulate-stations",
        type=_count,
        default=0,
        metavar="N",
        help="run N emulated stations (the real firmware on pseudo-terminals) instead of "
        "looking for real ones; their serials come from the installation file",
    )
    add_installation_option(group)
    if chaos:
        group.add_argument(
            "--chaos",
            action="store_true",
            help="with --emulate-stations: unplug, replug, freeze stations and spray garbage "
            "and noise at random; with --for, everything settles for the last "
            f"{SETTLE_S:g} s",
        )
        group.add_argument(
            "--chaos-rate",
            type=bounded(0.01, 100, why="faults per second"),
            default=1.0,
            metavar="PER_S",
            help="faults started per second over all stations (default 1)",
        )
        group.add_argument(
            "--seed",
            type=bounded(0, 2**32 - 1, whole=True, why="a chaos seed is 32 bits"),
            metavar="N",
            help="with --chaos: the faults' random seed, to replay a run's faults (default: a "
            "new one each run, logged at the start and written in the report)",
        )


def add_state_dir_option(parser: argparse.ArgumentParser) -> None:
    """``--state-dir DIR``: where calibrations and settings are kept."""
    parser.add_argument(
        "--state-dir",
        type=state_dir,
        metavar="DIR",
        help="state directory (default: $NEURONES_STATE_DIR, /var/lib/neurones on the Pi, "
        "else your user state directory)",
    )


def state_dir(text: str) -> str:
    """An argparse type: a state directory, which may not exist yet (the first save makes it)
    but may not be a file."""
    if Path(text).exists() and not Path(text).is_dir():
        raise argparse.ArgumentTypeError(f"{text} is not a folder")
    return text


def calibration_store(args: argparse.Namespace) -> CalibrationStore:
    """The calibration store in the state directory the options name."""
    return CalibrationStore(Store(args.state_dir or default_state_dir()))


@dataclass
class Stations:
    """The station source the options asked for (the Pico links, or the direct-wired
    stations: the same face), with the emulator behind it if any."""

    links: Links | DirectStations
    roster: Roster
    store: CalibrationStore
    book: CalibrationBook
    emulator: Any | None = None


def open_stations(
    args: argparse.Namespace,
    network: Network | None = None,
    setup: InstallationFile | None = None,
) -> Stations:
    """The station links the options name: real stations, or ``--emulate-stations N``; the
    stations are those of ``setup`` (default: the ``--installation`` file, read whole).

    :raises DataError: for a malformed installation file (naming the file and the entry).
    """
    network = network or load_network(getattr(args, "network", None) or _default_network())
    setup = setup or load_installation(args.installation, network)
    roster = setup.roster
    store = calibration_store(_with_state_dir(args))
    book = store.load()
    count = getattr(args, "emulate_stations", 0)
    if setup.wiring is not None:
        direct, emulator = open_direct(roster, setup.wiring, network, book, count)
        return Stations(direct, roster, store, book, emulator)
    emulator = None
    discover = None
    if count:
        emulator = start_emulator(emulated_serials(roster, count))
        discover = emulator.ports
    links = Links(
        roster,
        thresholds=network.thresholds(),
        calibrations=book,
        discover=discover,
        resources=[emulator] if emulator is not None else [],
    )
    return Stations(links, roster, store, book, emulator)


def open_direct(
    roster: Roster, wiring: DirectWiring, network: Network, book: CalibrationBook, count: int
) -> tuple[DirectStations, Any]:
    """The direct-wired stations, as ``wiring`` says; with ``count``, the first ``count`` of
    them emulated (models of the chips, nothing else replaced)."""
    thresholds = network.thresholds()
    if not count:
        return DirectStations(roster, wiring, thresholds=thresholds, calibrations=book), None
    from controller.stations.direct_emulation import DirectEmulator

    if count > len(wiring.stations):
        message = f"the direct build has {len(wiring.stations)} stations, not {count}"
        raise DataError("--emulate-stations", "", message)
    emulator = DirectEmulator(wiring, roster.serials()[:count])
    with emulator.default_pins():
        direct = DirectStations(
            roster,
            wiring,
            thresholds=thresholds,
            calibrations=book,
            pin_factory=emulator.factory,
            bus=emulator.bus,
            resources=[emulator],
        )
    log.info("%d emulated direct-wired stations started", count)
    return direct, emulator


def station_assigner(
    stations: Stations, path: str | Path, network: Network
) -> Callable[[str, int], Roster] | None:
    """What gives a missing station a new board, for the technician desk: the installation
    file at ``path`` rewritten (:func:`~controller.commands.installation_file.assign_station`)
    and the links going on with it. None on the direct build (its stations have no boards)."""
    links = stations.links
    if not isinstance(links, Links):
        return None

    def assign(serial: str, station_id: int) -> Roster:
        roster = assign_station(path, station_id, serial, network).roster
        links.use_roster(roster)
        stations.roster = roster
        return roster

    return assign


def open_links(args: argparse.Namespace) -> Links | DirectStations:
    """The links alone (``neurones calibrate`` and ``diagnose``); closing them ends any
    emulated stations."""
    return open_stations(args).links


def _default_network():
    from controller.network import DEFAULT_NETWORK

    return DEFAULT_NETWORK


def _with_state_dir(args: argparse.Namespace) -> argparse.Namespace:
    """The options, with ``state_dir`` None if the command has no ``--state-dir``."""
    if not hasattr(args, "state_dir"):
        args.state_dir = None
    return args


def emulated_serials(roster: Roster, count: int) -> list[str]:
    """The serials of ``count`` emulated stations: the roster's, then made-up ones (unknown
    boards, as a technician sees a board not yet in the file)."""
    serials = roster.serials()[:count]
    extra = 0
    while len(serials) < count:
        extra += 1
        serial = f"E66FFFFFFFFF{extra:04X}"
        if serial not in serials:
            serials.append(serial)
    return serials


def start_emulator(serials: Sequence[str]) -> Any:
    """Start emulated stations with these serials (each its own process and pty).

    :raises DataError: for a bad serial, or (one line saying how to get it) when MicroPython's
        unix port, which runs their firmware, is missing.
    """
    from controller.stations.board_process import MicroPythonMissing, micropython
    from controller.stations.emulation import StationEmulator

    try:
        micropython()
        emulator = StationEmulator(list(serials))
    except MicroPythonMissing as exc:
        raise DataError("--emulate-stations", "", str(exc)) from None
    except ValueError as exc:
        raise DataError("--emulate-stations", "serial", str(exc)) from None
    emulator.start()
    log.info("%d emulated stations started", len(serials))
    return emulator


class ChaosSource:
    """A source that makes the emulated stations misbehave every frame (it sends no events).

    :param settle_at: when to stop the chaos and replug everything (None: never), so a
        timed run ends with every station back.
    :param seed: the seed the chaos draws its faults from (for the report).
    """

    def __init__(
        self,
        chaos: Any,
        links: Links | DirectStations,
        settle_at: float | None = None,
        seed: int | None = None,
    ) -> None:
        self.chaos = chaos
        self.links = links
        self.settle_at = settle_at
        self.seed = seed
        self.settled = False

    def poll(self, now: float) -> list[Event]:
        """Start and end faults; settle once the time comes."""
        if self.settled:
            return []
        if self.settle_at is not None and now >= self.settle_at:
            self.chaos.settle()
            self.links.rescan_now()
            self.settled = True
            log.info("chaos over: %s", _counts(self.chaos))
            return []
        self.chaos.step(now)
        return []

    def close(self) -> None:
        """Nothing to release: the emulator belongs to the links."""


def start_chaos(stations: Stations, args: argparse.Namespace, start: float) -> ChaosSource | None:
    """The chaos source ``--chaos`` asks for, or None; its seed is ``--seed``, else a new one
    (logged, so a run's faults can be replayed)."""
    if not getattr(args, "chaos", False):
        return None
    if stations.emulator is None:
        raise DataError("--chaos", "", "needs --emulate-stations N (it never touches real ones)")
    from controller.stations.direct_emulation import DirectChaos, DirectEmulator
    from controller.stations.emulation import Chaos

    kind = DirectChaos if isinstance(stations.emulator, DirectEmulator) else Chaos
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    log.info("chaos with seed %d (--seed %d replays its faults)", seed, seed)
    chaos = kind(stations.emulator, seed=seed, rate=args.chaos_rate)
    settle_at = None if args.duration is None else start + max(0.0, args.duration - SETTLE_S)
    return ChaosSource(chaos, stations.links, settle_at, seed)


def _counts(chaos: Any) -> dict:
    return dict(getattr(chaos, "counts", {}))


def stations_report(
    stations: Stations, installation: Installation, chaos: ChaosSource | None = None
) -> dict[str, Any]:
    """The end-of-run summary ``neurones run --report`` writes: per station its figures
    (:class:`~controller.diagnosis.StationFigures`: neuron, online state, frames, errors by
    kind, reconnects, the threshold its slider sets…), the neuron's last threshold and, if the
    slider is held until it catches that threshold (pickup), which way it must move; the
    controller's own uptime and crash count; under chaos, the faults started and their seed."""
    scene = installation.scene
    thresholds = scene.thresholds if scene is not None else {}
    rows = []
    for figures in stations.links.figures():
        neuron = figures.neuron
        threshold = thresholds.get(neuron) if neuron else None
        pickup = scene.station(neuron).pickup if scene is not None and neuron else None
        rows.append({**figures.to_json(), "threshold": threshold, "pickup": pickup})
    report: dict[str, Any] = {
        "uptime_s": round(installation.uptime(), 1),
        "frames": installation.stats.frames,
        "crashes": installation.stats.crashes,
        "last_error": installation.stats.last_error,
        "stations": rows,
        "online": sum(r["online"] for r in rows),
        "errors": sum(r["errors"] for r in rows),
        "reconnects": sum(r["reconnects"] for r in rows),
        "emulated": stations.emulator is not None,
    }
    if chaos is not None:
        report["chaos"] = _counts(chaos.chaos)
        report["chaos_seed"] = chaos.seed
    return report


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of stations, got {text!r}") from None
    if not 0 <= value <= 64:
        raise argparse.ArgumentTypeError(f"expected 0 to 64 stations, got {value}")
    return value
