"""Where a direct-wired station's slider and buttons are wired on the Pi (``[direct]``).

The tabletop build has no Pico in its stations: the sixteen slide potentiometers go to MCP3008
ADCs on the Pi's SPI bus, the 48 buttons to MCP23017 I/O expanders on its I²C bus (wiring,
parts and addresses: ``docs/direct-build.md``). ``[stations] source = "direct"`` chooses it; then
each ``[[station]]`` says where its controls are instead of a USB serial::

    [direct]
    spi_port = 0                    # SCLK GPIO11, MOSI GPIO10, MISO GPIO9
    i2c_bus = 1                     # SDA GPIO2, SCL GPIO3
    expander = [{ address = 0x20, interrupt = 17 }, …]

    [[station]]
    id = 7
    neuron = "A"
    slider = { chip_select = 0, channel = 6 }           # the MCP3008 on CE0, its input CH6
    buttons = { expander = 0x20, minus = 0, plus = 1, ok = 2 }   # its pins: 0-7 GPA, 8-15 GPB

(a button on another expander than the station's others: ``ok = { expander = 0x21, pin = 0 }``;
three expanders of 16 pins hold 48 buttons, so some stations straddle two.)

A station is known by where its slider is wired (:func:`station_key`, ``ADC0-CH6``): that key
stands where a Pico station's USB serial does (calibrations, diagnostics, the report), since the
slider's calibration belongs to the potentiometer on that input. Everything here is plain data
read with errors naming the file and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from controller.datafile import Field, check_keys
from controller.events import STATION_BUTTONS

#: Chip selects of each SPI port of the Pi (SPI0: CE0, CE1; SPI1 with its 3-CS overlay).
CHIP_SELECTS = {0: 2, 1: 3}
#: An MCP3008 has eight single-ended inputs.
ADC_CHANNELS = 8
#: An MCP23017's seven address pins give addresses 0x20 to 0x27.
EXPANDER_ADDRESSES = range(0x20, 0x28)
#: An MCP23017 has 16 pins: 0-7 are GPA0-GPA7, 8-15 are GPB0-GPB7.
EXPANDER_PINS = 16

#: The installation file's section this module reads (with each station's slider and buttons).
SECTIONS = ("direct",)
#: The keys of a direct station's ``[[station]]`` entry.
STATION_KEYS = ("id", "neuron", "ruler", "slider", "buttons")


@dataclass(frozen=True)
class SliderWire:
    """A slider's input: the MCP3008 on ``chip_select``, its input ``channel``."""

    chip_select: int
    channel: int


@dataclass(frozen=True)
class ButtonWires:
    """A station's three buttons: each one's expander (its I²C address) and pin on it, in the
    order of STATION_BUTTONS (minus, plus, OK)."""

    pins: tuple[tuple[int, int], ...]  # (expander address, pin 0-15) per button

    def expanders(self) -> list[int]:
        """The addresses of the expanders its buttons are on."""
        return sorted({address for address, _ in self.pins})

    def text(self) -> str:
        """``0x20 pins 0 1 2`` (or ``0x20 pin 15 · 0x21 pins 0 1``) for the technician."""
        parts = []
        for address in self.expanders():
            pins = [str(p) for a, p in self.pins if a == address]
            parts.append(f"0x{address:02X} pin{'s' if len(pins) > 1 else ''} {' '.join(pins)}")
        return " · ".join(parts)


@dataclass(frozen=True)
class ExpanderWire:
    """One MCP23017: its I²C address and the Pi's GPIO (BCM) its INTA/INTB lines go to."""

    address: int
    interrupt: int


@dataclass(frozen=True)
class StationWires:
    """Where one station's controls are wired; ``key`` names the station (:func:`station_key`)."""

    key: str
    slider: SliderWire
    buttons: ButtonWires


@dataclass(frozen=True)
class DirectWiring:
    """The whole direct build: its buses, its expanders and every station's wires."""

    spi_port: int = 0
    i2c_bus: int = 1
    expanders: tuple[ExpanderWire, ...] = ()
    stations: tuple[StationWires, ...] = ()

    def chip_selects(self) -> list[int]:
        """The chip selects of the MCP3008s the stations use, in order."""
        return sorted({s.slider.chip_select for s in self.stations})

    def by_key(self) -> dict[str, StationWires]:
        """Each station's wires by its key."""
        return {s.key: s for s in self.stations}


def station_key(slider: SliderWire) -> str:
    """The name of the station whose slider is on this input: ``ADC0-CH6``."""
    return f"ADC{slider.chip_select}-CH{slider.channel}"


