"""The stations wired straight to the Pi: a source of the loop beside the Pico links.

On the tabletop build (``[stations] source = "direct"``) the Pi reads the stations' controls
itself: each slider is an input of an MCP3008 ADC on SPI (:mod:`controller.stations.adc`), each
button a pin of an MCP23017 expander on I²C (:mod:`controller.stations.expander`), wired as
:mod:`controller.stations.wiring` reads from the installation file. :class:`DirectStations` is
what :class:`~controller.stations.links.Links` is for the Picos, with the same face: a source
(``poll``, ``wait``), a sink (``show``), and what the technician desk, ``neurones calibrate``,
``diagnose``, the health page and ``--report`` read (``figures``, ``calibration``,
``apply_calibration``). It gives the same events (:class:`~controller.events.SliderMoved`,
:class:`~controller.events.ButtonPressed`, :class:`~controller.events.StationStatus`) through
the same parts: each station's :class:`~controller.stations.controls.Controls` (buttons, slider,
gauges) and :class:`~controller.stations.slider.SliderTracker` (EMA, calibration map,
hysteresis), so the rest of the program cannot tell the two builds apart::

    stations = DirectStations(roster, load_wiring(path), thresholds=network.thresholds())
    installation = Installation(session, engine, sources=[stations], sinks=[stations])
    installation.run(sleep=stations.wait)

One sampler thread does all the bus work, so the loop never waits for a chip:

- every ``1 / report_hz`` seconds (50 Hz) it reads each slider's input once, through
  gpiozero's ``MCP3008``, and runs it through the station's slider path;
- the buttons are read only when an expander's interrupt line says a pin changed (gpiozero
  watches the GPIO, so the Pi wakes on a press instead of polling 48 pins), then at each tick
  while a pin has not held still for ``debounce_ms`` (the console's debouncing,
  :class:`~controller.console.Debounced`), and once a second to check the chip is there and
  still set up (a power cut resets it);
- a chip that stops answering (``OSError``, an MCP3008's all-ones reply) for three reads in a
  row takes its stations offline; it is tried again after 1 s, 2 s, 4 s, then every 5 s
  (``[stations] rescan_s``, ``rescan_max_s``: :class:`~controller.stations.liveness.Liveness`)
  and its stations come back with it;
- an input with nothing wired is told from its noise (:mod:`controller.stations.floating`):
  the station shows "not wired" and its slider moves nothing;
- nothing that happens on a bus leaves the thread: it is logged and counted.

This build has no station rings: the screen shows what a Pico station's ring would (which way
to move a slider held by pickup, a calibration's progress), so :meth:`DirectStations.show` has
nothing to send.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import warnings
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from controller.calibration import CalibrationBook, StationCalibration
from controller.console import Debounced
from controller.diagnosis import StationFigures
from controller.events import Event, StationStatus
from controller.scene import Scene
from controller.stations.adc import AdcChip, SilentChip
from controller.stations.controls import Controls
from controller.stations.expander import Expander
from controller.stations.floating import Floating
from controller.stations.liveness import ONLINE, Liveness
from controller.stations.messages import ButtonEvent, State
from controller.stations.roster import Roster, StationEntry
from controller.stations.slider import SliderTracker
from controller.stations.wiring import DirectWiring, StationWires

log = logging.getLogger(__name__)

#: Failed reads in a row that take a chip's stations offline (one glitch on a bus does not).
FAILURES_TO_LOSE = 3
#: Seconds between two checks that an expander is there and still set up.
CHECK_EVERY_S = 1.0


@dataclass
class Chip:
    """One chip of the build as the sampler keeps it: how to open its driver, the driver once
    open, whether it answers (:class:`Liveness`), and the stations wired to it."""

    name: str
    opener: Callable[[], Any]
    stations: list[DirectStation] = field(default_factory=list)
    driver: Any = None
    liveness: Liveness = field(default_factory=Liveness)
    failures: int = 0  # failed reads in a row
    lost_before: bool = False

    @property
    def answering(self) -> bool:
        """Whether the chip answers now."""
        return self.liveness.phase == ONLINE

    def due(self, now: float) -> bool:
        """Whether the chip may be tried now: it answers, or its back-off is over."""
        return self.answering or self.liveness.may_open(now)


@dataclass(kw_only=True)
class ExpanderChip(Chip):
    """An expander: its address, its interrupt line, when to check it is still set up."""

    address: int
    interrupt: int  # the GPIO its INTA goes to
    line: Any = None  # gpiozero's device on that line
    interrupted: bool = False  # set by the line's callback (another thread)
    check_at: float = float("-inf")


class DirectStation:
    """One station wired straight to the Pi, as the sampler thread keeps it."""

    def __init__(self, entry: StationEntry, wires: StationWires, moves_threshold: bool) -> None:
        self.entry, self.wires = entry, wires
        self.key = wires.key
        self.moves_threshold = moves_threshold
        self.online = False
        self.samples = 0
        self.reconnects = 0
        self.comings = 0
        self.errors: dict[str, int] = {}
        self.last_heard: float | None = None
        self.tracker = SliderTracker()
        self.floating = Floating()
        self.controls = Controls(entry.neuron, moves_threshold)
        self.buttons: dict[int, Debounced] = {}  # by button index, once first read
        self.held = 0  # the debounced buttons held, bit 0 minus, 1 plus, 2 OK
        self._held_shown = -1  # what the controls last saw of them (-1: nothing yet)
        self._settling = False  # a button read lately has not held still yet

    @property
    def neuron(self) -> str:
        """The neuron this station plays."""
        return self.entry.neuron

    def port(self) -> str:
        """Where it is wired, for the technician: ``SPI CE0 CH6 · I²C 0x20 pins 0 1 2``."""
        slider = self.wires.slider
        return f"SPI CE{slider.chip_select} CH{slider.channel} · I²C {self.wires.buttons.text()}"

    def come(self, path: Any, now: float) -> list[Event]:
        """Its chips answer again (or for the first time): fresh controls, online."""
        self.online = True
        self.reconnects += self.comings > 0
        self.comings += 1
        self.controls = Controls(self.neuron, self.moves_threshold)
        self.tracker.use(path)
        self.floating.clear()
        self.buttons, self.held, self._held_shown = {}, 0, -1
        self._settling = False
        return [StationStatus(self.neuron, True, now)]

    def go(self, now: float) -> list[Event]:
        """A chip of this station stopped answering: offline."""
        self.online = False
        self.controls.buttons.clear()
        return [StationStatus(self.neuron, False, now)]

    def error(self, kind: str) -> None:
        """Count a failed read of one of its chips."""
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def sample(self, raw: float, now: float) -> list[Event]:
        """One reading of its slider's input; the events it gives."""
        self.samples += 1
        self.last_heard = now
        if self.floating.read(raw):
            what = "floats: nothing wired?" if self.floating.unwired else "is wired again"
            log.warning("station %s: slider input %s %s", self.entry.station_id, self.key, what)
        t_ms = int(now * 1000) & 0xFFFFFFFF  # the Pi's clock stands for a board's
        if self.floating.unwired:
            slider, value, moved = None, None, False
        else:
            slider, value, moved = self.tracker.follow(raw, t_ms)
        controls = self.controls
        if not moved and self.held == self._held_shown:
            # Most readings change nothing: only the gauges and the filter's state move.
            controls.gauges.read(raw, 0, now)
            controls.slider.moved(slider, value)
            return controls.held(now) if self.held else []
        self._held_shown = self.held
        return controls.state(State(t_ms, round(raw), self.held), slider, value, now)

    def pins(self, address: int, low: int, now: float, hold_s: float) -> list[Event]:
        """The expander at ``address`` was read: ``low`` has a bit set for each of its pins
        held low (a button pressed); the presses it makes, debounced."""
        events: list[Event] = []
        for i, (chip, pin) in enumerate(self.wires.buttons.pins):
            if chip != address:
                continue
            level = bool(low >> pin & 1)
            before = self.buttons.get(i)
            if before is None:
                self.buttons[i] = Debounced.start(level, now)
                continue
            after = self.buttons[i] = before.update(level, now, hold_s)
            if after.level != before.level:
                edge = ButtonEvent(int(now * 1000) & 0xFFFFFFFF, i, int(after.level))
                events += self.controls.event(edge, now) or []
        self.held = sum(1 << i for i, b in self.buttons.items() if b.level)
        self._settling = any(b.candidate != b.level for b in self.buttons.values())
        return events

    def settling(self) -> bool:
        """Whether a button has not yet held still long enough to count (known from the last
        read of its pins: only a read moves a button's state, and the sampler asks at every
        tick)."""
        return self._settling

    def figures(self, now: float, calibrated: bool) -> StationFigures:
        """What a technician sees of this station at ``now``."""
        heard = self.last_heard
        return StationFigures(
            self.entry.station_id,
            self.key,
            self.neuron,
            self.port(),
            self.online,
            calibrated=calibrated,
            frames=self.samples,
            errors=sum(self.errors.values()),
            errors_by_kind=dict(self.errors),
            reconnects=self.reconnects,
            last_seen_s_ago=None if heard is None else round(now - heard, 3),
            not_wired=self.online and self.floating.unwired,
            **self.controls.figures(now),
        )


