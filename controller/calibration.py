"""Slider calibration: what a station's slider reads at its ends, and how that maps to thresholds.

A ruler slider is a potentiometer read by the station's 12-bit ADC. No two are alike: one
stops at 31 and 4071, another is wired backwards, a cheap one is not even linear. A
:class:`StationCalibration`, measured once by a technician and kept on the Pi keyed by the
station's USB serial, turns a raw reading into the ruler's position (0 = left end, 1 = right end)
and the position into the threshold printed on the ruler::

    raw ──(dead zones, invert, optional points)──▶ position 0..1 ──(ruler low..high)──▶ threshold

Everything here is pure: measuring a hold, checking the measures (a slider that does not reach
its ends, or is noisy, is a wiring fault: the technician is told so and nothing is saved), and
reading and writing the calibration document. Files are handled by :mod:`controller.storage`.
"""

from __future__ import annotations

import bisect
import itertools
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import tomli_w

from controller.datafile import Field

#: Largest reading of the stations' 12-bit ADC.
FULL_SCALE = 4095
#: Version of the calibration document; bump it when its layout changes.
SCHEMA_VERSION = 1
#: Name of the calibration document in the state directory.
CALIBRATIONS_FILE = "calibrations.toml"
#: Default dead zone at each end, as a fraction of the span (docs/hardware.md §4): both ends
#: stay reachable.
DEFAULT_DEAD_ZONE = 0.02


@dataclass(frozen=True)
class Ruler:
    """The printed ruler beside a slider: thresholds from ``low`` (left) to ``high`` (right)."""

    low: float = 0.0
    high: float = 20.0
    step: float = 1.0

    def value(self, position: float) -> float:
        """The threshold at ``position`` (0 = left end, 1 = right end)."""
        return self.low + position * (self.high - self.low)

    def position(self, value: float) -> float:
        """Where the threshold ``value`` is printed, 0 at the left end and 1 at the right."""
        return (value - self.low) / (self.high - self.low)

    def marks(self) -> tuple[float, ...]:
        """Every printed mark, from left to right."""
        count = round((self.high - self.low) / self.step)
        return tuple(self.low + i * self.step for i in range(count + 1))


@dataclass(frozen=True)
class Hold:
    """The slider held still at one place: the median reading and its noise (RMS, in LSB)."""

    median: float
    noise: float
    samples: int

    @classmethod
    def measure(
        cls,
        readings: Sequence[float],
        noises: Sequence[float] = (),
        weights: Sequence[float] | None = None,
    ) -> Hold:
        """Summarise the readings taken while the slider was held.

        The median ignores the odd spike; each reading counts for its ``weight`` (how long it
        stood: a station reports at uneven times, fast while its filter settles, then a
        heartbeat now and then). The noise is the RMS noise the station measured on its own
        samples (``noises``, one per report: their median), or, when it said none, the RMS
        deviation of the readings from their mean: the figure docs/hardware.md §4 bounds (≤ 8 LSB).
        """
        if not readings:
            raise ValueError("a hold needs at least one reading")
        noise = statistics.median(noises) if noises else statistics.pstdev(readings)
        return cls(weighted_median(readings, weights), noise, len(readings))


def weighted_median(values: Sequence[float], weights: Sequence[float] | None = None) -> float:
    """The value below which half the weight lies (the plain median with no weights)."""
    if weights is None or sum(weights) <= 0:
        return statistics.median(values)
    pairs = sorted(zip(values, weights, strict=True))
    half = sum(weights) / 2
    total = 0.0
    for i, (value, weight) in enumerate(pairs):
        total += weight
        if total > half:
            return value
        if total == half:
            return (value + pairs[i + 1][0]) / 2
    return pairs[-1][0]


