"""``neurones calibrate [STATION…]``: walk the technician through each slider in the terminal.

For each station: a live bar of the raw reading, "slide fully left… hold", "fully right…
hold", then the optional ruler marks. A slider held still at the right place for two seconds
is measured by itself; Enter measures wherever it is (for a slider that never gets there, so
the checks can say what is wrong). A good calibration is saved at once (atomically, the
previous version kept) and a bad one is not saved: the technician is told what to check.

``--export FILE`` and ``--import FILE`` copy the calibrations between Pis or to a safe place.
The technician screen does the same from the stations' own buttons (controller.technician.desk).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from typing import TextIO

from controller.calibration import (
    FULL_SCALE,
    Ruler,
)
from controller.commands.options import (
    add_language_option,
    bounded,
    output_file,
    technician_name,
)
from controller.commands.stations import (
    add_state_dir_option,
    add_station_options,
    calibration_store,
    open_links,
)
from controller.datafile import DataError
from controller.diagnosis import FAULT, OK, StationFigures
from controller.stations.port import readable
from controller.technician.desk import Calibrator, NewFrames, StationLinks
from controller.technician.procedure import Holding, Procedure
from controller.texts import Texts, load_texts

#: Exit status when a slider could not be calibrated (fault, cancelled, offline).
EXIT_NOT_CALIBRATED = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``calibrate`` to the ``neurones`` command."""
    parser = subparsers.add_parser(
        "calibrate",
        help="calibrate the stations' sliders in the terminal; export or import calibrations",
        description="Walk through each station's slider: fully left, fully right, optional "
        "ruler marks. Good calibrations are saved in the state directory; a bad one is not, "
        "and you are told what to check.",
    )
    parser.add_argument(
        "stations",
        nargs="*",
        metavar="STATION",
        help="station number, neuron name or USB serial (default: every station online)",
    )
    parser.add_argument(
        "--marks",
        type=_numbers,
        default=(),
        metavar="V,V,…",
        help="ruler marks to measure after the ends, e.g. 5,10,15 (for non-linear sliders)",
    )
    parser.add_argument(
        "--ruler",
        type=_ruler,
        default=Ruler(),
        metavar="LOW:HIGH:STEP",
        help="thresholds printed on a ruler not calibrated before (default 0:20:1)",
    )
    parser.add_argument(
        "--hold",
        type=bounded(0.2, 30, why="seconds a slider is held still"),
        default=2.0,
        metavar="SECONDS",
        help="hold time (default 2)",
    )
    parser.add_argument(
        "--by", default=technician_name(), help="who calibrates (default: your login)"
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--export", type=output_file, metavar="FILE", help="write every calibration to FILE"
    )
    group.add_argument("--import", dest="import_", metavar="FILE", help="replace them by FILE")
    add_state_dir_option(parser)
    add_language_option(parser)
    add_station_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Export, import, or calibrate the chosen stations; exit status 0 if all went well."""
    texts = load_texts(args.lang)
    store = calibration_store(args)
    if args.export:
        count = store.export(args.export)
        print(texts.format("calibration.exported", path=args.export, count=count))
        return 0
    if args.import_:
        count = store.import_file(args.import_)
        print(texts.format("calibration.imported", path=args.import_, count=count))
        return 0
    links = open_links(args)
    try:
        calibrator = Calibrator(
            links,
            store,
            by=args.by,
            default_ruler=args.ruler,
            rulers=links.roster.rulers_by_serial(),
            marks=args.marks,
            procedure_options={"holding": Holding(hold_s=args.hold)},
            book=store.load(),
        )
        return calibrate_stations(links, calibrator, args.stations, texts, sys.stdout, sys.stdin)
    finally:
        links.close()


def calibrate_stations(
    links: StationLinks,
    calibrator: Calibrator,
    wanted: list[str],
    texts: Texts,
    out: TextIO,
    keys: TextIO,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Calibrate each wanted station in turn; return the exit status.

    This is the whole terminal procedure, apart from opening the links: tests drive it with
    emulated stations exactly as a technician does with real ones.
    """
    readings = wait_for_stations(links, clock)
    if not any(r.online for r in readings):
        print(texts["calibration.none_found"], file=out)
        return EXIT_NOT_CALIBRATED
    try:
        chosen = choose(readings, wanted)
    except DataError as exc:
        print(texts.format("calibration.unknown", station=exc.field), file=out)
        return EXIT_NOT_CALIBRATED
    enter = EnterKey(keys)
    status = 0
    for reading in chosen:
        if not reading.online:
            print(texts.format("calibration.offline", station=_number(reading)), file=out)
            status = EXIT_NOT_CALIBRATED
            continue
        procedure = walk(links, calibrator, reading, texts, out, enter, clock)
        if procedure.status != OK:
            status = EXIT_NOT_CALIBRATED
    return status


def wait_for_stations(
    links: StationLinks, clock: Callable[[], float], timeout: float = 5.0, settle: float = 1.5
) -> list[StationFigures]:
    """Pump the links until the stations have said hello; return them.

    Waits until every station the links know is online, or until some are and no other has
    come for ``settle`` seconds (the installation file lists stations not plugged in), or
    ``timeout`` seconds at most.
    """
    start = changed = clock()
    readings: list[StationFigures] = []
    heard: set[str] = set()
    while clock() - start < timeout:
        links.poll(clock())
        readings = links.figures()
        now_heard = {r.serial for r in readings if r.online and r.raw is not None}
        if now_heard != heard:
            heard, changed = now_heard, clock()
        if readings and len(heard) == len(readings):
            break
        if heard and clock() - changed >= settle:
            break
        time.sleep(0.05)
    return sorted(readings, key=lambda r: (r.station_id is None, r.station_id or 0))


