"""What the emulated boards' processes share (CPython only): the parent's command lines, the
status lines back, the command line, and the power-on / reset loop around the firmware.

Each emulated board (``run_station.py``, ``run_leds.py``) is its own process; the parent
(controller/stations/emulation.py) writes commands on its standard input, one JSON object a
line, and reads what it reports on its standard output, likewise.
"""

from __future__ import annotations

import argparse
import json
import os
import traceback
from collections.abc import Callable

import wire
from sim_board import BoardReset
from sim_repl import run_repl

#: The process's exit status when the watchdog resets the board: a real Pico then drops off USB
#: and comes back, so the parent gives it a fresh pseudo-terminal.
EXIT_WATCHDOG = 75
CONTROL_FD, STATUS_FD = 0, 1


class ControlLines:
    """Commands from the parent, read between the firmware's loop turns without waiting.

    Subclasses say what a command does in :meth:`apply`; :meth:`poll` reads them.
    """

    def __init__(self, board, fd: int = CONTROL_FD) -> None:
        self.board = board
        self.fd = fd
        os.set_blocking(fd, False)
        self._partial = b""

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
        self.after()

    def apply(self, command: dict) -> None:
        """Carry out one command."""
        raise NotImplementedError

    def after(self) -> None:
        """What is due once the commands are read (a timed release, a hang)."""


def report(answer: dict) -> None:
    """Tell the parent something, as one JSON line on standard output."""
    os.write(STATUS_FD, json.dumps(answer).encode() + b"\n")


def arguments(description: str) -> argparse.ArgumentParser:
    """The command line every emulated board takes; a board adds its own options."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--fd", type=int, required=True, help="the pty's master side")
    parser.add_argument("--serial", required=True, help="the board's USB serial number")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--reset-cause", type=int, default=wire.RESET_POWER_ON)
    return parser


def power(board, boot: Callable[[object], None]) -> int:
    """Run the firmware's ``boot`` on ``board`` until the watchdog resets it (the exit status).

    A soft reset (Ctrl-D in the REPL) boots again in this process, on the same line, as on a
    Pico; a firmware crash stops the loop, and on a Pico the watchdog then resets the board.
    """
    while True:
        try:
            boot(board)
            run_repl(board, {"board": board})
            board.cause = wire.RESET_SOFT
        except BoardReset as reset:
            if reset.cause == wire.RESET_WATCHDOG:
                return EXIT_WATCHDOG
            board.cause = reset.cause
        except Exception:
            traceback.print_exc()
            return EXIT_WATCHDOG
