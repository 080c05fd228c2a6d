"""What the direct-wired stations cost the Pi, for ``neurones bench`` (``direct_read_cpu_percent``).

The figure is the controller's CPU spent sampling 16 sliders at 50 Hz and watching 48 buttons,
*above the bus*: the direct source (:class:`~controller.stations.direct.DirectStations`) of
``data/installation-direct.toml`` runs as it does on a Pi (gpiozero's ``MCP3008`` per slider,
the expander driver on an ``smbus2`` bus, the interrupt lines on gpiozero's pins), with the
chips' models answering at the bus interface (:class:`~controller.stations.chips.BusFactory`,
:class:`~controller.stations.chips.I2CBus`) as the kernel's ``spidev`` and ``i2c-dev`` would. The
CPU time spent inside the models is timed around each call and taken off: it stands for the
kernel's work, which the estimate below counts instead. Meanwhile pupils move a slider four
times a second and press a button twice a second, and the loop polls at 60 Hz.

A Pi 4 runs Python about five times slower than this machine (``docs/design.md``), and each
MCP3008 reading is one call into the kernel's SPI driver: about 15 µs of CPU on a Pi (the Linux
SPI driver manages some 20,000 calls a second on most Pis and 70,000 on a Pi 3: joan, author of
pigpio, on raspberrypi.stackexchange.com question 45607; at gpiozero's 500 kHz a 3-byte
transfer lasts 48 µs on the wire, above the driver's 30 µs polling limit, so it waits on an
interrupt rather than spinning). So the Pi 4 estimate is five times the figure here plus
800 calls a second at 15 µs (1.2 % of a core). The buttons cost the kernel next to nothing:
their expanders are read on a press and once a second.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from controller.datafile import DATA_DIR
from controller.network import load_network
from controller.stations.chips import SPI0_SELECTS, BusFactory, I2CBus, Mcp3008, Mcp23017
from controller.stations.direct import DirectStations
from controller.stations.roster import load_roster
from controller.stations.wiring import load_wiring

#: The shipped direct build the figure runs.
DIRECT_INSTALLATION = DATA_DIR / "installation-direct.toml"
#: A Pi 4 runs plain Python about this many times slower than the machines here.
PI4_SLOWER = 5.0
#: CPU seconds one spidev transfer costs on a Pi (see the module doc), and how many a second.
PI_SPI_CALL_S, SPI_CALLS_PER_S = 15e-6, 16 * 50


class ModelTime:
    """The CPU time spent inside the chip models (the calling thread's own, so a thread switch
    in the middle of a call is not counted), to be taken off the process's CPU time."""

    def __init__(self) -> None:
        self.spent = 0.0

    def timed(self, call: Callable[..., Any]) -> Callable[..., Any]:
        """``call``, adding the time it takes to :attr:`spent`."""

        def timed_call(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return call(*args, **kwargs)
            finally:
                self.spent += time.thread_time() - start

        return timed_call


def direct_build(models: ModelTime) -> tuple[DirectStations, dict[int, Mcp3008], dict]:
    """The shipped direct build on chip models answering at the bus interface, every call into
    a model timed by ``models``."""
    network = load_network()
    roster = load_roster(DIRECT_INSTALLATION, (*network.input_names, *network.thresholds()))
    wiring = load_wiring(DIRECT_INSTALLATION)
    adcs = {cs: Mcp3008(seed=cs) for cs in wiring.chip_selects()}
    for chip in adcs.values():
        chip.transfer = models.timed(chip.transfer)  # type: ignore[method-assign]
    factory = BusFactory({SPI0_SELECTS[cs]: chip for cs, chip in adcs.items()})

    def wire(gpio: int) -> Callable[[bool, bool], None]:
        pin = factory.pin(gpio)
        return lambda inta_high, intb_high: pin.drive_high() if inta_high else pin.drive_low()

    expanders = {e.address: Mcp23017(wire(e.interrupt)) for e in wiring.expanders}
    bus = I2CBus(expanders)
    for name in ("byte_data", "i2c_block_data"):
        for way in ("read", "write"):
            call = f"{way}_{name}"
            setattr(bus, call, models.timed(getattr(bus, call)))
    stations = DirectStations(
        roster, wiring, thresholds=network.thresholds(), pin_factory=factory, bus=bus
    )
    for station in wiring.stations:
        adcs[station.slider.chip_select].set_input(station.slider.channel, 512)
    return stations, adcs, {"wiring": wiring, "expanders": expanders}


def measure_direct_read(seconds: float = 10.0, seed: int = 0) -> dict[str, float]:
    """The direct source's CPU above the bus, and the Pi 4 estimate, in % of one core."""
    models = ModelTime()
    stations, adcs, parts = direct_build(models)
    rng = random.Random(seed)
    wires, expanders = parts["wiring"].stations, parts["expanders"]
    try:
        deadline = time.monotonic() + 10
        while len(stations.online()) < len(wires) and time.monotonic() < deadline:
            stations.wait(0.05)
            stations.poll(time.monotonic())
        start_cpu, start_models = time.process_time(), models.spent
        start = now = time.monotonic()
        next_slider = next_press = start
        held: tuple[Any, int] | None = None
        while now - start < seconds:
            if now >= next_slider:  # a pupil moves a slider
                wire = rng.choice(wires)
                adc = adcs[wire.slider.chip_select]
                models.timed(adc.set_input)(wire.slider.channel, rng.uniform(0, 1023))
                next_slider = now + 0.25
            if now >= next_press:  # another presses a button, and lets it go 60 ms later
                if held is None:
                    address, pin = rng.choice(rng.choice(wires).buttons.pins)
                    held = (expanders[address], pin)
                    models.timed(held[0].press)(pin)
                    next_press = now + 0.06
                else:
                    models.timed(held[0].press)(held[1], False)
                    held, next_press = None, now + 0.44
            stations.wait(1 / 60)
            stations.poll(now)
            now = time.monotonic()
        wall = now - start
        cpu = time.process_time() - start_cpu - (models.spent - start_models)
    finally:
        stations.close()
    percent = 100 * cpu / wall
    kernel = 100 * SPI_CALLS_PER_S * PI_SPI_CALL_S
    return {
        "direct_read_cpu_percent": percent,
        "direct_read_pi4_percent": PI4_SLOWER * percent + kernel,
    }
