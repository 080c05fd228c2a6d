"""``neopixel`` on an emulated RP2040: the station's LED ring, what it was last sent kept.

MicroPython only (see machine.py).
"""

import world as _world


class NeoPixel:
    """A WS2812 chain on a pin; ``write()`` shows it (the world keeps the pixels)."""

    ORDER = (1, 0, 2, 3)

    def __init__(self, pin, n, bpp=3, timing=1):
        self.pin = pin
        self.n = n
        self.bpp = bpp
        self.pixels = [(0,) * bpp] * n

    def __len__(self):
        return self.n

    def __setitem__(self, index, value):
        self.pixels[index] = tuple(value)

    def __getitem__(self, index):
        return self.pixels[index]

    def fill(self, value):
        self.pixels = [tuple(value)] * self.n

    def write(self):
        _world.board.show_ring(list(self.pixels))
