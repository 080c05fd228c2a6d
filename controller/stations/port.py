"""One station's serial port, owned by its own thread: bytes in become frames on a queue.

The installation's loop must never wait for a serial port: a station can be unplugged mid-frame,
freeze, or spew garbage. So each open port has a :class:`PortReader` thread that does all the
waiting (docs/hardware.md §2): it opens the port, writes what the loop queued, reads whatever
arrives, cuts it into checked frames with a :class:`~controller.stations.framing.Deframer` (which
counts and skips the garbage), and puts each frame on a queue the loop drains, stamped with the
time it was read::

    reader = PortReader("/dev/ttyACM0", inbox)
    reader.start()
    reader.send(encode(pack(Hello())))       # never blocks: the thread writes it
    item = inbox.get()                       # Received(reader, t, frame) or Closed(reader, …)
    reader.close()                           # never blocks either

Any serial error ends the thread with a :class:`Closed` item; the loop decides what it means.
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

#: How long the thread waits for bytes before it checks its outbox and its stop flag anyway.
IDLE_WAIT_S = 0.25
#: A write that cannot finish within this long means the station has stopped reading.
WRITE_TIMEOUT_S = 0.5
#: Bytes asked of the port at once (a USB full-speed packet is 64).
READ_SIZE = 4096


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


@dataclass(frozen=True)
class Received:
    """A checked frame read from ``reader``'s port at monotonic time ``t``, with what the
    reader's ``inspect`` made of it (None without one)."""

    reader: PortReader
    t: float
    frame: Frame
    note: Any = None


@dataclass(frozen=True)
class Closed:
    """``reader``'s port is closed: ``reason`` says why (a serial error, or asked to)."""

    reader: PortReader
    t: float
    reason: str


def open_serial(device: str) -> Any:
    """Open a station's port with pyserial: raw mode, exclusive, writes bounded in time."""
    return serial.Serial(
        device, baudrate=115200, timeout=0, write_timeout=WRITE_TIMEOUT_S, exclusive=True
    )


class PortReader:
    """A thread owning one serial port: reads frames onto ``inbox``, writes what is sent.

    :param device: the port's path (``/dev/ttyACM0``, a pty's ``/dev/pts/7``).
    :param inbox: where :class:`Received` and, once, :class:`Closed` items go.
    :param clock: monotonic seconds, for the items' times.
    :param opener: opens the port (pyserial by default); returns an object with
        ``fileno()``, ``write(data)`` and ``close()``.
    :param notify: called after an urgent item is put on ``inbox`` (to wake the loop).
    :param inspect: run in the thread on each frame, returns ``(note, urgent)``: the note
        travels with the frame, and only urgent frames wake the loop (the others wait for its
        next frame). Without it every frame is urgent.
    """

    def __init__(
        self,
        device: str,
        inbox: SimpleQueue,
        *,
        clock: Callable[[], float] = time.monotonic,
        opener: Callable[[str], Any] = open_serial,
        notify: Callable[[], None] = lambda: None,
        inspect: Callable[[Frame], tuple[Any, bool]] | None = None,
        limit: int = STATION_LIMIT,
    ) -> None:
        self.device = device
        self.inbox = inbox
        self.clock = clock
        self.opener = opener
        self.notify = notify
        self.inspect = inspect
        self.deframer = Deframer(limit=limit)
        self.bytes_read = 0
        self._outbox: deque[bytes] = deque()
        self._stopping = False
        self._lock = threading.Lock()  # guards the wake pipe against use after close
        self._wake_r, wake_w = os.pipe()
        self._wake_w: int | None = wake_w
        os.set_blocking(self._wake_r, False)
        os.set_blocking(wake_w, False)  # waking must never block the loop
        self._thread = threading.Thread(target=self._run, name=f"port {device}", daemon=True)

    def start(self) -> None:
        """Open the port and start reading, in the thread."""
        self._thread.start()

    def send(self, data: bytes) -> None:
        """Queue ``data`` for writing; the thread writes it soon. Never blocks."""
        self._outbox.append(data)
        self._wake()

    def close(self) -> None:
        """Ask the thread to close the port and end. Never blocks (see :meth:`join`)."""
        self._stopping = True
        self._wake()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the thread to end (at shutdown)."""
        if self._thread.ident is not None:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """Whether the thread is still running."""
        return self._thread.is_alive()

    def _wake(self) -> None:
        with self._lock:
            if self._wake_w is not None:
                # A full pipe already holds enough wake-ups.
                with contextlib.suppress(OSError):
                    os.write(self._wake_w, b"x")

    # --- the thread ----------------------------------------------------------------------

    def _run(self) -> None:
        reason = "closed"
        port = None
        try:
            port = self.opener(self.device)
            self._pump(port)
        except (OSError, serial.SerialException, ValueError) as exc:
            reason = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # a bug here must close this port, never the others
            reason = f"{type(exc).__name__}: {exc}"
            log.exception("reading %s failed", self.device)
        finally:
            if port is not None:
                with contextlib.suppress(OSError, serial.SerialException):
                    port.close()
            self.deframer.drop_partial()
            with self._lock:
                if self._wake_w is not None:
                    os.close(self._wake_w)
                os.close(self._wake_r)
                self._wake_w = None
            self.inbox.put(Closed(self, self.clock(), reason))
            self.notify()

    def _pump(self, port: Any) -> None:
        fd = port.fileno()
        # epoll, not select(): a descriptor past 1023 (many stations, many clients) is fine.
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while not self._stopping:
                self._write(port)
                ready = [key.fd for key, _ in selector.select(IDLE_WAIT_S)]
                self._take(fd, ready)

    def _take(self, fd: int, ready: list[int]) -> None:
        """Read what the line has for us (``ready``: the descriptors with something to read)."""
        if self._wake_r in ready:
            with contextlib.suppress(BlockingIOError):
                os.read(self._wake_r, 1024)
        if fd not in ready or self._stopping:
            return
        try:
            data = os.read(fd, READ_SIZE)
        except BlockingIOError:
            return  # the bytes the poll saw were taken by a line-discipline flush
        t = self.clock()
        if not data:  # readable yet empty: the device has gone (Linux)
            raise serial.SerialException("the device has gone (end of file)")
        self.bytes_read += len(data)
        urgent = False
        for frame in self.deframer.feed(data):
            note, now = self.inspect(frame) if self.inspect else (None, True)
            urgent |= now
            self.inbox.put(Received(self, t, frame, note))
        if urgent:
            self.notify()

    def _write(self, port: Any) -> None:
        while self._outbox and not self._stopping:
            data = self._outbox.popleft()
            port.write(data)  # bounded by write_timeout: SerialTimeoutException ends the link
