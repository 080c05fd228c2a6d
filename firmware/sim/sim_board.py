"""Simulated boards for CPython: the station and LED driver firmware run on them unchanged.

CPython only (never copied to a board). :class:`SimPico` stands in for common/pico.py's
``Pico`` and :class:`SimBoard` for the station's board_rp2.Board, method for method
(sim_leds.py simulates the LED driver's board):

- the line is a file descriptor (the master side of a pseudo-terminal), non-blocking; a frame
  the line cannot take now is kept whole and finished later, never half-sent and forgotten;
- the slider is a position with optional Gaussian noise and spikes, read as 12-bit values;
- buttons are held or not, with optional contact bounce;
- the ring's pixels and the pattern it shows are recorded;
- the clock is MicroPython's (wrapping ticks), real or manual (tests move it themselves);
- the watchdog really resets the board: :class:`BoardReset` is raised in the running code
  when it expires (by SIGALRM on the real clock; at the next clock reading on a manual one).
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import wire

TICKS_PERIOD = 1 << 30  # MicroPython's ticks_ms/ticks_us wrap here
_TICKS_HALF = TICKS_PERIOD // 2
BUTTON_BITS = {"minus": 0b001, "plus": 0b010, "ok": 0b100}


class BoardReset(BaseException):
    """The simulated board resets: its running code stops here (a BaseException, so no
    ``except Exception`` in the firmware can swallow it, as none can stop a real reset)."""

    def __init__(self, cause: int) -> None:
        super().__init__(f"board reset (cause {cause})")
        self.cause = cause


class RealClock:
    """Wall time, as MicroPython's ticks count it; ``sleep`` really waits."""

    def __init__(self, start_ms: int = 0) -> None:
        self._origin = time.monotonic_ns() - start_ms * 1_000_000

    def now_us(self) -> int:
        """Microseconds since the board started (not wrapped)."""
        return (time.monotonic_ns() - self._origin) // 1000

    def sleep(self, seconds: float) -> None:
        """Wait that long."""
        if seconds > 0:
            time.sleep(seconds)


class ManualClock:
    """A clock that moves only when told (``advance``) or when the board sleeps on it."""

    def __init__(self, start_ms: int = 0) -> None:
        self._us = start_ms * 1000
        self.on_advance: Callable[[], None] | None = None

    def now_us(self) -> int:
        """Microseconds since the board started (not wrapped)."""
        return self._us

    def sleep(self, seconds: float) -> None:
        """Move time on by ``seconds`` at once."""
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Move time on; the board's watchdog may fire on the way."""
        self._us += max(0, round(seconds * 1_000_000))
        if self.on_advance is not None:
            self.on_advance()


@dataclass
class SimSlider:
    """The slider's wiper as the ADC sees it: a position, noise and spikes."""

    raw: float = 2048.0
    noise_lsb: float = 0.0
    spikes_per_read: float = 0.0
    rng: random.Random = field(default_factory=random.Random)

    def read(self) -> int:
        """One 12-bit conversion."""
        value = self.raw
        if self.noise_lsb:
            value += self.rng.gauss(0.0, self.noise_lsb)
        if self.spikes_per_read and self.rng.random() < self.spikes_per_read:
            value += self.rng.choice((-1, 1)) * self.rng.uniform(300, 2000)
        return min(4095, max(0, round(value)))


@dataclass
class SimButtons:
    """Three buttons; a change bounces for ``bounce_ms`` (random levels) before it settles."""

    bounce_ms: float = 0.0
    rng: random.Random = field(default_factory=random.Random)
    _held: int = 0
    _before: int = 0
    _changed_us: int = -(10**12)

    def set(self, held: int, now_us: int) -> None:
        """Press or release: ``held`` is the new bitmask."""
        if held != self._held:
            self._before, self._held, self._changed_us = self._held, held, now_us

    def read(self, now_us: int) -> int:
        """The pins' levels now, as a bitmask of pressed buttons."""
        if now_us - self._changed_us < self.bounce_ms * 1000:
            moving = self._held ^ self._before
            return (self._held & ~moving) | (self.rng.getrandbits(3) & moving)
        return self._held

    @property
    def held(self) -> int:
        """The buttons the person holds (not what bouncing contacts say)."""
        return self._held


