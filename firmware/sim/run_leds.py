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

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE.parent / "leds", HERE.parent / "common", HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import driver  # noqa: E402  (the firmware's modules sit on the path set above)
from sim_leds import SimLedBoard  # noqa: E402
from sim_process import ControlLines, arguments, power, report  # noqa: E402


class Controls(ControlLines):
    """Commands from the parent, read between loop turns."""

    def __init__(self, board: SimLedBoard) -> None:
        super().__init__(board)
        self._hang_until: float | None = None

    def apply(self, command: dict) -> None:
        """Carry out one command (see the module's docstring)."""
        board = self.board
        if "snapshot" in command:
            report(
                {
                    "snapshot": command["snapshot"],
                    "shows": max(board.shows, default=0),
                    "strips": [strip.hex() for strip in board.strips],
                }
            )
        if "garbage" in command:
            board.inject_garbage(int(command["garbage"]), command.get("seed"))
        if "hang" in command:
            self._hang_until = time.monotonic() + float(command["hang"])

    def after(self) -> None:
        """A hang asked for: the loop stops turning; only the watchdog can end it."""
        if self._hang_until is not None:
            until, self._hang_until = self._hang_until, None
            while time.monotonic() < until:
                time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    """Power the board on and run it until the parent goes or the watchdog resets it."""
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--strips", required=True, help="LEDs per strip, comma-separated")
    args = parser.parse_args(argv)
    board = SimLedBoard(
        args.fd,
        args.serial,
        strips=tuple(int(n) for n in args.strips.split(",")),
        reset_cause=args.reset_cause,
        seed=args.seed,
    )
    board.add_idle_hook(Controls(board).poll)
    return power(board, driver.boot)


if __name__ == "__main__":
    sys.exit(main())
