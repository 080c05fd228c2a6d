"""The screen's views by name, and the one function that draws the scene's view.

Each view is a module of :mod:`display.views` with a ``draw(surface, scene, assets) ->
list[Hotspot]`` (:data:`display.hotspot.DrawView`). Register a new view by adding it to
:data:`VIEWS`.

Views share the parts in :mod:`display.widgets` (chips, rulers, grids, badges) and draw the
offline-stations banner with :func:`display.widgets.draw_offline_banner`, so an unplugged
station is visible on every view.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from controller.scene import Scene
from display.assets import Assets
from display.hotspot import DrawView, Hotspot
from display.views import (
    attract,
    decision,
    draw,
    network,
    rulers,
    technician,
    training,
    visitor,
    workshop,
)


@dataclass(frozen=True)
class View:
    """A named view and its drawing function."""

    name: str
    draw: DrawView


def _registry() -> dict[str, View]:
    return {
        "network": View("network", network.draw),
        "rulers": View("rulers", rulers.draw),
        "decision": View("decision", decision.draw),
        "draw": View("draw", draw.draw),
        "attract": View("attract", attract.draw),
        "training": View("training", training.draw),
        "technician": View("technician", technician.draw),
    }


#: Every view by name, in the order the view key cycles through them.
VIEWS: dict[str, View] = _registry()


def draw_view(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw ``scene.view`` (the network view if the name is unknown); return its hotspots.

    In the guided workshop the view shares the screen with the step's column
    (:mod:`display.views.workshop`); in the visitor mode the challenge, the celebration and the
    idle countdown are drawn over it (:mod:`display.views.visitor`).
    """
    view = VIEWS.get(scene.view, VIEWS["network"])
    if scene.view == "technician":
        return view.draw(surface, scene, assets)
    if scene.workshop is not None:
        return workshop.draw_with_step(surface, scene, assets, view.draw)
    hotspots = view.draw(surface, scene, assets)
    if scene.visitor is not None:
        visitor.draw_over(surface, scene, assets)
    return hotspots
