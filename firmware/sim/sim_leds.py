"""The LED driver's board, simulated: what each strip was last sent is recorded.

CPython only. Stands in for leds/leds_rp2.Board: the strips keep the pixels they were shown
(red, green, blue per LED, before the colour-order shuffle the real board does in PIO's
buffer), and count their shows, so tests can see exactly what the floor would light.
"""

from __future__ import annotations

from collections.abc import Callable

from sim_board import SimPico


def blend(out: bytearray, a: bytes, b: bytes, k: int) -> None:
    """``out = a·(255−k)/255 + b·k/255`` byte by byte, with the real board's integer sums."""
    w = k + (k >> 7)
    v = 256 - w
    out[:] = bytes((x * v + y * w) >> 8 for x, y in zip(a, b, strict=True))


class SimLedBoard(SimPico):
    """The LED driver's board, simulated (the same methods as leds_rp2.Board).

    :param strips: LEDs per strip.

    The other parameters are :class:`~sim_board.SimPico`'s.
    """

    def __init__(self, fd: int, serial: str, *, strips: tuple[int, ...], **pico) -> None:
        super().__init__(fd, serial, **pico)
        self.STRIP_LEDS = tuple(strips)
        self.strips = [bytes(3 * n) for n in strips]
        self.shows = [0] * len(strips)
        self.maintenance_jumper = False
        self.on_show: Callable[[int], None] | None = None

    def show(self, strip: int, rgb: bytes) -> None:
        """Record what strip ``strip`` now shows."""
        self.strips[strip] = bytes(rgb)
        self.shows[strip] += 1
        if self.on_show is not None:
            self.on_show(strip)

    def blend(self, out: bytearray, a: bytes, b: bytes, k: int) -> None:
        """``out = a·(255−k)/255 + b·k/255``, byte by byte."""
        blend(out, a, b, k)

    def maintenance(self) -> bool:
        """Whether the maintenance jumper is on."""
        return self.maintenance_jumper
