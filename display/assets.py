"""What every view draws with: the theme, cached text, cached static layers, the texts, and
the log of what the frame drew.

One :class:`Assets` belongs to one window size. Views never load or render anything twice:
strings come from :meth:`Assets.text`, and a view's parts that only change when the scene's
*structure* changes (background, axes, labels) are built once with :meth:`Assets.blit_layer`.

Every frame starts a :class:`~display.audit.DrawLog` (:meth:`Assets.begin`): the texts the
frame places, in which region of the layout, for the layout audit. The window's frames are not
audited: its assets (``audited=False``) start a :class:`~display.audit.QuietLog`, which notes
nothing and costs nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar, cast

import pygame

from controller.texts import Texts, load_texts
from display.audit import Capture, DrawLog, QuietLog
from display.text import COLOUR_KEY, TextCache, keyed_sprite
from display.theme import Colour, Theme

T = TypeVar("T")

#: How many memos are kept (small values: a card's geometry, a view's edges, a formula).
MEMOS = 512


class Assets:
    """The theme, text cache, layer cache and texts for one window size.

    :param size: the drawing surface's ``(width, height)`` in pixels.
    :param layers: how many screens' worth of pixels the cached layers may hold (a full-screen
        layer is 8 MB at 1920×1080: a Pi must not spend its memory on the workshop's past steps).
    :param audited: whether each frame's texts are noted for the layout audit (the window's
        frames are not: :class:`~display.audit.QuietLog`).
    """

    def __init__(self, size: tuple[int, int], layers: int = 12, audited: bool = True) -> None:
        self.audited = audited
        self.theme = Theme(*size)
        self.palette = self.theme.palette
        self.cache = TextCache()
        self._layers: OrderedDict[Hashable, pygame.Surface] = OrderedDict()
        self._layer_budget = layers * size[0] * size[1]  # pixels
        self._layer_pixels = 0
        self._sprites: OrderedDict[Hashable, pygame.Surface] = OrderedDict()
        self._memos: OrderedDict[Hashable, object] = OrderedDict()
        self._captures: dict[Hashable, Capture] = {}
        self._overlays: dict[tuple[int, int], tuple[Hashable, pygame.Surface]] = {}
        self.log = DrawLog(pygame.Surface((1, 1)))

    def begin(self, surface: pygame.Surface, audience: str = "class") -> DrawLog:
        """Start the log of a frame drawn on ``surface`` (the whole screen, or the part the
        views take); the frame's texts are noted in it as they are drawn."""
        log = DrawLog if self.audited else QuietLog
        self.log = log(surface.get_abs_parent(), audience)
        return self.log

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
            least = min(size, self.theme.font_size("tiny"))
            return self.cache.fit(text, size, colour, max(1, width), weight, ground, least)
        return self.cache.render(text, size, colour, weight, ground)

    def described(self, surface: pygame.Surface) -> tuple[str, int] | None:
        """What a text surface from :meth:`text` says and its font's size (else None)."""
        return self.cache.describe(surface)

    def blit_layer(
        self, target: pygame.Surface, key: Hashable, build: Callable[[pygame.Surface], None]
    ) -> None:
        """Show on ``target`` a full-size surface drawn once by ``build`` and kept while
        ``key`` stays the same (see :meth:`blit_cached`)."""
        self.blit_cached(target, key, (self.theme.width, self.theme.height), build)

    def blit_cached(
        self,
        target: pygame.Surface,
        key: Hashable,
        size: tuple[int, int],
        build: Callable[[pygame.Surface], None],
    ) -> None:
        """Show at ``target``'s origin a ``size`` surface drawn once by ``build`` and kept
        while ``key`` stays the same; the texts it holds are noted in the frame's log every
        time it is shown, as if drawn anew.

        Put in ``key`` everything the drawing depends on (sizes, language, ranges).
        """
        key = (key, size)
        surface = self._layers.get(key)
        if surface is None:
            surface = self._make_room(size)
            with self.log.capture(surface, target) as capture:
                build(surface)
            self._layers[key] = surface
            self._captures[key] = capture
            self._layer_pixels += size[0] * size[1]
            target.blit(surface, (0, 0))
            return
        self._layers.move_to_end(key)
        target.blit(surface, (0, 0))
        self.log.replay(self._captures[key], target)

    def _make_room(self, size: tuple[int, int]) -> pygame.Surface:
        """A blank surface of ``size`` for a new layer, the least recently shown layers dropped
        until it fits in the budget. A dropped layer of that size is cleared and drawn on
        again: a new full-screen surface costs its memory's first touch (6 ms here)."""
        reused = None
        while self._layers and self._layer_pixels + size[0] * size[1] > self._layer_budget:
            dropped, old = self._layers.popitem(last=False)
            self._layer_pixels -= old.get_width() * old.get_height()
            self._captures.pop(dropped, None)
            if reused is None and old.get_size() == size:
                reused = old
        if reused is None:
            return screen_surface(size)
        reused.fill((0, 0, 0))  # as black as a new surface
        return reused

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """Whatever ``build`` makes (a drawn panel and its hotspots…), made once under ``key``.

        Like :meth:`layer` and :meth:`sprite`, for values that are not one surface; the few
        most recent are kept.
        """
        if key in self._memos:
            self._memos.move_to_end(key)
            return cast(T, self._memos[key])
        value = self._memos[key] = build()
        if len(self._memos) > MEMOS:
            self._memos.popitem(last=False)
        return value

    def overlay(
        self, size: tuple[int, int], key: Hashable, build: Callable[[pygame.Surface], None]
    ) -> pygame.Surface:
        """A surface of ``size`` holding what ``build`` drew on it over the colour key (whose
        pixels a blit does not copy), kept while ``key`` stays the same: what must be drawn
        unclipped to come out exactly as a whole frame draws it, then copied a part at a time
        (see :func:`display.views.network.draw`). One is kept per size; another key draws it
        again."""
        held = self._overlays.pop(size, None)
        if held is None:
            surface = screen_surface(size)
            surface.set_colorkey(COLOUR_KEY)
        else:
            drawn, surface = held
            if drawn == key:
                self._overlays[size] = held
                return surface
        surface.fill(COLOUR_KEY)
        build(surface)
        self._overlays[size] = (key, surface)  # only once drawn: a failed build keeps nothing
        return surface

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


def screen_surface(size: tuple[int, int]) -> pygame.Surface:
    """A new opaque surface of ``size`` in the screen's pixel format when there is a screen.

    Made so rather than converted to it: a full-screen ``convert()`` costs eight times the new
    surface (10 ms here, a visitor's press waiting behind it on a Pi).
    """
    screen = pygame.display.get_surface() if pygame.display.get_init() else None
    return pygame.Surface(size) if screen is None else pygame.Surface(size, 0, screen)


def for_screen(surface: pygame.Surface) -> pygame.Surface:
    """``surface`` in the screen's pixel format when there is a screen: blits are then
    several times faster. Without a screen (rendering to a PNG) it is returned as is."""
    if pygame.display.get_init() and pygame.display.get_surface() is not None:
        if surface.get_flags() & pygame.SRCALPHA:
            return surface.convert_alpha()
        return surface.convert()  # keeps a colour key, if any
    return surface
