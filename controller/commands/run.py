"""``neurones run``: the installation itself.

The station links always run: every station of the installation file found on the USB bus
takes part, and one plugged in later joins by itself. With none plugged in it is the simulated
installation: a window where the mouse drags the rulers' thresholds and clicks the stations'
buttons, the keyboard stands for the leader console, and a panel shows the LED floor.
``--headless`` runs the same loop without a window.

``--emulate-stations N`` runs N emulated stations (the real firmware on pseudo-terminals),
``--chaos`` makes them misbehave, ``--for SECONDS`` stops the run and ``--report FILE`` writes
a JSON summary at the end (per station: neuron, online, frames, errors, reconnects, threshold;
the controller's uptime and crash count; and a rehearsal's outcome, below).

It starts in the mode ``[modes] start`` of ``data/installation.toml`` names (the console's key
changes it), or in the workshop with ``--workshop``. Rehearsals (:mod:`controller.modes.rehearsal`):
``--workshop --autoplay`` lets a scripted class play the whole workshop, ``--visitor`` a
scripted visitor; ``--report FILE`` writes how it went as JSON. Headless, a rehearsal runs on a
simulated clock, as fast as the machine allows.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from controller.challenges import DEFAULT_CHALLENGES, load_challenges
from controller.commands.data_files import DataFiles
from controller.commands.diagnose import RecentErrors
from controller.commands.installation_file import InstallationFile, load_installation
from controller.commands.options import (
    add_language_option,
    add_network_options,
    bounded,
    digit_library,
    listen_address,
    network_from,
    output_file,
    screen_size,
    technician_name,
)
from controller.commands.progress import ProgressLine
from controller.commands.stations import (
    ChaosSource,
    Stations,
    add_state_dir_option,
    add_station_options,
    open_stations,
    start_chaos,
    station_assigner,
    stations_report,
)
from controller.console import Console, open_console
from controller.datafile import DataError
from controller.digits import DigitSet, shipped_sets
from controller.floor.patterns import LED_PATTERNS
from controller.floor.sink import FloorSink, open_floor
from controller.kiosk.fault import DataWatch, FaultRules, fault_view
from controller.kiosk.health import DEFAULT_PORT, HOST, Expected, serve_health
from controller.kiosk.last_good import keep_last_good, last_good_dir
from controller.kiosk.restarts import wait_before_start
from controller.kiosk.service import ServiceNotifier
from controller.kiosk.shutdown import SafeShutdown
from controller.loop import Installation, Part, Sink, Source
from controller.modes import engine, rehearsal
from controller.modes.actors import DWELL_S, VisitorState
from controller.modes.finale import Trainer
from controller.network import Network
from controller.opening_hours import OpeningHours
from controller.scene import VIEWS, Mode, Scene
from controller.script import DEFAULT_SCRIPT, load_script
from controller.session import ModeSettings, Session
from controller.storage import default_state_dir, write_atomically
from controller.technician.desk import Calibrator, TechnicianDesk
from controller.texts import languages, load_texts

#: A headless rehearsal stops after this much simulated time if it has not finished by then.
REHEARSAL_LIMIT_S = 3 * 3600.0
#: Frames a second while the installation waits for a data file to be fixed: a still message.
FAULT_FPS = 10.0
#: The longest ``--for``: a month (a run meant to last longer needs no ``--for``).
MAX_RUN_S = 31 * 24 * 3600.0
#: Seconds between two moves of a scripted class or visitor when a person watches in a window.
WINDOW_PACE_S = 0.6

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``run`` to the ``neurones`` command."""
    parser = subparsers.add_parser(
        "run",
        help="run the installation (simulated when no hardware is plugged in)",
        description="Run the installation: stations, leader console, screen and LED floor. "
        "Without hardware, a window simulates the stations and shows the floor.",
    )
    parser.add_argument("--headless", action="store_true", help="run without a window")
    parser.add_argument(
        "--for",
        dest="duration",
        type=bounded(0, MAX_RUN_S, why="a longer run needs no --for"),
        metavar="SECONDS",
        help="stop after this many seconds",
    )
    parser.add_argument(
        "--dataset",
        default="grandeur-nature",
        choices=shipped_sets(),
        help="digit set shown first (default: grandeur-nature)",
    )
    parser.add_argument(
        "--size",
        type=screen_size,
        default=(1280, 720),
        metavar="WxH",
        help="window size (default 1280x720)",
    )
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen (kiosk)")
    parser.add_argument(
        "--no-panel",
        action="store_true",
        help="leave the simulation panel (stations and LED floor beside the view) out of the "
        "window, as on a Pi with real stations; S still shows it",
    )
    parser.add_argument(
        "--fps",
        type=bounded(1, 120, why="no screen draws faster"),
        default=60.0,
        help="frame rate (default 60)",
    )
    parser.add_argument(
        "--health-port",
        type=bounded(-1, 65535, whole=True, why="a TCP port, or -1 for none"),
        default=DEFAULT_PORT,
        metavar="PORT",
        help=f"serve the read-only health page (/health) and Prometheus metrics (/metrics) "
        f"on PORT (default {DEFAULT_PORT}; 0 picks a free port; -1 turns them off)",
    )
    parser.add_argument(
        "--health-address",
        type=listen_address,
        default=HOST,
        metavar="ADDRESS",
        help=f"the address they listen on (default {HOST}, this machine only; a LAN address "
        "of the Pi for a fleet's Prometheus)",
    )
    parser.add_argument(
        "--led-test",
        metavar="PATTERN",
        choices=LED_PATTERNS,
        help=f"hold an LED test pattern on the floor: {', '.join(LED_PATTERNS)}",
    )
    parser.add_argument(
        "--no-floor", action="store_true", help="run without the LED floor (no frames, no panel)"
    )
    parser.add_argument(
        "--last-good",
        action="store_true",
        help="start from the last good copies of the data files (kept in the state directory "
        "each time the installation starts), not from data/: when a file edited on the Pi is "
        "wrong",
    )
    parser.add_argument(
        "--allow-poweroff",
        action="store_true",
        help="let the console's long press on reset (key on technician) power the Pi off",
    )
    modes_group = parser.add_argument_group("modes and rehearsals")
    modes_group.add_argument(
        "--workshop",
        action="store_true",
        help="start in the guided workshop (as if the console's key were on workshop)",
    )
    modes_group.add_argument(
        "--autoplay",
        action="store_true",
        help="with --workshop: a scripted class plays the whole workshop, giving the right "
        "answers and making the script's moves, and the leader presses reveal and next (the "
        "leader's rehearsal); stops at the end of the script",
    )
    modes_group.add_argument(
        "--visitor",
        action="store_true",
        help="a scripted visitor plays the visitor mode: attract, a press, a challenge solved, "
        "idle back to attract with the defaults, a slider left off its default picked up",
    )
    modes_group.add_argument(
        "--pace",
        type=bounded(0.01, 60, why="seconds between two moves"),
        metavar="SECONDS",
        help="seconds between two moves of the scripted class or visitor (default "
        f"{rehearsal.DEFAULT_PACE_S} headless, {WINDOW_PACE_S} with a window); headless, "
        "rehearsals run on a simulated clock, as fast as the machine allows",
    )
    parser.add_argument(
        "--report",
        type=output_file,
        metavar="FILE",
        help="write a JSON report at the end: every station's figures (neuron, online, "
        "frames, errors, reconnects, threshold), the controller's uptime and crash count; after "
        "a rehearsal also each workshop step with its outcome, conditions and duration, or the "
        "visitor phases seen and their checks, and the command then exits 1 if it failed",
    )
    add_network_options(parser)
    add_language_option(parser)
    add_state_dir_option(parser)
    add_station_options(parser, chaos=True)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the installation from the options, run it, close it.

    Exit status 0; 1 without a display for the window, or when a rehearsal with ``--report``
    failed.
    """
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.autoplay and not args.workshop:
        args.workshop = True  # the class only plays the workshop
    rehearsing = args.autoplay or args.visitor
    # Headless, a rehearsal runs on a simulated clock, as fast as the machine allows; with
    # emulated stations it plays on the boards themselves, which live in real time.
    simulated = rehearsing and args.headless and not args.emulate_stations
    clock = rehearsal.SimulatedClock() if simulated else None
    now = clock.now if clock else time.monotonic
    wait_before_start(state_dir_of(args))  # under systemd: a storm of restarts backs off
    files = DataFiles.of(args)
    args.network, args.installation = str(files.network), str(files.installation)
    deadline = None if args.duration is None else now() + args.duration
    # Every data file first: a mistake shows the technician's message (or, in a rehearsal,
    # stops the command) before anything opens.
    while True:
        try:
            network, setup, session = load_data(args, files, now())
            break
        except DataError as error:
            if rehearsing or not files.holds(error.source):
                raise
            if not wait_for_fix(args, files, error, deadline):
                return error.exit_status
    if not args.last_good:
        keep_last_good(last_good_dir(state_dir_of(args)), files.copies())
    if deadline is not None:
        args.duration = max(0.0, deadline - now())
    errors = RecentErrors()
    logging.getLogger().addHandler(errors)
    floor = None if args.no_floor else open_floor(network, setup.floor, pattern=args.led_test)
    window = None
    if not args.headless:
        window = open_window(args)
        if window is None:
            if floor is not None:
                floor.close()
            return 1
    stations = None
    if clock is None:
        stations = open_stations(args, network, setup)
    else:  # stations live in real time; a rehearsal on a simulated clock plays without them
        log.info("headless rehearsal on a simulated clock: the station links stay closed")
    driver, phases = rehearsal_parts(args, stations)
    actors = () if driver is None else (driver, phases)
    console = open_console(setup.console)
    installation = build_installation(
        args,
        setup,
        session,
        stations,
        console,
        window,
        floor,
        errors,
        clock=now,
        actors=actors,
        # A rehearsal on a simulated clock plays whatever the hour.
        hours=None if clock is not None else setup.hours,
    )
    chaos = None if stations is None else start_chaos(stations, args, now())
    if chaos is not None:
        installation.sources.append(chaos)
    if args.health_port >= 0:
        serve_health(
            installation,
            args.health_port,
            host=args.health_address,
            leds=floor.health if floor else tuple,
            stations=stations.links.figures if stations is not None else tuple,
            expected=Expected(setup.expected_stations, setup.console_configured),
            console=console is not None,
        )
    duration = args.duration
    if clock is not None and duration is None:
        duration = REHEARSAL_LIMIT_S
    if args.duration is not None or rehearsing:  # a long run says what it does as it goes
        show_progress(installation, args.duration)
    sleep = clock.sleep if clock is not None else _links_wait(stations)
    with _stop_on_signals(installation):
        try:
            installation.run(duration, sleep=sleep)
        finally:
            report = run_report(stations, installation, chaos) if args.report else None
            installation.close()
            logging.getLogger().removeHandler(errors)
    if report is None:
        return 0
    if driver is not None:
        report.update(rehearsal_report(installation.session, driver, phases))
    write_report(args.report, report)
    if driver is None:
        return 0
    section = report["workshop" if args.workshop else "visitor"]
    print(f"neurones: rehearsal {'passed' if section['passed'] else 'FAILED'}: {args.report}")
    return 0 if section["passed"] else 1


def show_progress(installation: Installation, duration: float | None) -> ProgressLine:
    """Add a progress line on standard error (if it is a terminal) to the loop's sinks; the
    log's lines wipe it first, so each stays on a line of its own."""
    progress = ProgressLine(sys.stderr, duration)
    progress.wipe_before_logs()
    installation.sinks.append(progress)
    return progress


