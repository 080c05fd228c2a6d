"""Models of the direct build's chips, for emulating it without hardware and for the bench.

The tabletop build reads its sliders through MCP3008 ADCs on SPI and its buttons through
MCP23017 expanders on I²C (:mod:`controller.stations.direct`). To run it without the chips, the
chips are modelled at the level their datasheets describe, and the program's own code talks to
them exactly as it talks to the real ones:

- :class:`Mcp3008` is the ADC: eight inputs, each a voltage (as the code it converts to) with
  its noise, or floating (nothing wired); a chip that stops answering leaves MISO to its
  pull-up, so every bit reads 1. Its SPI conversation (:class:`Conversation`) is the datasheet's,
  bit by bit: a start bit, single/differential, three channel bits, a sampling clock, a null bit,
  then the ten result bits, MSB first.
- :class:`Mcp3008OnPins` puts that conversation on gpiozero's mock pins (``MockSPIDevice``): the
  real ``gpiozero.MCP3008`` clocks it out bit by bit through ``MockFactory``'s software SPI, as
  on a Pi without its SPI driver. That is what ``--emulate-stations`` and the tests run.
- :class:`BusFactory` answers a whole transfer at the bus interface instead (as the kernel's
  ``spidev`` hands bytes over on a Pi): ``neurones bench`` measures the program's cost above the
  bus with it, the bit-banging costing far more than a Pi's hardware SPI.
- :class:`Mcp23017` is the expander at the register level (IOCON.BANK = 0): IODIR, IPOL,
  GPINTEN, DEFVAL, INTCON, IOCON, GPPU, INTF, INTCAP, GPIO, OLAT, sequential addressing,
  interrupt on change or against DEFVAL, INTCAP frozen until read, INTA/INTB mirrored or not,
  open-drain or push-pull, either polarity; a button grounds its pin; power-on defaults again
  after a power cut. :class:`I2CBus` puts such chips behind the ``smbus2.SMBus`` interface,
  answering an absent address with the ``OSError`` a NACK gives on Linux.
"""

from __future__ import annotations

import errno
import random
import threading
from collections.abc import Callable, Iterable

from gpiozero.pins import SPI
from gpiozero.pins.mock import MockFactory, MockSPIDevice

#: The MCP3008's largest code (10 bits).
ADC_TOP = 1023
#: The Pi's SPI0 pins (BCM): clock, MOSI, MISO, and the chip selects CE0, CE1.
SPI0_CLOCK, SPI0_MOSI, SPI0_MISO, SPI0_SELECTS = 11, 10, 9, (8, 7)


class Mcp3008:
    """An MCP3008's eight inputs (see the module doc).

    :param seed: for the noise, so an emulated run can be replayed.
    """

    def __init__(self, seed: int = 0) -> None:
        self.codes = [0.0] * 8  # the code each input's voltage converts to
        self.noise = [0.4] * 8  # RMS noise of each input, in codes (a good pot: under 1 LSB)
        self.floating: set[int] = set()  # inputs with nothing wired
        self.answering = True
        self.conversions = 0
        self._rng = random.Random(seed)
        self._last = 0.0  # the sample capacitor's charge, which a floating input picks up

    def set_input(self, channel: int, code: float) -> None:
        """The voltage on ``channel``, as the code it converts to (0 to 1023)."""
        self.codes[channel] = min(float(ADC_TOP), max(0.0, code))

    def convert(self, channel: int) -> int:
        """One conversion of ``channel``: its code with its noise; a floating input reads what
        the sample capacitor kept from the last conversion, wandering widely."""
        self.conversions += 1
        if channel in self.floating:
            level = 0.6 * self._last + 0.4 * self._rng.uniform(0, ADC_TOP)
        else:
            level = self._rng.gauss(self.codes[channel], self.noise[channel])
        code = min(ADC_TOP, max(0, round(level)))
        self._last = code
        return code

    def conversation(self) -> Conversation:
        """A chip-select cycle begins."""
        return Conversation(self)

    def transfer(self, data: Iterable[int]) -> list[int]:
        """A whole transfer of bytes at the bus interface: the bytes the chip sends back."""
        talk = self.conversation()
        reply = []
        for byte in data:
            word = 0
            for i in range(7, -1, -1):
                word = word << 1 | talk.miso()
                talk.mosi(byte >> i & 1)
            reply.append(word)
        return reply


