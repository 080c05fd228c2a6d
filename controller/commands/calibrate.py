"""``neurones calibrate [STATION…]``: walk the technician through each slider in the terminal.

For each station: a live bar of the raw reading, "slide fully left… hold", "fully right…
hold", then the optional ruler marks. A slider held still at the right place for two seconds
is measured by itself; Enter measures wherever it is (for a slider that never gets there, so
the checks can say what is wrong). A good calibration is saved at once (atomically, the
previous version kept) and a bad one is not saved: the technician is told what to check.
Ctrl-C leaves at once: the station under way is not saved, those done before are.

With ``--emulate-stations N`` there is no hand on the sliders, so the walk-through lends one:
``<`` and Enter moves the emulated slider fully left, ``>`` fully right, a ruler value (``5``)
onto that mark, and the procedure measures it as it would a real slider.

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
    open_stations,
)
from controller.datafile import DataError
from controller.diagnosis import FAULT, OK, StationFigures
from controller.stations.port import readable
from controller.technician.desk import Calibrator, NewFrames, StationLinks
from controller.technician.procedure import Holding, Procedure
from controller.texts import Texts, load_texts

#: Exit status when a slider could not be calibrated (fault, cancelled, offline).
EXIT_NOT_CALIBRATED = 1
#: Exit status after Ctrl-C (the shell's 128 + SIGINT).
EXIT_INTERRUPTED = 130
#: What an emulated slider reads at its ends (the ADC's scale).
LEFT_RAW, RIGHT_RAW = 0.0, float(FULL_SCALE)


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
    stations = open_stations(args)
    links = stations.links
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
        hand = None if stations.emulator is None else EmulatedHand(stations.emulator, calibrator)
        return calibrate_stations(
            links, calibrator, args.stations, texts, sys.stdout, sys.stdin, hand=hand
        )
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
    hand: EmulatedHand | None = None,
) -> int:
    """Calibrate each wanted station in turn; return the exit status.

    This is the whole terminal procedure, apart from opening the links: tests drive it with
    emulated stations exactly as a technician does with real ones (``hand`` moves their
    sliders as the technician types). Ctrl-C stops it all, with one line saying how far it got.
    """
    chosen: list[StationFigures] = []
    calibrated = 0
    try:
        readings = wait_for_stations(links, clock, wanted=wanted)
        if not any(r.online for r in readings):
            print(texts["calibration.none_found"], file=out)
            return EXIT_NOT_CALIBRATED
        try:
            chosen = choose(readings, wanted)
        except DataError as exc:
            print(texts.format("calibration.unknown", station=exc.field), file=out)
            return EXIT_NOT_CALIBRATED
        if hand is not None:
            print(texts["calibration.emulated_hand"], file=out)
        keyboard = Keyboard(keys)
        status = 0
        for reading in chosen:
            if not reading.online:
                print(texts.format("calibration.offline", station=_number(reading)), file=out)
                status = EXIT_NOT_CALIBRATED
                continue
            procedure = walk(links, calibrator, reading, texts, out, keyboard, clock, hand)
            if procedure.status == OK:
                calibrated += 1
            else:
                status = EXIT_NOT_CALIBRATED
        return status
    except KeyboardInterrupt:
        for serial in list(calibrator.procedures):
            calibrator.cancel(serial, clock())
        total = len(chosen)
        print(
            "\n" + texts.format("calibration.interrupted", calibrated=calibrated, total=total),
            file=out,
            flush=True,
        )
        return EXIT_INTERRUPTED


def wait_for_stations(
    links: StationLinks,
    clock: Callable[[], float],
    timeout: float = 5.0,
    settle: float = 1.5,
    wanted: list[str] | None = None,
) -> list[StationFigures]:
    """Pump the links until the stations have said hello; return them.

    Waits until every station the links know is online (or every one ``wanted`` names), or
    until some are and no other has come for ``settle`` seconds (the installation file lists
    stations not plugged in), or ``timeout`` seconds at most.
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
        if wanted and all(_online(readings, name) for name in wanted):
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
        match = [r for r in readings if _named(r, name)]
        if not match:
            raise DataError("calibrate", name, "no such station")
        chosen.extend(match)
    return chosen


