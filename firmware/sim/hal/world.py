"""The world around an emulated board: its clock, its USB line, its watchdog, the hands on its
slider and buttons, and what its LEDs show. MicroPython only (the unix port).

firmware/sim/board.py makes one :class:`World` (``world.board``) before the firmware starts;
the simulated hardware modules beside this file (machine.py, neopixel.py, rp2.py, time.py,
and the ``sys`` and ``micropython`` of stdio.py) all act on it. The firmware itself runs
unchanged on top of them.

The world gets control whenever the firmware calls into the hardware or waits: then, as a
Pico's interrupts would, it moves what the host sent into the line's receive buffer (and
turns a 0x03 into a KeyboardInterrupt while Ctrl-C is armed), expires the watchdog, runs due
timers, and carries out the commands of its parent (controller/stations/board_process.py)
that arrive on the control socket, one JSON object a line.

Two clocks: the real one (the emulator: the board lives in real time) and a manual one (the
tests: time moves only when the parent says ``run``, so a test is exact whatever the load).
"""

import json
import math
import os
import random
import select

import usys
import utime

#: The RP2040's ticks wrap here (MicroPython's small ints are 31 bits there; the 64-bit unix
#: port's ticks would wrap only after 2**62, hiding a wrapping bug).
TICKS_PERIOD = 1 << 30
_TICKS_MASK = TICKS_PERIOD - 1
_TICKS_HALF = TICKS_PERIOD // 2


def ticks_diff(a, b):
    """``a - b`` on the RP2040's wrapping clock (time.ticks_diff)."""
    return ((a - b + _TICKS_HALF) & _TICKS_MASK) - _TICKS_HALF


def ticks_add(t, delta):
    """``t + delta`` on the RP2040's wrapping clock (time.ticks_add)."""
    return (t + delta) & _TICKS_MASK


#: The rp2 port's machine.reset_cause() values.
PWRON_RESET = 1
WDT_RESET = 3
#: Why the world stops the firmware (BoardReset.cause): a reset the parent sees as the board
#: dropping off USB and coming back, a soft reset (Ctrl-D, machine.soft_reset), power off.
RESET_WATCHDOG = "watchdog"
RESET_MACHINE = "machine.reset"
RESET_SOFT = "soft"
POWER_OFF = "power off"

CTRL_C = 3
#: The rp2 port's receive buffering (its stdin ring buffer and TinyUSB's FIFO): beyond it the
#: host's writes wait, as USB flow control makes them.
RX_BUFFER = 1024
#: While the firmware calls into the hardware without waiting, the world looks at its line and
#: its commands at most this often (µs), so a busy loop stays fast.
SERVICE_US = 1000
#: The longest real sleep between two looks at the line and the commands (µs), and while a
#: garbage burst is going out.
SLICE_US = 5000
GARBAGE_SLICE_US = 500
#: MicroPython's stream ioctl asking a stream for its file (py/stream.h).
STREAM_GET_FILENO = 10

#: The World, once board.py has made it.
board = None


class BoardReset(BaseException):
    """The board stops running code here: a reset, or its power gone. A BaseException, so no
    ``except Exception`` in the firmware swallows it, as none can stop a real reset."""

    def __init__(self, cause):
        super().__init__(cause)
        self.cause = cause


