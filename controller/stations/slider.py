"""The slider's signal path on the Pi: raw reading → EMA → calibration map → ruler step.

A station reports its slider as a 12-bit reading, already oversampled, spike-filtered and
smoothed on the board (docs/hardware.md §2), and only when it moved by a few LSB (or as a
heartbeat a few times a second): its reports come at uneven times. The ADC still wanders by a
few LSB, and a threshold that flickers between 7 and 8 while nobody touches the slider would be
worse than useless. So, in Control Surface's order (docs/hardware.md §3)::

    raw ──EMA(α)──▶ filtered ──calibration──▶ ruler position 0..1 ──hysteresis──▶ threshold

- the **EMA** (exponential moving average) smooths what wander is left; ``α`` is the weight of
  a reading 20 ms after the last, and weighs more the longer the gap (by the board's clock), so
  the filter follows time, not the number of reports;
- the **calibration map** (:class:`~controller.calibration.StationCalibration`)
  turns the reading into the place on the printed ruler, so thresholds match its marks;
- **quantisation with hysteresis** snaps the place to the ruler's step: the value moves to a
  neighbouring mark only once the slider is within ``(1 − hysteresis) / 2`` of a step from it
  (a quarter step with the default ½-step band around each boundary), so a still slider never
  flickers and a slider resting on a mark always shows that mark.

Everything here is pure: a :class:`SliderState` goes in with a reading, a new one comes out::

    path = SliderPath(StationCalibration("E66…", ruler=Ruler(0, 20, 1)))
    state = path.step(SliderState(), raw=2048)
    path.value(state)   # 10.0
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from controller.calibration import StationCalibration
from controller.stations.framing import Frame
from controller.stations.messages import MessageError, State


@dataclass(frozen=True)
class SliderSettings:
    """The filter and hysteresis, tunable per installation without reflashing (``[slider]``).

    ``alpha``: the EMA's weight of a new reading (docs/hardware.md §3: 1/4; 1/2 if it feels
    sluggish, 1/8 if noisy). ``hysteresis``: width of the dead band around each boundary between two
    ruler steps, in steps (more than 0, at most 1: 1 moves only on reaching the next mark).
    """

    alpha: float = 0.25
    hysteresis: float = 0.5


#: The gap (board milliseconds) that ``SliderSettings.alpha`` is the weight of a reading for.
ALPHA_STEP_MS = 20
#: A longer gap than this (a heartbeat, a station just back) counts as this long.
LONGEST_GAP_MS = 2000


@dataclass(frozen=True)
class SliderState:
    """Where one slider's signal path is: the filtered reading, the ruler step shown, and the
    board's clock at the last reading."""

    filtered: float | None = None
    level: int | None = None  # index of the ruler mark shown, 0 = the ruler's low end
    t_ms: int | None = None


def ema(previous: float | None, raw: float, alpha: float, gap_ms: float = ALPHA_STEP_MS) -> float:
    """The exponential moving average after ``raw``, read ``gap_ms`` after the last reading
    (the first reading starts it): ``alpha`` is a reading's weight after 20 ms."""
    if previous is None:
        return float(raw)
    weight = 1.0 - (1.0 - alpha) ** (min(gap_ms, LONGEST_GAP_MS) / ALPHA_STEP_MS)
    return previous + weight * (raw - previous)


def quantise(level: int | None, continuous: float, hysteresis: float, top: int) -> int:
    """The ruler step shown for ``continuous`` (in steps), given the step ``level`` shown now.

    Plain rounding would change at every half step; here the boundary is widened into a band of
    ``hysteresis`` steps, and the value only crosses it once the input has left the band on
    the other side. The result is clamped to ``0..top`` so both ends are always reachable.
    """
    if level is None:
        return min(top, max(0, math.floor(continuous + 0.5)))
    margin = 0.5 - hysteresis / 2
    up = math.floor(continuous + margin)
    down = math.ceil(continuous - margin)
    if up > level:
        level = up
    elif down < level:
        level = down
    return min(top, max(0, level))