def _named(reading: StationFigures, name: str) -> bool:
    """Whether ``name`` is the station's number, neuron or USB serial."""
    return name in (str(reading.station_id), reading.neuron, reading.serial)


def _online(readings: list[StationFigures], name: str) -> bool:
    """Whether a station named ``name`` is online and reading."""
    return any(_named(r, name) and r.online and r.raw is not None for r in readings)


def walk(
    links: StationLinks,
    calibrator: Calibrator,
    reading: StationFigures,
    texts: Texts,
    out: TextIO,
    keyboard: Keyboard,
    clock: Callable[[], float],
    hand: EmulatedHand | None = None,
) -> Procedure:
    """One station's calibration, prompts and live bar in the terminal; return how it ended.

    A line typed is Enter ("measure where it is"), unless ``hand`` takes it as a move of an
    emulated slider. Ctrl-C is left to the caller: it ends the whole walk-through.
    """
    serial = reading.serial
    title = texts.format("calibration.station", station=_number(reading), neuron=reading.neuron)
    print(f"\n{title}", file=out)
    calibrator.start(serial)
    new_frames = NewFrames()
    live = out.isatty()
    shown = None
    while calibrator.running(serial):
        now = clock()
        links.poll(now)
        fresh = new_frames.of(links.figures())
        calibrator.feed([r for r in fresh if r.serial == serial], now)
        line = keyboard.line()
        if line is not None and not (hand is not None and hand.move(serial, line)):
            calibrator.confirm(serial, now)
        procedure = calibrator.procedures[serial]
        shown = _prompt(procedure, texts, out, live, shown)
        time.sleep(0.02)
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


class Keyboard:
    """Lines typed on the terminal, checked without waiting (a poll of standard input)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.closed = not _selectable(stream)

    def line(self) -> str | None:
        """The line typed since the last call, without its end (``""`` for Enter alone), or
        None if nothing was typed (end of input counts as nothing)."""
        if self.closed:
            return None
        if not readable([self.stream], 0):
            return None
        line = self.stream.readline()
        if line == "":
            self.closed = True  # input ended (a pipe, /dev/null): never a key again
            return None
        return line.strip()


class EmulatedHand:
    """The technician's hand on an emulated station's slider, lent by the walk-through: ``<``
    puts it fully left, ``>`` fully right, a number on that value of the station's ruler (the
    emulated slider's travel spans the ADC's whole scale, evenly).

    :param emulator: the emulated stations (anything with ``set_slider(serial, raw)``).
    :param calibrator: where the station's ruler is found.
    """

    def __init__(self, emulator, calibrator: Calibrator) -> None:
        self.emulator = emulator
        self.calibrator = calibrator

    def raw_for(self, serial: str, typed: str) -> float | None:
        """The raw reading ``typed`` puts the slider at, or None if it is not a move."""
        if typed in ("<", ">"):
            return LEFT_RAW if typed == "<" else RIGHT_RAW
        try:
            value = float(typed.replace(",", "."))  # a French technician types 7,5
        except ValueError:
            return None
        ruler = self.calibrator.ruler_for(serial)
        if not (math.isfinite(value) and ruler.low <= value <= ruler.high):
            return None
        return LEFT_RAW + (value - ruler.low) / (ruler.high - ruler.low) * (RIGHT_RAW - LEFT_RAW)

    def move(self, serial: str, typed: str) -> bool:
        """Move the slider if ``typed`` says where; whether it did."""
        raw = self.raw_for(serial, typed)
        if raw is None:
            return False
        self.emulator.set_slider(serial, raw)
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
