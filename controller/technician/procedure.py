"""The calibration procedure: "slide fully left… hold", "fully right… hold", optional marks.

A :class:`Procedure` is a pure state machine fed with the slider's raw readings as they arrive
(about 50 a second) and, now and then, the technician's "confirm" (Enter in the terminal, OK on
the station). Both places a technician calibrates from drive the same machine: the
``neurones calibrate`` command and the technician screen. Neither knows the rules below::

    procedure = Procedure.start(Ruler(0, 20), marks=(5, 10, 15))
    for raw, t in readings:
        procedure = procedure.feed(raw, t)
    procedure.status, procedure.result, procedure.problems

A step is captured once the slider has been still for ``hold_s`` seconds at a plausible place
(an end of the travel for the ends, somewhere new for a mark). A slider that never gets there,
or never stands still (a wiring fault), is captured anyway when the technician confirms, so the
checks can say what is wrong instead of waiting forever.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from controller.calibration import (
    FULL_SCALE,
    Hold,
    Limits,
    Problem,
    Ruler,
    SliderCalibration,
    StationCalibration,
    calibrate,
    check_ends,
    check_marks,
)
from controller.diagnosis import (
    CANCELLED,
    FAULT,
    OK,
    RUNNING,
    CalibrationProgress,
    CalibrationStatus,
)


@dataclass(frozen=True)
class Step:
    """One thing the technician does: hold the slider at the ``left`` or ``right`` end, or at
    the ruler ``mark`` printed ``value``."""

    kind: str
    value: float | None = None

    @property
    def text_key(self) -> str:
        """The key of the instruction shown for this step."""
        return f"calibration.step.{self.kind}"


@dataclass(frozen=True)
class Holding:
    """When a hold counts as still and where: tuned for a hand on a slider whose station filters
    its readings and reports what changes (protocol 2: PROTOCOL.md §5)."""

    hold_s: float = 2.0  # docs/hardware.md §4: hold ~2 s at each place
    # Readings within this range count as a still slider: three of the station's steps (a
    # filtered reading settles within one; a slider 8 LSB noisy reads within a few).
    still_lsb: float = 24.0
    end_zone: float = 0.25  # an end must read in the outer quarter at either side of the scale
    moved_lsb: float = 80.0  # a mark must read this far from the previous capture


@dataclass(frozen=True)
class Procedure:
    """Where a calibration is: the steps, the still readings so far, the holds captured."""

    ruler: Ruler
    steps: tuple[Step, ...]
    holding: Holding = field(default_factory=Holding)
    limits: Limits = field(default_factory=Limits)
    index: int = 0
    # (t, raw, the station's noise or None) since the slider came to rest
    window: tuple[tuple[float, float, float | None], ...] = ()
    holds: tuple[Hold, ...] = ()
    confirmed_at: float | None = None
    status: CalibrationStatus = RUNNING
    problems: tuple[Problem, ...] = ()
    result: SliderCalibration | None = None
    last_raw: float | None = None

    @classmethod
    def start(cls, ruler: Ruler, marks: tuple[float, ...] = (), **options) -> Procedure:
        """A procedure for the two ends, then each ruler mark of ``marks`` (left to right)."""
        steps = (Step("left"), Step("right"), *(Step("mark", v) for v in sorted(marks)))
        return cls(ruler, steps, **options)

    # --- what to show --------------------------------------------------------------------

    @property
    def step(self) -> Step | None:
        """The step under way, None once finished."""
        return self.steps[self.index] if self.status == RUNNING else None

    def held_for(self) -> float:
        """Seconds the slider has been held at an acceptable place for the current step."""
        if len(self.window) < 2 or not (self.confirmed_at is not None or self._acceptable()):
            return 0.0
        return self.window[-1][0] - self.window[0][0]

    def progress(self) -> float:
        """How far through the whole procedure, 0 to 1 (the station's ring shows it)."""
        if self.status != RUNNING:
            return 1.0
        held = min(1.0, self.held_for() / self.holding.hold_s)
        return (self.index + held) / len(self.steps)

    def summary(self) -> CalibrationProgress:
        """Where the procedure is, for the screen, the ring and ``neurones diagnose``."""
        step = self.step
        return CalibrationProgress(
            status=self.status,
            step=step.kind if step else None,
            mark=step.value if step else None,
            fraction=round(self.progress(), 3),
            held_s=round(self.held_for(), 2),
            raw=self.last_raw,
            problems=self.problems,
            result=self.result,
        )

    # --- what happens --------------------------------------------------------------------

    def feed(self, raw: float, t: float, noise: float | None = None) -> Procedure:
        """The procedure after a reading ``raw`` at time ``t`` (seconds), with the noise the
        station measured on its samples (None if it did not say)."""
        if self.status != RUNNING:
            return self
        # Only the last two holds' worth is ever needed: the window stays short however long
        # the slider rests in the wrong place.
        recent = (w for w in self.window if w[0] >= t - 2 * self.holding.hold_s)
        window = (*recent, (t, float(raw), noise))
        if self.confirmed_at is None:
            window = _still_tail(window, self.holding.still_lsb)
        moved = replace(self, window=window, last_raw=float(raw))
        if moved._due(t):
            return moved._capture()
        return moved

    def confirm(self, t: float) -> Procedure:
        """The technician says "take it here": capture after ``hold_s`` more, still or not."""
        if self.status != RUNNING:
            return self
        return replace(self, confirmed_at=t, window=())

    def cancel(self) -> Procedure:
        """Stop without a result."""
        if self.status != RUNNING:
            return self
        return replace(self, status=CANCELLED)

    # --- rules -----------------------------------------------------------------------------

    def _due(self, t: float) -> bool:
        if self.confirmed_at is not None:
            return t - self.confirmed_at >= self.holding.hold_s and bool(self.window)
        return self._acceptable() and self.held_for() >= self.holding.hold_s

    def _acceptable(self) -> bool:
        """Whether the resting slider is where the current step expects it."""
        if not self.window:
            return False
        raw = self._hold().median
        step = self.steps[self.index]
        edge = self.holding.end_zone * FULL_SCALE
        at_an_end = raw <= edge or raw >= FULL_SCALE - edge
        if step.kind == "left":
            return at_an_end
        if step.kind == "right":
            return at_an_end and abs(raw - self.holds[0].median) >= FULL_SCALE / 2
        return abs(raw - self.holds[-1].median) >= self.holding.moved_lsb

    def _hold(self) -> Hold:
        """The window as a hold: its readings, each weighing how long it stood (the last as
        long as the one before it), and the noises the station reported."""
        times = [t for t, _, _ in self.window]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        weights = [*gaps, gaps[-1]] if gaps else None
        noises = [n for _, _, n in self.window if n is not None]
        return Hold.measure([r for _, r, _ in self.window], noises, weights)

    def _capture(self) -> Procedure:
        hold = self._hold()
        done = replace(
            self, holds=(*self.holds, hold), index=self.index + 1, window=(), confirmed_at=None
        )
        if done.index == 2:
            left, right = done.holds
            problems = check_ends(left, right, done.limits)
            if problems:
                return replace(done, status=FAULT, problems=problems)
        return done._finish() if done.index == len(done.steps) else done

    def _finish(self) -> Procedure:
        left, right, *held_marks = self.holds
        steps = self.steps[2:]  # each a ruler mark, with its value
        marks = [
            (s.value, h) for s, h in zip(steps, held_marks, strict=True) if s.value is not None
        ]
        problems = check_marks(left, right, marks)
        if problems:
            return replace(self, status=FAULT, problems=problems)
        return replace(self, status=OK, result=calibrate(left, right, self.ruler, marks))


def station_calibration(
    procedure: Procedure,
    *,
    usb_serial: str,
    station_id: int | None,
    firmware: str | None,
    by: str,
    at: datetime,
) -> StationCalibration:
    """The record to save for a procedure that ended OK: the map, the ruler, who and when."""
    if procedure.result is None:
        raise ValueError("only a procedure that ended OK has a calibration to save")
    return StationCalibration(
        usb_serial=usb_serial,
        slider=procedure.result,
        ruler=procedure.ruler,
        station_id=station_id,
        calibrated_at=at.astimezone(UTC).isoformat(timespec="seconds"),
        calibrated_by=by,
        firmware_version=firmware or "",
    )


def _still_tail(
    window: tuple[tuple[float, float, float | None], ...], still_lsb: float
) -> tuple[tuple[float, float, float | None], ...]:
    """The latest readings that all lie within ``still_lsb`` of each other."""
    start = len(window) - 1
    low = high = window[-1][1]
    while start > 0:
        raw = window[start - 1][1]
        low, high = min(low, raw), max(high, raw)
        if high - low > still_lsb:
            break
        start -= 1
    return window[start:]
