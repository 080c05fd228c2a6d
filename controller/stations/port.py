"""Every station's serial port, read by one thread: bytes in become frames on a queue.

The installation's loop must never wait for a serial port: a station can be unplugged mid-frame,
freeze, or spew garbage. So one :class:`PortReader` thread does all the waiting for every port
(docs/hardware.md §2): it waits on all of them at once with :mod:`selectors` (``epoll`` on
Linux: no limit on descriptor numbers, unlike ``select.select``, and a cost that follows the
ports that are ready, not the ports that are open), writes what the loop queued without ever
blocking, cuts what arrives into checked frames with each port's
:class:`~controller.stations.framing.Deframer` (which counts and skips the garbage), and puts
everything one wake-up read on a queue the loop drains, as one batch, each port's frames
stamped with the time they were read::

    reader = PortReader(inbox)
    port = reader.open("/dev/ttyACM0")       # opened in the background: never blocks
    port.send(encode(pack(Hello())))          # never blocks: the reader writes it
    batch = inbox.get()                       # [Received(port, t, frames, notes), Closed(…)]
    port.close()                              # never blocks either
    reader.close()                            # every port closed, the thread ended

Sixteen stations used to mean sixteen threads, each woken for every frame; one thread woken once
for whatever is ready costs the Pi a fraction of that. Opening a port can hang (a USB device
that half-enumerated), so each opening runs in a short-lived thread of its own and hands the
open port to the reader: a port that hangs holds up nobody.

Any error on a port closes that port alone with a :class:`Closed` item; the loop decides what
it means.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import selectors
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from queue import SimpleQueue
from typing import Any

import serial

from controller.stations.framing import STATION_LIMIT, Deframer, Frame

log = logging.getLogger(__name__)

#: A write that cannot finish within this long means the station has stopped reading.
WRITE_TIMEOUT_S = 0.5
#: Bytes asked of a port at once (a USB full-speed packet is 64; a backlog comes in one read).
READ_SIZE = 4096

#: Looks at each frame in the reader's thread: returns ``(note, urgent)``. The note travels with
#: the frame; only urgent frames wake the loop (the others wait for its next frame).
Inspect = Callable[[Frame], tuple[Any, bool]]


def readable(files: Iterable[Any], timeout_s: float) -> list[Any]:
    """The ``files`` (descriptors or objects with ``fileno()``) with something to read, waiting
    at most ``timeout_s``; a closed or hung-up one counts (reading it tells why).

    ``poll``, not ``select``: ``select`` fails on a descriptor past 1023, which a controller
    with many stations, pipes and clients open reaches.
    """
    poller = select.poll()
    by_fd = {}
    for f in files:
        fd = f if isinstance(f, int) else f.fileno()
        by_fd[fd] = f
        poller.register(fd, select.POLLIN)
    return [by_fd[fd] for fd, _ in poller.poll(max(0, round(timeout_s * 1000)))]


@dataclass(frozen=True, eq=False)
class Received:
    """Checked frames read from ``port`` at monotonic time ``t``, in order, each with what the
    port's ``inspect`` made of it (``notes``, None without one)."""

    port: Port
    t: float
    frames: list[Frame]
    notes: list[Any]


@dataclass(frozen=True, eq=False)
class Closed:
    """``port`` is closed: ``reason`` says why (a serial error, or asked to)."""

    port: Port
    t: float
    reason: str


def open_serial(device: str) -> Any:
    """Open a station's port with pyserial: raw mode, exclusive, never blocking."""
    return serial.Serial(
        device, baudrate=115200, timeout=0, write_timeout=WRITE_TIMEOUT_S, exclusive=True
    )


class Port:
    """One station's port as the loop holds it; the :class:`PortReader` does its reading and
    writing. Made by :meth:`PortReader.open`.

    :attr device: the port's path (``/dev/ttyACM0``, a pty's ``/dev/pts/7``).
    :attr deframer: cuts the port's bytes into frames and counts what it drops.
    :attr bytes_read: every byte read from the port so far.
    """

    def __init__(self, device: str, reader: PortReader, inspect: Inspect | None, limit: int):
        self.device = device
        self.deframer = Deframer(limit=limit)
        self.bytes_read = 0
        self.inspect = inspect
        self._reader = reader
        self._outbox: deque[bytes] = deque()
        self._unsent = b""  # the rest of a write the port took only part of
        self._stuck_since: float | None = None  # when a write began to wait for the port
        self._closing = False
        self._closed = threading.Event()
        self._device: Any = None  # the opened port (pyserial's Serial, or the opener's)
        self._fd = -1

    def send(self, data: bytes) -> None:
        """Queue ``data`` for writing; the reader writes it soon. Never blocks."""
        self._outbox.append(data)
        self._reader.wake(self)

    def close(self) -> None:
        """Ask the reader to close the port. Never blocks (see :meth:`join`)."""
        self._closing = True
        self._reader.wake(self)

    def join(self, timeout: float | None = None) -> None:
        """Wait until the port is closed (at shutdown)."""
        self._closed.wait(timeout)

    @property
    def alive(self) -> bool:
        """Whether the port is opening or open."""
        return not self._closed.is_set()

    def __repr__(self) -> str:
        return f"Port({self.device!r})"


