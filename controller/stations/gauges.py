"""The live readings a technician watches on one station: the slider's reading and its noise,
the spikes the board filtered out, and how often the station reports.

The station measures its slider's noise itself (the RMS distance of its samples to its filter
since its last report, PROTOCOL.md §3) and sends it with each report; the gauges show the last
(a moving slider reads as very noisy, which is also worth seeing). The frame rate is
the state frames received over the last ``seconds``: a still slider's heartbeats (5 a second
by default), more while it moves (at most ``report_hz``).
"""

from __future__ import annotations

from collections import deque
from typing import Any


class Gauges:
    """One station's live readings (see the module doc)."""

    def __init__(self, seconds: float = 2.0) -> None:
        self.seconds = seconds
        self.raw: float | None = None
        self.spikes = 0
        self._noise: float | None = None
        self._times: deque[float] = deque()

    def read(self, raw: float, spikes: int, t: float, noise_lsb: float = 0.0) -> None:
        """A state frame read at ``t`` carried the reading ``raw`` and the noise ``noise_lsb``."""
        self.raw, self.spikes = raw, spikes
        self._noise = noise_lsb
        self._times.append(t)
        while self._times[0] < t - self.seconds:
            self._times.popleft()

    def figures(self, now: float) -> dict[str, Any]:
        """The readings as :class:`~controller.diagnosis.StationFigures` fields."""
        return {"raw": self.raw, "noise_lsb": self.noise(), "fps": self.fps(now)}

    def noise(self) -> float | None:
        """The slider's noise (RMS, LSB) in the station's last report; None before one."""
        return self._noise

    def fps(self, now: float) -> float:
        """State frames per second received lately (0 when silent for ``seconds``)."""
        times = self._times
        if len(times) < 2 or times[-1] < now - self.seconds or times[-1] <= times[0]:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])
