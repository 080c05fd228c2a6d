"""Board firmware on a simulated board, in this process, with a clock the test moves.

The firmware (firmware/station/station.py, firmware/leds/driver.py) runs unchanged on a
simulated board whose line is a real pseudo-terminal; the test is the host on the other side,
speaking the host's codec (controller/stations/framing.py and messages.py)::

    bench = StationBench()
    bench.send(Hello())
    bench.run(0.1)                  # 100 loop turns of the station, 0.1 s of its clock
    bench.received()                # [HelloAck(…), State(…), …]
"""

from __future__ import annotations

import os
import tty

import _firmware_path  # noqa: F401  (first: puts the firmware's folders on sys.path)
from driver import LedDriver
from sim_board import ManualClock, SimBoard
from sim_leds import SimLedBoard
from station import Station

from controller.stations.framing import LED_LIMIT, STATION_LIMIT, Deframer, Frame, encode
from controller.stations.messages import Message, pack, parse

SERIAL = "E66038B7133B5C2F"
LED_SERIAL = "E6614104033F2A2B"


class Bench:
    """A board's program, its simulated board on a pty, and the host's end of the line.

    Subclasses make ``self.board`` and ``self.program`` (its ``step()`` is one loop turn).
    """

    def __init__(self, limit: int, start_ms: int) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)
        os.set_blocking(slave, False)
        self.host_fd, self._master = slave, master
        self.clock = ManualClock(start_ms)
        self.deframer = Deframer(limit)
        self.frames: list[Frame] = []
        self.seq = 0

    def close(self) -> None:
        """Close both ends of the line."""
        os.close(self.host_fd)
        os.close(self._master)

    def start(self) -> None:
        """What run() does first: Ctrl-C off, watchdog on."""
        self.program.start()

    def send(self, message: Message, raw: bytes = b"", flags: int = 0) -> None:
        """The host sends ``message`` (and ``raw`` bytes before it)."""
        os.write(self.host_fd, raw + encode(pack(message, self.seq, flags)))
        self.seq = (self.seq + 1) & 0xFF

    def run(self, seconds: float) -> None:
        """Let the station run for ``seconds`` of its clock, the host reading all along."""
        end = self.clock.now_us() + round(seconds * 1e6)
        while self.clock.now_us() < end:
            assert self.program.step(), "the board left for the REPL"
            self._drain()

    def step_until_repl(self, limit_s: float = 1.0) -> bool:
        """Run until the station leaves for the REPL; False if it did not within ``limit_s``."""
        end = self.clock.now_us() + round(limit_s * 1e6)
        while self.clock.now_us() < end:
            if not self.program.step():
                self._drain()
                return True
            self._drain()
        return False

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.host_fd, 65536)
            except BlockingIOError:
                return
            self.frames += self.deframer.feed(data)

    def received(self, kind: type | None = None) -> list[Message]:
        """Every message the station has sent so far (of ``kind`` only, if given)."""
        self._drain()
        messages = [parse(f) for f in self.frames]
        return [m for m in messages if kind is None or isinstance(m, kind)]

    def received_frames(self, kind: type) -> list[tuple[Frame, Message]]:
        """Frames of ``kind`` with their messages (for their flags and sequence numbers)."""
        self._drain()
        return [(f, parse(f)) for f in self.frames if isinstance(parse(f), kind)]

    def forget(self) -> None:
        """Drop what was received so far."""
        self._drain()
        self.frames.clear()


class StationBench(Bench):
    """A station on its simulated board (``station``, ``board``), 1 kHz by default."""

    def __init__(
        self, *, start_ms: int = 0, seed: int = 0, reset_cause: int = 1, sample_hz: int = 1000
    ) -> None:
        super().__init__(STATION_LIMIT, start_ms)
        self.board = SimBoard(
            self._master,
            SERIAL,
            sample_hz=sample_hz,
            clock=self.clock,
            reset_cause=reset_cause,
            seed=seed,
        )
        self.station = self.program = Station(self.board)


class LedBench(Bench):
    """The LED driver on its simulated board (``driver``, ``board``), with these strips."""

    def __init__(self, strips: tuple[int, ...] = (300, 300), *, start_ms: int = 0) -> None:
        super().__init__(LED_LIMIT, start_ms)
        self.board = SimLedBoard(self._master, LED_SERIAL, strips=strips, clock=self.clock)
        self.driver = self.program = LedDriver(self.board)
