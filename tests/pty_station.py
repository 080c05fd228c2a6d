"""A station speaking the wire protocol on a real pseudo-terminal, through the host's codec.

For link tests that need a board the real firmware cannot be (another protocol major, a board
that never answers, an LED driver) or exact control of every byte. The end-to-end tests use
the real firmware in ``controller.stations.emulation``; this one is a thread on the master side of a
pty, like the emulator's processes, so the links see a real serial device, real EIO on unplug
and a new device name on replug.
"""

from __future__ import annotations

import contextlib
import os
import random
import select
import threading
import time
import tty
from dataclasses import dataclass

from controller.stations.framing import PROTOCOL_MAJOR, STATION_LIMIT, Deframer, encode
from controller.stations.messages import (
    ButtonEvent,
    Config,
    Hello,
    HelloAck,
    Ring,
    State,
    pack,
    parse,
)

BUTTONS = ("minus", "plus", "ok")


@dataclass(frozen=True)
class Port:
    device: str
    serial_number: str
    vid: int = 0x2E8A
    pid: int = 0x0005


class PtyStation:
    """One board on a pty: answers HELLO, streams STATE at ``report_hz``, records RINGs."""

    def __init__(
        self, serial, *, major=PROTOCOL_MAJOR, minor=0, kind=1, answer=True, report_hz=50, raw=2048
    ):
        self.serial = serial
        self.major, self.minor, self.kind = major, minor, kind
        self.answer = answer
        self.period = 1.0 / report_hz
        self.raw = raw
        self.buttons = 0
        self.rings: list[Ring] = []
        self.configs: list[Config] = []
        self.hellos = 0
        self.plugged = False
        self._frozen_until = 0.0
        self._lock = threading.Lock()
        self._out: list[bytes] = []
        self._seq = 0
        self._streaming = False
        self._stop = threading.Event()
        self._thread = None
        self.master = self.slave = None
        self.device = None

    # --- plugging -------------------------------------------------------------------------

    def plug(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.device = os.ttyname(self.slave)
        self._streaming = False
        self._stop = threading.Event()
        self._deframer = Deframer(limit=STATION_LIMIT)
        self._thread = threading.Thread(target=self._run, args=(self.master,), daemon=True)
        self.plugged = True
        self._thread.start()

    def unplug(self):
        if not self.plugged:
            return
        self.plugged = False
        self._stop.set()
        self._thread.join(2)
        os.close(self.master)
        os.close(self.slave)

    def replug(self):
        self.unplug()
        self.plug()

    def port(self):
        return Port(self.device, self.serial)

    # --- the simulated board ----------------------------------------------------------------

    def set_slider(self, raw):
        self.raw = raw

    def press(self, button):
        bit = BUTTONS.index(button)
        self.buttons |= 1 << bit
        self._queue(ButtonEvent(self._ms(), bit, 1))

    def release(self, button):
        bit = BUTTONS.index(button)
        self.buttons &= ~(1 << bit)
        self._queue(ButtonEvent(self._ms(), bit, 0))

    def inject(self, data: bytes):
        with self._lock:
            self._out.append(bytes(data))

    def freeze(self, seconds):
        self._frozen_until = time.monotonic() + seconds

    def _ms(self):
        return int(time.monotonic() * 1000) & 0xFFFFFFFF

    def _queue(self, message, version=PROTOCOL_MAJOR):
        with self._lock:
            frame = pack(message, self._seq, version=version)
            self._seq = (self._seq + 1) & 0xFF
            self._out.append(encode(frame, STATION_LIMIT))

    def _run(self, master):
        next_state = time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            if now < self._frozen_until:
                time.sleep(0.01)
                continue
            ready, _, _ = select.select([master], [], [], max(0.0, next_state - now))
            if ready:
                try:
                    data = os.read(master, 4096)
                except OSError:
                    data = b""
                for frame in self._deframer.feed(data):
                    self._host(parse(frame))
            now = time.monotonic()
            if self._streaming and now >= next_state:
                self._queue(State(self._ms(), int(self.raw), self.buttons, 0))
                next_state = now + self.period
            elif not self._streaming:
                next_state = now + self.period
            with self._lock:
                out, self._out = self._out, []
            for chunk in out:
                with contextlib.suppress(OSError):
                    os.write(master, chunk)

    def _host(self, message):
        if isinstance(message, Hello):
            self.hellos += 1
            if not self.answer:
                return
            uid = bytes.fromhex(self.serial)
            ack = HelloAck(
                self.major, self.minor, (1, 0, 0), self.kind, 1, random.getrandbits(32), 12, 3, uid
            )
            self._queue(ack, version=self.major)
            self._streaming = self.major == PROTOCOL_MAJOR and self.kind == 1
        elif isinstance(message, Ring):
            self.rings.append(message)
        elif isinstance(message, Config):
            self.configs.append(message)


class PtyStations:
    """Several pty stations with the emulator's ``ports()``."""

    def __init__(self, serials, **options):
        self.stations = {s: PtyStation(s, **options) for s in serials}

    def __getitem__(self, serial):
        return self.stations[serial]

    def start(self):
        for station in self.stations.values():
            station.plug()
        return self

    def ports(self):
        return [s.port() for s in self.stations.values() if s.plugged]

    def close(self):
        for station in self.stations.values():
            station.unplug()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
