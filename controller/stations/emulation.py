"""Emulated boards: the real firmware on simulated boards, each on its own pseudo-terminal.

Each emulated board is its own process (``firmware/sim/run_station.py`` for a neuron station,
``run_leds.py`` for the LED floor driver) running the board's firmware (``firmware/station/``,
``firmware/leds/``, unchanged) on a simulated board, on the master side of its own
pseudo-terminal; the controller opens the slave side exactly as it opens a Pico's
``/dev/ttyACM``::

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
import select
import signal
import subprocess
import sys
import threading
import time
import tty
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

#: Where the firmware lives, and the scripts that run one emulated board.
FIRMWARE_DIR = Path(__file__).resolve().parents[2] / "firmware"
STATION_PROCESS = FIRMWARE_DIR / "sim" / "run_station.py"
LED_DRIVER_PROCESS = FIRMWARE_DIR / "sim" / "run_leds.py"
#: The board processes' exit status when the board's watchdog reset it.
EXIT_WATCHDOG = 75
#: HelloAck reset causes (PROTOCOL.md §3).
POWER_ON, WATCHDOG = 1, 2
BUTTONS = ("minus", "plus", "ok")
SERIAL = re.compile(r"[0-9A-F]{16}")
#: How long a snapshot of the LED driver's strips may take to come.
SNAPSHOT_TIMEOUT_S = 5.0


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
    """What the emulated LED driver's strips show: ``shows`` is how many times they have been
    sent pixels (frames and idle fades alike), ``strips`` each strip's RGB bytes."""

    shows: int
    strips: tuple[bytes, ...]


@dataclass
class _Child:
    """One process running one board, and what the parent reads from it."""

    process: subprocess.Popen
    status_fd: int
    device: str
    expected_exit: bool = False
    partial: bytes = b""


@dataclass
class _Board:
    """An emulated board: its process, and the physical things that survive a replug."""

    serial: str
    child: _Child | None = None
    thaw: threading.Timer | None = None
    boots: int = 0
    reboots: list[float] = field(default_factory=list)
    # a station's slider, noise, buttons held, and what its ring shows
    slider: float = 2048.0
    noise: tuple[float, float] = (0.0, 0.0)
    held: int = 0
    ring: tuple[str, tuple[int, int, int], int] | None = None
    # the LED driver's answers to snapshot requests, by request number
    snapshots: dict[int, LedSnapshot] = field(default_factory=dict)