class Clock:
    """MicroPython's wrapping ticks, real or manual (moved by ``run``/``advance`` only)."""

    def __init__(self, manual, start_ms):
        self.manual = manual
        self.us = start_ms * 1000  # the manual clock, not wrapped

    def ticks_us(self):
        if self.manual:
            return self.us & _TICKS_MASK
        return utime.ticks_us() & _TICKS_MASK

    def ticks_ms(self):
        if self.manual:
            return (self.us // 1000) & _TICKS_MASK
        return utime.ticks_ms() & _TICKS_MASK


class Watchdog:
    """machine.WDT: once started it cannot be stopped, and resets the board unless fed."""

    def __init__(self, clock):
        self.clock = clock
        self.timeout_us = None
        self.deadline = 0  # ticks_us
        self.fed = 0

    def start(self, timeout_ms):
        self.timeout_us = timeout_ms * 1000
        self.feed()

    def feed(self):
        if self.timeout_us is not None:
            self.fed += 1
            self.deadline = ticks_add(self.clock.ticks_us(), self.timeout_us)

    def left_us(self):
        """Microseconds before it fires (None: not started)."""
        if self.timeout_us is None:
            return None
        return ticks_diff(self.deadline, self.clock.ticks_us())

    def check(self):
        left = self.left_us()
        if left is not None and left <= 0:
            raise BoardReset(RESET_WATCHDOG)


class Line:
    """The board's USB serial line: the master side of its pseudo-terminal, on fd 0 and 1
    (non-blocking: the parent set it so). Nobody holding the port gives EIO: what the board
    writes then is lost, as a Pico's output is until the host opens its ttyACM.

    What the host sent goes through a pipe (``rx``: fds from the parent) on its way to the
    firmware, so that ``select.poll`` on the board's stdin is the kernel's own poll of a file
    (MicroPython polls a Python stream object only once a millisecond).
    """

    def __init__(self, rx_read, rx_write):
        self._in = usys.stdin.buffer
        self._out = usys.stdout.buffer
        self.rx_fd = rx_read
        self._rx_out = open(rx_read, "rb")  # noqa: SIM115  (open for the board's life)
        self._rx_in = open(rx_write, "wb")  # noqa: SIM115
        self._chunk = bytearray(256)
        self.waiting = 0  # bytes in the pipe, not yet read by the firmware
        self.pending = b""  # written by the firmware, not yet taken by the pty
        self.kbd = -1  # the interrupt character (micropython.kbd_intr)
        self.written = 0
        self.garbage_left = 0

    def pump(self):
        """Move what the host sent into the receive buffer (the USB interrupt's job); a 0x03
        while Ctrl-C is armed is a KeyboardInterrupt, as on the board."""
        while self.waiting < RX_BUFFER:
            room = min(len(self._chunk), RX_BUFFER - self.waiting)
            try:
                n = self._in.readinto(memoryview(self._chunk)[:room])
            except OSError:  # EIO: nobody holds the port
                return
            if not n:
                return
            data = bytes(self._chunk[:n])
            if self.kbd == CTRL_C:
                at = data.find(b"\x03")
                if at >= 0:
                    self._receive(data[:at] + data[at + 1 :])
                    raise KeyboardInterrupt
            self._receive(data)

    def _receive(self, data):
        if data:
            self._rx_in.write(data)
            self.waiting += len(data)

    def take(self, buf):
        """Move up to len(buf) received bytes into ``buf``; how many."""
        if not self.waiting:
            return 0
        n = self._rx_out.readinto(buf) or 0
        self.waiting -= n
        return n

    def write(self, data):
        self.pending += data
        self.flush()

    def flush(self):
        """Give the pty what it takes; True while something is still pending."""
        if self.pending:
            try:
                sent = self._out.write(self.pending) or 0
            except OSError:  # nobody at the other end: the bytes are lost
                sent = len(self.pending)
            self.written += sent
            self.pending = self.pending[sent:]
        return bool(self.pending)

    def spew(self):
        """Garbage asked for: random bytes into the line between frames, in a burst as fast as
        the host takes them (the frame right behind a burst is lost with it)."""
        while self.garbage_left and not self.pending:
            chunk = os.urandom(min(self.garbage_left, 4096))
            try:
                sent = self._out.write(chunk) or 0
            except OSError:
                sent = len(chunk)
            self.garbage_left -= sent
            if sent < len(chunk):
                return


class Control:
    """Commands from the parent and answers to it: JSON lines on a socket (inherited fd)."""

    def __init__(self, fd):
        self._in = open(fd, "rb")  # noqa: SIM115  (open for the board's life)
        self._out = open(fd, "wb")  # noqa: SIM115
        self._poll = select.poll()
        self._poll.register(self._in, select.POLLIN)
        self._chunk = bytearray(4096)
        self._partial = b""

    def commands(self, wait_ms=0):
        """The commands that have arrived (waiting up to ``wait_ms``, -1: until one comes)."""
        if not self._poll.poll(wait_ms):
            return ()
        n = self._in.readinto(self._chunk)
        if n == 0:
            raise BoardReset(POWER_OFF)  # the parent is gone: the cable is pulled
        if not n:
            return ()
        lines = (self._partial + bytes(self._chunk[:n])).split(b"\n")
        self._partial = lines.pop()
        return [json.loads(line) for line in lines if line.strip()]

    def send(self, answer):
        data = (json.dumps(answer) + "\n").encode()
        while data:
            sent = self._out.write(data)
            if sent:
                data = data[sent:]
            else:
                utime.sleep_ms(1)


class Slider:
    """The slider's wiper as the ADC sees it: a position, Gaussian noise, wild reads."""

    def __init__(self):
        self.raw = 2048.0
        self.noise_lsb = 0.0
        self.spikes_per_read = 0.0

    def read(self):
        """One 12-bit conversion."""
        value = self.raw
        if self.noise_lsb:
            # Box-Muller: MicroPython's random has no gauss().
            u = 1.0 - random.random()
            value += (
                self.noise_lsb
                * math.sqrt(-2.0 * math.log(u))
                * math.cos(2.0 * math.pi * random.random())
            )
        if self.spikes_per_read and random.random() < self.spikes_per_read:
            value += random.choice((-1, 1)) * random.uniform(300, 2000)
        return min(4095, max(0, int(value + 0.5)))


class World:
    """One board's world (see the module's docstring)."""

    def __init__(
        self,
        serial,
        control_fd,
        rx_fds,
        manual=False,
        start_ms=0,
        cause=PWRON_RESET,
        chip="RP2040",
        seed=0,
    ):
        random.seed(seed)
        self.uid = bytes(int(serial[i : i + 2], 16) for i in range(0, len(serial), 2))
        self.chip = chip
        self.machine_cause = cause
        self.clock = Clock(manual, start_ms)
        self.watchdog = Watchdog(self.clock)
        self.line = Line(*rx_fds)
        self.control = Control(control_fd)
        self.slider = Slider()
        self.registers = {}  # machine.mem32 (kept through a soft reset, as on the chip)
        self.buttons = {}  # button name → GPIO (from the station's pins.py)
        self.held = 0  # bitmask of the buttons the hand holds, in BUTTONS order
        self.bounce_us = 0
        self._before = 0
        self._changed = 0
        self._releases = []  # (ticks_ms due, button)
        self.jumpers = set()  # GPIOs tied to GND (the LED driver's maintenance jumper)
        self.adc_reads = 0
        self.slept_us = 0  # spent in time.sleep_us on the real clock, in all
        self.ring = []  # what the neopixel ring was last sent
        self.strips = {}  # PIO state machine → the bytes its DMA last fed it
        self.shows = 0
        self.timers = []
        self.run_until = self.clock.us  # manual clock: how far the parent lets it run
        self._told = False
        self._serviced = self.clock.ticks_us()
        for command in self.control.commands():  # how the world is when the board powers on
            self.apply(command)

    # --- the firmware calls in ----------------------------------------------------------------

    def service(self, force=False):
        """What happens between the firmware's instructions: see the module's docstring."""
        now = self.clock.ticks_us()
        if not force and ticks_diff(now, self._serviced) < SERVICE_US:
            return
        self._serviced = now
        self.watchdog.check()
        line = self.line
        line.pump()
        line.flush()
        line.spew()
        for command in self.control.commands():
            self.apply(command)
        self._due()

    def sleep_us(self, us):
        """time.sleep_us: the world goes on meanwhile."""
        clock = self.clock
        if clock.manual:
            target = clock.us + max(0, us)
            while True:
                self.service(True)
                if target < self.run_until:
                    self.advance_to(target)
                    return
                self.advance_to(self.run_until)
                self._pause()
        begin = utime.ticks_us()
        end = utime.ticks_add(begin, max(0, us))
        while True:
            left = utime.ticks_diff(end, utime.ticks_us())
            if left > 0:
                # A garbage burst goes out as fast as the host reads it: look at the line often.
                utime.sleep_us(min(left, GARBAGE_SLICE_US if self.line.garbage_left else SLICE_US))
            self.service(True)
            if left <= SLICE_US:
                self.slept_us += utime.ticks_diff(utime.ticks_us(), begin)
                return

    def time_frames(self, driver, data, count):
        """Microseconds the LED ``driver`` spends on one frame (its wire bytes ``data``):
        deframing, checking, decoding its runs, showing it on the strips; the frame fed
        ``count`` times straight to the driver (not through the line: on a Pico the USB read
        costs apart), the time its strips spend latching left out (they shift out by DMA
        meanwhile on a Pico)."""
        slept = self.slept_us
        start = utime.ticks_us()
        for _ in range(count):
            now = self.clock.ticks_ms()
            for frame in driver.link.deframer.feed(data):
                driver.chunk(frame, now)
        elapsed = utime.ticks_diff(utime.ticks_us(), start)
        return (elapsed - (self.slept_us - slept)) / count

    def advance_to(self, us):
        """Move the manual clock on; the watchdog fires on the way if it is not fed."""
        left = self.watchdog.left_us()
        if left is not None and self.clock.us + left <= us:
            self.clock.us += max(0, left)
            raise BoardReset(RESET_WATCHDOG)
        self.clock.us = max(self.clock.us, us)

    def _pause(self):
        """Manual clock at the end of its run: say so, then wait for the parent's commands."""
        if not self._told:
            self._told = True
            self.control.send({"ran": self.clock.us})
        for command in self.control.commands(-1):
            self.apply(command)

    def read_adc(self):
        self.service()
        self.adc_reads += 1
        return self.slider.read()

    def pin_level(self, gpio):
        """An input pin's level: 1 (pulled up) unless a button or a jumper pulls it low."""
        self.service()
        if gpio in self.jumpers:
            return 0
        for i, name in enumerate(BUTTON_ORDER):
            if self.buttons.get(name) == gpio:
                return 0 if self._pressed() & (1 << i) else 1
        return 1

    def _pressed(self):
        """The buttons' contacts now: bouncing for bounce_us after each change."""
        if self.bounce_us:
            age = ticks_diff(self.clock.ticks_us(), self._changed)
            if age < self.bounce_us:
                moving = self.held ^ self._before
                return (self.held & ~moving) | (random.getrandbits(3) & moving)
        return self.held

    def hold(self, held):
        if held != self.held:
            self._before, self.held = self.held, held
            self._changed = self.clock.ticks_us()

    def show_ring(self, pixels):
        self.ring = pixels
        self.service()

    def pio_output(self, state_machine, data):
        self.strips[state_machine] = data
        self.shows += 1
        self.service()

    def stall(self, us):
        """The loop stops for ``us`` (a stuck read): time passes, nothing else but the watchdog."""
        if self.clock.manual:
            self.advance_to(self.clock.us + us)
            return
        end = utime.ticks_add(utime.ticks_us(), us)
        while utime.ticks_diff(end, utime.ticks_us()) > 0:
            utime.sleep_ms(10)
            self.watchdog.check()

    # --- the parent's commands ----------------------------------------------------------------

    def apply(self, command):
        """Carry out one command of the parent (controller/stations/board_process.py)."""
        if "slider" in command:
            self.slider.raw = float(command["slider"])
        if "held" in command:
            self.hold(int(command["held"]))
        if "press" in command:
            self.hold(self.held | 1 << BUTTON_ORDER.index(command["press"]))
        if "release" in command:
            self.hold(self.held & ~(1 << BUTTON_ORDER.index(command["release"])))
        if "click" in command:
            self.hold(self.held | 1 << BUTTON_ORDER.index(command["click"]))
            due = ticks_add(self.clock.ticks_ms(), int(command.get("hold_s", 0.06) * 1000))
            self._releases.append((due, command["click"]))
        if "noise" in command:
            lsb, spikes_per_s = command["noise"]
            self.slider.noise_lsb = float(lsb)
            self.slider.spikes_per_read = float(spikes_per_s) / (command.get("reads_per_s") or 5000)
        if "bounce_ms" in command:
            self.bounce_us = int(command["bounce_ms"] * 1000)
        if "jumper" in command:
            self.jumpers.add(int(command["jumper"]))
        if "garbage" in command:
            self.line.garbage_left += int(command["garbage"])
        if "run" in command:
            self.run_until = self.clock.us + int(command["run"] * 1_000_000)
            self._told = False
        if "advance" in command:
            self.advance_to(self.clock.us + int(command["advance"] * 1_000_000))
        if "ask" in command:
            self.answer(command["ask"], command["eval"])
        if "hang" in command:
            self.stall(int(command["hang"] * 1_000_000))

    def answer(self, ask, expression):
        """Evaluate ``expression`` about the board (a look from outside, as at the REPL)."""
        try:
            value = repr(eval(expression, self.namespace()))
            self.control.send({"answer": ask, "value": value})
        except Exception as exc:  # a wrong question is the asker's problem, not the board's
            self.control.send({"answer": ask, "error": repr(exc)})

    def namespace(self):
        """What a question may name: ``world``, ``program`` (the firmware's running station or
        LED driver, host_link.running, None before it starts) and ``modules`` (the loaded
        ones, by name)."""
        link = usys.modules.get("host_link")
        return {"world": self, "program": getattr(link, "running", None), "modules": usys.modules}

    def _due(self):
        if self._releases:
            now = self.clock.ticks_ms()
            for item in [r for r in self._releases if ticks_diff(now, r[0]) >= 0]:
                self._releases.remove(item)
                self.hold(self.held & ~(1 << BUTTON_ORDER.index(item[1])))
        if self.timers:
            now = self.clock.ticks_ms()
            for timer in list(self.timers):
                timer.due(now)

    # --- looks from outside -------------------------------------------------------------------

    def snapshot(self):
        """``(shows, {state machine: hex of its last output})``: what the strips were sent."""
        return self.shows, dict((k, v.hex()) for k, v in self.strips.items())


#: The station's buttons, in the protocol's order (bit 0, 1, 2).
BUTTON_ORDER = ("minus", "plus", "ok")
