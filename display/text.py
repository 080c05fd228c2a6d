"""Text on screen, rendered once: font + size + text + colour → a cached surface.

Rendering a string with FreeType is the most expensive thing a frame can do (about as long as
drawing everything else), and the same labels come back every frame, so every string is
rendered once and kept. The cache is bounded (least recently used strings are dropped), so
numbers that change every frame cannot make it grow without end.

Text is kept with a colour key rather than per-pixel alpha: blitting it is five times faster.
Its anti-aliased edges are blended once with the paper colour, the ground nearly all loose text
sits on, so they stay smooth there and barely show on the white cards and light tints.

The bundled font is DejaVu Sans (``data/fonts``, Bitstream Vera licence): open, very legible,
and it has the card suits ♥ ♦ ♠ ♣ and the signs ✓ ✗ ⚠ that pygame's default font lacks.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from pathlib import Path

import pygame

from controller.datafile import DATA_DIR
from display.theme import PALETTE, Colour

COLOUR_KEY = (1, 2, 3)

FONTS_DIR = DATA_DIR / "fonts"
FONT_FILES = {
    "regular": FONTS_DIR / "DejaVuSans.ttf",
    "bold": FONTS_DIR / "DejaVuSans-Bold.ttf",
}


class TextCache:
    """Renders strings to surfaces, each (text, weight, size, colour) once.

    :param capacity: how many rendered strings to keep; the least recently used go first.
    :param fonts: the font file of each weight (``regular``, ``bold``).
    :param ground: the colour the text's soft edges are blended with (the usual background).
    """

    def __init__(
        self,
        capacity: int = 4096,
        fonts: dict[str, Path] = FONT_FILES,
        ground: Colour = PALETTE.paper,
    ) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.capacity = capacity
        self.ground = ground
        self.font_files = fonts
        self._fonts: dict[tuple[str, int], pygame.font.Font] = {}
        self._surfaces: OrderedDict[tuple, pygame.Surface] = OrderedDict()
        # What each rendered surface says and in which size, for the layout's audit.
        self._described: weakref.WeakKeyDictionary[pygame.Surface, tuple[str, int]] = (
            weakref.WeakKeyDictionary()
        )

    def font(self, size: int, weight: str = "regular") -> pygame.font.Font:
        """The font of ``weight`` at ``size`` pixels (loaded once)."""
        key = (weight, size)
        if key not in self._fonts:
            self._fonts[key] = pygame.font.Font(str(self.font_files[weight]), size)
        return self._fonts[key]

    def render(
        self,
        text: str,
        size: int,
        colour: Colour,
        weight: str = "regular",
        ground: Colour | None = None,
    ) -> pygame.Surface:
        """``text`` drawn in ``colour``, its soft edges blended with ``ground`` (default: the
        cache's ground), the rest transparent (cached)."""
        ground = self.ground if ground is None else ground
        key = (text, size, colour, weight, ground)
        surface = self._surfaces.get(key)
        if surface is not None:
            self._surfaces.move_to_end(key)
            return surface
        rendered = self.font(size, weight).render(text, True, colour)
        surface = keyed_sprite(rendered, ground)
        self._surfaces[key] = surface
        self._described[surface] = (text, size)
        if len(self._surfaces) > self.capacity:
            self._surfaces.popitem(last=False)
        return surface

    def fit(
        self,
        text: str,
        size: int,
        colour: Colour,
        width: int,
        weight: str = "regular",
        ground: Colour | None = None,
        minimum: int = 9,
    ) -> pygame.Surface:
        """Like :meth:`render`, but a smaller size if needed so the text fits ``width`` pixels,
        never under ``minimum`` (a text that does not fit then, overflows: the layout is wrong,
        and the audit says so)."""
        key = ("fit", text, size, colour, weight, width, ground, minimum)
        surface = self._surfaces.get(key)
        if surface is not None:
            self._surfaces.move_to_end(key)
            return surface
        surface = self.render(text, size, colour, weight, ground)
        while surface.get_width() > width and size > minimum:
            size = max(minimum, int(size * min(0.95, width / surface.get_width())))
            surface = self.render(text, size, colour, weight, ground)
        self._surfaces[key] = surface
        return surface

    def describe(self, surface: pygame.Surface) -> tuple[str, int] | None:
        """What a surface this cache rendered says and its font's size; None for any other."""
        return self._described.get(surface)

    def __len__(self) -> int:
        return len(self._surfaces)


def keyed_sprite(surface: pygame.Surface, key: Colour = COLOUR_KEY) -> pygame.Surface:
    """``surface`` (with per-pixel alpha) as an opaque surface with a colour key: blits of it
    are several times faster. Soft edges are blended with ``key`` (near-black by default, which
    suits sprites with ink outlines)."""
    keyed = pygame.Surface(surface.get_size())
    keyed.fill(key)
    keyed.blit(surface, (0, 0))
    keyed.set_colorkey(key, pygame.RLEACCEL)
    if pygame.display.get_init() and pygame.display.get_surface() is not None:
        keyed = keyed.convert()  # the screen's pixel format: the fastest blits
    return keyed