class PortReader:
    """The one thread that reads and writes every open station port (see the module doc).

    :param inbox: where each wake-up's batch goes: a list of :class:`Received` and
        :class:`Closed` items.
    :param clock: monotonic seconds, for the items' times.
    :param opener: opens a port (pyserial by default); returns an object with ``fileno()``
        and ``close()`` whose descriptor reads and writes the port.
    :param notify: called after a batch with an urgent frame or a closed port is queued (to
        wake the loop).
    """

    def __init__(
        self,
        inbox: SimpleQueue,
        *,
        clock: Callable[[], float] = time.monotonic,
        opener: Callable[[str], Any] = open_serial,
        notify: Callable[[], None] = lambda: None,
    ) -> None:
        self.inbox = inbox
        self.clock = clock
        self.opener = opener
        self.notify = notify
        self._selector = selectors.DefaultSelector()
        self._wake_r, wake_w = os.pipe()
        self._wake_w: int | None = wake_w  # None once shut down
        os.set_blocking(self._wake_r, False)
        os.set_blocking(wake_w, False)  # waking must never block the loop
        self._selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._asked: deque[Port] = deque()  # ports with something to write, or to close
        self._opened: deque[tuple[Port, Any]] = deque()  # (port, its device or the error)
        self._ports: set[Port] = set()  # opening or open (guarded by the lock: both threads)
        self._stuck: set[Port] = set()  # ports whose writes wait for them (the thread's own)
        self._woken = False
        self._stopping = False
        self._lock = threading.Lock()  # guards the wake pipe (against use after close) and _ports
        self._thread = threading.Thread(target=self._run, name="station ports", daemon=True)
        self._thread.start()

    def open(
        self, device: str, inspect: Inspect | None = None, *, limit: int = STATION_LIMIT
    ) -> Port:
        """Start opening ``device``; its frames come on the inbox once it is open, a
        :class:`Closed` item if it cannot be. Never blocks.

        :param inspect: run in the reader's thread on each frame (:data:`Inspect`); without it
            every frame is urgent.
        """
        port = Port(device, self, inspect, limit)
        with self._lock:
            self._ports.add(port)
        opening = threading.Thread(
            target=self._opening, args=(port,), name=f"open {device}", daemon=True
        )
        opening.start()
        return port

    def wake(self, port: Port | None = None) -> None:
        """Have the thread look at ``port`` (something to write or close) without delay."""
        if port is not None:
            self._asked.append(port)
        if self._woken:
            return  # a wake-up is already on its way
        self._woken = True
        with self._lock:
            if self._wake_w is not None:
                # A full pipe already holds enough wake-ups.
                with contextlib.suppress(OSError):
                    os.write(self._wake_w, b"x")

    def close(self, timeout: float = 1.0) -> None:
        """Close every port and end the thread (waits up to ``timeout`` seconds for it)."""
        self._stopping = True
        self.wake()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """Whether the thread is still running."""
        return self._thread.is_alive()

    # --- opening, in a thread of its own -------------------------------------------------

    def _opening(self, port: Port) -> None:
        try:
            opened: Any = self.opener(port.device)
        except Exception as exc:  # any failure to open is this port's, told as its Closed
            opened = exc
        with self._lock:
            if self._wake_w is not None:
                self._opened.append((port, opened))
                with contextlib.suppress(OSError):
                    os.write(self._wake_w, b"x")
                return
        # The reader has shut down while the port opened: nobody will read it.
        if not isinstance(opened, BaseException):
            with contextlib.suppress(OSError, serial.SerialException):
                opened.close()

    # --- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while not self._stopping:
                batch: list[Received | Closed] = []
                urgent = self._adopt(batch)
                urgent |= self._serve_asked(batch)
                # What the turn already has (a port closed, one failed to open) goes out now.
                timeout = 0.0 if batch else self._timeout()
                for key, events in self._selector.select(timeout):
                    port = key.data
                    if port is None:
                        self._woken = False
                        with contextlib.suppress(BlockingIOError):
                            os.read(self._wake_r, 4096)
                        continue
                    if events & selectors.EVENT_WRITE:
                        urgent |= self._write(port, batch)
                    if events & selectors.EVENT_READ and port.alive:
                        urgent |= self._read(port, batch)
                urgent |= self._check_stuck(batch)
                if batch:
                    self.inbox.put(batch)
                    if urgent:
                        self.notify()
        except Exception:  # a bug here must not go unseen: every port is closed below
            log.exception("the station ports' reader failed")
        finally:
            self._shut_down()

    def _timeout(self) -> float | None:
        """Wait for ever, unless a write is waiting for its port: then until it times out."""
        if not self._stuck:
            return None
        since = min(p._stuck_since for p in self._stuck if p._stuck_since is not None)
        return max(0.0, since + WRITE_TIMEOUT_S - self.clock())

    def _adopt(self, batch: list) -> bool:
        """Take the ports opened since the last turn into the selector."""
        urgent = False
        while self._opened:
            port, opened = self._opened.popleft()
            if isinstance(opened, BaseException):
                reason = f"{type(opened).__name__}: {opened}"
                urgent |= self._closed(port, reason, batch)
                continue
            port._device = opened
            if port._closing or self._stopping:
                urgent |= self._closed(port, "closed", batch)
                continue
            try:
                port._fd = opened.fileno()
                os.set_blocking(port._fd, False)
                self._selector.register(port._fd, selectors.EVENT_READ, port)
            except (OSError, ValueError) as exc:
                urgent |= self._closed(port, f"{type(exc).__name__}: {exc}", batch)
                continue
            self._asked.append(port)  # what was queued while it opened
        return urgent

    def _serve_asked(self, batch: list) -> bool:
        """Close the ports asked to close; write what the others have queued."""
        urgent = False
        while self._asked:
            port = self._asked.popleft()
            if port._closed.is_set() or port._device is None:
                continue  # already closed, or still opening (adopted later)
            if port._closing:
                urgent |= self._closed(port, "closed", batch)
            elif port._outbox and not port._unsent:
                urgent |= self._write(port, batch)
        return urgent

    def _read(self, port: Port, batch: list) -> bool:
        try:
            data = os.read(port._fd, READ_SIZE)
        except BlockingIOError:
            return False  # the bytes the selector saw were taken by a line-discipline flush
        except OSError as exc:
            return self._closed(port, f"{type(exc).__name__}: {exc}", batch)
        if not data:  # readable yet empty: the device has gone (Linux)
            return self._closed(port, "SerialException: the device has gone (end of file)", batch)
        t = self.clock()
        port.bytes_read += len(data)
        frames = port.deframer.feed(data)
        if not frames:
            return False
        inspect = port.inspect
        if inspect is None:
            batch.append(Received(port, t, frames, [None] * len(frames)))
            return True
        notes = []
        urgent = False
        for frame in frames:
            note, now = inspect(frame)
            notes.append(note)
            urgent |= now
        batch.append(Received(port, t, frames, notes))
        return urgent

    def _write(self, port: Port, batch: list) -> bool:
        """Write what the port will take now; wait for it to drain when it takes less."""
        try:
            while port._unsent or port._outbox:
                data = port._unsent or port._outbox.popleft()
                written = os.write(port._fd, data)
                port._unsent = data[written:]
                if port._unsent:
                    break
        except BlockingIOError:
            port._unsent = port._unsent or data
        except OSError as exc:
            return self._closed(port, f"{type(exc).__name__}: {exc}", batch)
        waiting = bool(port._unsent)
        if waiting and port._stuck_since is None:
            port._stuck_since = self.clock()
            self._stuck.add(port)
        elif not waiting:
            port._stuck_since = None
            self._stuck.discard(port)
        events = selectors.EVENT_READ | (selectors.EVENT_WRITE if waiting else 0)
        self._selector.modify(port._fd, events, port)
        return False

    def _check_stuck(self, batch: list) -> bool:
        """Close the ports whose writes have waited longer than :data:`WRITE_TIMEOUT_S`."""
        now, urgent = self.clock(), False
        for port in list(self._stuck):
            since = port._stuck_since
            if since is not None and now - since >= WRITE_TIMEOUT_S and port.alive:
                urgent |= self._closed(port, "SerialTimeoutException: Write timeout", batch)
        return urgent

    def _closed(self, port: Port, reason: str, batch: list) -> bool:
        """Close ``port`` for ``reason`` and say so on the batch (always urgent)."""
        if port._closed.is_set():
            return False
        if port._fd >= 0:
            with contextlib.suppress(KeyError, ValueError, OSError):
                self._selector.unregister(port._fd)
        if port._device is not None:
            with contextlib.suppress(OSError, serial.SerialException):
                port._device.close()
        port._fd, port._stuck_since = -1, None
        self._stuck.discard(port)
        port._outbox.clear()
        port.deframer.drop_partial()
        with self._lock:
            self._ports.discard(port)
        port._closed.set()
        batch.append(Closed(port, self.clock(), reason))
        return True

    def _shut_down(self) -> None:
        """Close every port, those still opening included, and the wake pipe."""
        with self._lock:  # from now on an opening that ends closes its own port
            if self._wake_w is not None:
                os.close(self._wake_w)
            self._wake_w = None
        batch: list[Received | Closed] = []
        while self._opened:
            port, opened = self._opened.popleft()
            port._device = None if isinstance(opened, BaseException) else opened
        with self._lock:
            ports = list(self._ports)
        for port in ports:
            self._closed(port, "closed", batch)
        self._selector.close()
        os.close(self._wake_r)
        if batch:
            self.inbox.put(batch)
            self.notify()
