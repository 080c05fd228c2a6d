"""Emulated boards: the real firmware in MicroPython on simulated boards, each on its own
pseudo-terminal.

Each emulated board is its own process: MicroPython's unix port running the board's own
firmware (``firmware/station/`` or ``firmware/leds/`` with ``firmware/common/``, main.py
included, unchanged) on a simulated RP2040 (``firmware/sim/``), on the master side of its own
pseudo-terminal (board_process.py); the controller opens the slave side exactly as it opens a
Pico's ``/dev/ttyACM``::

    with StationEmulator(["E66038B7133B5C2F", "E66038B7133B5C30"]) as emulator:
        emulator.ports()                       # [PortInfo(device="/dev/pts/7", …), …]
        emulator.set_slider("E66038B7133B5C2F", 3000)
        emulator.click("E66038B7133B5C2F", "ok")
        emulator.unplug("E66038B7133B5C2F")    # the host's reads now fail (EIO)

A board's faults are the real ones: unplugging kills its process, which closes the master
side (the host sees the kernel's own error); replugging makes a new pseudo-terminal (a new
device name) and boots a fresh board; freezing stops the process (SIGSTOP/SIGCONT); garbage
is random bytes the board's line spews between frames; a watchdog reset drops the board off
"USB" and brings it back on a new device, as a Pico does. Until the host opens the port, what
a board writes is lost, as on a Pico. :class:`Chaos` draws such faults at random for
``neurones run --chaos``.

``python -m controller.stations.emulation --stations 16 --seconds 5`` measures what emulated
stations cost in CPU while a host talks to them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import tty
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from controller.stations.board_process import FIRMWARE_DIR, BoardProcess, literal
from controller.stations.port import readable

#: machine.reset_cause() of a board plugged in, and of one its watchdog reset (rp2 port).
POWER_ON, WATCHDOG = 1, 3
BUTTONS = ("minus", "plus", "ok")
SERIAL = re.compile(r"[0-9A-F]{16}")
#: How long an answer from a board (a snapshot of the LED driver's strips) may take to come.
ANSWER_TIMEOUT_S = 5.0


#: How much lower than the controller's the emulated boards' CPU priority is (0–19).
EMULATED_NICENESS = 10


@dataclass(frozen=True)
class PortInfo:
    """A serial port as discovery sees it: the fields of pyserial's ListPortInfo that the
    links use (so real discovery can return pyserial's objects unchanged)."""

    device: str
    serial_number: str
    vid: int = 0x2E8A
    pid: int = 0x0005


@dataclass(frozen=True)
class LedSnapshot:
    """What the emulated LED driver's strips show: ``shows`` is how many times a strip has
    been sent pixels (frames and idle fades alike), ``strips`` each strip's RGB bytes."""

    shows: int
    strips: tuple[bytes, ...]


@dataclass
class _Child:
    """One process running one board."""

    board: BoardProcess
    expected_exit: bool = False

    @property
    def device(self) -> str:
        return self.board.device


@dataclass
class _Board:
    """An emulated board: its process, and the physical things that survive a replug (its
    filesystem, where its slider is, what is held)."""

    serial: str
    flash: Path
    child: _Child | None = None
    thaw: threading.Timer | None = None
    boots: int = 0
    reboots: list[float] = field(default_factory=list)
    slider: float = 2048.0
    noise: tuple[float, float] = (0.0, 0.0)
    held: int = 0
    answers: dict[int, dict] = field(default_factory=dict)  # by question number


class _Emulator:
    """Emulated boards of one kind, each its own process on its own pseudo-terminal."""

    KIND: ClassVar[str]

    def __init__(self, serials: Sequence[str], seed: int) -> None:
        for serial in serials:
            if not SERIAL.fullmatch(serial):
                raise ValueError(f"{serial!r} is not a board serial (16 upper-case hex digits)")
        if len(set(serials)) != len(serials):
            raise ValueError("two emulated boards cannot share a serial number")
        self._rng = random.Random(seed)
        self._flash = Path(tempfile.mkdtemp(prefix="emulated-boards-"))
        self._boards = {serial: _Board(serial, self._flash / serial) for serial in serials}
        self._asked = 0
        self._lock = threading.RLock()
        self._answered = threading.Condition(self._lock)
        self._closing = threading.Event()
        self._watcher: threading.Thread | None = None

    # --- life -----------------------------------------------------------------------------------

    def start(self) -> None:
        """Plug every board in (each boots as from power-on)."""
        with self._lock:
            for board in self._boards.values():
                if board.child is None:
                    self._plug(board, POWER_ON)
        if self._watcher is None:
            self._watcher = threading.Thread(target=self._watch, name="emulator", daemon=True)
            self._watcher.start()

    def close(self) -> None:
        """End every process and close every pseudo-terminal."""
        with self._lock:
            for board in self._boards.values():
                self._unplug(board)
        self._closing.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
            self._watcher = None
        shutil.rmtree(self._flash, ignore_errors=True)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- what the host sees ---------------------------------------------------------------------

    @property
    def serials(self) -> list[str]:
        """Every emulated board's serial number, plugged in or not."""
        return list(self._boards)

    def ports(self) -> list[PortInfo]:
        """The boards plugged in now, as serial ports."""
        with self._lock:
            return [PortInfo(b.child.device, b.serial) for b in self._boards.values() if b.child]

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Wait until every board plugged in runs its firmware's loop (a Pico takes a fraction
        of a second; an emulated one on a busy machine may take longer).

        :raises TimeoutError: if one does not within ``timeout``.
        """
        end = time.monotonic() + timeout
        for board in list(self._boards.values()):
            while board.child is not None:
                with contextlib.suppress(TimeoutError):
                    if self._ask(board, "program is not None", timeout=1.0):
                        break
                if time.monotonic() > end:
                    raise TimeoutError(f"board {board.serial} did not start within {timeout} s")

    def boots(self, serial: str) -> int:
        """How many times the board has been powered on or reset by its watchdog."""
        return self._board(serial).boots

    def pids(self) -> list[int]:
        """The boards' processes (to measure what they cost)."""
        with self._lock:
            return [b.child.board.process.pid for b in self._boards.values() if b.child]

    # --- faults ---------------------------------------------------------------------------------

    def inject_garbage(self, serial: str, nbytes: int, seed: int | None = None) -> None:
        """Mix ``nbytes`` random bytes into the board's line (between its frames)."""
        seed = self._rng.getrandbits(32) if seed is None else seed
        self._command(self._board(serial), {"garbage": int(nbytes), "seed": seed})

    def hang(self, serial: str, seconds: float) -> None:
        """Make the board's main loop hang: past 3 s its watchdog resets it."""
        self._command(self._board(serial), {"hang": seconds})

    def freeze(self, serial: str, seconds: float) -> None:
        """Stop the board for ``seconds`` (SIGSTOP, then SIGCONT); returns at once."""
        board = self._board(serial)
        with self._lock:
            child = board.child
            if child is None:
                return
            if board.thaw is not None:
                board.thaw.cancel()
            with contextlib.suppress(ProcessLookupError):
                child.board.process.send_signal(signal.SIGSTOP)
            board.thaw = threading.Timer(seconds, self._thaw, (board, child))
            board.thaw.daemon = True
            board.thaw.start()

    def thaw(self, serial: str) -> None:
        """Let a frozen board run again now (SIGCONT)."""
        board = self._board(serial)
        with self._lock:
            if board.child is not None and board.thaw is not None:
                board.thaw.cancel()
                self._thaw(board, board.child)

    def unplug(self, serial: str) -> None:
        """Pull the cable: the board loses power and its pseudo-terminal goes (the host's
        reads fail with the kernel's EIO)."""
        with self._lock:
            self._unplug(self._board(serial))

    def replug(self, serial: str) -> None:
        """Plug the board in again (unplugging it first if need be): a new pseudo-terminal,
        so a new device name, and a board booting from power-on with a new boot id."""
        with self._lock:
            board = self._board(serial)
            old = board.child
            board.child = None
            self._plug(board, POWER_ON)  # while the old device still exists: a new name
            if old is not None:
                self._end(board, old)

    # --- what each kind of board adds -----------------------------------------------------------

    def _prepare(self, board: _Board) -> None:
        """Put the board's own files on its filesystem before it first boots."""

    def _world(self, board: _Board) -> dict:
        """How the world around a board is when it is plugged in (board_process's ``world``)."""
        return {}

    # --- inside ---------------------------------------------------------------------------------

    def _board(self, serial: str) -> _Board:
        try:
            return self._boards[serial]
        except KeyError:
            raise KeyError(f"no emulated board {serial}") from None

    def _plug(self, board: _Board, cause: int) -> None:
        if not board.flash.exists():
            board.flash.mkdir(parents=True)
            self._prepare(board)
        process = BoardProcess.start(
            self.KIND,
            board.serial,
            flash=board.flash,
            options={"reset-cause": cause, "seed": self._rng.getrandbits(32)},
            world=self._world(board),
            niceness=EMULATED_NICENESS,
        )
        board.child = _Child(process)
        board.boots += 1

    def _unplug(self, board: _Board) -> None:
        child, board.child = board.child, None
        if child is not None:
            self._end(board, child)

    def _end(self, board: _Board, child: _Child) -> None:
        if board.thaw is not None:
            board.thaw.cancel()
            board.thaw = None
        child.expected_exit = True
        child.board.stop()

    def _thaw(self, board: _Board, child: _Child) -> None:
        with self._lock:
            if board.child is child:
                board.thaw = None
                with contextlib.suppress(ProcessLookupError):
                    child.board.process.send_signal(signal.SIGCONT)

    def _command(self, board: _Board, command: dict) -> None:
        with self._lock:
            child = board.child
            if child is not None:  # unplugged: the world is given again at the next plug
                child.board.command(command)

    def _ask(self, board: _Board, expression: str, timeout: float = ANSWER_TIMEOUT_S) -> Any:
        """The value of ``expression`` on the board (hal/world.py's ``answer``); it answers
        between two turns of its loop. :raises TimeoutError: frozen, unplugged."""
        with self._answered:
            self._asked += 1
            asked = self._asked
            self._command(board, {"ask": asked, "eval": expression})
            if not self._answered.wait_for(lambda: asked in board.answers, timeout):
                raise TimeoutError(f"board {board.serial} did not answer within {timeout} s")
            return literal(board.answers.pop(asked))

    def _watch(self) -> None:
        """Read what the boards report, and re-plug a board that has reset itself."""
        open_children: dict[int, tuple[_Board, _Child]] = {}
        while not self._closing.is_set() or open_children:
            with self._lock:
                for board in self._boards.values():
                    child = board.child
                    if child is not None and child.board.control.fileno() not in open_children:
                        open_children[child.board.control.fileno()] = (board, child)
            if not open_children:
                self._closing.wait(0.1)
                continue
            for fd, (_, child) in list(open_children.items()):
                if child.board.control.fileno() != fd:  # a socket closed meanwhile
                    del open_children[fd]
            for fd in readable(list(open_children), 0.1):
                board, child = open_children[fd]
                try:
                    data = child.board.control.recv(1 << 20)
                except OSError:
                    data = b""
                if data:
                    self._reports(board, child, data)
                    continue
                del open_children[fd]
                self._exited(board, child)

    def _reports(self, board: _Board, child: _Child, data: bytes) -> None:
        for report in child.board.read_reports(data):
            if "answer" in report:
                with self._answered:
                    board.answers[report["answer"]] = report
                    self._answered.notify_all()

    def _exited(self, board: _Board, child: _Child) -> None:
        with self._lock:
            if child.expected_exit or board.child is not child or self._closing.is_set():
                return
            # The board reset itself (watchdog, machine.reset, or a crash the watchdog ends):
            # a Pico drops off USB and enumerates again, so the host sees a new device.
            board.reboots.append(time.monotonic())
            board.child = None
            self._plug(board, WATCHDOG)
            self._end(board, child)


