"""What every view draws with: the theme, cached text, cached static layers, the texts.

One :class:`Assets` belongs to one window size. Views never load or render anything twice:
strings come from :meth:`Assets.text`, and a view's parts that only change when the scene's
*structure* changes (background, axes, labels) are built once with :meth:`Assets.layer`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

import pygame

from controller.texts import Texts, load_texts
from display.text import TextCache, keyed_sprite
from display.theme import Colour, Theme

T = TypeVar("T")


class Assets:
    """The theme, text cache, layer cache and texts for one window size.

    :param size: the drawing surface's ``(width, height)`` in pixels.
    """

    def __init__(self, size: tuple[int, int], layers: int = 24) -> None:
        self.theme = Theme(*size)
        self.palette = self.theme.palette
        self.cache = TextCache()
        self._layers: OrderedDict[Hashable, pygame.Surface] = OrderedDict()
        self._layer_capacity = layers
        self._sprites: OrderedDict[Hashable, pygame.Surface] = OrderedDict()
        self._scaled: dict[tuple[int, int], Assets] = {}
        self._memos: OrderedDict[Hashable, object] = OrderedDict()

    def scaled(self, size: tuple[int, int]) -> Assets:
        """The assets for a part of the surface of ``size`` (a view beside a side column),
        made once and kept with these."""
        size = (int(size[0]), int(size[1]))
        if size == (self.theme.width, self.theme.height):
            return self
        if size not in self._scaled:
            self._scaled[size] = Assets(size, self._layer_capacity)
        return self._scaled[size]

    def texts(self, language: str) -> Texts:
        """The installation's texts in ``language`` (loaded once)."""
        return load_texts(language)

    def text(
        self,
        text: str,
        role: str = "body",
        colour: Colour | None = None,
        *,
        bold: bool = False,
        width: int | None = None,
        ground: Colour | None = None,
    ) -> pygame.Surface:
        """``text`` rendered in the font ``role`` (``"body"``, ``"title"``…), cached.

        Given ``width``, the text shrinks until it fits: labels never spill out of their box.
        ``ground`` is the colour it will sit on, if not the paper (a chip, a card, a pill).
        """
        colour = self.palette.ink if colour is None else colour
        size = self.theme.font_size(role)
        weight = "bold" if bold else "regular"
        if width is not None:
            return self.cache.fit(text, size, colour, max(1, width), weight, ground)
        return self.cache.render(text, size, colour, weight, ground)

    def layer(self, key: Hashable, build: Callable[[pygame.Surface], None]) -> pygame.Surface:
        """A full-size surface drawn once by ``build`` and kept while ``key`` stays the same.

        Put in ``key`` everything the drawing depends on (sizes, language, ranges).
        """
        surface = self._layers.get(key)
        if surface is None:
            surface = pygame.Surface((self.theme.width, self.theme.height))
            if pygame.display.get_init() and pygame.display.get_surface() is not None:
                surface = surface.convert()  # same pixel format as the screen: fastest blits
            build(surface)
            self._layers[key] = surface
            if len(self._layers) > self._layer_capacity:
                self._layers.popitem(last=False)
        else:
            self._layers.move_to_end(key)
        return surface

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """Whatever ``build`` makes (a drawn panel and its hotspots…), made once under ``key``.

        Like :meth:`layer` and :meth:`sprite`, for values that are not one surface; the few
        most recent are kept.
        """
        if key in self._memos:
            self._memos.move_to_end(key)
            return cast(T, self._memos[key])
        value = self._memos[key] = build()
        if len(self._memos) > self._layer_capacity:
            self._memos.popitem(last=False)
        return value

    def sprite(
        self, key: Hashable, build: Callable[[], pygame.Surface], keyed: bool = False
    ) -> pygame.Surface:
        """A small surface (a chip, a badge) made once by ``build`` and kept under ``key``.

        ``keyed`` turns the sprite's transparency into a colour key: blitting it is then ~5×
        faster than per-pixel alpha. Use it for sprites with ink outlines, where the soft edge
        pixels (blended towards the near-black key colour) do not show.
        """
        surface = self._sprites.get(key)
        if surface is None:
            surface = build()
            surface = self._sprites[key] = keyed_sprite(surface) if keyed else for_screen(surface)
            if len(self._sprites) > 2048:
                self._sprites.popitem(last=False)
        return surface


def for_screen(surface: pygame.Surface) -> pygame.Surface:
    """``surface`` in the screen's pixel format when there is a screen: blits are then
    several times faster. Without a screen (rendering to a PNG) it is returned as is."""
    if pygame.display.get_init() and pygame.display.get_surface() is not None:
        if surface.get_flags() & pygame.SRCALPHA:
            return surface.convert_alpha()
        return surface.convert()  # keeps a colour key, if any
    return surface
