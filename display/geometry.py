"""Pure geometry the views share: number-line scales, chip placement, grid cells.

Nothing here draws or imports pygame; the functions take numbers and return numbers, so the
window's hit-testing and the tests use exactly the positions the views draw at.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """A number line: values ``lo``..``hi`` drawn from pixel ``x0`` to ``x1``.

    >>> s = Scale(0, 10, 100, 300)
    >>> s.x(5), s.value(250)
    (200.0, 7.5)
    """

    lo: float
    hi: float
    x0: float
    x1: float

    def x(self, value: float) -> float:
        """The pixel of ``value`` (values outside the range are clamped to its ends)."""
        value = min(max(value, self.lo), self.hi)
        return self.x0 + (value - self.lo) * (self.x1 - self.x0) / (self.hi - self.lo)

    def value(self, x: float, step: float | None = None) -> float:
        """The value at pixel ``x``, clamped to the range, rounded to ``step`` if given."""
        value = self.lo + (x - self.x0) * (self.hi - self.lo) / (self.x1 - self.x0)
        if step:
            value = round(value / step) * step
        return min(max(value, self.lo), self.hi)

    def ticks(self, max_ticks: int = 12) -> list[float]:
        """Round values to label along the line, at most ``max_ticks`` of them."""
        step = nice_step((self.hi - self.lo) / max(1, max_ticks - 1))
        first = math.ceil(self.lo / step) * step
        count = int((self.hi - first) / step + 1e-9) + 1
        return [first + i * step for i in range(count)]


def nice_step(raw: float) -> float:
    """The smallest of 1, 2, 5 × 10ⁿ that is at least ``raw``."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw - 1e-12)


def value_range(
    values: Iterable[float], margin: float = 1.5, minimum: float = 10.0, grain: float = 5.0
) -> tuple[float, float]:
    """A range holding every value with ``margin`` around, ends on multiples of ``grain``.

    Rulers use it so every chip and the threshold marker fit, with room to drag past them.
    The coarse ends keep a ruler's scale still while values move a little (a threshold
    dragged, a hidden neuron changing an output's sums), so chips do not jump and the
    ruler's drawn number line can be cached.

    >>> value_range([3, 9])
    (0.0, 15.0)
    """
    values = list(values)
    lo = math.floor((min(values) - margin) / grain) * grain
    hi = math.ceil((max(values) + margin) / grain) * grain
    while hi - lo < minimum:
        lo, hi = lo - grain, hi + grain
    return float(lo), float(hi)


def place_chips(
    values: Sequence[float],
    scale: Scale,
    threshold: float,
    width: float,
    levels: int,
    gap: float = 0.0,
) -> list[tuple[float, int]]:
    """Where chips of ``width`` go on a ruler: ``(x centre, level)`` for each value.

    Like cards on a workshop ruler, with two rules that keep every chip readable:

    - a chip stays wholly on its own side of the threshold line (left for a value at or
      under ``threshold``, "Non"; right above it, "Oui"), even when its value is on the line;
    - a pile never grows past ``levels``: a chip that finds no room on any level at its value
      slides away from the threshold to the nearest free place (the pile spreads, nothing
      hides). Only when a side of the line is full does it take a level above ``levels``.

    Each side is filled from the threshold outwards, ties in their order, so the result does
    not depend on the order of the digits in the set.
    """
    marker = scale.x(threshold)
    half = width / 2
    placed: list[tuple[float, int]] = [(0.0, 0)] * len(values)
    for side in (-1, 1):  # -1: left of the line ("Non"), 1: right ("Oui")
        mine = [i for i, v in enumerate(values) if (v > threshold) == (side > 0)]
        edge = marker + side * (gap / 2 + half)  # the nearest a chip centre may be to the line
        wanted = {i: side * max(side * scale.x(values[i]), side * edge) for i in mine}
        order = sorted(mine, key=lambda i: (side * wanted[i], i))
        fronts: list[float] = []  # per level, the outer edge of its outermost chip
        for i in order:
            # The place on each level: at the value, or just past that level's last chip.
            spots = [side * max(side * wanted[i], side * (f + side * (gap + half))) for f in fronts]
            if len(fronts) < levels:
                spots.append(wanted[i])
            best = min(range(len(spots)), key=lambda k: (abs(spots[k] - wanted[i]), k))
            x = spots[best]
            if best == len(fronts):
                fronts.append(0.0)
            end = scale.x1 if side > 0 else scale.x0
            if side * (x - end) > half + gap and len(fronts) >= levels:  # the side is full
                fronts.append(0.0)
                best, x = len(fronts) - 1, wanted[i]
            fronts[best] = x + side * half
            placed[i] = (x, best)
    return placed


@dataclass(frozen=True)
class Grid:
    """A digit's grid drawn at ``(x, y)`` with square cells of ``cell`` pixels."""

    x: float
    y: float
    rows: int
    cols: int
    cell: float

    @property
    def width(self) -> float:
        """The grid's width in pixels."""
        return self.cols * self.cell

    @property
    def height(self) -> float:
        """The grid's height in pixels."""
        return self.rows * self.cell

    def cell_rect(self, row: int, col: int) -> tuple[float, float, float, float]:
        """``(x, y, w, h)`` of a cell (0-based row and column)."""
        return self.x + col * self.cell, self.y + row * self.cell, self.cell, self.cell

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The ``(row, col)`` under pixel ``(x, y)``, or None outside the grid."""
        col = math.floor((x - self.x) / self.cell)
        row = math.floor((y - self.y) / self.cell)
        if 0 <= row < self.rows and 0 <= col < self.cols:
            return row, col
        return None

    @classmethod
    def fitted(cls, box: tuple[float, float, float, float], rows: int, cols: int) -> Grid:
        """The largest grid centred in ``box`` = ``(x, y, w, h)``."""
        x, y, w, h = box
        cell = math.floor(min(w / cols, h / rows))
        return cls(x + (w - cell * cols) / 2, y + (h - cell * rows) / 2, rows, cols, cell)
