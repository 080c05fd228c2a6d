"""A board's real firmware in MicroPython, on a simulated board whose clock the test moves.

The firmware (firmware/station/, firmware/leds/, firmware/common/, main.py included) runs in
MicroPython's unix port on the simulated RP2040 of firmware/sim/, its line a real
pseudo-terminal; the test is the host on the other side, speaking the host's codec
(controller/stations/framing.py and messages.py), and the world around the board::

    bench = StationBench()
    bench.send(Hello())
    bench.run(0.1)                  # 0.1 s of the board's clock: its loop turns 100 times
    bench.received()                # [HelloAck(…), State(…), …]
    bench.eval("program.settings")  # a look inside, as from the REPL
"""

from __future__ import annotations

import os
import select
import shutil
import tempfile
import time
from pathlib import Path

from controller.stations.board_process import BoardProcess, literal
from controller.stations.emulation import rgb_of, strips_file
from controller.stations.framing import LED_LIMIT, STATION_LIMIT, Deframer, Frame, encode
from controller.stations.messages import Message, pack, parse

SERIAL = "E66038B7133B5C2F"
LED_SERIAL = "E6614104033F2A2B"
#: How long the board may take to answer (MicroPython is quick; the machine may be busy).
PATIENCE_S = 30.0


class BoardReset(Exception):
    """The board reset itself (``cause``: "watchdog" or "machine.reset") at ``us`` of its clock."""

    def __init__(self, cause: str, us: int) -> None:
        super().__init__(f"the board reset ({cause}) at {us / 1e6:.3f} s")
        self.cause, self.us = cause, us


class Bench:
    """A board in MicroPython with a manual clock, and the host's end of its line."""

    def __init__(
        self,
        kind: str,
        serial: str,
        limit: int,
        *,
        start_ms: int = 0,
        seed: int = 0,
        reset_cause: int = 1,
        chip: str = "RP2040",
        flash: Path | None = None,
        world: dict | None = None,
    ) -> None:
        self._own_flash = flash is None
        self.flash = flash or Path(tempfile.mkdtemp(prefix="board-"))
        self.deframer = Deframer(limit)
        self.frames: list[Frame] = []
        self.seq = 0
        self._asked = 0
        options = {"clock": "manual", "start-ms": start_ms, "seed": seed}
        options.update({"reset-cause": reset_cause, "chip": chip})
        self.process = BoardProcess.start(
            kind, serial, flash=self.flash, options=options, world=world, keep_host=True
        )
        self.host_fd = self.process.host_fd
        os.set_blocking(self.host_fd, False)
        self.us = self._wait("ran")["ran"]  # booted, and waiting at its first pause

    def close(self) -> None:
        """Unplug the board; forget its filesystem if the bench made it."""
        self.process.stop()
        if self._own_flash:
            shutil.rmtree(self.flash, ignore_errors=True)

    # --- the host's end of the line ---------------------------------------------------------

    def send(self, message: Message | None, raw: bytes = b"", flags: int = 0) -> None:
        """The host sends ``raw`` bytes, then ``message`` (if any)."""
        data = raw
        if message is not None:
            data += encode(pack(message, self.seq, flags))
            self.seq = (self.seq + 1) & 0xFF
        os.write(self.host_fd, data)

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.host_fd, 65536)
            except BlockingIOError:
                return
            self.frames += self.deframer.feed(data)

    def received(self, kind: type | None = None) -> list[Message]:
        """Every message the board has sent so far (of ``kind`` only, if given)."""
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

    # --- the board's clock and world ----------------------------------------------------------

    def run(self, seconds: float) -> None:
        """Let the board run for ``seconds`` of its clock (the host's bytes sent so far are
        on its line). :raises BoardReset: if it resets meanwhile."""
        self.process.command({"run": seconds})
        self.us = self._wait("ran")["ran"]
        self._drain()

    def advance(self, seconds: float) -> None:
        """Move the board's clock on without its loop running (it is stuck, say)."""
        self.process.command({"advance": seconds})
        self.eval("None")  # answered once the clock has moved (or the reset said)

    def act(self, **command: object) -> None:
        """The world acts on the board: ``slider=1234``, ``press="ok"``, ``noise=[3, 0]``…"""
        self.process.command(command)

    def eval(self, expression: str) -> object:
        """The value of ``expression`` on the board: it may name ``world`` (the simulated
        hardware, firmware/sim/hal/world.py) and ``program`` (the running station or driver)."""
        self._asked += 1
        self.process.command({"ask": self._asked, "eval": expression})
        return literal(self._wait("answer", self._asked))

    def _wait(self, kind: str, ask: int | None = None) -> dict:
        control = self.process.control
        end = time.monotonic() + PATIENCE_S
        while True:
            for report in self.process.answers:
                if kind in report and (ask is None or report[kind] == ask):
                    self.process.answers.remove(report)
                    return report
                if "reset" in report:
                    self.process.answers.remove(report)
                    raise BoardReset(report["reset"], report["us"])
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the board did not say {kind!r} in {PATIENCE_S} s")
            ready, _, _ = select.select([control], [], [], min(left, 0.5))
            if ready:
                data = control.recv(1 << 20)
                if not data:
                    raise RuntimeError(f"the board's process ended ({self.process.process.wait()})")
                self.process.answers += self.process.read_reports(data)


class StationBench(Bench):
    """The station's firmware on its simulated board."""

    def __init__(self, **options) -> None:
        super().__init__("station", SERIAL, STATION_LIMIT, **options)

    def showing(self) -> tuple | None:
        """What the station says its ring shows: (pattern, colour, level), or None."""
        return self.eval("program.showing()")

    def pixels(self) -> list[tuple[int, int, int]]:
        """What the ring's LEDs were last sent."""
        return self.eval("world.ring")


class LedBench(Bench):
    """The LED driver's firmware on its simulated board, with these strips (its strips.py)."""

    def __init__(self, strips: tuple[int, ...] = (300, 300), **options) -> None:
        flash = Path(tempfile.mkdtemp(prefix="board-"))
        (flash / "strips.py").write_text(strips_file(strips))
        self.counts = strips
        super().__init__("leds", LED_SERIAL, LED_LIMIT, flash=flash, **options)
        self._own_flash = True
        self.run(0.01)  # its boot looks at the maintenance jumper for 5 ms

    def strips(self) -> list[bytes]:
        """Each strip's pixels as the driver last sent them, red, green, blue per LED (dark
        before its first show)."""
        sent = self.eval("world.snapshot()")[1]
        return [
            rgb_of(bytes.fromhex(sent[i])) if i in sent else bytes(3 * n)
            for i, n in enumerate(self.counts)
        ]

    def shows(self) -> int:
        """How many times a strip has been sent pixels."""
        return self.eval("world.shows")
