"""One emulated station, as its own process: the real station firmware on a simulated board.

CPython only. controller/stations/emulation.py starts one per station::

    python run_station.py --fd 5 --serial E66038B7133B5C2F [--sample-hz 200] [--seed 1]
                          [--reset-cause 1]

- ``--fd`` is the master side of the station's pseudo-terminal, inherited from the parent;
  the host opens the slave side as it would a Pico's /dev/ttyACM.
- Standard input carries the world's actions on the board, one JSON object a line:
  ``{"slider": 1234.5}``, ``{"press": "ok"}``, ``{"release": "ok"}``,
  ``{"click": "plus", "hold_s": 0.06}``, ``{"held": 5}``, ``{"noise": [lsb_rms, spikes_per_s]}``,
  ``{"bounce_ms": 3}``, ``{"garbage": nbytes, "seed": 7}``, ``{"hang": seconds}``. End of input
  (the parent gone) ends the process.
- Standard output reports what the ring shows, one JSON object a line: ``{"ring": [name,
  [r, g, b], level]}`` or ``{"ring": null}``.
- The process exits with status 75 when the watchdog resets the board: a real Pico then drops
  off USB and comes back, so the parent gives it a fresh pseudo-terminal. A soft reset (Ctrl-D
  in the REPL) stays in this process, on the same line, as on a Pico.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE.parent / "station", HERE.parent / "common", HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import station  # noqa: E402  (the firmware's modules sit on the path set above)
from sim_board import SimBoard  # noqa: E402
from sim_process import ControlLines, arguments, power, report  # noqa: E402


class Controls(ControlLines):
    """The world's actions on the board, read from the parent between loop turns."""

    def __init__(self, board: SimBoard) -> None:
        super().__init__(board)
        self._releases: list[tuple[int, str]] = []

    def apply(self, command: dict) -> None:
        """Carry out one command (see the module's docstring)."""
        board = self.board
        if "slider" in command:
            board.slider.raw = float(command["slider"])
        if "press" in command:
            board.press(command["press"])
        if "release" in command:
            board.release(command["release"])
        if "click" in command:
            board.press(command["click"])
            hold_us = round(float(command.get("hold_s", 0.06)) * 1e6)
            self._releases.append((board.clock.now_us() + hold_us, command["click"]))
        if "held" in command:
            board.switches.set(int(command["held"]), board.clock.now_us())
        if "noise" in command:
            lsb, spikes_per_s = command["noise"]
            board.slider.noise_lsb = float(lsb)
            reads_per_s = board.SAMPLE_HZ * 5
            board.slider.spikes_per_read = float(spikes_per_s) / reads_per_s
        if "bounce_ms" in command:
            board.switches.bounce_ms = float(command["bounce_ms"])
        if "garbage" in command:
            board.inject_garbage(int(command["garbage"]), command.get("seed"))
        if "hang" in command:
            board.stall_s = float(command["hang"])

    def after(self) -> None:
        """Let go of the buttons whose click is over."""
        now = self.board.clock.now_us()
        for due in [r for r in self._releases if r[0] <= now]:
            self._releases.remove(due)
            self.board.release(due[1])


def report_ring(pattern) -> None:
    """Tell the parent what the ring shows now."""
    report({"ring": None if pattern is None else [pattern[0], *pattern[1:]]})


def main(argv: list[str] | None = None) -> int:
    """Power the board on and run it until the parent goes or the watchdog resets it."""
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--sample-hz", type=float, default=200.0)
    args = parser.parse_args(argv)
    board = SimBoard(
        args.fd,
        args.serial,
        sample_hz=args.sample_hz,
        reset_cause=args.reset_cause,
        seed=args.seed,
    )
    controls = Controls(board)
    board.add_idle_hook(controls.poll)
    board.on_ring = report_ring
    controls.poll()  # the parent's first commands: where the slider is, what is held
    return power(board, station.boot)


if __name__ == "__main__":
    sys.exit(main())