class Conversation:
    """One chip-select cycle of an MCP3008, a clock at a time (datasheet, section 5).

    At each clock the chip drives :meth:`miso` and reads :meth:`mosi`. Until it has heard a
    start bit and its four command bits, MISO is high-impedance (read 1: the pull-up); then
    one clock samples, a null bit (0) follows, then the ten result bits, MSB first.
    """

    def __init__(self, chip: Mcp3008) -> None:
        self.chip = chip
        self.started = False
        self.command: list[int] = []
        self.out: list[int] = []

    def miso(self) -> int:
        """The bit the chip drives during this clock (1 when it drives nothing)."""
        if not self.chip.answering or not self.out:
            return 1
        return self.out.pop(0)

    def mosi(self, bit: int) -> None:
        """The bit the chip reads at this clock."""
        if not self.started:
            self.started = bool(bit)
            return
        if len(self.command) == 4:
            return  # the rest of the transfer is "don't care"
        self.command.append(bit)
        if len(self.command) == 4:
            single, d2, d1, d0 = self.command
            channel = d2 << 2 | d1 << 1 | d0
            code = self.chip.convert(channel) if single else 0  # differential: not wired here
            self.out = [1, 0, *(code >> i & 1 for i in range(9, -1, -1))]


class Mcp3008OnPins(MockSPIDevice):
    """An :class:`Mcp3008` on gpiozero's mock pins: the slave side of ``MockFactory``'s
    bit-banged SPI, selected by ``select_pin``."""

    def __init__(self, chip: Mcp3008, select_pin: int, pin_factory: MockFactory) -> None:
        self.chip = chip
        self.talk = chip.conversation()
        super().__init__(SPI0_CLOCK, SPI0_MOSI, SPI0_MISO, select_pin, pin_factory=pin_factory)

    def on_start(self) -> None:
        """Chip select went active: a new conversation, its first bit ready."""
        super().on_start()
        self.talk = self.chip.conversation()
        self.tx_buf = [self.talk.miso()]

    def on_bit(self) -> None:
        """A clock: read the bit received, ready the bit for the next clock."""
        self.talk.mosi(self.rx_buf[-1])
        self.tx_buf = [self.talk.miso()]


class BusFactory(MockFactory):
    """gpiozero's mock pins, with each SPI chip select answered at the bus interface by a
    chip model (``chips[select_pin]``), a whole transfer at a time."""

    def __init__(self, chips: dict[int, Mcp3008]) -> None:
        super().__init__()
        self.chips = chips

    def _get_spi_class(self, shared: bool, hardware: bool) -> type:
        return ModelSPI


class ModelSPI(SPI):
    """The SPI interface :class:`BusFactory` hands a device: transfers go to the chip model."""

    def __init__(self, clock_pin, mosi_pin, miso_pin, select_pin, *, pin_factory) -> None:
        super().__init__(pin_factory=pin_factory)
        self.chip = pin_factory.chips[int(str(select_pin).removeprefix("GPIO"))]

    def transfer(self, data: list[int]) -> list[int]:
        """The bytes the chip answers to ``data``."""
        return self.chip.transfer(data)

    def _get_clock_mode(self) -> int:
        return 0


# --- the MCP23017 --------------------------------------------------------------------------

#: The MCP23017's registers with IOCON.BANK = 0 (each A at the even address, B after it).
IODIR, IPOL, GPINTEN, DEFVAL, INTCON, IOCON = 0x00, 0x02, 0x04, 0x06, 0x08, 0x0A
GPPU, INTF, INTCAP, GPIO, OLAT = 0x0C, 0x0E, 0x10, 0x12, 0x14
REGISTER_COUNT = 0x16
#: IOCON bits: INTA and INTB mirrored, sequential addressing off, open-drain INT, INT polarity.
MIRROR, SEQOP, ODR, INTPOL = 0x40, 0x20, 0x04, 0x02
#: What a read of these registers clears: the port's interrupt.
_READ_ONLY = {INTF, INTF + 1, INTCAP, INTCAP + 1}


