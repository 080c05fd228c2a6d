"""The emulated board's REPL, where it goes when main.py ends (the REPL message, a crash, a
Ctrl-C): lines echoed and run in MicroPython, Ctrl-C abandons the line, Ctrl-D soft-resets
(main.py runs again). MicroPython only.

The rp2 port's REPL is C; this one is Python on the same line, with the keys a technician
uses (its raw REPL, which mpremote speaks, is not emulated).
"""

import usys
import world as _world

CTRL_C, CTRL_D, BACKSPACE, DELETE = 0x03, 0x04, 0x08, 0x7F
BANNER = "MicroPython v1.29.0 on an emulated Raspberry Pi Pico; Ctrl-D: soft reset\r\n"


def serve(namespace):
    """Serve the REPL until Ctrl-D: then return (the caller soft-resets the board)."""
    board = _world.board
    line = board.line
    line.kbd = -1  # the REPL reads Ctrl-C itself
    text = bytearray()
    say(BANNER + ">>> ")
    chunk = bytearray(64)
    while True:
        board.service(True)
        n = line.take(chunk)
        if not n:
            board.sleep_us(10_000)
            continue
        for byte in chunk[:n]:
            if byte == CTRL_D and not text:
                say("\r\nMPY: soft reboot\r\n")
                return
            if byte == CTRL_C:
                text = bytearray()
                say("\r\nKeyboardInterrupt\r\n>>> ")
            elif byte in (0x0D, 0x0A):
                say("\r\n")
                run(bytes(text).decode(), namespace)
                text = bytearray()
                say(">>> ")
            elif byte in (BACKSPACE, DELETE):
                if text:
                    text = text[:-1]
                    say("\b \b")
            elif 32 <= byte < 127:
                text.append(byte)
                say(chr(byte))


def run(source, namespace):
    """Run one line; its output goes to the line (print writes to stdout: the pty)."""
    if not source.strip():
        return
    _world.board.line.flush()
    try:
        exec(compile(source, "<stdin>", "single"), namespace)
    except _world.BoardReset:
        raise
    except BaseException as exc:  # as MicroPython's REPL: print it and carry on
        usys.print_exception(exc)


def say(text):
    _world.board.line.write(text.encode())