@dataclass(frozen=True)
class SliderCalibration:
    """How one slider's raw readings map onto its ruler's positions.

    ``raw_min``/``raw_max`` are the readings at the two end stops (whichever end reads low);
    the dead zones (fractions of the span) are trimmed off each end so the ends are reached
    before the stop; ``invert`` is set when the left end reads high; ``points`` are optional
    ``(raw, position)`` pairs measured at ruler marks, for sliders that are not linear.
    """

    raw_min: float = 0.0
    raw_max: float = float(FULL_SCALE)
    dead_zone_low: float = DEFAULT_DEAD_ZONE
    dead_zone_high: float = DEFAULT_DEAD_ZONE
    invert: bool = False
    points: tuple[tuple[float, float], ...] = ()
    noise_lsb_rms: float = 0.0  # measured and kept for the record, not used in the maths

    @property
    def span(self) -> float:
        """Readings between the two end stops."""
        return self.raw_max - self.raw_min

    @cached_property
    def knots(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """The piecewise-linear map as (raws, positions), raws increasing."""
        low = self.raw_min + self.dead_zone_low * self.span
        high = self.raw_max - self.dead_zone_high * self.span
        ends = ((low, 1.0), (high, 0.0)) if self.invert else ((low, 0.0), (high, 1.0))
        inner = [(r, p) for r, p in self.points if low < r < high]
        pairs = sorted([*ends, *inner])
        return tuple(r for r, _ in pairs), tuple(p for _, p in pairs)

    def position(self, raw: float) -> float:
        """The ruler position (0 left … 1 right) of a raw reading, clamped to the ends."""
        raws, positions = self.knots
        if raw <= raws[0]:
            return positions[0]
        if raw >= raws[-1]:
            return positions[-1]
        i = bisect.bisect_right(raws, raw)
        fraction = (raw - raws[i - 1]) / (raws[i] - raws[i - 1])
        return positions[i - 1] + fraction * (positions[i] - positions[i - 1])

    def raw(self, position: float) -> float:
        """Where the slider reads when it stands at ``position`` (the inverse of
        :meth:`position`): used to put an emulated slider where a pupil would."""
        raws, positions = self.knots
        position = min(1.0, max(0.0, position))
        for i in range(1, len(raws)):
            a, b = positions[i - 1], positions[i]
            if min(a, b) <= position <= max(a, b) and a != b:
                return raws[i - 1] + (position - a) / (b - a) * (raws[i] - raws[i - 1])
        return raws[0]


@dataclass(frozen=True)
class StationCalibration:
    """Everything measured about one station's slider, and who measured it when."""

    usb_serial: str
    slider: SliderCalibration = field(default_factory=SliderCalibration)
    ruler: Ruler = field(default_factory=Ruler)
    station_id: int | None = None
    calibrated_at: str = ""  # ISO 8601, UTC
    calibrated_by: str = ""
    firmware_version: str = ""

    def position(self, raw: float) -> float:
        """The ruler position of a raw (filtered) reading."""
        return self.slider.position(raw)

    def threshold(self, raw: float) -> float:
        """The threshold the ruler shows under the slider for a raw (filtered) reading."""
        return self.ruler.value(self.slider.position(raw))

    def raw_for(self, threshold: float) -> float:
        """The reading of the slider standing on ``threshold``'s mark of the ruler."""
        return self.slider.raw(self.ruler.position(threshold))


# --- checking measures before they are saved ----------------------------------------------


@dataclass(frozen=True)
class Limits:
    """What a healthy slider measures (docs/hardware.md §4); outside these, suspect the wiring."""

    min_span: float = 0.60  # of full scale
    max_low_end: float = 0.10  # the low end must read at most this fraction of full scale
    min_high_end: float = 0.90  # the high end at least this
    max_noise_lsb: float = 8.0  # RMS, at each end


@dataclass(frozen=True)
class Problem:
    """Why a calibration was refused: a text key under ``calibration.problem`` and its values."""

    code: str  # span / low_end / high_end / noise / marks
    values: dict[str, float | str] = field(default_factory=dict)

    @property
    def text_key(self) -> str:
        """The key of the sentence telling the technician what to check."""
        return f"calibration.problem.{self.code}"


def check_ends(left: Hold, right: Hold, limits: Limits = Limits()) -> tuple[Problem, ...]:
    """Problems with the two end measures: too short a span, an end not reached, noise."""
    low, high = sorted((left.median, right.median))
    problems = []
    if high - low < limits.min_span * FULL_SCALE:
        problems.append(Problem("span", {"percent": round(100 * (high - low) / FULL_SCALE)}))
    if low > limits.max_low_end * FULL_SCALE:
        problems.append(Problem("low_end", {"raw": round(low)}))
    if high < limits.min_high_end * FULL_SCALE:
        problems.append(Problem("high_end", {"raw": round(high)}))
    for end, hold in (("left", left), ("right", right)):
        if hold.noise > limits.max_noise_lsb:
            problems.append(Problem("noise", {"end": end, "lsb": round(hold.noise, 1)}))
    return tuple(problems)


def check_marks(
    left: Hold, right: Hold, marks: Sequence[tuple[float, Hold]]
) -> tuple[Problem, ...]:
    """Problems with the marks: each must read between the ends, in the ruler's order."""
    readings = [left.median, *(hold.median for _, hold in marks), right.median]
    steps = [b - a for a, b in itertools.pairwise(readings)]
    same_way = all(s > 0 for s in steps) or all(s < 0 for s in steps)
    return () if same_way else (Problem("marks"),)


def calibrate(
    left: Hold,
    right: Hold,
    ruler: Ruler,
    marks: Sequence[tuple[float, Hold]] = (),
    dead_zone: float = DEFAULT_DEAD_ZONE,
) -> SliderCalibration:
    """The slider calibration from its end holds and optional ``(ruler value, hold)`` marks.

    Check the measures first with :func:`check_ends` and :func:`check_marks`.
    """
    return SliderCalibration(
        raw_min=min(left.median, right.median),
        raw_max=max(left.median, right.median),
        dead_zone_low=dead_zone,
        dead_zone_high=dead_zone,
        invert=left.median > right.median,
        points=tuple((hold.median, ruler.position(value)) for value, hold in marks),
        noise_lsb_rms=round(max(left.noise, right.noise), 2),
    )


# --- the calibration document -------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationBook:
    """Every station's calibration, by USB serial: the content of ``calibrations.toml``."""

    stations: dict[str, StationCalibration] = field(default_factory=dict)

    def get(self, usb_serial: str) -> StationCalibration | None:
        """The calibration of the station with this USB serial, if it has one."""
        return self.stations.get(usb_serial)

    def with_station(self, calibration: StationCalibration) -> CalibrationBook:
        """The book with ``calibration`` added or replacing the station's previous one."""
        return replace(self, stations={**self.stations, calibration.usb_serial: calibration})

    def to_toml(self) -> str:
        """The document as TOML text, stations in serial order (stable diffs)."""
        document = {
            "schema_version": SCHEMA_VERSION,
            "station": {s: _station_table(self.stations[s]) for s in sorted(self.stations)},
        }
        header = "# Slider calibrations, by station USB serial. Written by `neurones calibrate`.\n"
        return header + tomli_w.dumps(document)


def parse_book(path: str | Path) -> CalibrationBook:
    """Read a calibration document.

    :raises DataError: naming the file and the field of the first mistake.
    """
    return book_from(Field.load(path))


def book_from(root: Field) -> CalibrationBook:
    """The calibration book held in a parsed document (see :func:`parse_book`)."""
    root["schema_version"].integer(minimum=SCHEMA_VERSION, maximum=SCHEMA_VERSION)
    stations = {key: _station_from(key, table) for key, table in root.get("station", {}).items()}
    return CalibrationBook(stations)


def _station_table(c: StationCalibration) -> dict:
    s = c.slider
    slider = {
        "raw_min": s.raw_min,
        "raw_max": s.raw_max,
        "dead_zone_low": s.dead_zone_low,
        "dead_zone_high": s.dead_zone_high,
        "invert": s.invert,
        "points": [list(p) for p in s.points],
        "noise_lsb_rms": s.noise_lsb_rms,
    }
    table = {
        "station_id": c.station_id,
        "calibrated_at": c.calibrated_at,
        "calibrated_by": c.calibrated_by,
        "firmware_version": c.firmware_version,
        "slider": slider,
        "ruler": {"low": c.ruler.low, "high": c.ruler.high, "step": c.ruler.step},
    }
    return {k: v for k, v in table.items() if v not in (None, "")}


def _station_from(serial: str, table: Field) -> StationCalibration:
    slider, ruler = table["slider"], table["ruler"]
    raw_min = slider["raw_min"].number(minimum=0, maximum=FULL_SCALE)
    raw_max = slider["raw_max"].number(minimum=raw_min + 1, maximum=FULL_SCALE)
    low = ruler["low"].number()
    station_id = table.get("station_id")
    return StationCalibration(
        usb_serial=serial,
        slider=SliderCalibration(
            raw_min=raw_min,
            raw_max=raw_max,
            dead_zone_low=_dead_zone(slider, "dead_zone_low"),
            dead_zone_high=_dead_zone(slider, "dead_zone_high"),
            invert=slider.get("invert", False).boolean(),
            points=tuple(_point(p) for p in slider.get("points", []).list()),
            noise_lsb_rms=slider.get("noise_lsb_rms", 0.0).number(minimum=0),
        ),
        ruler=Ruler(low, ruler["high"].number(minimum=low), ruler["step"].number(minimum=0.001)),
        station_id=None if station_id.value is None else station_id.integer(minimum=1),
        calibrated_at=_optional_text(table, "calibrated_at"),
        calibrated_by=_optional_text(table, "calibrated_by"),
        firmware_version=_optional_text(table, "firmware_version"),
    )


def _dead_zone(slider: Field, key: str) -> float:
    return slider.get(key, DEFAULT_DEAD_ZONE).number(minimum=0, maximum=0.4)


def _optional_text(table: Field, key: str) -> str:
    return table[key].text() if key in table else ""


def _point(item: Field) -> tuple[float, float]:
    raw, position = item.list(length=2)
    return raw.number(minimum=0, maximum=FULL_SCALE), position.number(minimum=0, maximum=1)


def ruler_marks(ruler: Ruler, wanted: Iterable[float]) -> tuple[float, ...]:
    """The ``wanted`` mark values that lie strictly inside the ruler, in left-to-right order."""
    return tuple(sorted(v for v in set(wanted) if ruler.low < v < ruler.high))
