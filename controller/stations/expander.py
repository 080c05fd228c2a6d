"""The buttons' expanders: MCP23017 chips on the Pi's I²C bus, read through ``smbus2``.

Each MCP23017 gives 16 pins; the direct build's buttons close a pin to ground. An
:class:`Expander` sets its chip up once (every pin an input with its pull-up, interrupt on
change on the pins that have a button, INTA and INTB mirrored and open-drain so one GPIO of the
Pi, or one shared by several chips, hears any pin) and reads it only when told: the Pi watches
the interrupt line (gpiozero) instead of polling 48 pins::

    expander = Expander(bus, 0x20, pins=0b111_111)
    expander.configure()
    expander.read()        # the pins held low now, as a bitmask (bit 0 = GPA0, 15 = GPB7)

One read takes INTCAP and GPIO together (four registers from INTCAPA): it clears the interrupt.
A chip that lost power comes back with its power-on defaults (no pull-ups, no interrupts):
:meth:`Expander.configured` notices, and the direct source sets it up again.
"""

from __future__ import annotations

from typing import Any

#: Registers with IOCON.BANK = 0 (A at the even address, B after it).
IODIR, IPOL, GPINTEN, INTCON, IOCON, GPPU, INTCAP = 0x00, 0x02, 0x04, 0x08, 0x0A, 0x0C, 0x10
#: IOCON: INTA and INTB mirrored, open-drain interrupt outputs (so they may share a wire).
MIRROR, ODR = 0x40, 0x04
SETUP = MIRROR | ODR


class Expander:
    """One MCP23017 (see the module doc).

    :param bus: an ``smbus2.SMBus`` (or anything with its methods), shared by the expanders.
    :param address: its I²C address (0x20 to 0x27).
    :param pins: bitmask of the pins with a button.
    """

    def __init__(self, bus: Any, address: int, pins: int) -> None:
        self.bus, self.address, self.pins = bus, address, pins

    def name(self) -> str:
        """``MCP23017 at 0x20`` for the log."""
        return f"MCP23017 at 0x{self.address:02X}"

    def configure(self) -> None:
        """Set the chip up: inputs, pull-ups, interrupt on change on the buttons' pins."""
        bus, address, pins = self.bus, self.address, self.pins
        bus.write_byte_data(address, IOCON, SETUP)
        bus.write_i2c_block_data(address, IODIR, [0xFF, 0xFF, 0x00, 0x00])  # inputs, IPOL off
        bus.write_i2c_block_data(address, GPPU, [0xFF, 0xFF])  # no pin left floating
        bus.write_i2c_block_data(address, INTCON, [0x00, 0x00])  # compare with the last value
        bus.write_i2c_block_data(address, GPINTEN, [pins & 0xFF, pins >> 8])
        self.read()  # clears anything pending

    def configured(self) -> bool:
        """Whether the chip still holds its set-up (a power cut resets it).

        :raises OSError: the chip did not answer.
        """
        iocon, _, pull_a, pull_b = self.bus.read_i2c_block_data(self.address, IOCON, 4)
        enabled = self.bus.read_i2c_block_data(self.address, GPINTEN, 2)
        return (
            iocon == SETUP
            and (pull_a, pull_b) == (0xFF, 0xFF)
            and enabled == [self.pins & 0xFF, self.pins >> 8]
        )

    def read(self) -> int:
        """The pins held low now (a button pressed), as a bitmask; clears the interrupt.

        :raises OSError: the chip did not answer.
        """
        _, _, gpio_a, gpio_b = self.bus.read_i2c_block_data(self.address, INTCAP, 4)
        return ~(gpio_a | gpio_b << 8) & 0xFFFF
