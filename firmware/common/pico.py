"""What every one of our boards is: a Raspberry Pi Pico (RP2040, MicroPython 1.29) on USB.

The boards' own layers (station/board_rp2.py, leds/leds_rp2.py) add their hardware to this:
clocks, the USB line, the watchdog, Ctrl-C, identity, reset cause and the way to maintenance.
Thin on purpose: each method is one MicroPython call or close to it.

Maintenance without racing the watchdog (which, once started, cannot be stopped): the REPL
message writes a flag file and resets the board (``machine.reset()``); the next boot finds the
flag, removes it, and gives the REPL without starting the protocol or the watchdog.
"""

import os
import struct
import sys
import time

import machine
import micropython
import wire
from usb_line import UsbLine

#: The flag file that makes the next boot a maintenance boot (the REPL, no watchdog), and how
#: long the board waits before that reset, for its last words to reach the host.
MAINTENANCE_FLAG = "maintenance"
MAINTENANCE_GRACE_MS = 200
# On an RP2040, the watchdog's scratch register 0 keeps its value through a soft reset and a
# watchdog reset, and is cleared at power-on: our marks tell a soft reset from a power-on, and
# the soft reset out of maintenance from a watchdog's. On an RP2350 (Pico 2) the same address
# is another block's register: it is left alone there.
_WATCHDOG_SCRATCH0 = 0x4005800C
_BOOTED_MARK = 0x4E455552  # "NEUR"
_MAINTENANCE_MARK = 0x4D4E5421  # "MNT!"
#: What a board that is not an RP2040 tells the host once (a LOG), and its reset causes.
NOT_RP2040 = "not an RP2040: reset cause unknown"


def is_rp2040():
    """True on an RP2040 (a Pico); False on an RP2350 (a Pico 2) or anything else."""
    return "RP2040" in getattr(sys.implementation, "_machine", "")


class Pico:
    """The Pico under a board: clocks, USB line, watchdog, identity."""

    def __init__(self):
        self._line = UsbLine()
        self._wdt = None
        self._cause = _reset_cause()
        #: A note for the host after the handshake (a LOG), or None.
        self.note = None if is_rp2040() else NOT_RP2040
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

    def enter_maintenance(self):
        """Leave the protocol for maintenance: flag the next boot, and reset into it (the
        watchdog, which cannot be stopped, goes with the reset)."""
        with open(MAINTENANCE_FLAG, "w") as flag:
            flag.write("REPL requested by the host\n")
        time.sleep_ms(MAINTENANCE_GRACE_MS)  # the LOG "repl" on its way over USB first
        machine.reset()

    def maintenance_requested(self):
        """True once if the last reset was :meth:`enter_maintenance`'s (the flag is removed)."""
        try:
            os.remove(MAINTENANCE_FLAG)
        except OSError:
            return False
        if is_rp2040():  # a soft reset from this REPL is not the watchdog's
            machine.mem32[_WATCHDOG_SCRATCH0] = _MAINTENANCE_MARK
        return True

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
    """Why the board started (PROTOCOL.md §3). An RP2040 tells them all apart with its
    watchdog scratch register; another chip only a watchdog reset from the rest (unknown)."""
    watchdog = machine.reset_cause() == machine.WDT_RESET
    if not is_rp2040():
        return wire.RESET_WATCHDOG if watchdog else wire.RESET_UNKNOWN
    mark = machine.mem32[_WATCHDOG_SCRATCH0]
    machine.mem32[_WATCHDOG_SCRATCH0] = _BOOTED_MARK
    if mark == _MAINTENANCE_MARK:
        return wire.RESET_SOFT  # Ctrl-D out of maintenance (which machine.reset() began)
    if watchdog:
        return wire.RESET_WATCHDOG
    return wire.RESET_SOFT if mark == _BOOTED_MARK else wire.RESET_POWER_ON
