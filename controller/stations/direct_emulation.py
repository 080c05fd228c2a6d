"""The direct build without its chips: ``--emulate-stations N`` on a direct installation.

:class:`DirectEmulator` builds the tabletop build's hardware from the installation's wiring
with the chip models of :mod:`controller.stations.chips`, and hands the direct source what it
reads on a Pi: gpiozero's mock pin factory, where the real ``gpiozero.MCP3008`` clocks each
reading out of an :class:`~controller.stations.chips.Mcp3008OnPins` bit by bit, with the
expanders' interrupt wires driving its mock GPIOs; and the expanders' register models behind the
``smbus2`` interface. Nothing of the direct source is replaced: it reads, debounces and checks
as it does on the chips themselves::

    emulator = DirectEmulator(wiring, roster.serials()[:16])
    with emulator.default_pins():
        stations = DirectStations(roster, wiring, pin_factory=emulator.factory,
                                  bus=emulator.bus, resources=[emulator])
    emulator.set_slider("ADC0-CH6", 2048)      # the same calls as the Pico stations' emulator,
    emulator.click("ADC0-CH6", "ok")           # so the scripted class plays on either build

The emulated stations are the first N of the file; the inputs of the others float (nothing
wired) and their buttons are never pressed. :class:`DirectChaos` (``--chaos``) drops chips,
cuts an expander's power (it comes back with its power-on defaults), unwires inputs, adds
noise and makes buttons bounce.
"""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Iterator, Sequence

from gpiozero import Device
from gpiozero.pins.mock import MockFactory

from controller.events import STATION_BUTTONS
from controller.stations.adc import TO_STATION_SCALE
from controller.stations.chips import SPI0_SELECTS, I2CBus, Mcp3008, Mcp3008OnPins, Mcp23017
from controller.stations.wiring import DirectWiring, StationWires

#: How long :meth:`DirectEmulator.click` holds a button (longer than any debounce).
CLICK_S = 0.06


class DirectEmulator:
    """The direct build's chips, modelled (see the module doc).

    :param wiring: the installation's direct wiring.
    :param serials: the stations emulated, by key (``ADC0-CH6``); the others are not wired.
    :param seed: for the chips' noise.
    """

    def __init__(self, wiring: DirectWiring, serials: Sequence[str], seed: int = 0) -> None:
        self.wiring = wiring
        self.serials = list(serials)
        self.stations = {s.key: s for s in wiring.stations}
        unknown = [s for s in self.serials if s not in self.stations]
        if unknown:
            raise ValueError(f"no station wired at {', '.join(unknown)}")
        self.factory = MockFactory()
        self.adcs = {cs: Mcp3008(seed + cs) for cs in wiring.chip_selects()}
        self.on_pins = [
            Mcp3008OnPins(chip, SPI0_SELECTS[cs], self.factory) for cs, chip in self.adcs.items()
        ]
        self._pulling: dict[int, set[int]] = {}  # interrupt GPIO → expanders pulling it low
        self._wire_lock = threading.Lock()
        self.expanders = {
            e.address: Mcp23017(self._int_line(e.interrupt, e.address)) for e in wiring.expanders
        }
        self.bus = I2CBus(dict(self.expanders))
        for station in wiring.stations:
            if station.key in self.serials:
                self.set_slider(station.key, 2048)
            else:
                self.adc(station).floating.add(station.slider.channel)
        self._timers: list[threading.Timer] = []

    def _int_line(self, gpio: int, address: int):
        """The expander's INTA wire to the Pi's GPIO: open-drain, so the line is low while
        any chip on it pulls it low (INTB is mirrored and left unconnected)."""
        pin = self.factory.pin(gpio)

        def drive(inta_high: bool, intb_high: bool) -> None:
            with self._wire_lock:
                pulling = self._pulling.setdefault(gpio, set())
                if inta_high:
                    pulling.discard(address)
                else:
                    pulling.add(address)
                low = bool(pulling)
                if low and pin.state:
                    pin.drive_low()
                elif not low and not pin.state:
                    pin.drive_high()

        return drive

    @contextlib.contextmanager
    def default_pins(self) -> Iterator[None]:
        """Make the mock pins gpiozero's default while the direct source opens its ADCs.

        gpiozero 2.0's software SPI bus does not pass its pin factory on to its base class,
        which then asks for the default one; it is only needed while the devices are built.
        """
        previous = Device.pin_factory
        Device.pin_factory = self.factory
        try:
            yield
        finally:
            Device.pin_factory = previous

    # --- what people do at the stations --------------------------------------------------

    def adc(self, station: StationWires) -> Mcp3008:
        """The ADC model a station's slider is wired to."""
        return self.adcs[station.slider.chip_select]

    def set_slider(self, serial: str, raw: float) -> None:
        """Move the slider of station ``serial`` to the 12-bit reading ``raw``."""
        station = self.stations[serial]
        self.adc(station).set_input(station.slider.channel, raw / TO_STATION_SCALE)

    def press(self, serial: str, button: str) -> None:
        """Hold one of the station's buttons down."""
        self._button(serial, button, True)

    def release(self, serial: str, button: str) -> None:
        """Let the button go."""
        self._button(serial, button, False)

    def click(self, serial: str, button: str, hold_s: float = CLICK_S) -> None:
        """Press the button and let it go ``hold_s`` seconds later (never waits)."""
        self.press(serial, button)
        timer = threading.Timer(hold_s, self.release, (serial, button))
        timer.daemon = True
        self._timers = [t for t in self._timers if t.is_alive()] + [timer]
        timer.start()

    def _button(self, serial: str, button: str, down: bool) -> None:
        address, pin = self.stations[serial].buttons.pins[STATION_BUTTONS.index(button)]
        self.expanders[address].press(pin, down)

    # --- what goes wrong -----------------------------------------------------------------

    def drop_adc(self, chip_select: int, dropped: bool = True) -> None:
        """An MCP3008 stops answering (its MISO left to the pull-up), or answers again."""
        self.adcs[chip_select].answering = not dropped

    def cut_expander(self, address: int, cut: bool = True) -> None:
        """An MCP23017 loses its power, or gets it back (with its power-on defaults)."""
        chip = self.expanders[address]
        if cut:
            chip.power_off()
        else:
            chip.power_on()

    def set_noise(self, serial: str, lsb_rms: float) -> None:
        """The noise on the station's slider input, in MCP3008 codes (a good pot: under 1)."""
        station = self.stations[serial]
        self.adc(station).noise[station.slider.channel] = lsb_rms

    def unwire(self, serial: str, floating: bool = True) -> None:
        """The station's slider comes off its input (it floats), or is wired again."""
        station = self.stations[serial]
        inputs = self.adc(station).floating
        if floating:
            inputs.add(station.slider.channel)
        else:
            inputs.discard(station.slider.channel)

    def close(self) -> None:
        """Stop the pending releases; detach the chips from the mock pins."""
        for timer in self._timers:
            timer.cancel()
        for device in self.on_pins:
            device.close()


