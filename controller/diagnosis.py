"""What a technician looks at to find the loose connector, as plain data.

A :class:`StationFigures` is one station's figures at an instant (online, firmware, raw and
filtered slider, noise, buttons held, frames per second, errors, reconnects…). The station's
link builds it (:meth:`controller.stations.link.Link.figures`), once, and everything that shows
station figures uses that record as it is: ``neurones run --report``, ``neurones diagnose``,
the health page and the technician screen.

A :class:`Diagnosis` gathers every station's figures with the calibrations under way
(:class:`CalibrationProgress`), the leader console (:class:`ConsoleDiagnosis`), the LED test
patterns on offer, the last errors and the swaps on offer (:class:`SwapOffer`: a board the
installation file does not know, online while a station is missing, may take its place): the
technician desk publishes it a few times a second, the technician screen draws it and
``neurones diagnose`` prints it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from controller.calibration import Problem, SliderCalibration

#: Where a calibration is: ``running`` until one of the others.
CalibrationStatus = Literal["running", "ok", "fault", "cancelled"]
RUNNING: CalibrationStatus = "running"
OK: CalibrationStatus = "ok"
FAULT: CalibrationStatus = "fault"
CANCELLED: CalibrationStatus = "cancelled"

#: The columns of the technician's station table, in order (their headings are texts
#: ``technician.NAME``, their cells :meth:`controller.texts.Texts.station_row`).
COLUMNS = (
    "station",
    "neuron",
    "state",
    "firmware",
    "raw",
    "filtered",
    "value",
    "noise",
    "buttons",
    "fps",
    "errors",
    "reconnects",
    "calibrated",
)


@dataclass(frozen=True)
class StationFigures:
    """One station as the technician sees it. ``None`` means "not known (yet)"."""

    station_id: int | None
    serial: str  # the board's USB serial number
    neuron: str | None = None
    port: str | None = None
    online: bool = False
    firmware: str | None = None
    raw: float | None = None  # last reading, 12-bit
    filtered: float | None = None  # after the EMA
    slider: float | None = None  # the threshold it sets, after calibration and hysteresis
    noise_lsb: float | None = None  # RMS noise of the slider's samples, as the station measures it
    buttons: tuple[str, ...] = ()  # held down now
    fps: float = 0.0  # state frames received per second lately: heartbeats at rest, more moving
    frames: int = 0  # valid state frames received since start
    errors: int = 0  # frames dropped since start (bad framing, CRC, version, malformed)
    reconnects: int = 0
    calibrated: bool = False
    errors_by_kind: Mapping[str, int] = field(default_factory=dict)
    lost_frames: int = 0  # gaps in the station's sequence numbers
    resyncs: int = 0  # times the line found its feet again after dropped frames
    last_seen_s_ago: float | None = None  # since the last valid frame; None: never heard
    not_wired: bool = False  # a direct-wired slider's input reads like nothing is wired to it

    def to_json(self) -> dict[str, Any]:
        """The figures as plain JSON-ready data (floats to one decimal: a technician reads
        2047.3, not 2047.2999999)."""
        values = asdict(self)
        return {k: round(v, 1) if isinstance(v, float) else v for k, v in values.items()}


@dataclass(frozen=True)
class CalibrationProgress:
    """A calibration under way, or just ended, as the screen and the station's ring show it."""

    status: CalibrationStatus
    step: str | None  # left / right / mark, while running
    mark: float | None  # the ruler value of a mark step
    fraction: float  # of the whole procedure, 0 to 1
    held_s: float  # how long the slider has been held for the current step
    raw: float | None  # the latest raw reading (the live bar)
    problems: tuple[Problem, ...] = ()
    result: SliderCalibration | None = None


@dataclass(frozen=True)
class ConsoleDiagnosis:
    """The leader console on the Pi's GPIO: buttons held now and the key's position."""

    present: bool = False
    buttons: tuple[str, ...] = ()
    key: str | None = None


@dataclass(frozen=True)
class SwapOffer:
    """A board the installation file does not know, online while stations are missing: the
    board that replaced a dead one, which may take the place of one of them.

    ``missing`` lists the missing stations as ``(station number, neuron)``; ``chosen`` is the
    index of the one offered first (the technician screen's − and + move it).
    """

    serial: str
    missing: tuple[tuple[int, str | None], ...]
    chosen: int = 0

    @property
    def station(self) -> tuple[int, str | None]:
        """The missing station offered now: ``(number, neuron)``."""
        return self.missing[self.chosen % len(self.missing)]


def swap_offers(
    stations: tuple[StationFigures, ...] | list[StationFigures],
    chosen: Mapping[str, int] | None = None,
) -> tuple[SwapOffer, ...]:
    """Every unknown board online, with the stations it may replace (none if none is missing).

    :param chosen: by board serial, which of the missing stations to offer first.
    """
    missing = tuple((s.station_id, s.neuron) for s in stations if s.station_id and not s.online)
    if not missing:
        return ()
    chosen = chosen or {}
    return tuple(
        SwapOffer(s.serial, missing, chosen.get(s.serial, 0) % len(missing))
        for s in stations
        if s.station_id is None and s.online
    )


@dataclass(frozen=True)
class Diagnosis:
    """Everything ``neurones diagnose`` and the technician screen show."""

    stations: tuple[StationFigures, ...] = ()
    console: ConsoleDiagnosis = field(default_factory=ConsoleDiagnosis)
    led_patterns: tuple[str, ...] = ()
    last_errors: tuple[str, ...] = ()
    calibrations: Mapping[str, CalibrationProgress] = field(default_factory=dict)  # by serial
    swaps: tuple[SwapOffer, ...] = ()  # unknown boards that may replace a missing station

    def online(self) -> int:
        """How many stations are online."""
        return sum(s.online for s in self.stations)

    def calibration(self, serial: str | None) -> CalibrationProgress | None:
        """The calibration of the station with this USB serial under way or just ended."""
        return None if serial is None else self.calibrations.get(serial)

    def to_json(self) -> dict[str, Any]:
        """The diagnosis as plain JSON-ready data (``neurones diagnose --json``)."""
        stations = []
        for s in self.stations:
            progress = self.calibration(s.serial)
            calibration = None if progress is None else asdict(progress)
            stations.append({**s.to_json(), "calibration": calibration})
        return {
            "stations": stations,
            "online": self.online(),
            "console": asdict(self.console),
            "led_patterns": list(self.led_patterns),
            "last_errors": list(self.last_errors),
            "swaps": [
                {
                    "serial": o.serial,
                    "missing": [{"station_id": i, "neuron": n} for i, n in o.missing],
                }
                for o in self.swaps
            ],
        }