class StationEmulator(_Emulator):
    """Emulated stations: each is the REAL station firmware (firmware/station/, main.py and
    all) running in MicroPython in its own process, on the master side of its own
    pseudo-terminal, on a simulated board (slider ADC with optional noise, three buttons, LED
    ring, watchdog, clock: firmware/sim/hal/).

    :param serials: the boards' USB serial numbers (16 upper-case hex digits each).
    :param sample_hz: slider samples per second on the emulated boards (a Pico does 1000;
        fewer keeps sixteen of them light on a small machine): written into each board's own
        ``pins.py``, as a technician would on a real one.
    :param seed: makes the boards' boot ids, noise and garbage reproducible.

    Also a context manager: ``with StationEmulator(serials) as emulator: …``.
    """

    KIND = "station"

    def __init__(self, serials: Sequence[str], *, sample_hz: int = 200, seed: int = 0):
        super().__init__(serials, seed)
        self.sample_hz = int(sample_hz)

    def ring(self, serial: str) -> tuple[str, tuple[int, int, int], int] | None:
        """What the station says its ring shows: ``(pattern, colour, level)`` of the host's
        last RING (a name of controller.stations.messages.RING_PATTERNS), ``("host_lost",
        (255, 0, 0), 0)`` while it has lost the host, or None when dark (just booted, or not
        answering: frozen, unplugged)."""
        try:
            return self._ask(self._board(serial), "program and program.showing()")
        except TimeoutError:
            return None

    def ring_pixels(self, serial: str) -> list[tuple[int, int, int]]:
        """What the ring's twelve LEDs were last sent, (red, green, blue) each."""
        return self._ask(self._board(serial), "world.ring")

    # --- the world acting on a station ------------------------------------------------------------

    def set_slider(self, serial: str, raw: float) -> None:
        """Move the slider to ``raw`` (0–4095, what the ADC reads there)."""
        board = self._board(serial)
        board.slider = min(4095.0, max(0.0, float(raw)))
        self._command(board, {"slider": board.slider})

    def press(self, serial: str, button: str) -> None:
        """Press and hold ``button`` ("minus", "plus" or "ok")."""
        board = self._board(serial)
        board.held |= 1 << self._button(button)
        self._command(board, {"press": button})

    def release(self, serial: str, button: str) -> None:
        """Let ``button`` go."""
        board = self._board(serial)
        board.held &= ~(1 << self._button(button))
        self._command(board, {"release": button})

    def click(self, serial: str, button: str, hold_s: float = 0.06) -> None:
        """Press ``button`` and let it go ``hold_s`` later (the board times it; no waiting)."""
        self._button(button)
        self._command(self._board(serial), {"click": button, "hold_s": hold_s})

    def set_noise(self, serial: str, lsb_rms: float, spikes_per_s: float = 0.0) -> None:
        """Give the slider Gaussian noise (LSB RMS) and wild reads (spikes per second)."""
        board = self._board(serial)
        board.noise = (float(lsb_rms), float(spikes_per_s))
        self._command(board, self._noise(board))

    def set_bounce(self, serial: str, bounce_ms: float) -> None:
        """Make the buttons' contacts bounce for ``bounce_ms`` after each change."""
        self._command(self._board(serial), {"bounce_ms": bounce_ms})

    @staticmethod
    def _button(button: str) -> int:
        if button not in BUTTONS:
            raise ValueError(f"unknown button {button!r}: one of {', '.join(BUTTONS)}")
        return BUTTONS.index(button)

    def _noise(self, board: _Board) -> dict:
        return {"noise": list(board.noise), "reads_per_s": 5 * self.sample_hz}

    def _prepare(self, board: _Board) -> None:
        (board.flash / "pins.py").write_text(pins_file(self.sample_hz))

    def _world(self, board: _Board) -> dict:
        return {"slider": board.slider, "held": board.held, **self._noise(board)}