class DirectStations:
    """Every station wired straight to the Pi: a source and a sink of the installation loop.

    :param roster: the installation's stations (named by their slider's input) and settings.
    :param wiring: where each station's slider and buttons are wired.
    :param thresholds: the neurons that have a threshold (their sliders move it).
    :param calibrations: the calibrations saved so far (the others use the default map).
    :param clock: monotonic seconds (the loop's clock; events are stamped with it).
    :param pin_factory: gpiozero's pin factory for the ADCs and the interrupt lines (default:
        gpiozero's choice; the emulator hands its mock pins).
    :param bus: the I²C bus (default: ``smbus2.SMBus(wiring.i2c_bus)``, opened when first
        needed; the emulator hands its chip models behind the same interface).
    :param resources: closed with the stations (e.g. the emulator behind them).
    """

    def __init__(
        self,
        roster: Roster,
        wiring: DirectWiring,
        *,
        thresholds: Collection[str] = (),
        calibrations: CalibrationBook | None = None,
        clock: Callable[[], float] = time.monotonic,
        pin_factory: Any = None,
        bus: Any = None,
        resources: Sequence[Any] = (),
    ) -> None:
        self.roster = roster
        self.wiring = wiring
        self.clock = clock
        self.pin_factory = pin_factory
        self.bus = bus
        self.resources = list(resources)
        settings = roster.settings
        self.period = 1.0 / settings.report_hz
        self.hold_s = settings.debounce_ms / 1000
        self.calibrations = dict((calibrations or CalibrationBook()).stations)
        wires = wiring.by_key()
        self.stations = [
            DirectStation(entry, wires[entry.serial], entry.neuron in thresholds)
            for entry in sorted(roster.stations, key=lambda e: e.station_id)
            if entry.serial in wires
        ]
        self.adcs = [self._adc_chip(cs) for cs in wiring.chip_selects()]
        self.expanders = [self._expander(e.address, e.interrupt) for e in wiring.expanders]
        self._lines: dict[int, Any] = {}  # the interrupt lines by GPIO
        for chip in [*self.adcs, *self.expanders]:
            chip.liveness = Liveness(settings.timings)
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self._wake = threading.Event()  # the loop's: an event is waiting
        self._nudge = threading.Event()  # the sampler's: an interrupt line fell, or closing
        self._stopping = False
        self.failures = 0
        for chip in [*self.adcs, *self.expanders]:
            # Opened here, in the caller's thread, before anything else chooses gpiozero's
            # pins; a chip that cannot be opened is tried again by the sampler.
            with contextlib.suppress(OSError):
                self._driver(chip)
        self._thread = threading.Thread(target=self._run, name="direct-stations", daemon=True)
        self._thread.start()

    def _adc_chip(self, chip_select: int) -> Chip:
        stations = [s for s in self.stations if s.wires.slider.chip_select == chip_select]
        channels = [s.wires.slider.channel for s in stations]
        port = self.wiring.spi_port

        def opener() -> AdcChip:
            return AdcChip(port, chip_select, channels, self.pin_factory)

        return Chip(f"MCP3008 on SPI{port} CE{chip_select}", opener, stations)

    def _expander(self, address: int, interrupt: int) -> ExpanderChip:
        stations = [s for s in self.stations if address in s.wires.buttons.expanders()]
        pins = sum(1 << p for s in stations for a, p in s.wires.buttons.pins if a == address)

        def opener() -> Expander:
            return Expander(self._bus(), address, pins)

        name = f"MCP23017 at 0x{address:02X}"
        return ExpanderChip(name, opener, stations, address=address, interrupt=interrupt)

    def _bus(self) -> Any:
        """The I²C bus, opened the first time an expander needs it."""
        if self.bus is None:
            from smbus2 import SMBus

            self.bus = SMBus(self.wiring.i2c_bus)
        return self.bus

    # --- source and sink of the loop -----------------------------------------------------

    def poll(self, now: float) -> list[Event]:
        """What the stations did since the last call, and who came or went, as events."""
        with self._lock:
            events, self._events = self._events, []
        return events

    def wait(self, timeout: float) -> None:
        """Sleep up to ``timeout`` seconds, or less if the sampler has events for the loop
        (pass it as the loop's ``sleep``, as the Pico links' ``wait``)."""
        if self._wake.wait(max(0.0, timeout)):
            self._wake.clear()

    def show(self, scene: Scene) -> None:
        """Nothing to light: this build has no station rings (the screen shows what they
        would)."""

    # --- what the technician reads -------------------------------------------------------

    def figures(self) -> list[StationFigures]:
        """Each station's figures now, in station order."""
        now = self.clock()
        with self._lock:
            return [s.figures(now, s.key in self.calibrations) for s in self.stations]

    def held(self) -> dict[str, tuple[str, ...]]:
        """The buttons held now on each station online, by its key (what the technician desk
        asks a few times a second, without the figures' cost)."""
        with self._lock:
            return {s.key: s.controls.buttons.held for s in self.stations if s.online}

    def calibration(self, serial: str) -> StationCalibration:
        """The calibration the station's slider (``serial``: its input, ``ADC0-CH6``) is read
        with now, its ruler included."""
        entry = self.roster.by_serial.get(serial)
        neuron = entry.neuron if entry else None
        return self.roster.slider_path(serial, neuron, self.calibrations.get(serial)).calibration

    def apply_calibration(self, calibration: StationCalibration) -> None:
        """Use this calibration for the station's slider from its next reading."""
        with self._lock:
            self.calibrations[calibration.usb_serial] = calibration
            for station in self.stations:
                if station.key == calibration.usb_serial:
                    station.tracker.use(self._path(station), keep_filter=True)

    def _path(self, station: DirectStation) -> Any:
        return self.roster.slider_path(
            station.key, station.neuron, self.calibrations.get(station.key)
        )

    def online(self) -> list[DirectStation]:
        """The stations online now."""
        return [s for s in self.stations if s.online]

    def rescan_now(self) -> None:
        """Try every silent chip at the next tick, forgetting the back-off (after a repair)."""
        with self._lock:
            for chip in [*self.adcs, *self.expanders]:
                chip.liveness = replace(chip.liveness, retry_at=float("-inf"), delay=None)

    # --- the sampler thread --------------------------------------------------------------

    def _run(self) -> None:
        """Sample at a steady rate; read the buttons when their lines say so; never stop."""
        tick = self.clock()
        while not self._stopping:
            self._nudge.wait(max(0.0, tick - self.clock()))
            self._nudge.clear()
            if self._stopping:
                break
            now = self.clock()
            sliders = now >= tick
            if sliders:
                tick = max(tick + self.period, now)  # late: start afresh, never burst
            try:
                with self._lock:
                    events = self._sweep(now, sliders)
                    self._events += events
            except Exception:  # a bug must not end the thread: the stations would stop
                self.failures += 1
                log.exception("reading the direct-wired stations failed; carrying on")
                events = []
            if events:
                self._wake.set()

    def _sweep(self, now: float, sliders: bool) -> list[Event]:
        """Read what is due: every slider at a tick, the expanders that need it."""
        readings = self._read_adcs(now) if sliders else {}
        pins = self._read_expanders(now, sliders)
        events = self._statuses(now)
        for station, raw in readings.items():
            if station.online:
                events += station.sample(raw, now)
        for chip, low in pins:
            for station in chip.stations:
                if station.online:
                    events += station.pins(chip.address, low, now, self.hold_s)
        return events

    def _read_adcs(self, now: float) -> dict[DirectStation, float]:
        readings: dict[DirectStation, float] = {}
        for chip in self.adcs:
            if not chip.due(now):
                continue
            try:
                raws = self._driver(chip).read()
            except OSError as exc:
                self._failed(chip, exc, now)
                continue
            self._answered(chip, now)
            for station in chip.stations:
                readings[station] = raws[station.wires.slider.channel]
        return readings

    def _read_expanders(self, now: float, tick: bool) -> list[tuple[ExpanderChip, int]]:
        read: list[tuple[ExpanderChip, int]] = []
        for chip in self.expanders:
            if not self._expander_due(chip, now, tick):
                continue
            chip.interrupted = False  # before the read: a change after it flags it again
            try:
                expander = self._driver(chip)
                if now >= chip.check_at or not chip.answering:
                    self._check_setup(chip, expander)
                    chip.check_at = now + CHECK_EVERY_S
                low = expander.read()
            except OSError as exc:
                self._failed(chip, exc, now)
                continue
            self._answered(chip, now)
            read.append((chip, low))
        return read

    def _expander_due(self, chip: ExpanderChip, now: float, tick: bool) -> bool:
        if not chip.answering:
            return chip.liveness.may_open(now)
        if chip.interrupted or now >= chip.check_at:
            return True
        if not tick:
            return False
        line = chip.line
        # A press still settling is read again at each tick; a line still low means a change
        # the thread has not read yet (an edge missed while it was busy).
        return any(s.settling() for s in chip.stations) or (line is not None and line.is_active)

    def _check_setup(self, chip: ExpanderChip, expander: Expander) -> None:
        if not chip.answering or not expander.configured():
            if chip.answering:
                log.warning("%s lost its set-up (a power cut?): setting it up again", chip.name)
            expander.configure()

    def _driver(self, chip: Chip) -> Any:
        """The chip's driver, opened the first time (a failure is the chip not answering)."""
        if chip.driver is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # gpiozero warns of each pin library it tries
                try:
                    driver = chip.opener()
                    if isinstance(chip, ExpanderChip):
                        chip.line = self._interrupt_line(chip)
                except OSError:
                    raise
                except Exception as exc:  # gpiozero's errors: no SPI or GPIO on this machine
                    raise OSError(f"cannot open it ({type(exc).__name__}: {exc})") from exc
            chip.driver = driver
        return chip.driver

    def _interrupt_line(self, chip: ExpanderChip) -> Any:
        """gpiozero's device on the expander's interrupt GPIO, calling back when the line
        falls; one device for the chips that share a wire (their outputs are open-drain)."""
        from gpiozero import DigitalInputDevice

        pin = chip.interrupt
        if pin not in self._lines:
            line = DigitalInputDevice(
                pin, pull_up=True, bounce_time=None, pin_factory=self.pin_factory
            )
            sharing = [c for c in self.expanders if c.interrupt == pin]

            def fell() -> None:
                for c in sharing:
                    c.interrupted = True
                self._nudge.set()

            line.when_activated = fell
            self._lines[pin] = line
        return self._lines[pin]

    def _failed(self, chip: Chip, exc: OSError, now: float) -> None:
        kind = "silent" if isinstance(exc, SilentChip) else "io"
        for station in chip.stations:
            station.error(kind)
        chip.failures += 1
        if chip.answering and chip.failures < FAILURES_TO_LOSE:
            return
        if chip.answering:
            log.warning("%s stopped answering (%s): its stations are offline", chip.name, exc)
        elif not chip.lost_before:
            log.warning("%s does not answer (%s): trying again later", chip.name, exc)
        chip.lost_before = True
        chip.liveness = chip.liveness.lost(now)

    def _answered(self, chip: Chip, now: float) -> None:
        chip.failures = 0
        if not chip.answering:
            if chip.lost_before:
                log.info("%s answers again", chip.name)
            chip.liveness = chip.liveness.opened(now).acknowledged(now)

    def _statuses(self, now: float) -> list[Event]:
        """Stations whose chips all answer are online; the others offline."""
        events: list[Event] = []
        silent = {
            id(s) for c in [*self.adcs, *self.expanders] if not c.answering for s in c.stations
        }
        for station in self.stations:
            up = id(station) not in silent
            if up and not station.online:
                events += station.come(self._path(station), now)
                log.info("station %s (%s) online", station.entry.station_id, station.key)
            elif station.online and not up:
                events += station.go(now)
                log.warning("station %s (%s) offline", station.entry.station_id, station.key)
        return events

    # --- the end -------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the sampler, release the chips and the lines; close the resources given."""
        self._stopping = True
        self._nudge.set()
        self._thread.join(timeout=2.0)
        parts = [*self._lines.values(), *(c.driver for c in self.adcs if c.driver is not None)]
        for part in parts:
            try:
                part.close()
            except Exception as exc:  # closing must go on with the others
                log.warning("closing %r failed: %s", part, exc)
        if self.bus is not None:
            self.bus.close()
        for resource in self.resources:
            try:
                resource.close()
            except Exception as exc:  # closing must go on with the others
                log.warning("closing %s failed: %s", type(resource).__name__, exc)