class Mcp23017:
    """An MCP23017 at the register level (see the module doc).

    :param int_lines: called with the electrical level of the INTA and INTB wires when it may
        have changed, ``(inta_high, intb_high)``: an open-drain output released reads high (the
        Pi's pull-up).
    """

    def __init__(self, int_lines: Callable[[bool, bool], None] | None = None) -> None:
        self.int_lines = int_lines
        self.grounded = 0  # pins a pressed button holds at ground (bit 0 = GPA0 … 15 = GPB7)
        self.powered = True
        self._lock = threading.RLock()
        self.power_on()

    def power_on(self) -> None:
        """The power-on reset: every register at its default (all pins inputs)."""
        with self._lock:
            self.registers = [0] * REGISTER_COUNT
            self.registers[IODIR] = self.registers[IODIR + 1] = 0xFF
            self.powered = True
            self._reference = self._levels()
            self._drive()

    def power_off(self) -> None:
        """The chip loses power: it answers nothing until :meth:`power_on`."""
        with self._lock:
            self.powered = False
            self._drive()

    # --- the outside world ---------------------------------------------------------------

    def press(self, pin: int, down: bool = True) -> None:
        """A button grounds ``pin`` (``down``) or lets it go."""
        with self._lock:
            bit = 1 << pin
            self.grounded = self.grounded | bit if down else self.grounded & ~bit
            self._changed()

    def _levels(self) -> int:
        """The 16 pins' levels as read (IPOL applied): a grounded pin is 0, a free one 1 with
        its pull-up on, else floating (read as 0)."""
        pull = self._pair(GPPU)
        outputs = ~self._pair(IODIR) & 0xFFFF
        level = pull & ~self.grounded & 0xFFFF
        level = (level & ~outputs) | (self._pair(OLAT) & outputs)
        return level ^ (self._pair(IPOL) & ~outputs & 0xFFFF)

    def _pair(self, register: int) -> int:
        return self.registers[register] | self.registers[register + 1] << 8

    def _changed(self) -> None:
        """A pin or a setting changed: raise the interrupts it causes."""
        levels = self._levels()
        enabled = self._pair(GPINTEN) & self._pair(IODIR)
        against = self._pair(INTCON)
        compared = (self._reference & ~against) | (self._pair(DEFVAL) & against)
        firing = (levels ^ compared) & enabled
        for port in (0, 1):
            shift = 8 * port
            if self.registers[INTF + port]:
                continue  # an interrupt is pending: INTCAP keeps what it caught
            bits = firing >> shift & 0xFF
            if bits:
                self.registers[INTF + port] = bits
                self.registers[INTCAP + port] = levels >> shift & 0xFF
        self._drive()

    def _drive(self) -> None:
        """Set the INT wires from INTF and IOCON."""
        if self.int_lines is None:
            return
        iocon = self.registers[IOCON]
        a, b = bool(self.registers[INTF]), bool(self.registers[INTF + 1])
        if iocon & MIRROR:
            a = b = a or b
        if not self.powered:
            a = b = False
        if iocon & ODR or not iocon & INTPOL:  # active low (open-drain is always)
            self.int_lines(not a, not b)
        else:
            self.int_lines(a, b)

    # --- the I²C side --------------------------------------------------------------------

    def read(self, register: int, count: int) -> list[int]:
        """Read ``count`` registers from ``register`` on (the address pointer moves on unless
        IOCON.SEQOP is set)."""
        with self._lock:
            self._answering()
            values = []
            for _ in range(count):
                values.append(self._read_one(register))
                if not self.registers[IOCON] & SEQOP:
                    register = (register + 1) % REGISTER_COUNT
            self._drive()
            return values

    def write(self, register: int, values: Iterable[int]) -> None:
        """Write registers from ``register`` on."""
        with self._lock:
            self._answering()
            for value in values:
                self._write_one(register, value & 0xFF)
                if not self.registers[IOCON] & SEQOP:
                    register = (register + 1) % REGISTER_COUNT
            self._changed()

    def _answering(self) -> None:
        if not self.powered:
            raise OSError(errno.EREMOTEIO, "Remote I/O error")

    def _read_one(self, register: int) -> int:
        port = register & 1
        if register in (GPIO, GPIO + 1):
            value = self._levels() >> (8 * port) & 0xFF
        else:
            value = self.registers[register]
        if register in (GPIO, GPIO + 1, INTCAP, INTCAP + 1):
            self._clear(port)
        return value

    def _clear(self, port: int) -> None:
        """Reading GPIO or INTCAP clears the port's interrupt; on-change compares from now."""
        self.registers[INTF + port] = 0
        shift = 8 * port
        mask = 0xFF << shift
        self._reference = (self._reference & ~mask) | (self._levels() & mask)
        self._changed()

    def _write_one(self, register: int, value: int) -> None:
        if register in _READ_ONLY:
            return
        if register in (IOCON, IOCON + 1):
            self.registers[IOCON] = self.registers[IOCON + 1] = value
        elif register in (GPIO, GPIO + 1):
            self.registers[OLAT + (register & 1)] = value  # writing GPIO writes the latch
        else:
            self.registers[register] = value


class I2CBus:
    """Chip models behind the ``smbus2.SMBus`` interface the expander driver uses: an address
    with no chip, or a chip without power, is the ``OSError`` (EREMOTEIO) a NACK gives."""

    def __init__(self, chips: dict[int, Mcp23017]) -> None:
        self.chips = chips
        self.transactions = 0

    def _chip(self, address: int) -> Mcp23017:
        self.transactions += 1
        chip = self.chips.get(address)
        if chip is None:
            raise OSError(errno.EREMOTEIO, "Remote I/O error")
        return chip

    def read_byte_data(self, i2c_addr: int, register: int, force=None) -> int:
        """One register."""
        return self._chip(i2c_addr).read(register, 1)[0]

    def write_byte_data(self, i2c_addr: int, register: int, value: int, force=None) -> None:
        """Write one register."""
        self._chip(i2c_addr).write(register, [value])

    def read_i2c_block_data(self, i2c_addr: int, register: int, length: int, force=None):
        """``length`` registers from ``register`` on."""
        return self._chip(i2c_addr).read(register, length)

    def write_i2c_block_data(self, i2c_addr: int, register: int, data, force=None) -> None:
        """Write registers from ``register`` on."""
        self._chip(i2c_addr).write(register, data)

    def close(self) -> None:
        """Nothing to release."""
