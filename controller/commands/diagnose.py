"""``neurones diagnose [--json]``: every station's live figures, the console, the last errors.

Listens to the stations for a moment (``--for``, default 2 s) to measure frame rates and slider
noise, then prints one line per station: online, firmware, raw and filtered slider, the value
it sets, noise, buttons held, frames per second, errors, reconnects, calibrated. Then the leader
console's buttons and key, the LED test patterns, and the last errors. ``--json`` gives the same
as one JSON object; ``--udev-rules`` prints the rules naming each station /dev/neuron-station-NN.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import deque
from collections.abc import Callable

from controller.commands.options import add_language_option, bounded
from controller.commands.stations import (
    add_state_dir_option,
    add_station_options,
    calibration_store,
    open_links,
)
from controller.diagnosis import COLUMNS, Diagnosis
from controller.kiosk.udev import udev_rules
from controller.stations.direct import DirectStations
from controller.technician.desk import Calibrator, StationLinks, TechnicianDesk
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
    add_state_dir_option(parser)
    add_language_option(parser)
    add_station_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Listen, then print the diagnosis (or the udev rules); exit status 0."""
    errors = RecentErrors()
    logging.getLogger().addHandler(errors)
    links = open_links(args)
    try:
        diagnosis = listen(links, calibration_store(args), args.duration, errors.messages)
    finally:
        links.close()
        logging.getLogger().removeHandler(errors)
    if args.udev_rules:
        # Stations wired straight to the Pi have no USB port to name: no rules for them.
        usb = not isinstance(links, DirectStations)
        stations = diagnosis.stations if usb else ()
        known = [(s.serial, s.station_id) for s in stations if s.station_id and s.online]
        sys.stdout.write(udev_rules(known))
    elif args.json:
        print(json.dumps(diagnosis.to_json(), indent=2, ensure_ascii=False))
    else:
        print(format_table(diagnosis, load_texts(args.lang)))
    return 0


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
    return "\n".join(line.rstrip() for line in lines)