def wait_for_fix(
    args: argparse.Namespace, files: DataFiles, error: DataError, deadline: float | None
) -> bool:
    """Tell ``error`` to the technician until a data file changes: on the whole screen (a
    window unless ``--headless``), on the health page (status ``error``, the same text), in the
    log; systemd's watchdog is fed meanwhile. True once a file has changed (load them again);
    False if the run was stopped first (Escape, a signal, the end of ``--for``)."""
    print(f"neurones: error: {error}", file=sys.stderr)
    log.info("waiting for the data file to be fixed (it is looked at every second)")
    watch = DataWatch(files.watched())
    window = None if args.headless else open_window(args)
    parts: list[Part] = [window] if window is not None else []
    installation = Installation(
        FaultRules.session(),
        FaultRules(fault_view(error)),
        sources=[watch, *parts],
        sinks=[*parts, ServiceNotifier()],
        fps=FAULT_FPS,
    )
    if args.health_port >= 0:
        serve_health(installation, args.health_port, host=args.health_address, fault=str(error))
    duration = None if deadline is None else max(0.0, deadline - time.monotonic())
    with _stop_on_signals(installation):
        try:
            installation.run(duration)
        finally:
            installation.close()
    return watch.changed


def state_dir_of(args: argparse.Namespace) -> Path:
    """The state directory the options name, else the default one."""
    return Path(args.state_dir or default_state_dir())


