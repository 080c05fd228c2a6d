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
from functools import partial

import pygame

from controller.scene import Scene
from display.assets import Assets
from display.hotspot import DrawView, Hotspot
from display.panes import Pane, shown
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


def view_panes(rect: pygame.Rect, scene: Scene, assets: Assets) -> list[Pane]:
    """The panes :func:`draw_view` draws, in ``rect`` of the window (``assets`` sized for
    it), each with its key (:mod:`display.panes`): the view and, in the guided workshop, the
    step column beside it. The attract view and the visitor's overlay move with the time, so
    their key holds it; the step column's holds its clock's minute.
    """
    key = shown(scene)
    view = VIEWS.get(scene.view, VIEWS["network"])
    if scene.view != "technician" and scene.workshop is not None:
        left, column = workshop.split(rect)
        column_key = (key, workshop.column_clock(scene))
        return [
            Pane("view", left, key, partial(_draw, view.draw, scene, assets.scaled(left.size))),
            Pane("column", column, column_key, partial(_draw_column, scene, assets)),
        ]
    moving = scene.view == "attract" or (scene.visitor is not None and scene.view != "technician")
    if moving:
        key = (key, scene.t)
    return [Pane("view", rect, key, partial(_draw_view, scene, assets))]


def _draw(draw: DrawView, scene: Scene, assets: Assets, surface: pygame.Surface) -> list[Hotspot]:
    return draw(surface, scene, assets)


def _draw_column(scene: Scene, assets: Assets, surface: pygame.Surface) -> list[Hotspot]:
    return workshop.draw_step_column(surface, scene, assets)


def _draw_view(scene: Scene, assets: Assets, surface: pygame.Surface) -> list[Hotspot]:
    return draw_view(surface, scene, assets)
