"""Drawing one frame without a window: for ``neurones render``, tests and the benchmark.

pygame draws on plain surfaces without any display, so a view can be rendered on a server, in
CI or over SSH on the Pi. :func:`render_scene` draws a scene's view on a new surface,
:func:`render_window` the whole window of the simulated installation, and :func:`png_bytes`
encodes either as a PNG.
"""

from __future__ import annotations

import io
import os

import pygame

from controller.scene import Scene
from display.assets import Assets
from display.hotspot import Hotspot
from display.registry import draw_presenter, draw_view


def headless() -> None:
    """Make pygame work with no screen (the SDL "dummy" video driver), unless already set."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    if not pygame.font.get_init():
        pygame.font.init()


def render_scene(
    scene: Scene,
    size: tuple[int, int] = (1920, 1080),
    assets: Assets | None = None,
    *,
    presenter: bool = False,
) -> tuple[pygame.Surface, list[Hotspot]]:
    """Draw ``scene``'s class screen (or with ``presenter`` the leader's presenter view) on a
    new ``size`` surface; return it with its hotspots. ``assets.log`` then holds the texts the
    frame drew (:mod:`display.audit`)."""
    headless()
    assets = assets or Assets(size)
    surface = pygame.Surface(size)
    hotspots = (draw_presenter if presenter else draw_view)(surface, scene, assets)
    return surface, hotspots


def render_window(scene: Scene, size: tuple[int, int] = (1920, 1080)) -> pygame.Surface:
    """The simulated installation's whole window: the view, and the panel of stations and the
    LED floor beside it (``scene.floor`` holds the floor's frame, if any)."""
    from display.panel import draw_panel
    from display.window import window_split

    headless()
    surface = pygame.Surface(size)
    view, panel = window_split(size)
    assets = Assets(view.size)
    draw_view(surface.subsurface(view), scene, assets)
    draw_panel(surface.subsurface(panel), scene, assets)
    return surface


def png_bytes(surface: pygame.Surface) -> bytes:
    """``surface`` encoded as a PNG file's bytes (the command writes them where it is told)."""
    buffer = io.BytesIO()
    pygame.image.save(surface, buffer, "frame.png")
    return buffer.getvalue()
