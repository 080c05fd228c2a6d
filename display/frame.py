"""Drawing one frame without a window: for ``neurones render``, tests and the benchmark.

pygame draws on plain surfaces without any display, so a view can be rendered on a server, in
CI or over SSH on the Pi. :func:`render_scene` draws a scene's view on a new surface and
:func:`save_png` writes it out.
"""

from __future__ import annotations

import os
from pathlib import Path

import pygame

from controller.scene import Scene
from display.assets import Assets
from display.views import Hotspot, draw_view


def headless() -> None:
    """Make pygame work with no screen (the SDL "dummy" video driver), unless already set."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    if not pygame.font.get_init():
        pygame.font.init()


def render_scene(
    scene: Scene, size: tuple[int, int] = (1920, 1080), assets: Assets | None = None
) -> tuple[pygame.Surface, list[Hotspot]]:
    """Draw ``scene.view`` on a new ``size`` surface; return it with the view's hotspots."""
    headless()
    assets = assets or Assets(size)
    surface = pygame.Surface(size)
    hotspots = draw_view(surface, scene, assets)
    return surface, hotspots


def save_png(surface: pygame.Surface, path: str | Path) -> Path:
    """Write ``surface`` as a PNG at ``path`` (folders created); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surface, str(path))
    return path
