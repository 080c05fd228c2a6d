"""The board's ``sys.stdin``/``sys.stdout`` on its USB line, and ``micropython.kbd_intr``.

MicroPython only. The unix port lets no file stand in for its ``sys`` or ``micropython``
modules, so board.py installs an ``__import__`` that gives the firmware these stand-ins: they
delegate everything to the real modules except the line (stdin and stdout, read and written
through the world, pollable with ``select.poll`` as on a Pico), the interrupt character, and
``sys.implementation._machine`` (which chip this board is).
"""

import builtins
import io

import micropython as _micropython
import usys
import world as _world


class Stdin(io.IOBase):
    """The host's bytes: a read waits until at least one has come, as on the board."""

    def __init__(self):
        self.buffer = self

    def readinto(self, buf, nbytes=-1):
        """Fill ``buf`` (or its first ``nbytes``) with the host's bytes, waiting for them all,
        as the rp2 port's ``sys.stdin.buffer.readinto`` does."""
        view = memoryview(buf)
        want = len(buf) if nbytes < 0 else min(nbytes, len(buf))
        got = 0
        board = _world.board
        board.service()
        while got < want:
            n = board.line.take(view[got:want])
            if n:
                got += n
            else:
                board.sleep_us(200)
        return got

    def read(self, size):
        """``size`` bytes from the host, waiting for them all."""
        buf = bytearray(size)
        self.readinto(buf)
        return bytes(buf)

    def ioctl(self, request, arg):
        if request == _world.STREAM_GET_FILENO:
            _world.board.service()
            return _world.board.line.rx_fd  # select.poll polls the receive pipe itself
        return 0


class Stdout(io.IOBase):
    """Bytes to the host; writable (POLLOUT) while the pty has room."""

    def __init__(self):
        self.buffer = self

    def write(self, data):
        _world.board.line.write(bytes(data))
        return len(data)

    def ioctl(self, request, arg):
        if request == _world.STREAM_GET_FILENO:
            _world.board.line.flush()
            return 1  # the pty itself: writable while it has room
        return 0


class Implementation:
    """sys.implementation, saying which chip the board is (as the rp2 port's ``_machine``)."""

    def __init__(self, chip):
        real = usys.implementation
        self.name = real.name
        self.version = real.version
        self._mpy = real._mpy
        self._machine = "Raspberry Pi Pico with " + chip + " (emulated)"


class Sys:
    """The firmware's ``sys``."""

    def __init__(self, chip):
        self.stdin = Stdin()
        self.stdout = Stdout()
        self.implementation = Implementation(chip)

    def __getattr__(self, name):
        return getattr(usys, name)


class Micropython:
    """The firmware's ``micropython``: kbd_intr arms or disarms Ctrl-C on the line."""

    def kbd_intr(self, char):
        _world.board.line.kbd = char

    def __getattr__(self, name):
        return getattr(_micropython, name)


def install(chip):
    """From now on ``import sys`` and ``import micropython`` give the stand-ins."""
    stand_ins = {"sys": Sys(chip), "micropython": Micropython()}
    real_import = builtins.__import__

    def board_import(name, globals=None, locals=None, fromlist=(), level=0):
        module = stand_ins.get(name) if level == 0 else None
        if module is not None:
            return module
        return real_import(name, globals, locals, fromlist, level)

    builtins.__import__ = board_import
    return stand_ins["sys"]