class _Emulator:
    """Emulated boards of one kind, each its own process on its own pseudo-terminal."""

    SCRIPT: ClassVar[Path]

    def __init__(self, serials: Sequence[str], seed: int) -> None:
        for serial in serials:
            if not SERIAL.fullmatch(serial):
                raise ValueError(f"{serial!r} is not a board serial (16 upper-case hex digits)")
        if len(set(serials)) != len(serials):
            raise ValueError("two emulated boards cannot share a serial number")
        self._rng = random.Random(seed)
        self._boards = {serial: _Board(serial) for serial in serials}
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

    def boots(self, serial: str) -> int:
        """How many times the board has been powered on or reset by its watchdog."""
        return self._board(serial).boots

    def pids(self) -> list[int]:
        """The boards' processes (to measure what they cost)."""
        with self._lock:
            return [b.child.process.pid for b in self._boards.values() if b.child]

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
                child.process.send_signal(signal.SIGSTOP)
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

    def _arguments(self, board: _Board) -> list[str]:
        """The board process's own arguments (after --fd, --serial, --seed, --reset-cause)."""
        return []

    def _plugged(self, board: _Board) -> None:
        """Tell a freshly booted board what the world around it is like."""

    def _report(self, board: _Board, report: dict) -> None:
        """Take one line the board's process reported."""

    # --- inside ---------------------------------------------------------------------------------

    def _board(self, serial: str) -> _Board:
        try:
            return self._boards[serial]
        except KeyError:
            raise KeyError(f"no emulated board {serial}") from None

    def _plug(self, board: _Board, cause: int) -> None:
        master, slave = os.openpty()
        try:
            tty.setraw(slave)  # no echo, no line editing: a binary line, as pyserial sets it
            device = os.ttyname(slave)
        finally:
            # Nobody holds the port open now: what the board writes is lost, as a Pico's
            # output is until the host opens its ttyACM, and its reads say so (EIO).
            os.close(slave)
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-I",
                    "-S",
                    str(self.SCRIPT),
                    "--fd",
                    str(master),
                    "--serial",
                    board.serial,
                    "--seed",
                    str(self._rng.getrandbits(32)),
                    "--reset-cause",
                    str(cause),
                    *self._arguments(board),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                pass_fds=(master,),
                start_new_session=True,  # a Ctrl-C in the terminal is for the controller
            )
        finally:
            os.close(master)  # the child holds it: its death is the cable pulled
        # A real station is its own chip; an emulated one shares the controller's cores, so it
        # yields to it: the controller's timing is what the emulation is there to show.
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, process.pid, EMULATED_NICENESS)
        assert process.stdin is not None and process.stdout is not None  # both piped
        os.set_blocking(process.stdin.fileno(), False)
        board.child = _Child(process, process.stdout.fileno(), device)
        board.ring = None
        board.boots += 1
        self._plugged(board)

    def _unplug(self, board: _Board) -> None:
        child, board.child = board.child, None
        if child is not None:
            self._end(board, child)
        board.ring = None

    def _end(self, board: _Board, child: _Child) -> None:
        if board.thaw is not None:
            board.thaw.cancel()
            board.thaw = None
        child.expected_exit = True
        with contextlib.suppress(ProcessLookupError):
            child.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.process.wait(timeout=5)
        with contextlib.suppress(OSError, AttributeError):
            child.process.stdin.close()  # type: ignore[union-attr]  # piped at the start

    def _thaw(self, board: _Board, child: _Child) -> None:
        with self._lock:
            if board.child is child:
                board.thaw = None
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(signal.SIGCONT)

    def _command(self, board: _Board, command: dict) -> None:
        with self._lock:
            child = board.child
            if child is None:
                return  # unplugged: the physical state is given again at the next plug
            with contextlib.suppress(BlockingIOError, BrokenPipeError, ValueError):
                stdin = child.process.stdin
                assert stdin is not None  # piped at the start
                os.write(stdin.fileno(), json.dumps(command).encode() + b"\n")

    def _watch(self) -> None:
        """Read what the boards report, and re-plug a board its watchdog has reset."""
        open_children: dict[int, tuple[_Board, _Child]] = {}
        while not self._closing.is_set() or open_children:
            with self._lock:
                for board in self._boards.values():
                    child = board.child
                    if child is not None and child.status_fd not in open_children:
                        open_children[child.status_fd] = (board, child)
            if not open_children:
                self._closing.wait(0.1)
                continue
            try:
                readable, _, _ = select.select(list(open_children), [], [], 0.1)
            except OSError:
                readable = []
            for fd in readable:
                board, child = open_children[fd]
                try:
                    data = os.read(fd, 1 << 20)
                except OSError:
                    data = b""
                if data:
                    self._status(board, child, data)
                    continue
                del open_children[fd]
                child.process.stdout.close()  # type: ignore[union-attr]  # piped
                self._exited(board, child)

    def _status(self, board: _Board, child: _Child, data: bytes) -> None:
        *lines, child.partial = (child.partial + data).split(b"\n")
        for line in lines:
            try:
                report = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                if board.child is child:
                    self._report(board, report)

    def _exited(self, board: _Board, child: _Child) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.process.wait(timeout=5)
        with self._lock:
            if child.expected_exit or board.child is not child or self._closing.is_set():
                return
            # The board reset itself (watchdog, or a crash the watchdog ends): a Pico drops
            # off USB and enumerates again, so the host sees a new device.
            board.reboots.append(time.monotonic())
            board.child = None
            self._plug(board, WATCHDOG)
            self._end(board, child)