def slider_wire(f: Field, spi_port: int) -> SliderWire:
    """A station's ``slider = { chip_select, channel }``."""
    check_keys(f.table(), ("chip_select", "channel"))
    selects = CHIP_SELECTS.get(spi_port, 2)
    return SliderWire(
        chip_select=f["chip_select"].integer(minimum=0, maximum=selects - 1),
        channel=f["channel"].integer(minimum=0, maximum=ADC_CHANNELS - 1),
    )


def wiring_from(root: Field) -> DirectWiring:
    """The direct build held in a parsed installation document.

    :raises DataError: naming the file and the field: an unknown key, a pin or an input used
        twice, an expander the stations name but ``[direct]`` does not list.
    """
    section = root.get("direct", {})
    check_keys(section.table(), ("spi_port", "i2c_bus", "expander"))
    spi_port = section.get("spi_port", 0).integer(minimum=0, maximum=max(CHIP_SELECTS))
    i2c_bus = section.get("i2c_bus", 1).integer(minimum=0, maximum=31)
    expanders = _expanders(section.get("expander", []))
    known = {e.address for e in expanders}
    stations: list[StationWires] = []
    inputs: dict[str, str] = {}
    pins: dict[tuple[int, int], str] = {}
    for item in root.get("station", []).list():
        if "slider" not in item or "buttons" not in item:
            missing = "slider" if "slider" not in item else "buttons"
            raise item.get(missing).error("missing: a direct station says where it is wired")
        slider = slider_wire(item["slider"], spi_port)
        key = station_key(slider)
        if key in inputs:
            raise item["slider"].error(f"{key} is already used by {inputs[key]}")
        inputs[key] = item.path
        buttons = _buttons(item["buttons"], known)
        for where, name in zip(buttons.pins, STATION_BUTTONS, strict=True):
            if where in pins:
                raise item["buttons"][name].error(
                    f"pin {where[1]} of 0x{where[0]:02X} is already used by {pins[where]}"
                )
            pins[where] = f"{item.path}.buttons.{name}"
        stations.append(StationWires(key, slider, buttons))
    return DirectWiring(spi_port, i2c_bus, expanders, tuple(stations))


def _expanders(entries: Field) -> tuple[ExpanderWire, ...]:
    expanders: list[ExpanderWire] = []
    for item in entries.list():
        check_keys(item.table(), ("address", "interrupt"))
        address = item["address"].integer(
            minimum=EXPANDER_ADDRESSES.start, maximum=EXPANDER_ADDRESSES.stop - 1
        )
        if any(e.address == address for e in expanders):
            raise item["address"].error(f"0x{address:02X} is listed twice")
        # GPIO2 and GPIO3 are the I²C bus itself; 7 to 11 are SPI0's.
        interrupt = item["interrupt"].integer(minimum=4, maximum=27)
        if 7 <= interrupt <= 11:
            raise item["interrupt"].error(f"GPIO{interrupt} is a pin of the SPI bus")
        expanders.append(ExpanderWire(address, interrupt))
    return tuple(expanders)


def _buttons(f: Field, known: set[int]) -> ButtonWires:
    """``buttons = { expander, minus, plus, ok }``: each a pin of ``expander``, or a button on
    another chip as ``{ expander = 0x21, pin = 0 }`` (a station may straddle two chips)."""
    check_keys(f.table(), ("expander", *STATION_BUTTONS))
    default = _address(f["expander"], known) if "expander" in f else None
    pins = []
    for name in STATION_BUTTONS:
        button = f[name]
        if isinstance(button.value, dict):
            check_keys(button, ("expander", "pin"))
            address = _address(button["expander"], known)
            pin = button["pin"]
        elif default is None:
            raise f.get("expander").error(f"missing: the expander of {name}'s pin")
        else:
            address, pin = default, button
        pins.append((address, pin.integer(minimum=0, maximum=EXPANDER_PINS - 1)))
    return ButtonWires(tuple(pins))


def _address(f: Field, known: set[int]) -> int:
    address = f.integer()
    if address not in known:
        listed = ", ".join(f"0x{a:02X}" for a in sorted(known)) or "none"
        raise f.error(f"0x{address:02X} is not an expander of [direct] (listed: {listed})")
    return address


def load_wiring(path: str | Path) -> DirectWiring:
    """Read the direct build's wiring from an installation file (see :func:`wiring_from`)."""
    return wiring_from(Field.load(path))