def build_installation(
    args: argparse.Namespace,
    setup: InstallationFile,
    session: Session,
    stations: Stations | None,
    console: Console | None,
    window: Part | None,
    floor: FloorSink | None,
    errors: RecentErrors,
    *,
    clock=time.monotonic,
    actors: tuple = (),
    hours: OpeningHours | None = None,
) -> Installation:
    """The loop's parts: the window, the LED floor, a rehearsal's ``actors`` (its driver and
    phase log), the station links, the console (or the keyboard), the technician desk, the
    safe shutdown, the trainer, systemd's notifier; and the opening ``hours``, outside which
    the floor dims and the screen sleeps (a press on the console wakes it)."""
    sources: list[Source] = []
    sinks: list[Sink] = []
    if window is not None:
        sources.append(window)
        # The loop wakes as soon as a station moves a threshold; the window draws at its rate.
        screen = Paced(window, args.fps)
        if floor is None:
            sinks.append(screen)
        else:
            # The floor hands the scene, its LED frame included, on to the window: the
            # screen's floor and the LEDs show the same frame.
            floor.screens.append(screen)
    if floor is not None:
        sinks.append(floor)
    if actors:
        driver, phases = actors
        sources.append(driver)
        sinks.extend([driver, phases])
    if console is not None:
        sources += [console, SafeShutdown(console.diagnosis, allowed=args.allow_poweroff)]
    if stations is not None:
        links = stations.links
        sources.append(links)
        sinks.append(links)
        calibrator = Calibrator(
            links,
            stations.store,
            by=technician_name(),
            default_ruler=stations.roster.default_ruler,
            rulers=stations.roster.rulers_by_serial(),
            book=stations.book,
        )
        desk = TechnicianDesk(
            links,
            calibrator,
            console=console.diagnosis if console is not None else None,
            led_patterns=LED_PATTERNS,
            errors=errors.messages,
            assign=station_assigner(stations, setup.path, session.network),
        )
        sources.append(desk)
        sinks.append(desk)
    trainer = Trainer()  # the finale learns between frames while its view is shown
    sources.append(trainer)
    sinks.append(trainer)
    sinks.append(ServiceNotifier())  # READY=1 and the watchdog, when run by systemd
    rules = engine.Engine()  # the last scene kept while the session does not change
    return Installation(
        session, rules, sources=sources, sinks=sinks, fps=args.fps, clock=clock, hours=hours
    )


