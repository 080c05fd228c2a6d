"""The screen's views, by name: each draws a :class:`~controller.scene.Scene` on a surface.

A view is a function ``draw(surface, scene, assets) -> list[Hotspot]``. It draws the whole
surface from the scene alone (no state of its own, no I/O), and returns the places a person
can touch — a ruler's threshold, a digit, a grid cell, a button — so the window's mouse
handling uses exactly the geometry that was drawn. Register a new view by adding it to
:data:`VIEWS`::

    from display.views import VIEWS, View
    VIEWS["training"] = View("training", draw_training)

Views share the parts in :mod:`display.widgets` (chips, rulers, grids, badges) and draw the
offline-stations banner with :func:`display.widgets.draw_offline_banner`, so an unplugged
station is visible on every view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pygame

from controller.scene import Scene
from display.assets import Assets


@dataclass(frozen=True)
class Hotspot:
    """A place on the screen a person can press or drag.

    ``kind`` says what it does and which fields matter:

    - ``"slider"``: drag to set ``neuron``'s threshold; ``scale`` maps x to a value;
    - ``"button"``: station ``button`` (minus / plus / ok) of ``neuron``;
    - ``"digit"``: show digit ``index`` of the set;
    - ``"cell"``: pixel ``index`` = ``(row, col)`` of the drawing grid;
    - ``"clear"``: empty the drawing; ``"add"``: add the drawing with label ``index``;
    - ``"step"``: jump to the workshop step whose id is ``index``;
    - ``"accept"``: count ``neuron``'s wrong answer as right (the leader's override).
    """

    rect: pygame.Rect
    kind: str
    neuron: str | None = None
    button: str | None = None
    index: object = None
    scale: object = None  # a display.geometry.Scale for sliders


DrawView = Callable[[pygame.Surface, Scene, Assets], list[Hotspot]]


@dataclass(frozen=True)
class View:
    """A named view and its drawing function."""

    name: str
    draw: DrawView


def _registry() -> dict[str, View]:
    # Imported here so each view module can import Hotspot from this package.
    from display.views import attract, decision, draw, network, rulers, technician, training

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
    from display.views import visitor, workshop

    view = VIEWS.get(scene.view, VIEWS["network"])
    if scene.view == "technician":
        return view.draw(surface, scene, assets)
    if scene.workshop is not None:
        return workshop.draw_with_step(surface, scene, assets, view)
    hotspots = view.draw(surface, scene, assets)
    if scene.visitor is not None:
        visitor.draw_over(surface, scene, assets)
    return hotspots
