"""What every one of our boards is: a Raspberry Pi Pico (RP2040, MicroPython 1.29) on USB.

The boards' own layers (station/board_rp2.py, leds/leds_rp2.py) add their hardware to this:
clocks, the USB line, the watchdog, Ctrl-C, identity and reset cause. Thin on purpose: each
method is one MicroPython call or close to it.
"""

import os
import struct
import time

import machine
import micropython
import wire
from usb_line import UsbLine

# The watchdog's scratch register 0 keeps its value through a soft reset and a watchdog
# reset, and is cleared at power-on: our mark tells a soft reset from a power-on.
_WATCHDOG_SCRATCH0 = 0x4005800C
_BOOTED_MARK = 0x4E455552  # "NEUR"


class Pico:
    """The Pico under a board: clocks, USB line, watchdog, identity."""

    def __init__(self):
        self._line = UsbLine()
        self._wdt = None
        self._feeder = None
        self._cause = _reset_cause()
        # MicroPython's functions themselves, so calling them costs no extra Python frame.
        self.ticks_ms = time.ticks_ms
        self.ticks_us = time.ticks_us
        self.ticks_diff = time.ticks_diff
        self.ticks_add = time.ticks_add
        self.idle_us = time.sleep_us
        self.read = self._line.read
        self.write = self._line.write

    def flush(self, timeout_ms):
        """Writes are synchronous on the Pico: nothing is left to flush."""

    def start_watchdog(self, timeout_ms):
        """Start the hardware watchdog; from now on only feed_watchdog() keeps the board up."""
        self._wdt = machine.WDT(timeout=timeout_ms)

    def feed_watchdog(self):
        """Called by the main loop, and only when the loop is healthy."""
        self._wdt.feed()

    def keep_watchdog_fed(self):
        """The REPL's maintenance mode: a timer feeds the watchdog, which cannot be stopped."""
        wdt = self._wdt
        if wdt is not None:
            self._feeder = machine.Timer(period=1000, callback=lambda timer: wdt.feed())

    def kbd_intr(self, char):
        """-1: 0x03 on the line is data; 3: it is Ctrl-C again."""
        micropython.kbd_intr(char)

    def unique_id(self):
        """The flash's 8-byte unique id: its upper-case hex is the board's USB serial number."""
        return machine.unique_id()

    def reset_cause(self):
        """Why the board started: power on, watchdog or soft reset (PROTOCOL.md §3)."""
        return self._cause

    def random_u32(self):
        """A random number from the RP2040's ring oscillator: the boot id."""
        return struct.unpack("<I", os.urandom(4))[0]

    def console(self, text):
        """Text for a person at the REPL (only ever written outside the protocol)."""
        self._line.write(text.encode())


def _reset_cause():
    seen = machine.mem32[_WATCHDOG_SCRATCH0] == _BOOTED_MARK
    machine.mem32[_WATCHDOG_SCRATCH0] = _BOOTED_MARK
    if machine.reset_cause() == machine.WDT_RESET:
        return wire.RESET_WATCHDOG
    return wire.RESET_SOFT if seen else wire.RESET_POWER_ON