class DirectChaos:
    """``--chaos`` for the direct build: faults started at random, each ended after a while.

    :param emulator: the chips to misbehave.
    :param rate: faults started per second.
    """

    KINDS = ("drop_adc", "cut_expander", "unwire", "noise", "bounce")

    def __init__(self, emulator: DirectEmulator, *, seed: int = 0, rate: float = 0.5) -> None:
        self.emulator = emulator
        self.rate = rate
        self.rng = random.Random(seed)
        self.counts: dict[str, int] = dict.fromkeys(self.KINDS, 0)
        self._ends: list[tuple[float, str, str, int]] = []  # (end, kind, serial, chip)
        self._last: float | None = None

    def step(self, now: float) -> None:
        """End the faults that are over; start new ones at the rate asked."""
        for fault in [f for f in self._ends if f[0] <= now]:
            self._ends.remove(fault)
            self._end(*fault[1:])
        elapsed = 0.0 if self._last is None else now - self._last
        self._last = now
        if self.emulator.serials and self.rng.random() < self.rate * elapsed:
            self._start(now)

    def settle(self) -> None:
        """End every fault now."""
        for fault in self._ends:
            self._end(*fault[1:])
        self._ends = []

    def _start(self, now: float) -> None:
        emulator, rng = self.emulator, self.rng
        kind = rng.choice(self.KINDS)
        serial = rng.choice(emulator.serials)
        station = emulator.stations[serial]
        self.counts[kind] += 1
        if kind == "bounce":
            self._bounce(serial, rng.choice(STATION_BUTTONS))
            return
        chip = 0
        if kind == "drop_adc":
            chip = station.slider.chip_select
            emulator.drop_adc(chip)
        elif kind == "cut_expander":
            chip = rng.choice(station.buttons.expanders())
            emulator.cut_expander(chip)
        elif kind == "unwire":
            emulator.unwire(serial)
        else:
            emulator.set_noise(serial, rng.uniform(1.0, 3.0))
        self._ends.append((now + rng.uniform(0.5, 3.0), kind, serial, chip))

    def _bounce(self, serial: str, button: str) -> None:
        """A worn contact: the button chatters for a few milliseconds, then is held."""
        for _ in range(self.rng.randint(2, 5)):
            self.emulator.press(serial, button)
            self.emulator.release(serial, button)
        self.emulator.click(serial, button)

    def _end(self, kind: str, serial: str, chip: int) -> None:
        emulator = self.emulator
        if kind == "drop_adc":
            emulator.drop_adc(chip, dropped=False)
        elif kind == "cut_expander":
            emulator.cut_expander(chip, cut=False)
        elif kind == "unwire":
            emulator.unwire(serial, floating=False)
        elif kind == "noise":
            emulator.set_noise(serial, 0.4)
