"""The benchmark harness behind ``neurones bench``: each figure measured beside its bar.

A :class:`Figure` measures one thing and returns one or more values by their ``--json`` key;
each :class:`Bar` says what a value must be to pass (``docs/design.md``, "The bars").
Subsystems define their own measurement functions (the network's and the training's are here;
the screen's in :mod:`display.benchmark`, the LED floor's in :mod:`controller.floor.bench`, the
station chain's in :mod:`controller.stations.bench`); ``neurones bench``
(:mod:`controller.commands.bench`) lists them with their bars and hands them to
:func:`run_figures`, so this harness imports none of what it measures.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from controller.digits import DigitSet, load_digit_set, shipped_sets
from controller.network import Network, forward, load_network
from controller.scene import Scene, TrainingView, build_scene
from controller.training import WORKSHOP_SNAPSHOTS, Descent, progress_of


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
    best = min(timed(lambda: forward(network, grids).outputs > 0) for _ in range(repeats))
    return {"classify_grids_per_s": batch / best}


def measure_training(iterations: int = 50_000, repeats: int = 3) -> dict[str, float]:
    """Seconds for 50,000 full-batch iterations on the 16 digits of the finale (best of a few)."""
    network, digits = load_network(), load_digit_set("training")

    def run() -> None:
        Descent(network, digits).advance(iterations)

    return {"train_50k_s": min(timed(run) for _ in range(repeats))}


def changing_scenes(view: str, count: int) -> list[Scene]:
    """``count`` scenes of ``view``, each with one threshold moved from the last.

    The training view changes as the finale learns instead: every weight, every frame.
    """
    network = load_network()
    sets = [load_digit_set(name) for name in shipped_sets()]
    digits = max(sets, key=len)
    if view == "training":
        return learning_scenes(network, digits, count)
    neurons = list(network.thresholds())
    scenes = []
    for k in range(count):
        neuron = neurons[k % len(neurons)]
        moved = network.with_thresholds({neuron: network.threshold(neuron) + (k % 5) - 2})
        scenes.append(build_scene(moved, digits, digit_index=k % len(digits), view=view, t=k / 60))
    return scenes


def learning_scenes(network: Network, digits: DigitSet, count: int) -> list[Scene]:
    """``count`` scenes of the training view while it learns, a few hundred iterations apart."""
    descent = Descent(network, digits, snapshots=WORKSHOP_SNAPSHOTS)
    scenes = []
    for k in range(count):
        descent.advance(300)
        progress = progress_of(descent, WORKSHOP_SNAPSHOTS[-1])
        training = TrainingView(run=1, progress=progress)
        scenes.append(build_scene(network, digits, view="training", training=training, t=k / 60))
    return scenes


def timed(fn: Callable[[], object]) -> float:
    """Seconds ``fn`` takes to run once."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_figures(
    figures: Sequence[Figure],
    only: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[tuple[Bar, float]]:
    """Measure every figure of ``figures`` (or just the one named ``only``) and pair each value
    with its bar; ``progress`` is told each figure's name as its measurement starts. A value a
    figure leaves out (not measurable on this machine) has no row."""
    chosen = [f for f in figures if only in (None, f.name)]
    if not chosen:
        names = ", ".join(f.name for f in figures)
        raise ValueError(f"no figure {only!r} (have: {names})")
    results: list[tuple[Bar, float]] = []
    for figure in chosen:
        if progress is not None:
            progress(figure.name)
        values = figure.measure()
        results.extend((bar, values[bar.key]) for bar in figure.bars if bar.key in values)
    return results


def exit_status(results: list[tuple[Bar, float]]) -> int:
    """``neurones bench``'s exit status: 1 when a value fails its bar, else 0."""
    return 1 if any(bar.passes(value) is False for bar, value in results) else 0


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


__all__ = [
    "Bar",
    "Figure",
    "changing_scenes",
    "exit_status",
    "format_table",
    "run_figures",
    "timed",
]
