"""Diagnostics: what a technician looks at to find the loose connector.

A :class:`Diagnosis` is a plain snapshot of every station (online, firmware, raw and filtered
slider, noise, buttons held, frames per second, errors, reconnects), the leader console (buttons
and key), the LED test patterns on offer, and the last errors. ``neurones diagnose`` prints it
as a table or as JSON, and the technician screen draws it; both build it with the same pure
functions here from the :class:`LinkReading` each station link gives. A :class:`Monitor`
watches readings over time, so noise and frame rates are measured, not guessed.
"""

from __future__ import annotations

import statistics
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

from controller.technician.procedure import Progress
from controller.texts import Texts


@dataclass(frozen=True)
class StationDiagnosis:
    """One station as the technician sees it. ``None`` means "not known (yet)"."""

    station_id: int | None
    usb_serial: str
    neuron: str | None = None
    port: str | None = None
    online: bool = False
    firmware: str | None = None
    raw: float | None = None  # last reading, 12-bit
    filtered: float | None = None  # after the EMA
    value: float | None = None  # the threshold it sets, after calibration and hysteresis
    noise_lsb: float | None = None  # RMS of the raw readings over the last second
    buttons: tuple[str, ...] = ()  # held down now
    fps: float = 0.0  # state frames received per second
    frames: int = 0
    errors: int = 0
    reconnects: int = 0
    calibrated: bool = False
    calibration: Progress | None = None  # a calibration under way, or just finished


@dataclass(frozen=True)
class ConsoleDiagnosis:
    """The leader console on the Pi's GPIO: buttons held now and the key's position."""

    present: bool = False
    buttons: tuple[str, ...] = ()
    key: str | None = None


@dataclass(frozen=True)
class Diagnosis:
    """Everything ``neurones diagnose`` and the technician screen show."""

    stations: tuple[StationDiagnosis, ...] = ()
    console: ConsoleDiagnosis = field(default_factory=ConsoleDiagnosis)
    led_patterns: tuple[str, ...] = ()
    last_errors: tuple[str, ...] = ()

    def online(self) -> int:
        """How many stations are online."""
        return sum(s.online for s in self.stations)

    def to_json(self) -> dict[str, Any]:
        """The diagnosis as plain JSON-ready data (``neurones diagnose --json``)."""
        return {
            "stations": [_rounded(asdict(s)) for s in self.stations],
            "online": self.online(),
            "console": asdict(self.console),
            "led_patterns": list(self.led_patterns),
            "last_errors": list(self.last_errors),
        }


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    """Floats to one decimal: a technician reads 2047.3, not 2047.2999999."""
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in values.items()}


@dataclass(frozen=True)
class LinkReading:
    """What the station links know of one station at an instant: the input of a diagnosis."""

    usb_serial: str
    station_id: int | None = None
    neuron: str | None = None
    port: str | None = None
    online: bool = False
    firmware: str | None = None
    frames: int = 0  # valid state frames received since start
    errors: int = 0  # frames dropped (bad CRC, bad framing)
    reconnects: int = 0
    raw: float | None = None
    filtered: float | None = None
    value: float | None = None
    buttons: tuple[str, ...] = ()


