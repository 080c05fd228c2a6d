"""``neurones diagnose [--json]``: every station's live figures, the console, the last errors.

Listens to the stations for a moment (``--for``, default 2 s) to measure frame rates and slider
noise, then prints one line per station: online, firmware, raw and filtered slider, the value
it sets, noise, buttons held, frames per second, errors, reconnects, calibrated. Then the leader
console's buttons and key, the LED test patterns, and the last errors. ``--json`` gives the same
as one JSON object; ``--udev-rules`` prints the rules naming each station /dev/neuron-station-NN.

A board the installation file does not know, online while a station is missing, is the board
that replaced a dead one: a line offers it the missing station's place, with the command that
gives it, ``neurones diagnose --assign N=SERIAL``. That rewrites the installation file (only that
station's serial line; the previous file kept) and asks for the new board's calibration.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from controller.commands.calibrate import EmulatedHand, calibrate_stations
from controller.commands.installation_file import assign_station
from controller.commands.options import add_language_option, bounded, technician_name
from controller.commands.stations import (
    Stations,
    add_state_dir_option,
    add_station_options,
    calibration_store,
    open_stations,
)
from controller.datafile import DataError
from controller.diagnosis import COLUMNS, Diagnosis
from controller.kiosk.udev import udev_rules
from controller.network import load_network
from controller.stations.direct import DirectStations
from controller.stations.links import Links
from controller.technician.desk import Calibrator, StationLinks, TechnicianDesk
from controller.technician.procedure import Holding
from controller.technician.store import CalibrationStore
from controller.texts import Texts, load_texts


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``diagnose`` to the ``neurones`` command."""
    parser = subparsers.add_parser(
        "diagnose",
        help="list every station's live figures, the console and the last errors",
        description="Listen to the stations for a moment, then list each one: online, "
        "firmware, raw and filtered slider, noise, buttons, frames per second, errors, "
        "reconnects; the leader console; the LED test patterns; the last errors.",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--for",
        dest="duration",
        type=bounded(0.1, 3600, why="seconds of listening"),
        default=2.0,
        metavar="SECONDS",
        help="how long to listen (default 2)",
    )
    parser.add_argument(
        "--udev-rules",
        action="store_true",
        help="print udev rules naming the stations plugged in /dev/neuron-station-NN",
    )
    parser.add_argument(
        "--assign",
        type=assignment,
        metavar="N=SERIAL",
        help="give missing station N the board SERIAL that replaced it (a board the "
        "installation file does not know, online): the file's serial line is rewritten, the "
        "previous file kept, then the board's slider is calibrated",
    )
    add_state_dir_option(parser)
    add_language_option(parser)
    add_station_options(parser)
    parser.set_defaults(func=run)


def assignment(text: str) -> tuple[int, str]:
    """An argparse type: ``N=SERIAL``, a station number and a board's USB serial."""
    found = re.fullmatch(r"\s*(\d+)\s*=\s*([0-9A-Fa-f]{2,64})\s*", text)
    if found is None:
        raise argparse.ArgumentTypeError(f"expected N=SERIAL like 7=E66038B7133B5C2F, got {text!r}")
    return int(found[1]), found[2].upper()


def run(args: argparse.Namespace) -> int:
    """Listen, then print the diagnosis (or the udev rules), or give a missing station its new
    board; exit status 0 (with ``--assign``, that of the calibration)."""
    errors = RecentErrors()
    logging.getLogger().addHandler(errors)
    stations = open_stations(args)
    links = stations.links
    try:
        diagnosis = listen(links, calibration_store(args), args.duration, errors.messages)
        if args.assign:
            texts = load_texts(args.lang)
            path = Path(args.installation)
            return assign_board(
                stations, path, args.assign, diagnosis, texts, sys.stdout, sys.stdin
            )
    finally:
        links.close()
        logging.getLogger().removeHandler(errors)
    if args.udev_rules:
        # Stations wired straight to the Pi have no USB port to name: no rules for them.
        usb = not isinstance(links, DirectStations)
        plugged = diagnosis.stations if usb else ()
        known = [(s.serial, s.station_id) for s in plugged if s.station_id and s.online]
        sys.stdout.write(udev_rules(known))
    elif args.json:
        print(json.dumps(diagnosis.to_json(), indent=2, ensure_ascii=False))
    else:
        print(format_table(diagnosis, load_texts(args.lang)))
    return 0


