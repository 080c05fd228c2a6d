"""Pure geometry the views share: number-line scales, chip stacking, grid cells.

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


def stack_levels(centres: Sequence[float], width: float, gap: float = 0.0) -> list[int]:
    """Stack chips of ``width`` centred at ``centres`` so none overlap: the level of each.

    Like cards on a workshop ruler: each chip goes on the lowest level where it does not
    touch a chip already placed. Chips are placed in order of position (ties keep their
    order), so the result does not depend on the order of the digits in the set.
    """
    order = sorted(range(len(centres)), key=lambda i: centres[i])
    right_edges: list[float] = []  # per level, the right edge of its last chip
    levels = [0] * len(centres)
    for i in order:
        left = centres[i] - width / 2
        level = next(
            (k for k, edge in enumerate(right_edges) if edge + gap <= left), len(right_edges)
        )
        if level == len(right_edges):
            right_edges.append(0.0)
        right_edges[level] = centres[i] + width / 2
        levels[i] = level
    return levels


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