def run_report(
    stations: Stations | None, installation: Installation, chaos: ChaosSource | None = None
) -> dict:
    """The stations' part of ``--report`` (the loop's figures alone without stations)."""
    if stations is not None:
        return stations_report(stations, installation, chaos)
    stats = installation.stats
    return {
        "uptime_s": round(installation.uptime(), 1),
        "frames": stats.frames,
        "crashes": stats.crashes,
        "last_error": stats.last_error,
    }


def write_report(path: str, report: dict) -> None:
    """Write the report where asked (atomically: a report is read by scripts)."""
    write_atomically(Path(path), json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    log.info("report written to %s", path)


class Paced:
    """A sink that puts something new on screen at most ``fps`` times a second.

    The loop wakes as soon as a station moves a threshold, so it may build many scenes a
    second while sliders move; the window need not draw them all: the next frame draws the
    newest, at most one frame period later. A window that tells how many frames it has
    presented (``presented``, :class:`display.window.Window`) is handed every scene, and only a
    frame that presented something holds the next ones back: a move right after a still frame
    is drawn at once.
    """

    def __init__(self, sink: Sink, fps: float, clock=time.monotonic) -> None:
        self.sink = sink
        self.period = 1.0 / fps
        self.clock = clock
        self._shown: float | None = None

    def show(self, scene: Scene) -> None:
        """Draw ``scene`` unless a frame was presented less than most of a period ago."""
        now = self.clock()
        if self._shown is not None and now - self._shown < 0.75 * self.period:
            return
        before = getattr(self.sink, "presented", None)
        self.sink.show(scene)
        if before is None or getattr(self.sink, "presented", None) != before:
            self._shown = now

    def close(self) -> None:
        """Close the sink behind."""
        self.sink.close()


def load_data(
    args: argparse.Namespace, files: DataFiles, t: float = 0.0
) -> tuple[Network, InstallationFile, Session]:
    """Load and check every data file: the network (with ``--set``), the installation file,
    the digit sets, the workshop script, the visitor challenges and the texts; the network,
    the installation file and the first session.

    :raises DataError: naming the file and the key path of the first mistake.
    """
    network = network_from(args)
    setup = load_installation(files.installation, network)
    for language in languages():
        load_texts(language, files.texts)
    return network, setup, start_session(args, network, setup, t, files)


def start_session(
    args: argparse.Namespace,
    network: Network,
    setup: InstallationFile,
    t: float = 0.0,
    files: DataFiles | None = None,
) -> Session:
    """The first session: ``network``, the digit set the options name, every set at hand,
    the workshop script, the visitor challenges and the installation file's mode settings, in
    its starting mode (the files: those the options name, default the shipped ones)."""
    files = files or DataFiles.of(args)
    library = digit_library(network, files.digits)
    start: Mode | None = "workshop" if args.workshop else ("visitor" if args.visitor else None)
    return mode_session(
        network,
        library,
        library[args.dataset],
        args.lang,
        setup.modes,
        start,
        t,
        script=files.script,
        challenges=files.challenges,
    )


def mode_session(
    network: Network,
    library: dict[str, DigitSet],
    digits: DigitSet,
    language: str,
    settings: ModeSettings,
    mode: Mode | None = None,
    t: float = 0.0,
    *,
    script: Path = DEFAULT_SCRIPT,
    challenges: Path = DEFAULT_CHALLENGES,
) -> Session:
    """A session with everything the modes need, begun in ``mode`` (default: the ``settings``'
    start, the installation file's ``[modes] start``).

    :raises DataError: naming the file and field if the script or challenges are bad.
    """
    session = Session.start(
        network,
        digits,
        library=library,
        language=language,
        languages=tuple(languages()),
        settings=settings,
        script=load_script(network, library, VIEWS, script),
        challenges=load_challenges(network, library, challenges),
    )
    return engine.begin(session, mode or settings.start, t)


def rehearsal_parts(args: argparse.Namespace, stations: Stations | None = None):
    """The scripted class or visitor the options ask for, and the log of phases it goes
    through; ``(None, None)`` when nobody is scripted. With emulated stations, the scripted
    people use the stations' own sliders and buttons."""
    if not (args.autoplay or args.visitor):
        return None, None
    pace = args.pace or (rehearsal.DEFAULT_PACE_S if args.headless else WINDOW_PACE_S)
    hands = rehearsal.to_events
    if stations is not None and stations.emulator is not None:
        emulated = set(stations.emulator.serials)
        serials = {e.neuron: e.serial for e in stations.roster.stations if e.serial in emulated}
        hands = rehearsal.StationHands(stations.emulator, serials, stations.links.calibration)
    if args.autoplay:
        # The leader lets each complete step show a while: eight moves' worth.
        actor = rehearsal.class_with_dwell(max(DWELL_S, 8 * pace))
        driver = rehearsal.ActorDriver(
            actor, finished=rehearsal.workshop_finished, pace_s=pace, hands=hands
        )
    else:
        driver = rehearsal.ActorDriver(
            rehearsal.the_visitor,
            VisitorState(),
            finished=rehearsal.visitor_done,
            pace_s=pace,
            hands=hands,
        )
    return driver, rehearsal.PhaseLog()


def rehearsal_report(
    session: Session, driver: rehearsal.ActorDriver, log: rehearsal.PhaseLog
) -> dict:
    """The rehearsal's part of ``--report``: ``{"workshop": …}`` or ``{"visitor": …}``."""
    if isinstance(driver.memory, VisitorState):
        return {"visitor": rehearsal.visitor_report(session, log, driver.memory)}
    return {"workshop": rehearsal.workshop_report(session)}


def open_window(args: argparse.Namespace) -> Part | None:
    """The simulated installation's window, or None after saying why there is no display."""
    from display.window import NoDisplayError, Window

    try:
        return Window(size=args.size, fullscreen=args.fullscreen, simulation=not args.no_panel)
    except NoDisplayError as exc:
        print(f"neurones: {exc}", file=sys.stderr)
        return None


def _links_wait(stations: Stations | None) -> Callable[[float], None]:
    """The loop's sleep: the station links' wait (woken by a station's move)."""
    assert stations is not None  # opened whenever the clock is the real one
    return stations.links.wait


@contextlib.contextmanager
def _stop_on_signals(installation: Installation):
    """Stop the loop cleanly on SIGTERM/SIGINT (systemd stop, Ctrl-C)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        installation.stopping = True

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
