"""``machine`` on an emulated RP2040: what the firmware uses of it, acting on the world.

MicroPython only: firmware/sim/board.py puts this folder first on the path, so the firmware's
``import machine`` finds this module instead of the unix port's own.
"""

import world as _world

PWRON_RESET = _world.PWRON_RESET
WDT_RESET = _world.WDT_RESET


class Pin:
    """A GPIO: inputs read the buttons and jumpers of the world, outputs are kept."""

    IN = 0
    OUT = 1
    OPEN_DRAIN = 2
    PULL_UP = 1
    PULL_DOWN = 2

    def __init__(self, id, mode=-1, pull=-1, value=None):
        self.id = id
        self.mode = mode
        self.level = value
        _world.board.service()

    def value(self, level=None):
        if level is None:
            if self.mode == Pin.OUT:
                return self.level or 0
            return _world.board.pin_level(self.id)
        self.level = 1 if level else 0
        return None

    __call__ = value


class ADC:
    """An ADC input: the slider's wiper (GPIO 26–29, or channel 0–3)."""

    def __init__(self, pin):
        self.gpio = pin.id if isinstance(pin, Pin) else (26 + pin if pin < 4 else pin)

    def read_u16(self):
        # The rp2 port scales the 12-bit conversion to 16 bits by repeating its top bits.
        raw = _world.board.read_adc()
        return (raw << 4) | (raw >> 8)


class WDT:
    """The hardware watchdog: it cannot be stopped, only fed."""

    def __init__(self, id=0, timeout=5000):
        _world.board.watchdog.start(timeout)

    def feed(self):
        _world.board.watchdog.feed()


class Timer:
    """A soft timer: its callback runs when the world gets control (as the rp2 port's soft
    timers run between the main program's instructions)."""

    ONE_SHOT = 0
    PERIODIC = 1

    def __init__(self, id=-1, mode=PERIODIC, period=-1, callback=None, freq=-1):
        self.init(mode=mode, period=period, callback=callback, freq=freq)

    def init(self, mode=PERIODIC, period=-1, callback=None, freq=-1):
        board = _world.board
        if freq > 0:
            period = 1000 // freq
        self.mode = mode
        self.period = max(1, period)
        self.callback = callback
        self.next = _world.ticks_add(board.clock.ticks_ms(), self.period)
        if self not in board.timers:
            board.timers.append(self)

    def due(self, now):
        if _world.ticks_diff(now, self.next) < 0:
            return
        if self.mode == Timer.PERIODIC:
            self.next = _world.ticks_add(self.next, self.period)
        else:
            self.deinit()
        if self.callback is not None:
            self.callback(self)

    def deinit(self):
        if self in _world.board.timers:
            _world.board.timers.remove(self)


class _Registers:
    """machine.mem32: the chip's registers, kept through a soft reset."""

    def __getitem__(self, address):
        return _world.board.registers.get(address, 0)

    def __setitem__(self, address, value):
        _world.board.registers[address] = value & 0xFFFFFFFF


mem32 = _Registers()


def reset():
    """A hard reset: the board drops off USB and comes back (a new device on the Pi)."""
    raise _world.BoardReset(_world.RESET_MACHINE)


def soft_reset():
    raise _world.BoardReset(_world.RESET_SOFT)


def reset_cause():
    return _world.board.machine_cause


def unique_id():
    return _world.board.uid


def freq(hz=None):
    return 125_000_000


def idle():
    _world.board.sleep_us(100)
