"""``neurones run``: the installation itself.

The station links always run: every station of the installation file found on the USB bus
takes part, and one plugged in later joins by itself. With none plugged in it is the simulated
installation: a window where the mouse drags the rulers' thresholds and clicks the stations'
buttons, the keyboard stands for the leader console, and a panel shows the LED floor.
``--headless`` runs the same loop without a window.

``--emulate-stations N`` runs N emulated stations (the real firmware on pseudo-terminals),
``--chaos`` makes them misbehave, ``--for SECONDS`` stops the run and ``--report FILE`` writes
a JSON summary at the end (per station: neuron, online, frames, errors, reconnects, threshold;
the controller's uptime and crash count).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from controller.app import Installation, Sink, Source
from controller.commands.calibrate import _who, add_state_dir_option
from controller.commands.diagnose import RecentErrors
from controller.commands.options import (
    add_language_option,
    add_network_options,
    network_from,
)
from controller.commands.stations import (
    ChaosSource,
    Stations,
    add_station_options,
    calibration_store,
    open_stations,
    start_chaos,
    stations_report,
)
from controller.console import load_console_pins, open_console
from controller.digits import load_digit_set, shipped_sets
from controller.health import DEFAULT_PORT, serve_health
from controller.scene import Scene
from controller.service import ServiceNotifier
from controller.session import Session
from controller.shutdown import SafeShutdown
from controller.storage import write_atomically
from controller.technician import Calibrator, TechnicianDesk

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
        "--for", dest="duration", type=float, metavar="SECONDS", help="stop after this many seconds"
    )
    parser.add_argument(
        "--dataset",
        default="grandeur-nature",
        choices=shipped_sets(),
        help="digit set shown first (default: grandeur-nature)",
    )
    parser.add_argument(
        "--size", default="1280x720", metavar="WxH", help="window size (default 1280x720)"
    )
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen (kiosk)")
    parser.add_argument("--fps", type=float, default=60.0, help="frame rate (default 60)")
    parser.add_argument(
        "--health-port",
        type=int,
        default=DEFAULT_PORT,
        metavar="PORT",
        help=f"serve the read-only health page on 127.0.0.1:PORT (default {DEFAULT_PORT}; "
        "0 picks a free port; -1 turns it off)",
    )
    parser.add_argument(
        "--allow-poweroff",
        action="store_true",
        help="let the console's long press on reset (key on technician) power the Pi off",
    )
    parser.add_argument(
        "--report",
        metavar="FILE",
        help="write a JSON summary at the end: every station's figures, uptime, crashes",
    )
    add_network_options(parser)
    add_language_option(parser)
    add_state_dir_option(parser)
    add_station_options(parser, chaos=True)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the installation from the options, run it, close it; exit status 0."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    errors = RecentErrors()
    logging.getLogger().addHandler(errors)
    session = start_session(args)
    window = None
    if not args.headless:
        window = open_window(args)
        if window is None:
            return 1
    stations = open_stations(args, session.defaults)
    installation = build_installation(args, session, stations, window, errors)
    chaos = start_chaos(stations, args, installation.clock())
    if chaos is not None:
        installation.sources.append(chaos)
    if args.health_port >= 0:
        serve_health(installation, args.health_port)
    with _stop_on_signals(installation):
        try:
            installation.run(args.duration, sleep=stations.links.wait)
        finally:
            report = run_report(stations, installation, chaos) if args.report else None
            installation.close()
            logging.getLogger().removeHandler(errors)
            if report is not None:
                write_report(args.report, report)
    return 0


def build_installation(
    args: argparse.Namespace,
    session: Session,
    stations: Stations,
    window: (Source | Sink) | None,
    errors: RecentErrors,
) -> Installation:
    """The loop's parts: the window, the station links, the console (or the keyboard), the
    technician desk, the safe shutdown, systemd's notifier."""
    links = stations.links
    sources: list[Source] = []
    sinks: list[Sink] = []
    if window is not None:
        sources.append(window)
        sinks.append(Paced(window, args.fps))
    sources.append(links)
    sinks.append(links)
    console = open_console(load_console_pins(args.installation))
    if console is not None:
        sources += [console, SafeShutdown(console.diagnosis, allowed=args.allow_poweroff)]
    store = calibration_store(args)
    calibrator = Calibrator(
        links,
        store,
        by=_who(),
        default_ruler=stations.layout.default_ruler,
        rulers=stations.layout.rulers_by_serial(),
        book=stations.book,
    )
    desk = TechnicianDesk(
        links,
        calibrator,
        console=console.diagnosis if console is not None else None,
        errors=errors.messages,
    )
    sources.append(desk)
    sinks.append(desk)
    sinks.append(ServiceNotifier())  # READY=1 and the watchdog, when run by systemd
    return Installation(session, sources=sources, sinks=sinks, fps=args.fps)


def run_report(
    stations: Stations, installation: Installation, chaos: ChaosSource | None = None
) -> dict:
    """The JSON summary of ``--report`` (the stations' part; other parts may join it)."""
    return stations_report(stations, installation, chaos)


def write_report(path: str, report: dict) -> None:
    """Write the report where asked (atomically: a report is read by scripts)."""
    write_atomically(Path(path), json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    log.info("report written to %s", path)


class Paced:
    """A sink shown at most ``fps`` times a second.

    The loop wakes as soon as a station moves a threshold, so it may build many scenes a
    second while sliders move; the window need not draw them all: the next frame draws the
    newest, at most one frame period later.
    """

    def __init__(self, sink: Sink, fps: float, clock=time.monotonic) -> None:
        self.sink = sink
        self.period = 1.0 / fps
        self.clock = clock
        self._shown: float | None = None

    def show(self, scene: Scene) -> None:
        """Draw ``scene`` unless a scene was drawn less than most of a frame ago."""
        now = self.clock()
        if self._shown is not None and now - self._shown < 0.75 * self.period:
            return
        self._shown = now
        self.sink.show(scene)

    def close(self) -> None:
        """Close the sink behind."""
        self.sink.close()


def start_session(args: argparse.Namespace) -> Session:
    """The first session: the network and digit set the options name, every set at hand."""
    network = network_from(args)
    library = {name: load_digit_set(name) for name in shipped_sets()}
    return Session.start(network, library[args.dataset], library=library, language=args.lang)


def open_window(args: argparse.Namespace) -> (Source | Sink) | None:
    """The simulated installation's window, or None after saying why there is no display."""
    from display.window import NoDisplayError, Window

    try:
        return Window(size=_size(args.size), fullscreen=args.fullscreen)
    except NoDisplayError as exc:
        print(f"neurones: {exc}", file=sys.stderr)
        return None


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    try:
        return int(width), int(height)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WxH like 1280x720, got {text!r}") from None


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