@dataclass(frozen=True)
class SliderPath:
    """One station's slider path: its calibration (which holds its ruler) and the settings."""

    calibration: StationCalibration
    settings: SliderSettings = field(default_factory=SliderSettings)

    @cached_property
    def steps(self) -> int:
        """How many steps the ruler has from its low end to its high end (kept: it is asked at
        every reading)."""
        ruler = self.calibration.ruler
        return max(1, round((ruler.high - ruler.low) / ruler.step))

    def step(self, state: SliderState, raw: float, t_ms: int | None = None) -> SliderState:
        """The path after one raw reading, taken at ``t_ms`` by the board's clock (None: 20 ms
        after the last)."""
        gap: float = ALPHA_STEP_MS
        if t_ms is not None and state.t_ms is not None:
            gap = (t_ms - state.t_ms) & 0xFFFFFFFF  # the board's clock wraps after 49 days
        filtered = ema(state.filtered, raw, self.settings.alpha, gap)
        continuous = self.calibration.position(filtered) * self.steps
        level = quantise(state.level, continuous, self.settings.hysteresis, self.steps)
        return SliderState(filtered, level, t_ms)

    def value(self, state: SliderState) -> float | None:
        """The threshold the slider sets, None before the first reading."""
        if state.level is None:
            return None
        ruler = self.calibration.ruler
        return round(ruler.low + state.level * ruler.step, 9)


class SliderTracker:
    """The slider's signal path, run in the stations' reader thread on every state frame.

    A still slider sends heartbeats that change nothing, and a moving one up to 50 frames a
    second, most of them moving the threshold by less than a step; waking the loop for each
    would cost more than everything else the links do. The reader thread runs the path
    (:class:`~controller.stations.slider.SliderPath`) itself and wakes the loop only when the
    threshold the slider sets changes, its buttons change, or a frame is not a state frame. Each
    frame travels to the loop with its note: ``(State, SliderState, value)``.

    The loop hands it a new path (after the handshake, or a calibration) with :meth:`use`; the
    thread takes it at its next frame. Nothing else is shared between the threads.
    """

    def __init__(self) -> None:
        self._path: SliderPath | None = None
        self._state = SliderState()
        self._buttons: int | None = None
        self._next: deque[tuple[SliderPath, bool]] = deque(maxlen=1)
        self._value: float | None = None  # the threshold the path set at the last reading

    def use(self, path: SliderPath, keep_filter: bool = False) -> None:
        """Follow ``path`` from the next frame (``keep_filter``: keep the EMA, re-quantise)."""
        self._next.append((path, keep_filter))

    def inspect(self, frame: Frame) -> tuple[Any, bool]:
        """In the reader thread: the frame's note, and whether the loop must wake for it."""
        if frame.type != State.TYPE:
            return None, True
        try:
            state = State.from_body(frame.body)
        except MessageError:
            return None, True  # the loop counts it
        assert isinstance(state, State)
        urgent = state.buttons != self._buttons
        self._buttons = state.buttons
        slider, value, moved = self.follow(state.raw, state.t_ms)
        return (state, slider, value), urgent or moved

    def follow(
        self, raw: float, t_ms: int | None = None
    ) -> tuple[SliderState | None, float | None, bool]:
        """In the reading thread: one raw reading, taken at ``t_ms``, through the path; the
        path's state after it (None before the loop handed a path), the threshold it sets, and
        whether that changed. The direct-wired stations' sampler calls it for each reading of
        an ADC input."""
        if self._next:
            self._path, keep = self._next.popleft()
            state_now = self._state
            self._state = (
                SliderState(state_now.filtered, None, state_now.t_ms) if keep else SliderState()
            )
            self._value = self._path.value(self._state)
        if self._path is None:
            return None, None, False
        before = self._value
        self._state = self._path.step(self._state, raw, t_ms)
        value = self._value = self._path.value(self._state)
        return self._state, value, value != before


class Slider:
    """The loop's side of a station's slider: where the path stood at the last state frame (as
    the reader thread's :class:`SliderTracker` left it) and the threshold it set."""

    def __init__(self) -> None:
        self.state = SliderState()
        self.value: float | None = None

    def moved(self, state: SliderState | None, value: float | None) -> bool:
        """A state frame's note: whether the threshold the slider sets changed (a frame read
        before the tracker had its path, ``state`` None, changes nothing)."""
        if state is None:
            return False
        changed, self.state, self.value = value != self.value, state, value
        return changed