class SimWatchdog:
    """machine.WDT's behaviour: once started, the board resets unless fed within the timeout."""

    def __init__(self, clock: RealClock | ManualClock) -> None:
        self.clock = clock
        self.timeout_us: int | None = None
        self.deadline_us: int | None = None
        self.fed = 0
        self._alarm = isinstance(clock, RealClock)

    def start(self, timeout_ms: int) -> None:
        """Start (or, as on the RP2040, restart with a new timeout)."""
        self.timeout_us = timeout_ms * 1000
        self.feed()

    def feed(self) -> None:
        """Push the deadline back by the timeout."""
        if self.timeout_us is None:
            return
        self.fed += 1
        self.deadline_us = self.clock.now_us() + self.timeout_us
        if self._alarm:
            signal.setitimer(signal.ITIMER_REAL, self.timeout_us / 1e6)

    def suspend(self) -> None:
        """Stop expiring (a timer feeds it: the REPL's maintenance mode)."""
        self.deadline_us = None
        if self._alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def check(self) -> None:
        """Reset the board if the deadline has passed (manual clock)."""
        if self.deadline_us is not None and self.clock.now_us() >= self.deadline_us:
            self.deadline_us = None
            raise BoardReset(wire.RESET_WATCHDOG)

    def install(self) -> None:
        """On the real clock, SIGALRM is the watchdog firing: it resets the running code."""
        if self._alarm:
            signal.signal(signal.SIGALRM, _watchdog_fired)


def _watchdog_fired(signum, frame):
    raise BoardReset(wire.RESET_WATCHDOG)


