"""The emulated LED floor driver, as its own process: the real driver on a simulated board.

CPython only. controller/stations/emulation.py starts it::

    python run_leds.py --fd 5 --serial E6614104033F2A2B --strips 300,300 [--seed 1]
                       [--reset-cause 1]

- ``--fd`` is the master side of the driver's pseudo-terminal, inherited from the parent.
- Standard input carries commands, one JSON object a line: ``{"snapshot": n}`` (answer with
  what the strips show), ``{"garbage": nbytes, "seed": 7}``, ``{"hang": seconds}``. End of
  input (the parent gone) ends the process.
- Standard output answers snapshots, one JSON object a line: ``{"snapshot": n, "shows": k,
  "strips": [hex, …]}``, ``shows`` being how many times the strips have been shown to (the
  driver shows all strips together; the idle fade shows them too).
- Exit status 75 when the watchdog resets the board (the parent replugs it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE.parent / "leds", HERE.parent / "common", HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import driver  # noqa: E402  (the firmware's modules sit on the path set above)
import wire  # noqa: E402
from sim_board import BoardReset  # noqa: E402
from sim_leds import SimLedBoard  # noqa: E402
from sim_repl import run_repl  # noqa: E402

EXIT_WATCHDOG = 75
CONTROL_FD, STATUS_FD = 0, 1


class Controls:
    """Commands from the parent, read between loop turns."""

    def __init__(self, board: SimLedBoard, fd: int = CONTROL_FD) -> None:
        self.board = board
        self.fd = fd
        os.set_blocking(fd, False)
        self._partial = b""
        self._hang_until: float | None = None

    def poll(self) -> None:
        """Carry out every command that has arrived; exit if the parent has gone."""
        try:
            data = os.read(self.fd, 65536)
        except (BlockingIOError, InterruptedError):
            data = None
        if data == b"":
            raise SystemExit(0)
        if data:
            *lines, self._partial = (self._partial + data).split(b"\n")
            for line in lines:
                if line.strip():
                    self.apply(json.loads(line))
        if self._hang_until is not None:
            until, self._hang_until = self._hang_until, None
            while time.monotonic() < until:  # the loop hangs; only the watchdog can end it
                time.sleep(0.01)

    def apply(self, command: dict) -> None:
        """Carry out one command (see the module's docstring)."""
        board = self.board
        if "snapshot" in command:
            answer = {
                "snapshot": command["snapshot"],
                "shows": max(board.shows, default=0),
                "strips": [strip.hex() for strip in board.strips],
            }
            os.write(STATUS_FD, json.dumps(answer).encode() + b"\n")
        if "garbage" in command:
            board.inject_garbage(int(command["garbage"]), command.get("seed"))
        if "hang" in command:
            self._hang_until = time.monotonic() + float(command["hang"])


def main(argv: list[str] | None = None) -> int:
    """Power the board on and run it until the parent goes or the watchdog resets it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--serial", required=True)
    parser.add_argument("--strips", required=True, help="LEDs per strip, comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reset-cause", type=int, default=wire.RESET_POWER_ON)
    args = parser.parse_args(argv)
    board = SimLedBoard(
        args.fd,
        args.serial,
        strips=tuple(int(n) for n in args.strips.split(",")),
        reset_cause=args.reset_cause,
        seed=args.seed,
    )
    controls = Controls(board)
    board.add_idle_hook(controls.poll)
    while True:
        try:
            driver.boot(board)
            run_repl(board, {"board": board})
            board.cause = wire.RESET_SOFT
        except BoardReset as reset:
            if reset.cause == wire.RESET_WATCHDOG:
                return EXIT_WATCHDOG
            board.cause = reset.cause
        except Exception:
            traceback.print_exc()
            return EXIT_WATCHDOG


if __name__ == "__main__":
    sys.exit(main())
