"""The benchmark harness behind ``neurones bench``: each figure measured beside its bar.

A :class:`Figure` measures one thing and returns one or more values by their ``--json`` key;
each :class:`Bar` says what a value must be to pass (DESIGN.md §6). Subsystems define their own
measurement functions; :data:`FIGURES` lists them in the order the table prints them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from controller.digits import load_digit_set
from controller.network import forward, load_network
from controller.stations.bench import measure_cpu, measure_reaction
from controller.training import Descent
from display.benchmark import measure_screen


@dataclass(frozen=True)
class Bar:
    """The target for one value: at most (or at least) ``limit``; ``None`` means reported only."""

    key: str
    label: str
    unit: str
    limit: float | None
    at_most: bool = True

    def passes(self, value: float) -> bool | None:
        """Whether ``value`` meets the bar, or None if there is no bar."""
        if self.limit is None:
            return None
        return value <= self.limit if self.at_most else value >= self.limit

    def describe(self) -> str:
        """The bar as text: ``≤ 2 ms``, ``≥ 1,000,000 grids/s``, or ``—``."""
        if self.limit is None:
            return "—"
        return f"{'≤' if self.at_most else '≥'} {_quantity(self.limit)} {self.unit}"


@dataclass(frozen=True)
class Figure:
    """A named measurement producing the values of its bars."""

    name: str
    bars: tuple[Bar, ...]
    measure: Callable[[], dict[str, float]]


def measure_classify(batch: int = 200_000, repeats: int = 7) -> dict[str, float]:
    """Batched classify throughput: random grids through the workshop network."""
    network = load_network()
    rng = np.random.default_rng(0)
    grids = rng.integers(0, 2, size=(batch, network.rows, network.cols), dtype=np.uint8)
    forward(network, grids[:1000])  # warm up
    best = min(_timed(lambda: forward(network, grids).outputs > 0) for _ in range(repeats))
    return {"classify_grids_per_s": batch / best}


def measure_training(iterations: int = 50_000, repeats: int = 3) -> dict[str, float]:
    """Seconds for 50,000 full-batch iterations on the 16 digits of the finale (best of a few)."""
    network, digits = load_network(), load_digit_set("training")

    def run() -> None:
        Descent(network, digits).advance(iterations)

    return {"train_50k_s": min(_timed(run) for _ in range(repeats))}


def measure_leds(frames: int = 600) -> dict[str, float]:
    """Median time to turn a scene into an LED frame: mapping, cap and gamma, limiter.

    On the shipped floor (2,123 LEDs, a little over the bar's 2,000), mid-pulse in network
    mode, the time advancing each frame as in the installation.
    """
    from controller.digits import load_digit_set
    from controller.floor.frame import FloorRenderer
    from controller.floor.mat import load_floor
    from controller.scene import build_scene

    network = load_network()
    renderer = FloorRenderer(load_floor(network), network)
    scene = build_scene(network, load_digit_set("grandeur-nature"), digit_index=1)
    times = []
    for i in range(frames):
        moment = replace(scene, t=2.0 + i / 40)
        times.append(_timed(lambda s=moment: renderer.frame(s)))
    return {"led_frame_median_ms": 1000 * float(np.median(times[frames // 10 :]))}


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


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
        measure_screen,
    ),
    Figure(
        "leds",
        (Bar("led_frame_median_ms", "LED frame, ~2,000 LEDs (map, gamma, limiter)", "ms", 1.0),),
        measure_leds,
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
        ),
        measure_reaction,
    ),
    Figure(
        "cpu",
        (
            Bar(
                "controller_cpu_percent",
                "controller CPU, 16 stations at 50 Hz, screen at 60 Hz",
                "% of a core",
                25.0,
            ),
        ),
        measure_cpu,
    ),
)


def run_figures(only: str | None = None) -> list[tuple[Bar, float]]:
    """Measure every figure (or just ``only``) and pair each value with its bar."""
    figures = [f for f in FIGURES if only in (None, f.name)]
    if not figures:
        names = ", ".join(f.name for f in FIGURES)
        raise ValueError(f"no figure {only!r} (have: {names})")
    results = []
    for figure in figures:
        values = figure.measure()
        results.extend((bar, values[bar.key]) for bar in figure.bars if bar.key in values)
    return results


def _quantity(x: float) -> str:
    if x >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}" if x < 10 else f"{x:.1f}"


def format_table(results: list[tuple[Bar, float]]) -> str:
    """The results as a table: figure, value, bar, PASS/FAIL."""
    rows = [("figure", "key", "value", "bar", "")]
    for bar, value in results:
        verdict = {True: "PASS", False: "FAIL", None: ""}[bar.passes(value)]
        rows.append((bar.label, bar.key, f"{_quantity(value)} {bar.unit}", bar.describe(), verdict))
    widths = [max(len(r[c]) for r in rows) for c in range(5)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    lines.insert(1, "─" * max(len(line) for line in lines))
    return "\n".join(lines)


__all__ = ["FIGURES", "Bar", "Figure", "format_table", "run_figures"]
