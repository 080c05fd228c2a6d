"""The technician desk: calibration from a station's own buttons, and live diagnostics.

While the leader console's key is on *technician*, the desk (a source and a sink of the
installation) watches every station link:

- **OK** on a station starts calibrating its slider
  (:class:`~controller.technician.procedure.Procedure` fed with the station's raw readings);
  OK again means "measure where it is"; **−** cancels;
- a calibration that ends OK is saved (atomically, previous version kept) and applied to the
  station's link at once, so the slider follows the ruler's marks from the next frame;
- a few times a second it publishes a :class:`~controller.events.DiagnosisUpdated`, which the
  technician screen draws and the station rings show (progress, then OK or fault);
- a board the installation file does not know, online while a station is missing (the board
  that replaced a dead one), is offered that station's place
  (:class:`~controller.diagnosis.SwapOffer`): its − and + choose among the missing stations,
  its OK assigns it (the file rewritten, its previous version kept) and asks for its
  calibration at once.

The terminal's ``neurones calibrate`` drives the same procedure and the same saving through
:class:`Calibrator`, so both paths behave alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from controller.calibration import CalibrationBook, Ruler, StationCalibration
from controller.diagnosis import (
    RUNNING,
    CalibrationProgress,
    ConsoleDiagnosis,
    Diagnosis,
    StationFigures,
    SwapOffer,
    swap_offers,
)
from controller.errors import NeuronesError
from controller.events import DiagnosisUpdated, Event
from controller.scene import Scene
from controller.stations.roster import Roster
from controller.technician.procedure import Procedure, station_calibration
from controller.technician.store import CalibrationStore

log = logging.getLogger(__name__)

#: How long a finished calibration's OK or fault stays on the screen and the ring.
OUTCOME_SHOWN_S = 8.0


class StationLinks(Protocol):
    """What the desk needs from the station links (controller.stations.links)."""

    def poll(self, now: float) -> list[Event]:
        """Read what arrived from the stations (the links are a source of the loop)."""
        ...

    def figures(self) -> list[StationFigures]:
        """Each known station's figures now."""
        ...

    def held(self) -> dict[str, tuple[str, ...]]:
        """The buttons held now on each station online, by USB serial."""
        ...

    def apply_calibration(self, calibration: StationCalibration) -> None:
        """Use this calibration for the station's slider from now on."""
        ...


