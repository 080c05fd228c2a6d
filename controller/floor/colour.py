"""From the colours the floor should show to the bytes the LEDs may safely be sent.

Three steps, in NumPy over the whole frame (docs/hardware.md §6):

1. **brightness cap** — the LEDs never give more than ``brightness`` (default 40 %) of their
   full light: a walk-on mat must not glare, heat up or need a huge supply;
2. **gamma** (≈ 2.6) — an LED's light follows its byte linearly, but the eye does not: a
   colour meant to look half as bright needs about a sixth of the light. Steps 1 and 2 are one
   256-entry look-up table, ``byte = round(255 · brightness · level ** gamma)``; the cap applies
   to the light (duty), because that is what glare, heat and current follow;
3. **current limiter** — each LED draws about ``(R+G+B)/(3·255) · I_full`` plus ~1 mA when
   dark (the WLED and FastLED model). Where a power zone's estimate exceeds its budget, every
   byte of that zone is scaled down by the same factor (rounded down), so colours keep their
   proportions and the supply is never asked for more than the budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from controller.floor.mat import FloorLayout

#: Full scale of the channel sum of one LED (three channels of 255).
FULL_SUM = 3 * 255


def gamma_table(brightness: float, gamma: float) -> np.ndarray:
    """The 256-entry table from a level byte to the LED byte: cap and gamma in one look-up."""
    levels = np.arange(256) / 255
    return np.rint(255 * brightness * levels**gamma).astype(np.uint8)


@dataclass(frozen=True, eq=False)
class Limited:
    """A frame after the limiter: the bytes, and per zone its current and scale."""

    rgb: np.ndarray  # (leds, 3) uint8
    current_ma: np.ndarray  # (zones,) estimated current after limiting
    scale: np.ndarray  # (zones,) 1.0 where the zone was within budget

    @property
    def limited(self) -> np.ndarray:
        """For each zone, whether the limiter dimmed it."""
        return self.scale < 1.0


@dataclass(frozen=True, eq=False)
class CurrentLimiter:
    """Keeps each power zone's estimated current within its budget.

    :param zone_of: for every LED, its zone's index.
    :param budget_ma: each zone's budget in mA.
    :param full_ma: one LED's current at full white.
    :param standby_ma: one dark LED's current.
    """

    zone_of: np.ndarray
    budget_ma: np.ndarray
    full_ma: float = 60.0
    standby_ma: float = 1.0

    @cached_property
    def zone_leds(self) -> np.ndarray:
        """How many LEDs each zone has."""
        return np.bincount(self.zone_of, minlength=len(self.budget_ma))

    def current_ma(self, rgb: np.ndarray) -> np.ndarray:
        """The estimated current of each zone for the bytes ``rgb`` (``(leds, 3)`` uint8)."""
        sums = self._channel_sums(rgb)
        return sums / FULL_SUM * self.full_ma + self.zone_leds * self.standby_ma

    def limit(self, rgb: np.ndarray) -> Limited:
        """``rgb`` scaled down, zone by zone, to stay within every budget."""
        sums = self._channel_sums(rgb)
        lit_ma = sums / FULL_SUM * self.full_ma
        room = np.maximum(self.budget_ma - self.zone_leds * self.standby_ma, 0.0)
        over = lit_ma > room
        scale = np.ones(len(self.budget_ma))
        # A hair under the exact ratio, so rounding can never tip a zone over its budget.
        np.divide(room, lit_ma, out=scale, where=over)
        scale[over] *= 1 - 1e-9
        if over.any():
            rgb = (rgb * scale[self.zone_of][:, None]).astype(np.uint8)
            lit_ma = self._channel_sums(rgb) / FULL_SUM * self.full_ma
        return Limited(rgb, lit_ma + self.zone_leds * self.standby_ma, scale)

    @cached_property
    def _zone_of_bytes(self) -> np.ndarray:
        """Each byte's zone, for a frame's bytes in a row (R, G, B of LED 0, then LED 1…)."""
        return np.repeat(self.zone_of, 3)

    def _channel_sums(self, rgb: np.ndarray) -> np.ndarray:
        # One pass over the bytes: summing each LED's three channels first costs twice as much.
        return np.bincount(
            self._zone_of_bytes, weights=rgb.reshape(-1), minlength=len(self.budget_ma)
        )


@dataclass(frozen=True, eq=False)
class ColourPipeline:
    """Levels (0–1 floats per channel) → capped, gamma-corrected, current-limited bytes."""

    table: np.ndarray  # (256,) uint8
    limiter: CurrentLimiter

    @classmethod
    def for_layout(cls, layout: FloorLayout) -> ColourPipeline:
        """The pipeline with the floor's brightness, gamma and power zones."""
        s = layout.settings
        budgets = np.array([1000 * z.budget_a for z in layout.zones])
        limiter = CurrentLimiter(layout.zone_of_leds(), budgets, s.led_full_ma, s.led_standby_ma)
        return cls(gamma_table(s.brightness, s.gamma), limiter)

    def encode(self, levels: np.ndarray) -> Limited:
        """The bytes for ``levels`` (``(leds, 3)``, 0–1; values outside are clipped)."""
        quantised = np.rint(np.clip(levels, 0.0, 1.0) * 255).astype(np.uint8)
        return self.limiter.limit(self.table.take(quantised))


__all__ = ["ColourPipeline", "CurrentLimiter", "Limited", "gamma_table"]