class Monitor:
    """Watches link readings over time for the figures a single reading cannot give.

    Frames per second come from the frame counter over the last ``seconds``; the noise is the
    RMS deviation of the last ``window`` raw readings (one per new frame). Noise is measured on
    a slider nobody touches; a moving slider reads as very noisy, which is also worth seeing.
    """

    def __init__(self, window: int = 50, seconds: float = 2.0) -> None:
        self.window = window
        self.seconds = seconds
        self._raws: dict[str, deque[float]] = {}
        self._counts: dict[str, deque[tuple[float, int]]] = {}

    def observe(self, readings: list[LinkReading], now: float) -> list[LinkReading]:
        """Record ``readings`` taken at ``now``; return those with a new frame since last time."""
        fresh = []
        for r in readings:
            counts = self._counts.setdefault(r.usb_serial, deque())
            if counts and r.frames == counts[-1][1]:
                continue
            counts.append((now, r.frames))
            while counts and counts[0][0] < now - self.seconds:
                counts.popleft()
            if r.raw is not None:
                self._raws.setdefault(r.usb_serial, deque(maxlen=self.window)).append(r.raw)
            fresh.append(r)
        return fresh

    def noise(self, serial: str) -> float | None:
        """RMS deviation of the station's recent raw readings, None before two readings."""
        raws = self._raws.get(serial)
        if raws is None or len(raws) < 2:
            return None
        return statistics.pstdev(raws)

    def fps(self, serial: str, now: float) -> float:
        """State frames per second received from the station lately (0 when silent)."""
        counts = self._counts.get(serial)
        if not counts or counts[-1][0] < now - self.seconds or len(counts) < 2:
            return 0.0
        (t0, f0), (t1, f1) = counts[0], counts[-1]
        return (f1 - f0) / (t1 - t0) if t1 > t0 else 0.0


def station_diagnosis(
    reading: LinkReading,
    monitor: Monitor,
    now: float,
    *,
    calibrated: bool = False,
    calibration: Progress | None = None,
) -> StationDiagnosis:
    """One station's line of the diagnosis, from its reading and what the monitor saw."""
    return StationDiagnosis(
        station_id=reading.station_id,
        usb_serial=reading.usb_serial,
        neuron=reading.neuron,
        port=reading.port,
        online=reading.online,
        firmware=reading.firmware,
        raw=reading.raw,
        filtered=reading.filtered,
        value=reading.value,
        noise_lsb=monitor.noise(reading.usb_serial),
        buttons=reading.buttons,
        fps=monitor.fps(reading.usb_serial, now),
        frames=reading.frames,
        errors=reading.errors,
        reconnects=reading.reconnects,
        calibrated=calibrated,
        calibration=calibration,
    )


# --- the table -----------------------------------------------------------------------------

#: The columns of the station table, in order (their headings are texts ``technician.NAME``).
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


def station_row(s: StationDiagnosis, texts: Texts) -> tuple[str, ...]:
    """One station's cells, in the order of the table's columns."""
    return (
        str(s.station_id) if s.station_id is not None else s.usb_serial,
        s.neuron or "–",
        texts["technician.online"] if s.online else texts["technician.offline"],
        s.firmware or "–",
        _number(s.raw, 0),
        _number(s.filtered, 0),
        _number(s.value, 1),
        _number(s.noise_lsb, 1),
        " ".join(s.buttons) or "–",
        _number(s.fps, 0),
        str(s.errors),
        str(s.reconnects),
        texts["technician.yes"] if s.calibrated else texts["technician.no"],
    )


def format_table(diagnosis: Diagnosis, texts: Texts) -> str:
    """The diagnosis as the text ``neurones diagnose`` prints: stations, console, patterns."""
    header = tuple(texts[f"technician.{c}"] for c in COLUMNS)
    rows = [header, *(station_row(s, texts) for s in diagnosis.stations)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    none = texts["technician.none"]
    console = diagnosis.console
    if console.present:
        held = " ".join(console.buttons) or "–"
        console_line = f"{held} · {texts['technician.key']} {console.key or '–'}"
    else:
        console_line = texts["technician.absent"]
    patterns = ", ".join(diagnosis.led_patterns) or none
    lines += [
        "",
        texts.format("technician.line", label=texts["technician.console"], value=console_line),
        texts.format("technician.line", label=texts["technician.patterns"], value=patterns),
        texts.format("technician.line", label=texts["technician.last_errors"], value=""),
        *(f"  {e}" for e in diagnosis.last_errors or (none,)),
    ]
    return "\n".join(line.rstrip() for line in lines)


def _number(value: float | None, digits: int) -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}"
