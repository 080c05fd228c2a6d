"""The draw view."""

from __future__ import annotations

import pygame

from controller.scene import Scene
from display.assets import Assets
from display.views import Hotspot


def draw(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the draw view of ``scene``; return what can be pressed."""
    surface.fill(assets.palette.paper)
    return []