def pins_file(sample_hz: int) -> str:
    """The station's pins.py (firmware/station/pins.py) with another slider sample rate."""
    source = (FIRMWARE_DIR / "station" / "pins.py").read_text()
    changed = re.sub(r"(?m)^SAMPLE_HZ = \d+", f"SAMPLE_HZ = {int(sample_hz)}", source)
    if changed == source and f"SAMPLE_HZ = {int(sample_hz)}" not in source:
        raise ValueError("firmware/station/pins.py has no SAMPLE_HZ line to change")
    return changed


def strips_file(counts: Sequence[int], order: str = "GRB") -> str:
    """An LED driver's strips.py (firmware/leds/strips.py) for strips of these LED counts, on
    GPIO 2, 3, … in the colour order of WS2812B strips."""
    source = (FIRMWARE_DIR / "leds" / "strips.py").read_text()
    strips = "".join(f"    ({2 + i}, {n}, {order!r}),\n" for i, n in enumerate(counts))
    return re.sub(r"(?ms)^STRIPS = \(\n.*?^\)\n", f"STRIPS = (\n{strips})\n", source)


class LedDriverEmulator(_Emulator):
    """The emulated LED floor driver: the REAL driver firmware (firmware/leds/, main.py and
    all) in MicroPython in its own process, on its own pseudo-terminal, on a simulated board
    whose PIO state machines keep what their DMA fed them.

    :param serial: the board's USB serial number.
    :param strips: LEDs per strip (written into the board's own strips.py).

    ``snapshot()`` returns what the strips show now. Also a context manager.
    """

    KIND = "leds"

    def __init__(self, serial: str, strips: Sequence[int], *, seed: int = 0):
        super().__init__([serial], seed)
        if not strips or not all(0 < n <= 65535 for n in strips) or len(strips) > 8:
            raise ValueError("an LED driver has 1 to 8 strips of 1 to 65535 LEDs")
        self.serial = serial
        self.strips = tuple(int(n) for n in strips)

    def snapshot(self, timeout: float = ANSWER_TIMEOUT_S) -> LedSnapshot:
        """What the strips show now (asked of the board; it answers between loop turns):
        red, green, blue per LED, dark for a strip never sent anything.

        :raises TimeoutError: if the board does not answer (frozen, unplugged).
        """
        shows, sent = self._ask(self._board(self.serial), "world.snapshot()", timeout)
        strips = tuple(
            rgb_of(bytes.fromhex(sent[i])) if i in sent else bytes(3 * n)
            for i, n in enumerate(self.strips)
        )
        return LedSnapshot(shows, strips)

    def wait_shown(self, frame_id: int, timeout: float = 60.0) -> None:
        """Wait until the driver has shown the frame ``frame_id`` (or a later one).

        :raises TimeoutError: if it has not within ``timeout``.
        """
        end = time.monotonic() + timeout
        board = self._board(self.serial)
        while self._ask(board, "program.frame_id", timeout) != frame_id & 0xFFFF:
            if time.monotonic() > end:
                raise TimeoutError(f"the LED driver did not show frame {frame_id}")
            time.sleep(0.01)

    def time_frame(self, data: bytes, count: int = 100) -> float:
        """Seconds the driver's firmware spends on a frame whose wire bytes are ``data``
        (fed straight to it ``count`` times, its strips' latching left out: hal/world.py)."""
        board = self._board(self.serial)
        return self._ask(board, f"world.time_frames(program, {data!r}, {count})", 60.0) / 1e6

    def _prepare(self, board: _Board) -> None:
        (board.flash / "strips.py").write_text(strips_file(self.strips))


