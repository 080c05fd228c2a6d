"""A slider input with nothing wired to it, told from its noise (pure).

An ADC input left floating does not read zero: it reads whatever charge its sample capacitor
kept, wandering over hundreds of codes from one reading to the next. A wired slider is steady
when still and smooth when moved. So the test is how *rough* the readings are: the median of the
second differences ``|r[i] − 2·r[i−1] + r[i−2]|`` over the last half second. A slider moved by
hand, however fast, follows a smooth curve (small second differences, except where it starts
and stops, which the median ignores); a floating input's second differences are as large as its
wander. Hysteresis keeps the verdict from flickering::

    floating = Floating()
    for raw in readings:
        floating.read(raw)
    floating.unwired          # True: show the station as "not wired", ignore its slider
"""

from __future__ import annotations

import statistics
from collections import deque

#: Readings looked at: half a second at 50 Hz; judged again every few readings (a median of
#: two dozen values at every reading of 16 inputs would cost more than the reading).
WINDOW, EVERY = 25, 5
#: Median second difference (12-bit codes) from which an input is floating, and under which it
#: is wired again. A good slider's noise gives 1 to 5; a floating MCP3008 input, hundreds.
UNWIRED_FROM, WIRED_UNDER = 48.0, 24.0


def bend(older: float, old: float, new: float) -> float:
    """The absolute second difference of three readings in a row: how sharply they turn."""
    return abs(new - 2 * old + older)


def roughness(readings: deque[float] | list[float]) -> float:
    """The median of the absolute second differences of ``readings`` (0 for fewer than 3)."""
    r = list(readings)
    if len(r) < 3:
        return 0.0
    return statistics.median(bend(*r[i - 2 : i + 1]) for i in range(2, len(r)))


class Floating:
    """Whether one input is floating, from its recent readings.

    Each reading adds one second difference to a window of them (the last ``WINDOW``
    readings' worth), so judging is one median of numbers already at hand.
    """

    def __init__(self) -> None:
        self.differences: deque[float] = deque(maxlen=WINDOW - 2)
        self.unwired = False
        self._before: deque[float] = deque(maxlen=2)  # the two readings before, older first
        self._count = 0

    def read(self, raw: float) -> bool:
        """One more reading; whether the verdict changed."""
        before = self._before
        if len(before) == 2:
            self.differences.append(bend(before[0], before[1], raw))
        before.append(raw)
        self._count += 1
        if self._count < WINDOW or self._count % EVERY:
            return False
        rough = statistics.median(self.differences)
        now = rough >= UNWIRED_FROM if not self.unwired else rough >= WIRED_UNDER
        changed, self.unwired = now != self.unwired, now
        return changed

    def clear(self) -> None:
        """Forget the readings (the chip went away)."""
        self.differences.clear()
        self._before.clear()
        self._count = 0
        self.unwired = False
