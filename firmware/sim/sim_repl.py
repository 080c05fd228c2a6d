"""The simulated board's REPL: where an emulated station goes after the host's REPL message.

CPython only. A real Pico drops to MicroPython's REPL on its USB serial port; the emulated one
gives a Python REPL on its pseudo-terminal with the same keys: lines are echoed and run,
Ctrl-C abandons the line, Ctrl-D soft-resets the board (main.py runs again).
"""

from __future__ import annotations

import code
import contextlib
import io

CTRL_C, CTRL_D, BACKSPACE, DELETE = 0x03, 0x04, 0x08, 0x7F
BANNER = "MicroPython v1.29.0 (emulated station); Ctrl-D: soft reset\r\n"


def run_repl(board, namespace: dict | None = None) -> None:
    """Serve the REPL on ``board``'s line until Ctrl-D (a soft reset): then return."""
    console = code.InteractiveConsole(namespace if namespace is not None else {})
    line = bytearray()
    board.console(BANNER + ">>> ")
    while True:
        for byte in board.read(256):
            if byte == CTRL_D and not line:
                board.console("\r\nMPY: soft reboot\r\n")
                return
            if byte == CTRL_C:
                line.clear()
                console.resetbuffer()
                board.console("\r\nKeyboardInterrupt\r\n>>> ")
            elif byte in (0x0D, 0x0A):
                board.console("\r\n")
                more = _run(console, line.decode(errors="replace"), board)
                line.clear()
                board.console("... " if more else ">>> ")
            elif byte in (BACKSPACE, DELETE):
                if line:
                    line.pop()
                    board.console("\b \b")
            else:
                line.append(byte)
                board.console(chr(byte) if 32 <= byte < 127 else "")
        board.idle_us(10_000)


def _run(console: code.InteractiveConsole, source: str, board) -> bool:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        more = console.push(source)
    board.console(out.getvalue().replace("\n", "\r\n"))
    return more