class StationEmulator(_Emulator):
    """Emulated stations: each is the REAL station firmware (firmware/station/*.py) running
    under CPython in its own process, on the master side of its own pseudo-terminal, with a
    simulated board (slider ADC with optional noise, three buttons, LED ring, watchdog, clock).

    :param serials: the boards' USB serial numbers (16 upper-case hex digits each).
    :param sample_hz: slider samples per second on the emulated boards (a Pico does 1000;
        fewer keeps sixteen of them light on a small machine; the STATE rate is 50 Hz anyway).
    :param seed: makes the boards' boot ids, noise and garbage reproducible.

    Also a context manager: ``with StationEmulator(serials) as emulator: …``.
    """

    SCRIPT = STATION_PROCESS

    def __init__(self, serials: Sequence[str], *, sample_hz: float = 200.0, seed: int = 0):
        super().__init__(serials, seed)
        self.sample_hz = sample_hz

    def ring(self, serial: str) -> tuple[str, tuple[int, int, int], int] | None:
        """What the station's ring shows: ``(pattern, colour, level)`` of the host's last RING
        (a name of controller.stations.messages.RING_PATTERNS), ``("host_lost", (255, 0, 0), 0)``
        while it has lost the host, or None when dark (just booted)."""
        return self._board(serial).ring

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
        self._command(board, {"noise": list(board.noise)})

    def set_bounce(self, serial: str, bounce_ms: float) -> None:
        """Make the buttons' contacts bounce for ``bounce_ms`` after each change."""
        self._command(self._board(serial), {"bounce_ms": bounce_ms})

    @staticmethod
    def _button(button: str) -> int:
        if button not in BUTTONS:
            raise ValueError(f"unknown button {button!r}: one of {', '.join(BUTTONS)}")
        return BUTTONS.index(button)

    def _arguments(self, board: _Board) -> list[str]:
        return ["--sample-hz", str(self.sample_hz)]

    def _plugged(self, board: _Board) -> None:
        self._command(
            board, {"slider": board.slider, "noise": list(board.noise), "held": board.held}
        )

    def _report(self, board: _Board, report: dict) -> None:
        if "ring" in report:
            ring = report["ring"]
            board.ring = None if ring is None else (ring[0], tuple(ring[1]), ring[2])


class LedDriverEmulator(_Emulator):
    """The emulated LED floor driver: the REAL driver firmware (firmware/leds/*.py) under
    CPython in its own process, on its own pseudo-terminal, with a simulated board whose
    strips record what they are sent.

    :param serial: the board's USB serial number.
    :param strips: LEDs per strip (the driver's strips.py on a real board).

    ``snapshot()`` returns what the strips show now. Also a context manager.
    """

    SCRIPT = LED_DRIVER_PROCESS

    def __init__(self, serial: str, strips: Sequence[int], *, seed: int = 0):
        super().__init__([serial], seed)
        if not strips or not all(0 < n <= 65535 for n in strips) or len(strips) > 8:
            raise ValueError("an LED driver has 1 to 8 strips of 1 to 65535 LEDs")
        self.serial = serial
        self.strips = tuple(int(n) for n in strips)
        self._asked = 0

    def snapshot(self, timeout: float = SNAPSHOT_TIMEOUT_S) -> LedSnapshot:
        """What the strips show now (asked of the board; it answers between loop turns).

        :raises TimeoutError: if the board does not answer (frozen, unplugged).
        """
        board = self._board(self.serial)
        with self._answered:
            self._asked += 1
            asked = self._asked
            self._command(board, {"snapshot": asked})
            if not self._answered.wait_for(lambda: asked in board.snapshots, timeout):
                raise TimeoutError(f"the LED driver did not answer within {timeout} s")
            return board.snapshots.pop(asked)

    def _arguments(self, board: _Board) -> list[str]:
        return ["--strips", ",".join(str(n) for n in self.strips)]

    def _report(self, board: _Board, report: dict) -> None:
        if "snapshot" in report:
            strips = tuple(bytes.fromhex(h) for h in report["strips"])
            board.snapshots[report["snapshot"]] = LedSnapshot(report["shows"], strips)
            self._answered.notify_all()


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


def measure_cpu(stations: int = 16, seconds: float = 5.0, sample_hz: float = 200.0) -> dict:
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
            readable, _, _ = select.select(fds, [], [], 0.05)
            for fd in readable:
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
    parser.add_argument("--sample-hz", type=float, default=200.0)
    args = parser.parse_args(argv)
    print(json.dumps(measure_cpu(args.stations, args.seconds, args.sample_hz), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
