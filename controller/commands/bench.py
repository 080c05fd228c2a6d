"""``neurones bench``: measure the installation's speed figures, each beside its bar.

The figures and their bars are listed here (:data:`FIGURES`), each with the function that
measures it; the harness (:mod:`controller.bench`) runs them. The station chain's figures run
the installation as ``neurones run --emulate-stations 16`` builds it
(:func:`emulated_installation`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from functools import partial

from controller.bench import (
    Bar,
    Figure,
    changing_scenes,
    exit_status,
    format_table,
    measure_classify,
    measure_training,
    run_figures,
)
from controller.commands import run as run_command
from controller.commands.diagnose import RecentErrors
from controller.commands.installation_file import load_installation
from controller.commands.options import network_from
from controller.commands.stations import open_stations
from controller.floor.bench import RP2040_SLOWER, USB_BYTES_PER_S, measure_led_link, measure_leds
from controller.floor.sink import open_floor
from controller.stations.bench import measure_pi, measure_reaction
from controller.stations.direct_bench import measure_direct_read
from display.benchmark import measure_screen
from display.frame import headless


def emulated_installation(extra: Sequence[str], state_dir: str):
    """The installation ``neurones run --emulate-stations 16`` builds with the options
    ``extra``, its stations, and its LED floor (None if the installation file has none)."""
    parser = argparse.ArgumentParser(prog="neurones")
    run_command.register(parser.add_subparsers())
    args = parser.parse_args(
        ["run", "--emulate-stations", "16", "--health-port", "-1", "--state-dir", state_dir, *extra]
    )
    if not args.headless:
        headless()  # the window draws on SDL's dummy driver
    network = network_from(args)
    setup = load_installation(args.installation, network)
    session = run_command.start_session(args, network, setup, time.monotonic())
    floor = open_floor(network, setup.floor)
    window = None if args.headless else run_command.open_window(args)
    stations = open_stations(args, network, setup)
    driver, phases = run_command.rehearsal_parts(args, stations)
    actors = () if driver is None else (driver, phases)
    installation = run_command.build_installation(
        args, setup, session, stations, None, window, floor, RecentErrors(), actors=actors
    )
    return installation, stations, floor


#: The figures ``neurones bench`` measures, in the order the table prints them, with their bars
#: (``docs/design.md``, "The bars").
FIGURES: tuple[Figure, ...] = (
    Figure(
        "classify",
        (Bar("classify_grids_per_s", "classify throughput, batched", "grids/s", 1_000_000, False),),
        measure_classify,
    ),
    Figure(
        "train",
        (Bar("train_50k_s", "training: 50,000 iterations on 16 digits", "s", 0.4),),
        measure_training,
    ),
    Figure(
        "screen",
        (
            Bar("screen_frame_median_ms", "busiest screen at 1920×1080, median", "ms", 4.0),
            Bar("screen_frame_p99_ms", "busiest screen at 1920×1080, p99", "ms", None),
        ),
        partial(measure_screen, changing_scenes),
    ),
    Figure(
        "leds",
        (Bar("led_frame_median_ms", "LED frame, ~2,000 LEDs (map, gamma, limiter)", "ms", 1.0),),
        measure_leds,
    ),
    Figure(
        "led-link",
        (
            Bar(
                "led_link_fps_dark",
                f"LED link, dark floor, RP2040: CPU here ×{RP2040_SLOWER:.0f} (pystone) "
                f"+ bytes at {USB_BYTES_PER_S // 1000} KB/s",
                "fps",
                30,
                False,
            ),
            Bar(
                "led_link_fps_dark_unix",
                "LED link, dark floor, here (MicroPython unix port)",
                "fps",
                None,
            ),
            Bar("led_link_bytes_dark", "LED link, dark floor, bytes a frame", "B", None),
            Bar(
                "led_link_fps_lit",
                f"LED link, lit floor, RP2040: CPU here ×{RP2040_SLOWER:.0f} (pystone) "
                f"+ bytes at {USB_BYTES_PER_S // 1000} KB/s",
                "fps",
                30,
                False,
            ),
            Bar(
                "led_link_fps_lit_unix",
                "LED link, lit floor, here (MicroPython unix port)",
                "fps",
                None,
            ),
            Bar("led_link_bytes_lit", "LED link, lit floor, bytes a frame", "B", None),
        ),
        measure_led_link,
    ),
    Figure(
        "reaction",
        (
            Bar(
                "reaction_p50_ms", "host reaction, 16 stations: frame read → scene, p50", "ms", None
            ),
            Bar(
                "reaction_p99_ms", "host reaction, 16 stations: frame read → scene, p99", "ms", 2.0
            ),
            Bar(
                "reaction_idle_p99_ms",
                "the same, a turn computing nothing: this machine's own p99",
                "ms",
                None,
            ),
        ),
        partial(measure_reaction, emulated_installation),
    ),
    Figure(
        "pi",
        (
            Bar(
                "controller_cpu_percent",
                "controller CPU, the Pi's scenario (1080p, no panel, 16 stations, a class)",
                "% of a core",
                12.0,
            ),
            Bar("controller_loop_hz", "the same: loop turns per second", "/s", None),
            Bar(
                "pi4_fps", "the same held to 20 % of a core: loop turns per second", "/s", 55, False
            ),
            Bar(
                "pi4_reaction_p95_ms",
                "the same held: station frame read → screen presenting it, p95",
                "ms",
                50.0,
            ),
        ),
        partial(measure_pi, emulated_installation),
    ),
    Figure(
        "direct",
        (
            Bar(
                "direct_read_cpu_percent",
                "direct-wired stations: 16 sliders at 50 Hz, 48 buttons, above the bus",
                "% of a core",
                3.0,
            ),
            Bar(
                "direct_read_pi4_percent",
                "the same on a Pi 4 (estimate: ×5, + spidev's ~15 µs a reading)",
                "% of a core",
                None,
            ),
        ),
        measure_direct_read,
    ),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``bench`` to the ``neurones`` command."""
    parser = subparsers.add_parser(
        "bench",
        help="measure speed figures against their bars",
        description="Measure the installation's speed figures and print each beside its bar.",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object of key: value")
    parser.add_argument(
        "--only",
        metavar="NAME",
        choices=[f.name for f in FIGURES],
        help=f"measure one figure: {', '.join(f.name for f in FIGURES)}",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Measure and print; exit status 1 when a bar fails.

    On a terminal a progress line says which figure is being measured (nothing extra with
    ``--json``, whose output is one JSON object).
    """
    progress = None
    if not args.json and sys.stdout.isatty():

        def progress(name: str) -> None:
            print(f"\rmeasuring {name}…\033[K", end="", flush=True)

    results = run_figures(FIGURES, args.only, progress=progress)
    if progress is not None:
        print("\r\033[K", end="")
    if args.json:
        print(json.dumps({bar.key: round(value, 6) for bar, value in results}))
    else:
        print(format_table(results))
    sys.stdout.flush()
    return exit_status(results)
