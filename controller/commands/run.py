"""``neurones run``: the installation itself.

With no hardware plugged in it is the simulated installation: a window where the mouse drags
the rulers' thresholds and clicks the stations' buttons, the keyboard stands for the leader
console, and a panel shows the LED floor. ``--headless`` runs the same loop without a window.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
from types import FrameType

from controller.app import Installation, Sink, Source
from controller.commands.options import (
    add_language_option,
    add_network_options,
    network_from,
)
from controller.digits import load_digit_set, shipped_sets
from controller.floor_sink import open_floor
from controller.health import DEFAULT_PORT, serve_health
from controller.led_patterns import LED_PATTERNS
from controller.service import ServiceNotifier
from controller.session import Session
from controller.trainer import Trainer


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
        "--led-test",
        metavar="PATTERN",
        choices=LED_PATTERNS,
        help=f"hold an LED test pattern on the floor: {', '.join(LED_PATTERNS)}",
    )
    parser.add_argument(
        "--no-floor", action="store_true", help="run without the LED floor (no frames, no panel)"
    )
    parser.add_argument(
        "--allow-poweroff",
        action="store_true",
        help="let the console's long press on reset (key on technician) power the Pi off",
    )
    add_network_options(parser)
    add_language_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the installation from the options, run it, close it; exit status 0."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    session = start_session(args)
    # The floor first: a mistake in its layout stops the start before a window opens.
    floor = None if args.no_floor else open_floor(session.defaults, pattern=args.led_test)
    sources, sinks = [], []
    if not args.headless:
        window = open_window(args)
        if window is None:
            if floor is not None:
                floor.close()
            return 1
        sources.append(window)
        if floor is None:
            sinks.append(window)
        else:
            # The floor hands the scene, its LED frame included, on to the window: the
            # screen's floor and the LEDs show the same frame.
            floor.screens.append(window)
    if floor is not None:
        sinks.append(floor)
    trainer = Trainer()  # the finale learns between frames while its view is shown
    sources.append(trainer)
    sinks.append(trainer)
    sinks.append(ServiceNotifier())  # READY=1 and the watchdog, when run by systemd
    installation = Installation(session, sources=sources, sinks=sinks, fps=args.fps)
    if args.health_port >= 0:
        serve_health(installation, args.health_port)
    with _stop_on_signals(installation):
        try:
            installation.run(args.duration)
        finally:
            installation.close()
    return 0


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