def rgb_of(grb: bytes) -> bytes:
    """A WS2812B strip's bytes (green, red, blue per LED) as red, green, blue."""
    rgb = bytearray(len(grb))
    rgb[0::3], rgb[1::3], rgb[2::3] = grb[1::3], grb[0::3], grb[2::3]
    return bytes(rgb)


class Chaos:
    """Random misbehaviour for ``neurones run --chaos``: unplug/replug, garbage, noise, freezes,
    drawn from a seeded RNG, each station eventually replugged; ``step(now)`` is called once
    per loop frame (it never blocks).

    :param rate: faults started per second, over all the stations.
    """

    #: How often each fault is drawn, relative to the others.
    WEIGHTS: ClassVar[dict[str, int]] = {"unplug": 3, "garbage": 3, "noise": 2, "freeze": 2}

    def __init__(self, emulator: StationEmulator, *, seed: int = 0, rate: float = 0.5):
        self.emulator = emulator
        self.rate = rate
        self._rng = random.Random(seed)
        self._last: float | None = None
        self._pending: list[tuple[float, str, str]] = []  # (when, what, serial)
        self.counts = dict.fromkeys(self.WEIGHTS, 0)

    def step(self, now: float) -> None:
        """Start faults due by ``now`` (seconds, any monotonic clock) and end those whose time
        is up."""
        last, self._last = self._last, now
        due = [p for p in self._pending if p[0] <= now]
        for item in due:
            self._pending.remove(item)
            self._end(item[1], item[2])
        if last is None or now <= last:
            return
        if self._rng.random() < 1.0 - pow(2.718281828, -self.rate * (now - last)):
            self._start(now)

    def settle(self) -> None:
        """End every fault now: replug what is unplugged, quieten every slider."""
        for _, what, serial in self._pending:
            self._end(what, serial)
        self._pending.clear()
        plugged = {port.serial_number for port in self.emulator.ports()}
        for serial in self.emulator.serials:
            if serial not in plugged:
                self.emulator.replug(serial)
            self.emulator.thaw(serial)
            self.emulator.set_noise(serial, 0.0, 0.0)

    def _start(self, now: float) -> None:
        busy = {serial for _, _, serial in self._pending}
        free = sorted(set(self.emulator.serials) - busy)
        if not free:
            return
        serial = self._rng.choice(free)
        kinds = list(self.WEIGHTS)
        what = self._rng.choices(kinds, weights=[self.WEIGHTS[k] for k in kinds])[0]
        self.counts[what] += 1
        rng = self._rng
        if what == "unplug":
            self.emulator.unplug(serial)
            self._pending.append((now + rng.uniform(0.3, 3.0), "replug", serial))
        elif what == "garbage":
            self.emulator.inject_garbage(serial, rng.choice((64, 512, 4096, 65536)))
        elif what == "noise":
            self.emulator.set_noise(serial, rng.uniform(2, 12), rng.choice((0, 5, 50)))
            self._pending.append((now + rng.uniform(1, 5), "quiet", serial))
        elif what == "freeze":
            # Mostly shorter than the watchdog; now and then long enough for it to reset
            # the board, which then comes back on a new device.
            seconds = 3.6 if rng.random() < 0.1 else rng.uniform(0.2, 2.0)
            self.emulator.freeze(serial, seconds)
            self._pending.append((now + seconds + 0.5, "thawed", serial))

    def _end(self, what: str, serial: str) -> None:
        if what == "replug":
            self.emulator.replug(serial)
        elif what == "quiet":
            self.emulator.set_noise(serial, 0.0, 0.0)


