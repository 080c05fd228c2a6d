"""The LED floor drawn on screen: every LED where it lies on the mat, in the colour it shows.

The simulation panel (:mod:`display.panel`) calls :func:`draw_floor` with ``scene.floor``, a
:class:`controller.scene.FloorView`: LED positions in metres and the bytes each LED is
sent. Those bytes went through the brightness cap and gamma, which suit LEDs but would look
murky on a screen, so the drawing undoes both (``level = (byte / (255·cap)) ** (1/gamma)``):
the screen shows the colours the floor is meant to show, dimmed only where the current limiter
dimmed the floor. Dots are written straight into the surface's pixels with NumPy, so two
thousand LEDs cost about as much as one small blit.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pygame

from controller.scene import FloorView

#: What the painted circles and the unlit LEDs look like on the dark mat.
CIRCLE = (58, 64, 76)
UNLIT = (34, 38, 46)


@cache
def screen_table(brightness: float, gamma: float) -> np.ndarray:
    """LED byte → screen level (uint8): the cap and gamma undone."""
    levels = np.clip(np.arange(256) / (255 * brightness), 0.0, 1.0) ** (1 / gamma)
    return np.rint(255 * levels).astype(np.uint8)


def mat_transform(rect: pygame.Rect, size_m: tuple[float, float]) -> tuple[float, float, float]:
    """``(scale, left, top)``: pixels per metre and where the mat's corner goes, centred."""
    width, depth = size_m
    scale = min(rect.width / width, rect.height / depth)
    left = rect.left + (rect.width - width * scale) / 2
    top = rect.top + (rect.height - depth * scale) / 2
    return scale, left, top


def led_dots(rect: pygame.Rect, floor) -> tuple[np.ndarray, np.ndarray, int]:
    """Where :func:`draw_floor` puts each LED's dot in ``rect``: left, top and dot size."""
    rect = _inner(rect)
    scale, left, top = mat_transform(rect, floor.size_m)
    dot = max(2, round(floor.pitch_m * scale * 0.9))
    xs = np.rint(left + floor.positions[:, 0] * scale - dot / 2).astype(np.intp)
    ys = np.rint(top + floor.positions[:, 1] * scale - dot / 2).astype(np.intp)
    return xs, ys, dot


def draw_floor(surface: pygame.Surface, rect: pygame.Rect, floor: FloorView) -> None:
    """Draw the floor ``floor`` inside ``rect`` of ``surface``."""
    xs, ys, dot = led_dots(rect, floor)
    scale, left, top = mat_transform(_inner(rect), floor.size_m)
    for ring in floor.rings:
        centre = (round(left + ring.centre[0] * scale), round(top + ring.centre[1] * scale))
        radius = round(ring.radius * scale + dot * 1.5)
        pygame.draw.circle(surface, CIRCLE, centre, radius, max(1, dot // 2))
    shown = screen_table(floor.brightness, floor.gamma)[floor.colours]
    shown[~floor.colours.any(axis=1)] = UNLIT
    _dots(surface, _inner(rect), xs, ys, shown, dot)


def _inner(rect: pygame.Rect) -> pygame.Rect:
    """The part of ``rect`` the mat is fitted in (a margin inside the panel's frame)."""
    return rect.inflate(-max(4, rect.width // 40), -max(4, rect.height // 40))


def _dots(surface, rect, xs, ys, colours, dot: int) -> None:
    """Square dots of ``dot`` pixels at ``(xs, ys)``, clipped to ``rect``."""
    inside = (xs >= rect.left) & (ys >= rect.top)
    inside &= (xs + dot <= rect.right) & (ys + dot <= rect.bottom)
    xs, ys, colours = xs[inside], ys[inside], colours[inside]
    try:
        pixels = pygame.surfarray.pixels3d(surface)
    except ValueError:  # a surface NumPy cannot reach into (8 or 16 bits): one fill per dot
        for x, y, colour in zip(xs, ys, colours, strict=True):
            surface.fill(tuple(int(c) for c in colour), (int(x), int(y), dot, dot))
        return
    # Lit LEDs last, so a dark neighbour never hides them where dots touch.
    order = np.argsort(colours.sum(axis=1), kind="stable")
    xs, ys, colours = xs[order], ys[order], colours[order]
    for dx in range(dot):
        for dy in range(dot):
            pixels[xs + dx, ys + dy] = colours
    del pixels  # unlock the surface
