"""The USB serial line of a real board: MicroPython's stdin and stdout, never blocking long.

MicroPython's ``sys.stdin.buffer.read(n)`` waits until ``n`` bytes have come and there is no
way to ask how many are waiting (micropython#8772), so a reader either polls before each byte
(cheap enough for a station's few bytes a second) or lets COBS tell it how many bytes are
on their way: after a block's code byte, the host has already sent the block's other bytes
in the same write (the LED driver's frames). Writing checks first that the host has the port
open and room in the USB buffer (``POLLOUT``), so a host that stops reading costs dropped
frames, never a loop blocked for 500 ms.

Garbage on the line cannot make the block reader lose its way for long: a zero byte (the end
of every frame) inside what a bad code byte announced as a block ends that block there, and
the bytes after it are read as the next frame's.
"""

import select
import sys


class UsbLine:
    """Bytes to and from the host over USB CDC (the REPL's port)."""

    def __init__(self):
        self._left = 0  # bytes still to come in the COBS block being read (read_blocks)
        self._in = sys.stdin.buffer
        self._out = sys.stdout.buffer
        self._readable = select.poll()
        self._readable.register(sys.stdin, select.POLLIN)
        self._writable = select.poll()
        self._writable.register(sys.stdout, select.POLLOUT)

    def read(self, limit):
        """Up to ``limit`` bytes the host has sent, a byte at a time; b"" if none."""
        if not _ready(self._readable):
            return b""  # the usual case: nothing allocated
        got = bytearray()
        while len(got) < limit and _ready(self._readable):
            got += self._in.read(1)
        return bytes(got)

    def read_blocks(self, limit):
        """Up to about ``limit`` bytes, reading each COBS block whole once its code byte is in.

        Returns at the end of a frame (a 0x00) or when nothing more is waiting. If the host
        stops in the middle of a block, the read waits for the rest: the host always writes a
        frame whole, and its next bytes (a frame, a keep-alive) end the wait.
        """
        got = bytearray()
        read = self._in.read
        while len(got) < limit and _ready(self._readable):
            data = read(self._left or 1)
            got += data
            self._left = block_left(self._left, data)
            if not self._left and data[-1] == 0:
                break
        return bytes(got)

    def write(self, data):
        """Send ``data`` if the host is listening and there is room; False if not sent."""
        if not _ready(self._writable):
            return False
        self._out.write(data)
        return True


def _ready(poller):
    """Whether the poller's stream is ready now (ipoll allocates nothing, unlike poll)."""
    for _ in poller.ipoll(0):
        return True
    return False


def block_left(left, data):
    """How many bytes of a COBS block are still to come after ``data``, the line's next bytes,
    when ``left`` were before them (0: the next byte is a code byte)."""
    i = 0
    n = len(data)
    while i < n:
        if left:
            end = min(n, i + left)
            zero = data.find(b"\x00", i, end)
            if zero >= 0:  # a frame ended inside a block: garbage announced it; resync here
                left = 0
                i = zero + 1
            else:
                left -= end - i
                i = end
        else:
            code = data[i]
            left = code - 1 if code else 0
            i += 1
    return left
