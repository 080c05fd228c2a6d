"""What a view gives back: the places on the screen a person can press or drag.

A view is a function ``draw(surface, scene, assets) -> list[Hotspot]`` (:data:`DrawView`): it
draws the whole surface from the scene alone and returns where a person can touch, so the
window's mouse handling uses exactly the geometry that was drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import pygame

from controller.scene import Scene
from display.assets import Assets
from display.geometry import Scale

#: What pressing a hotspot does (see :class:`Hotspot`).
HotspotKind = Literal[
    "slider", "button", "digit", "cell", "clear", "add", "step", "accept", "language"
]


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
    - ``"accept"``: count ``neuron``'s wrong answer as right (the leader's override);
    - ``"language"``: show the texts in language ``index`` (a visitor's choice).
    """

    rect: pygame.Rect
    kind: HotspotKind
    neuron: str | None = None
    button: str | None = None
    index: int | str | tuple[int, int] | None = None  # a digit, a step's id, a grid cell
    scale: Scale | None = None  # for sliders


#: A view's drawing function: the whole surface from the scene, and its hotspots.
DrawView = Callable[[pygame.Surface, Scene, Assets], list[Hotspot]]
