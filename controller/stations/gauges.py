"""The live readings a technician watches on one station: the slider's raw reading and its
noise, the spikes the board filtered out, and the frame rate.

A single reading cannot say how noisy a slider is or how often its station is heard, so the
gauges keep the last few: the noise is the RMS deviation of the last ``window`` raw readings
(measured on a slider nobody touches; a moving slider reads as very noisy, which is also worth
seeing), the frame rate the state frames received over the last ``seconds``.
"""

from __future__ import annotations

import statistics
from collections import deque
from typing import Any


class Gauges:
    """One station's live readings (see the module doc)."""

    def __init__(self, window: int = 50, seconds: float = 2.0) -> None:
        self.seconds = seconds
        self.raw: float | None = None
        self.spikes = 0
        self._raws: deque[float] = deque(maxlen=window)
        self._times: deque[float] = deque()

    def read(self, raw: float, spikes: int, t: float) -> None:
        """A state frame read at ``t`` carried the raw reading ``raw``."""
        self.raw, self.spikes = raw, spikes
        self._raws.append(raw)
        self._times.append(t)
        while self._times[0] < t - self.seconds:
            self._times.popleft()

    def figures(self, now: float) -> dict[str, Any]:
        """The readings as :class:`~controller.diagnosis.StationFigures` fields."""
        return {"raw": self.raw, "noise_lsb": self.noise(), "fps": self.fps(now)}

    def noise(self) -> float | None:
        """The RMS deviation of the recent raw readings, None before two readings."""
        return statistics.pstdev(self._raws) if len(self._raws) >= 2 else None

    def fps(self, now: float) -> float:
        """State frames per second received lately (0 when silent for ``seconds``)."""
        times = self._times
        if len(times) < 2 or times[-1] < now - self.seconds or times[-1] <= times[0]:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])