@dataclass
class Calibrator:
    """Calibrations under way, by USB serial, and what to do when one ends.

    Shared by the technician desk and ``neurones calibrate``: feed it readings, start, confirm
    or cancel stations; each procedure that ends OK is saved and applied to the links.
    """

    links: StationLinks
    calibrations: CalibrationStore
    by: str
    default_ruler: Ruler = field(default_factory=Ruler)
    rulers: dict[str, Ruler] = field(default_factory=dict)  # by serial, from the installation
    marks: tuple[float, ...] = ()
    procedure_options: dict = field(default_factory=dict)
    clock_wall: Callable[[], datetime] = datetime.now
    book: CalibrationBook = field(default_factory=CalibrationBook)
    procedures: dict[str, Procedure] = field(default_factory=dict)
    ended_at: dict[str, float] = field(default_factory=dict)

    def ruler_for(self, serial: str) -> Ruler:
        """The station's ruler: the installation's range for it, else as calibrated before,
        else the default."""
        if serial in self.rulers:
            return self.rulers[serial]
        known = self.book.get(serial)
        return known.ruler if known else self.default_ruler

    def start(self, serial: str) -> Procedure:
        """Begin calibrating the station with this USB serial (restarting any under way)."""
        ruler = self.ruler_for(serial)
        marks = tuple(m for m in self.marks if ruler.low < m < ruler.high)
        procedure = Procedure.start(ruler, marks, **self.procedure_options)
        self.procedures[serial] = procedure
        self.ended_at.pop(serial, None)
        log.info("calibrating station %s", serial)
        return procedure

    def running(self, serial: str) -> bool:
        """Whether a calibration of this station is under way."""
        procedure = self.procedures.get(serial)
        return procedure is not None and procedure.status == RUNNING

    def confirm(self, serial: str, now: float) -> None:
        """The technician says "measure where it is" for this station."""
        if self.running(serial):
            self.procedures[serial] = self.procedures[serial].confirm(now)

    def cancel(self, serial: str, now: float) -> None:
        """Stop calibrating this station; nothing is saved."""
        if self.running(serial):
            self.procedures[serial] = self.procedures[serial].cancel()
            self.ended_at[serial] = now

    def feed(self, readings: Iterable[StationFigures], now: float) -> list[Procedure]:
        """Feed fresh readings to the procedures under way; return those that just ended."""
        ended = []
        for reading in readings:
            if not self.running(reading.serial) or reading.raw is None:
                continue
            procedure = self.procedures[reading.serial].feed(reading.raw, now, reading.noise_lsb)
            self.procedures[reading.serial] = procedure
            if procedure.status != RUNNING:
                self.ended_at[reading.serial] = now
                self._conclude(reading, procedure)
                ended.append(procedure)
        return ended

    def progress(self, serial: str, now: float) -> CalibrationProgress | None:
        """What to show for this station: a calibration under way or just ended, else None."""
        procedure = self.procedures.get(serial)
        if procedure is None:
            return None
        ended = self.ended_at.get(serial)
        if ended is not None and now - ended > OUTCOME_SHOWN_S:
            return None
        return procedure.summary()

    def _conclude(self, reading: StationFigures, procedure: Procedure) -> None:
        if procedure.result is None:
            codes = ", ".join(p.code for p in procedure.problems) or procedure.status
            log.warning("calibration of station %s not saved: %s", reading.serial, codes)
            return
        calibration = station_calibration(
            procedure,
            usb_serial=reading.serial,
            station_id=reading.station_id,
            firmware=reading.firmware,
            by=self.by,
            at=self.clock_wall(),
        )
        self.links.apply_calibration(calibration)
        self.book = self.book.with_station(calibration)
        try:
            self.book = self.calibrations.save(calibration)
        except OSError as exc:  # a full or read-only card: keep it for this run, say so loudly
            log.error("calibration of station %s NOT saved: %s", reading.serial, exc)


class NewFrames:
    """Which stations sent a state frame since the last look: a calibration is fed each
    reading once, however often the figures are read."""

    def __init__(self) -> None:
        self._frames: dict[str, int] = {}

    def of(self, figures: Iterable[StationFigures]) -> list[StationFigures]:
        """The stations of ``figures`` with a new frame since the last call."""
        fresh = [f for f in figures if self._frames.get(f.serial) != f.frames]
        self._frames.update((f.serial, f.frames) for f in fresh)
        return fresh