class SimPico:
    """The simulated Pico under a board: clocks, the USB line, the watchdog, identity.

    :param fd: the line: the master side of a pseudo-terminal (made non-blocking here).
    :param serial: the board's USB serial number (16 hex digits): its unique id.
    :param clock: a :class:`RealClock` (default) or a :class:`ManualClock`.
    :param reset_cause: what the next boot reports (wire.RESET_*).
    :param seed: seeds the boot ids and whatever the board simulates at random.
    """

    def __init__(
        self,
        fd: int,
        serial: str,
        *,
        clock: RealClock | ManualClock | None = None,
        reset_cause: int = wire.RESET_POWER_ON,
        seed: int = 0,
    ) -> None:
        self.fd = fd
        os.set_blocking(fd, False)
        self.uid = bytes.fromhex(serial)
        self.clock = clock or RealClock()
        self.rng = random.Random(seed)
        self.watchdog = SimWatchdog(self.clock)
        self.watchdog.install()
        if isinstance(self.clock, ManualClock):
            self.clock.on_advance = self.watchdog.check
        self.cause = reset_cause
        self.kbd: int = 3
        self.written = 0
        self.garbage_left = 0
        self._pending = b""
        self._garbage_rng = random.Random(0)
        self._idle_hooks: list[Callable[[], None]] = []

    # --- clocks (MicroPython's wrapping ticks) ----------------------------------------------

    def ticks_ms(self) -> int:
        """Milliseconds, wrapping at 2**30 like MicroPython's."""
        return (self.clock.now_us() // 1000) % TICKS_PERIOD

    def ticks_us(self) -> int:
        """Microseconds, wrapping at 2**30."""
        return self.clock.now_us() % TICKS_PERIOD

    @staticmethod
    def ticks_diff(a: int, b: int) -> int:
        """``a - b`` on the wrapping clock (MicroPython's time.ticks_diff)."""
        return ((a - b + _TICKS_HALF) % TICKS_PERIOD) - _TICKS_HALF

    @staticmethod
    def ticks_add(t: int, delta: int) -> int:
        """``t + delta`` on the wrapping clock."""
        return (t + delta) % TICKS_PERIOD

    def idle_us(self, us: int) -> None:
        """Wait; meanwhile the line sends what is pending and the world acts on the board."""
        self._flush_pending()
        self._spew_garbage()
        for hook in self._idle_hooks:
            hook()
        self.clock.sleep(us / 1e6)
        self.watchdog.check()

    def add_idle_hook(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` each time the firmware waits (the emulator reads its commands there)."""
        self._idle_hooks.append(hook)

    # --- the line ---------------------------------------------------------------------------

    def read(self, limit: int) -> bytes:
        """Up to ``limit`` bytes from the host; b"" if none (or if nobody holds the port)."""
        try:
            return os.read(self.fd, limit)
        except (BlockingIOError, InterruptedError):
            return b""
        except OSError:  # EIO: no process has the other side open
            return b""

    def write(self, data: bytes) -> bool:
        """Send a whole frame; False if the line still holds an unsent one (host not reading)."""
        self._flush_pending()
        if self._pending:
            return False
        self._pending = bytes(data)
        self._flush_pending()
        return True

    def flush(self, timeout_ms: int) -> None:
        """Wait up to ``timeout_ms`` for what is pending to go."""
        end = self.clock.now_us() + timeout_ms * 1000
        while self._flush_pending() and self.clock.now_us() < end:
            self.clock.sleep(0.002)

    def _flush_pending(self) -> bool:
        """Send what the line takes; True if something is still pending."""
        if self._pending:
            try:
                sent = os.write(self.fd, self._pending)
            except (BlockingIOError, InterruptedError):
                sent = 0
            except OSError:
                sent = len(self._pending)  # nobody at the other end: the bytes are lost
            self.written += sent
            self._pending = self._pending[sent:]
        return bool(self._pending)

    def inject_garbage(self, nbytes: int, seed: int | None = None) -> None:
        """Mix ``nbytes`` random bytes into the line, between frames, as fast as it takes."""
        self.garbage_left += nbytes
        if seed is not None:
            self._garbage_rng = random.Random(seed)

    def _spew_garbage(self) -> None:
        if not self.garbage_left or self._pending:
            return
        chunk = self._garbage_rng.randbytes(min(self.garbage_left, 16384))
        try:
            sent = os.write(self.fd, chunk)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            sent = len(chunk)
        self.garbage_left -= sent

    # --- watchdog, reset, identity ----------------------------------------------------------

    def start_watchdog(self, timeout_ms: int) -> None:
        """Start the watchdog."""
        self.watchdog.start(timeout_ms)

    def feed_watchdog(self) -> None:
        """Feed the watchdog."""
        self.watchdog.feed()

    def keep_watchdog_fed(self) -> None:
        """The REPL's maintenance mode: the watchdog no longer expires."""
        self.watchdog.suspend()

    def kbd_intr(self, char: int) -> None:
        """Record what Ctrl-C does now (-1: nothing; 3: KeyboardInterrupt)."""
        self.kbd = char

    def unique_id(self) -> bytes:
        """The board's unique id (its USB serial number, as bytes)."""
        return self.uid

    def reset_cause(self) -> int:
        """Why the board started."""
        return self.cause

    def random_u32(self) -> int:
        """A random 32-bit number (seeded: the emulator's runs are reproducible)."""
        return self.rng.getrandbits(32)

    def console(self, text: str) -> None:
        """Text for a person at the REPL (queued behind what is pending, never dropped)."""
        self._pending += text.encode()
        self._flush_pending()


class SimBoard(SimPico):
    """The station's board, simulated (the same methods as board_rp2.Board).

    :param sample_hz: slider samples per second (the Pico does 1000; an emulator may do less).

    The other parameters are :class:`SimPico`'s.
    """

    RING_LEDS = 12
    RING_CLOCKWISE = True

    def __init__(self, fd: int, serial: str, *, sample_hz: float = 1000.0, **pico) -> None:
        super().__init__(fd, serial, **pico)
        self.SAMPLE_HZ = sample_hz
        self.slider = SimSlider(rng=random.Random(self.rng.getrandbits(32)))
        self.switches = SimButtons(rng=random.Random(self.rng.getrandbits(32)))
        self.pixels: list[tuple[int, int, int]] = [(0, 0, 0)] * self.RING_LEDS
        self.pattern: tuple[str, tuple[int, int, int], int] | None = None
        self.on_ring: Callable[[tuple | None], None] | None = None
        self.stall_s = 0.0  # the next ADC read hangs this long (a stuck loop, for tests)

    # --- inputs -----------------------------------------------------------------------------

    def read_adc(self) -> int:
        """The slider, 12-bit."""
        if self.stall_s:
            stall, self.stall_s = self.stall_s, 0.0
            end = self.clock.now_us() + stall * 1e6
            while self.clock.now_us() < end:  # a read that hangs: time passes, nothing else
                self.clock.sleep(min(0.01, (end - self.clock.now_us()) / 1e6))
                self.watchdog.check()
        return self.slider.read()

    def buttons(self) -> int:
        """Bitmask of the buttons held, as the pins read now (bouncing included)."""
        return self.switches.read(self.clock.now_us())

    def press(self, button: str) -> None:
        """Press ``button`` ("minus", "plus" or "ok") and keep it held."""
        self.switches.set(self.switches.held | BUTTON_BITS[button], self.clock.now_us())

    def release(self, button: str) -> None:
        """Let ``button`` go."""
        self.switches.set(self.switches.held & ~BUTTON_BITS[button], self.clock.now_us())

    # --- the ring ---------------------------------------------------------------------------

    def show_ring(self, pixels: list[tuple[int, int, int]]) -> None:
        """Record the ring's pixels."""
        self.pixels = list(pixels)

    def ring_shows(self, name: str | None, colour: tuple[int, int, int], level: int) -> None:
        """Record the pattern the ring now shows (None: dark)."""
        self.pattern = None if name is None else (name, tuple(colour), level)
        if self.on_ring is not None:
            self.on_ring(self.pattern)
