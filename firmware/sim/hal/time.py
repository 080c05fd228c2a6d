"""``time`` on an emulated board: the RP2040's wrapping ticks on the world's clock, and waits
during which the world goes on. MicroPython only (see machine.py).
"""

import world as _world
from utime import gmtime, localtime, mktime, ticks_cpu  # noqa: F401
from utime import time as time
from world import ticks_add, ticks_diff  # noqa: F401  (the RP2040's period, 2**30)

ticks_ms = _world.board.clock.ticks_ms
ticks_us = _world.board.clock.ticks_us


def sleep_us(us):
    _world.board.sleep_us(us)


def sleep_ms(ms):
    _world.board.sleep_us(ms * 1000)


def sleep(seconds):
    _world.board.sleep_us(int(seconds * 1_000_000))