# --- what emulated stations cost ---------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_cpu(stations: int = 16, seconds: float = 5.0, sample_hz: int = 200) -> dict:
    """CPU of ``stations`` emulated stations streaming to a host that handshakes and pings
    them (percent of one core, all stations together), and the STATE rate the host got."""
    from controller.stations.framing import STATION_LIMIT, Deframer, encode
    from controller.stations.messages import Hello, Ping, State, pack, parse

    serials = [f"E6600000000000{i:02X}" for i in range(stations)]
    with StationEmulator(serials, sample_hz=sample_hz) as emulator:
        fds = []
        for port in emulator.ports():
            fd = os.open(port.device, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            tty.setraw(fd)
            os.write(fd, b"\x00" + encode(pack(Hello())))
            fds.append(fd)
        deframers = {fd: Deframer(STATION_LIMIT) for fd in fds}
        states = 0
        time.sleep(1.0)  # the boards start up
        for fd in fds:  # what piled up meanwhile is not part of the measure
            with contextlib.suppress(BlockingIOError):
                while os.read(fd, 65536):
                    pass
        pids = emulator.pids()
        before = sum(_cpu_seconds(pid) for pid in pids)
        start = time.monotonic()
        next_ping = start
        while (now := time.monotonic()) - start < seconds:
            if now >= next_ping:
                for fd in fds:
                    os.write(fd, encode(pack(Ping())))
                next_ping += 0.5
            for fd in readable(fds, 0.05):
                for frame in deframers[fd].feed(os.read(fd, 4096)):
                    states += isinstance(parse(frame), State)
        elapsed = time.monotonic() - start
        used = sum(_cpu_seconds(pid) for pid in pids) - before
        for fd in fds:
            os.close(fd)
    return {
        "stations": stations,
        "sample_hz": sample_hz,
        "cpu_percent_of_one_core": 100.0 * used / elapsed,
        "state_hz_per_station": states / elapsed / stations,
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m controller.stations.emulation``: measure emulated stations' CPU."""
    parser = argparse.ArgumentParser(
        prog="python -m controller.stations.emulation", description=main.__doc__
    )
    parser.add_argument("--stations", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--sample-hz", type=int, default=200)
    args = parser.parse_args(argv)
    print(json.dumps(measure_cpu(args.stations, args.seconds, args.sample_hz), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