def assign_board(
    stations: Stations,
    path: Path,
    assigned: tuple[int, str],
    diagnosis: Diagnosis,
    texts: Texts,
    out: TextIO,
    keys: TextIO,
    holding: Holding | None = None,
) -> int:
    """Give the missing station the new board the diagnosis heard (``assigned``: its number
    and the board's serial), in the installation file at ``path`` and in the links; then ask
    for its calibration, and walk it through if the answer is yes.

    :raises DataError: if the board is not a new one online, or the station is not missing.
    """
    station_id, serial = assigned
    links = stations.links
    if not isinstance(links, Links):
        raise DataError("--assign", "", "the direct build's stations are wired, not boards")
    offer = next((o for o in diagnosis.swaps if o.serial == serial), None)
    if offer is None:
        raise DataError("--assign", serial, "no new board with this serial is online")
    if station_id not in [number for number, _ in offer.missing]:
        raise DataError("--assign", str(station_id), "not a missing station (its board is here)")
    setup = assign_station(path, station_id, serial, load_network())
    links.use_roster(setup.roster)
    entry = setup.roster.by_serial[serial]
    versions = path.parent / "versions" / path.name
    print(
        texts.format(
            "technician.swap_assigned",
            station=station_id,
            neuron=entry.neuron,
            serial=serial,
            versions=versions,
        ),
        file=out,
    )
    print(texts["technician.swap_calibrate"], file=out, flush=True)
    answer = keys.readline()
    if answer == "" or answer.strip().lower() in ("n", "non", "no"):
        print(texts.format("technician.swap_later", station=station_id), file=out)
        return 0
    calibrator = Calibrator(
        stations.links,
        stations.store,
        by=technician_name(),
        default_ruler=setup.roster.default_ruler,
        rulers=setup.roster.rulers_by_serial(),
        procedure_options={"holding": holding or Holding()},
        book=stations.store.load(),
    )
    hand = None if stations.emulator is None else EmulatedHand(stations.emulator, calibrator)
    return calibrate_stations(
        stations.links, calibrator, [str(station_id)], texts, out, keys, hand=hand
    )


def listen(
    links: StationLinks,
    calibrations: CalibrationStore,
    duration: float,
    errors: Callable[[], tuple[str, ...]] = tuple,
    clock: Callable[[], float] = time.monotonic,
) -> Diagnosis:
    """Pump the links for ``duration`` seconds, watching every frame; return the diagnosis."""
    calibrator = Calibrator(links, calibrations, by="", book=calibrations.load())
    desk = TechnicianDesk(links, calibrator, errors=errors)
    start = now = clock()
    while now - start < duration:
        links.poll(now)
        desk.poll(now)  # outside technician mode the desk only watches
        time.sleep(0.01)
        now = clock()
    return desk.diagnosis(links.figures(), now)


class RecentErrors(logging.Handler):
    """Keeps the last warnings and errors logged, for the diagnosis's "last errors"."""

    def __init__(self, keep: int = 10) -> None:
        super().__init__(level=logging.WARNING)
        self._messages: deque[str] = deque(maxlen=keep)

    def emit(self, record: logging.LogRecord) -> None:
        """Remember one record as ``HH:MM:SS name: message``."""
        stamp = time.strftime("%H:%M:%S", time.localtime(record.created))
        self._messages.append(f"{stamp} {record.name}: {record.getMessage()}")

    def messages(self) -> tuple[str, ...]:
        """The messages kept, oldest first."""
        return tuple(self._messages)


def format_table(diagnosis: Diagnosis, texts: Texts) -> str:
    """The diagnosis as the text ``neurones diagnose`` prints: stations, console, patterns."""
    header = tuple(texts[f"technician.{c}"] for c in COLUMNS)
    rows = [header, *(texts.station_row(s) for s in diagnosis.stations)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    none = texts["technician.none"]
    console_line = texts.console(diagnosis.console)
    patterns = ", ".join(diagnosis.led_patterns) or none
    lines += [
        "",
        texts.format("technician.line", label=texts["technician.console"], value=console_line),
        texts.format("technician.line", label=texts["technician.patterns"], value=patterns),
        texts.format("technician.line", label=texts["technician.last_errors"], value=""),
        *(f"  {e}" for e in diagnosis.last_errors or (none,)),
    ]
    if diagnosis.swaps:
        lines += ["", *(texts.swap_line(offer) for offer in diagnosis.swaps)]
    return "\n".join(line.rstrip() for line in lines)
