"""The technician's LED test patterns, to check the floor's wiring and power piece by piece.

- ``led-chase`` — one LED at a time runs along every strip from its first LED: a dead LED, a
  broken data line (everything after it stays dark) or a strip wired backwards shows at once;
- ``segments`` — each ring, then each segment, lit alone in turn, while the screen's floor
  shows the same piece: a piece whose LEDs are not where the layout says is found;
- ``colour-bars`` — red, green, blue and white bars scrolling away from each strip's start: a
  wrong colour order shows as bars in the wrong colours;
- ``full-white`` — every LED at full white, which the current limiter then holds within each
  power zone's budget: a check of the supplies and the injection wiring.

In technician mode the floor plays them one after the other (:func:`pattern_at`); ``neurones
run --led-test NAME`` holds one. Each returns levels like :func:`controller.floor.paint.paint`,
so the same colour pipeline (cap, gamma, limiter) applies.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from controller.floor.paint import FloorMap

#: The patterns' names, in the order technician mode plays them.
LED_PATTERNS = ("led-chase", "segments", "colour-bars", "full-white")

#: LEDs per second the chase runs along the strips.
CHASE_RATE = 40.0
#: Seconds each ring or segment stays lit in ``segments``.
PIECE_S = 0.6
#: Colour bars: LEDs per bar, and how many LEDs per second they scroll.
BAR_LEDS, BAR_RATE = 6, 6.0
BAR_COLOURS = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], dtype=np.float32)
#: Seconds ``colour-bars`` and ``full-white`` last in the technician's cycle.
STILL_S = 8.0


def led_chase(fm: FloorMap, t: float) -> np.ndarray:
    """One white LED per strip, stepping along it from its first LED."""
    step = int(t * CHASE_RATE)
    lit = fm.index_in_strip == step % fm.strip_leds[fm.strip_of]
    return np.repeat(lit.astype(np.float32)[:, None], 3, axis=1)


def segments(fm: FloorMap, t: float) -> np.ndarray:
    """One ring or segment at a time, in white: rings first, then segments, in file order."""
    piece = int(t / PIECE_S) % fm.piece_count
    lit = fm.piece_of == piece
    return np.repeat(lit.astype(np.float32)[:, None], 3, axis=1)


def colour_bars(fm: FloorMap, t: float) -> np.ndarray:
    """Red, green, blue and white bars moving away from each strip's start."""
    shifted = fm.index_in_strip - int(t * BAR_RATE)
    bar = (shifted // BAR_LEDS) % len(BAR_COLOURS)
    return BAR_COLOURS[bar]


def full_white(fm: FloorMap, t: float) -> np.ndarray:
    """Every LED asked for full white (the limiter decides what each zone may have)."""
    return np.ones((fm.led_count, 3), dtype=np.float32)


PAINTERS: dict[str, Callable[[FloorMap, float], np.ndarray]] = {
    "led-chase": led_chase,
    "segments": segments,
    "colour-bars": colour_bars,
    "full-white": full_white,
}


def durations(fm: FloorMap) -> dict[str, float]:
    """How long each pattern plays in technician mode's cycle (long enough to see it all)."""
    return {
        "led-chase": float(fm.strip_leds.max()) / CHASE_RATE,
        "segments": fm.piece_count * PIECE_S,
        "colour-bars": STILL_S,
        "full-white": STILL_S,
    }


def pattern_at(fm: FloorMap, t: float) -> tuple[str, float]:
    """The pattern technician mode plays at ``t``, and the time since it began."""
    spans = durations(fm)
    t %= sum(spans.values())
    for name in LED_PATTERNS:
        if t < spans[name]:
            return name, t
        t -= spans[name]
    return LED_PATTERNS[-1], t  # only reached through rounding at the cycle's very end


def paint_pattern(fm: FloorMap, name: str, t: float) -> np.ndarray:
    """The levels of pattern ``name`` at ``t`` seconds into it."""
    return PAINTERS[name](fm, t)


__all__ = ["LED_PATTERNS", "durations", "paint_pattern", "pattern_at"]