def choose(readings: list[StationFigures], wanted: list[str]) -> list[StationFigures]:
    """The stations named by number, neuron or USB serial, in the order given (every station
    online if none).

    :raises DataError: for a name matching no station (the field is the name).
    """
    if not wanted:
        return [r for r in readings if r.online]
    chosen = []
    for name in wanted:
        match = [r for r in readings if name in (str(r.station_id), r.neuron, r.serial)]
        if not match:
            raise DataError("calibrate", name, "no such station")
        chosen.extend(match)
    return chosen


def walk(
    links: StationLinks,
    calibrator: Calibrator,
    reading: StationFigures,
    texts: Texts,
    out: TextIO,
    enter: EnterKey,
    clock: Callable[[], float],
) -> Procedure:
    """One station's calibration, prompts and live bar in the terminal; return how it ended."""
    serial = reading.serial
    title = texts.format("calibration.station", station=_number(reading), neuron=reading.neuron)
    print(f"\n{title}", file=out)
    calibrator.start(serial)
    new_frames = NewFrames()
    live = out.isatty()
    shown = None
    try:
        while calibrator.running(serial):
            now = clock()
            links.poll(now)
            fresh = new_frames.of(links.figures())
            calibrator.feed([r for r in fresh if r.serial == serial], now)
            if enter.pressed():
                calibrator.confirm(serial, now)
            procedure = calibrator.procedures[serial]
            shown = _prompt(procedure, texts, out, live, shown)
            time.sleep(0.02)
    except KeyboardInterrupt:
        calibrator.cancel(serial, clock())
    procedure = calibrator.procedures[serial]
    print(("\n" if live else "") + outcome_text(procedure, reading, texts, calibrator), file=out)
    return procedure


def outcome_text(
    procedure: Procedure, reading: StationFigures, texts: Texts, calibrator: Calibrator
) -> str:
    """What the technician reads when a station's calibration ends."""
    number = _number(reading)
    if procedure.status == OK and procedure.result is not None:
        saved = texts.format("calibration.saved", path=calibrator.calibrations.path)
        return f"✓ {texts.calibrated(number, procedure.result)}\n  {saved}"
    if procedure.status == FAULT:
        reasons = "\n".join(f"  • {texts.problem(p)}" for p in procedure.problems)
        return f"✗ {texts.format('calibration.fault', station=number)}\n{reasons}"
    return texts.format("calibration.cancelled", station=number)


def _prompt(procedure: Procedure, texts: Texts, out: TextIO, live: bool, shown):
    """Print the instruction when it changes; on a terminal, also redraw the live bar."""
    step = procedure.step
    if step is None:
        return shown
    instruction = texts.format(step.text_key, value=f"{step.value:g}" if step.value else "")
    if not live:
        if instruction != shown:
            print(f"  {instruction}", file=out, flush=True)
        return instruction
    if instruction != shown:
        print(f"\n  {instruction}   ({texts['calibration.confirm_terminal']})", file=out)
    held = procedure.held_for()
    hold = texts.format("calibration.holding", seconds=f"{held:.1f}") if held else ""
    out.write(f"\r  {raw_bar(procedure.last_raw)}  {hold:<20}")
    out.flush()
    return instruction


def raw_bar(raw: float | None, width: int = 40) -> str:
    """``[████████········] 2047``: the raw reading as a bar and a number."""
    if raw is None:
        return "[" + "·" * width + "]     –"
    filled = round(width * min(1.0, max(0.0, raw / FULL_SCALE)))
    return f"[{'█' * filled}{'·' * (width - filled)}] {raw:5.0f}"


class EnterKey:
    """Enter pressed on the terminal, checked without waiting (a poll of standard input)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.closed = not _selectable(stream)

    def pressed(self) -> bool:
        """Whether a line was typed since the last call (end of input counts as nothing)."""
        if self.closed:
            return False
        if not readable([self.stream], 0):
            return False
        if self.stream.readline() == "":
            self.closed = True  # input ended (a pipe, /dev/null): never a key again
            return False
        return True


def _selectable(stream: TextIO) -> bool:
    try:
        stream.fileno()
    except (OSError, ValueError, AttributeError):
        return False
    return True


def _number(reading: StationFigures) -> str:
    return str(reading.station_id) if reading.station_id is not None else reading.serial


def _numbers(text: str) -> tuple[float, ...]:
    try:
        numbers = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        numbers = (math.nan,)
    if not all(map(math.isfinite, numbers)):
        raise argparse.ArgumentTypeError(f"expected numbers like 5,10,15, got {text!r}")
    return numbers


def _ruler(text: str) -> Ruler:
    try:
        low, high, step = (float(v) for v in text.split(":"))
    except ValueError:
        low = high = step = math.nan
    if not all(map(math.isfinite, (low, high, step))):
        message = f"expected LOW:HIGH:STEP like 0:20:1, got {text!r}"
        raise argparse.ArgumentTypeError(message)
    if high <= low or step <= 0:
        raise argparse.ArgumentTypeError(f"expected LOW < HIGH and STEP > 0, got {text!r}")
    return Ruler(low, high, step)