class TechnicianDesk:
    """A source and sink of the installation: station-button calibration and diagnostics.

    :param links: the station links.
    :param calibrator: where calibrations run and are saved.
    :param console: a callable giving the console's state, if there is a console.
    :param led_patterns: the LED test patterns on offer (names).
    :param errors: a callable giving the last errors (newest last).
    :param assign: gives station ``station_id`` the board ``serial`` (rewrites the installation
        file, and the links go on with it); the roster it makes. None: no swaps on offer.
    :param period: seconds between two diagnoses sent to the screen.
    """

    def __init__(
        self,
        links: StationLinks,
        calibrator: Calibrator,
        *,
        console: Callable[[], ConsoleDiagnosis] | None = None,
        led_patterns: tuple[str, ...] = (),
        errors: Callable[[], tuple[str, ...]] = tuple,
        assign: Callable[[str, int], Roster] | None = None,
        period: float = 0.2,
    ) -> None:
        self.links = links
        self.calibrator = calibrator
        self.console = console
        self.led_patterns = led_patterns
        self.errors = errors
        self.assign = assign
        self.period = period
        self.new_frames = NewFrames()
        self.mode = "visitor"
        self._held: dict[str, tuple[str, ...]] = {}
        self._chosen: dict[str, int] = {}  # by unknown board: which missing station it is offered
        self._published: float | None = None
        self._watched: float | None = None  # when readings were last taken out of technician mode

    def poll(self, now: float) -> list[Event]:
        """Watch the stations; in technician mode, run calibrations and publish a diagnosis.

        Out of technician mode it only notes the buttons held, a few times a second (so a
        press held as the key turns does not start a calibration): every frame would cost the
        visitors' screen for nothing.
        """
        if self.mode != "technician":
            if self._watched is None or now - self._watched >= self.period:
                self._watched = now
                self._held = self.links.held()
            return []
        figures = self.links.figures()
        swaps = swap_offers(figures, self._chosen) if self.assign is not None else ()
        for station in figures:
            self._buttons(station, now, swaps)
        self.calibrator.feed(self.new_frames.of(figures), now)
        if self._published is not None and now - self._published < self.period:
            return []
        self._published = now
        return [DiagnosisUpdated(self.diagnosis(figures, now), now)]

    def show(self, scene: Scene) -> None:
        """Follow the key: the desk only acts in technician mode."""
        self.mode = scene.mode

    def close(self) -> None:
        """Nothing to release: the links belong to the installation."""

    def diagnosis(self, figures: list[StationFigures], now: float) -> Diagnosis:
        """The technician's figures now: the stations', the calibrations under way or just
        ended, the console's, the LED patterns and the last errors."""
        calibrations = {}
        for station in figures:
            progress = self.calibrator.progress(station.serial, now)
            if progress is not None:
                calibrations[station.serial] = progress
        console = self.console() if self.console else ConsoleDiagnosis()
        return Diagnosis(
            tuple(figures),
            console,
            self.led_patterns,
            tuple(self.errors()),
            calibrations,
            swap_offers(figures, self._chosen),
        )

    def _buttons(
        self, reading: StationFigures, now: float, swaps: tuple[SwapOffer, ...] = ()
    ) -> None:
        """OK starts or confirms, − cancels: on the press, not while held."""
        pressed = set(reading.buttons) - set(self._held.get(reading.serial, ()))
        self._held[reading.serial] = reading.buttons
        serial = reading.serial
        offer = next((o for o in swaps if o.serial == serial), None)
        if offer is not None:
            self._swap_buttons(offer, pressed)
            return
        if "ok" in pressed:
            if self.calibrator.running(serial):
                self.calibrator.confirm(serial, now)
            else:
                self.calibrator.start(serial)
        elif "minus" in pressed:
            self.calibrator.cancel(serial, now)

    def _swap_buttons(self, offer: SwapOffer, pressed: set[str]) -> None:
        """An unknown board's buttons: − and + choose the missing station, OK assigns it."""
        if "minus" in pressed or "plus" in pressed:
            step = 1 if "plus" in pressed else -1
            self._chosen[offer.serial] = (offer.chosen + step) % len(offer.missing)
        elif "ok" in pressed:
            self.assign_board(offer.serial, offer.station[0])

    def assign_board(self, serial: str, station_id: int) -> bool:
        """Give station ``station_id`` the board ``serial``, then ask for its calibration;
        whether it was done (a refusal is logged: the offer stays)."""
        if self.assign is None:
            return False
        try:
            roster = self.assign(serial, station_id)
        except (NeuronesError, OSError) as exc:
            log.error("station %d could not be given the board %s: %s", station_id, serial, exc)
            return False
        log.warning("station %d is now the board %s", station_id, serial)
        self._chosen.pop(serial, None)
        self.calibrator.rulers = roster.rulers_by_serial()
        self.calibrator.start(serial)
        return True
