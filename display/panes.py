"""Draw only what changed: the window as panes, each drawn again only when what it shows
changes.

Redrawing a whole 1920×1080 screen sixty times a second costs a Raspberry Pi most of its CPU,
while between two moves of a slider nothing on it changes. So the window is cut into panes (the
view, the workshop's step column, the simulation panel). Each :class:`Pane` has a *key*: the
values of the scene it shows (:func:`shown` gives the views' usual one). A pane is drawn again
only when its key differs from the one it was last drawn with; the window then presents only
the rectangles drawn (``pygame.display.update(rects)``), and a frame where nothing changed costs
nothing but comparing the keys::

    panes = Panes()
    drawn = panes.draw(screen, [Pane("view", rect, shown(scene), draw)])
    if drawn:
        pygame.display.update(drawn)
    panes.hotspots()            # what a touch may hit, as each pane was last drawn

Keys compare with ``==``: the scene's immutable parts (the network, the digits, the floor's
frame) compare as the same object, its small frozen records (station views, the workshop's
step) by value. The loop still turns at its rate and counts every turn: only the drawing
follows the changes. A view laid out in named regions can give each region a pane of its own,
with the part of the scene that region shows as its key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace

import pygame

from controller.scene import Scene
from display.hotspot import Hotspot


@dataclass(frozen=True)
class Pane:
    """A rectangle of the window, what of the scene it shows (``key``), and how to draw it.

    ``draw`` draws on the pane's own surface (its top-left corner at 0, 0) and returns its
    hotspots in that surface's coordinates.
    """

    name: str
    rect: pygame.Rect
    key: Hashable
    draw: Callable[[pygame.Surface], list[Hotspot]]


def shown(scene: Scene, network: Hashable = None) -> tuple:
    """What of ``scene`` the views draw, all but the time (and the LED floor, which only the
    simulation panel draws, and the visitor mode's idle time, which changes every frame and
    shows only as a countdown): two scenes with equal tuples draw the same picture, unless a
    view moves with the time itself (it then adds the time, or what it shows of it, to its
    key). ``network`` stands for the scene's network where a pane shows only part of it
    (its names and weights, not its thresholds)."""
    diagnosis = scene.extras.get("diagnosis")
    return (
        scene.view,
        scene.mode,
        scene.language,
        scene.network if network is None else network,
        scene.digits,
        scene.digit,
        scene.digit_index,
        scene.stations,
        scene.step,
        scene.message,
        scene.signal_layers,
        scene.workshop,
        None if scene.visitor is None else replace(scene.visitor, idle_s=0.0),
        scene.training,
        diagnosis,
    )


class Panes:
    """The panes as last drawn: their rectangles, keys and hotspots.

    Panes may lie inside others (a ruler inside its view): a pane inside one drawn earlier in
    the same frame is drawn already, and its hotspots are that pane's. A pane drawn later than
    the one it lies in has the say on the hotspots within it.
    """

    def __init__(self) -> None:
        self._drawn: dict[str, tuple[tuple[int, ...], Hashable]] = {}
        self._hotspots: dict[str, list[Hotspot]] = {}
        self._when: dict[str, int] = {}  # the frame in which each pane was last drawn itself
        self._rects: dict[str, pygame.Rect] = {}
        self._frame = 0
        self._order: list[str] = []

    def draw(self, screen: pygame.Surface, panes: Sequence[Pane]) -> list[pygame.Rect]:
        """Draw on ``screen`` each pane whose rectangle or key changed since it was last
        drawn; return the rectangles drawn, for ``pygame.display.update``."""
        drawn: list[pygame.Rect] = []
        self._frame += 1
        self._order = [pane.name for pane in panes]
        for pane in panes:
            now = (tuple(pane.rect), pane.key)
            if self._drawn.get(pane.name) == now:
                continue
            self._drawn[pane.name] = now
            self._rects[pane.name] = pane.rect
            if any(rect.contains(pane.rect) for rect in drawn):
                self._hotspots[pane.name], self._when[pane.name] = [], -1
                continue
            spots = pane.draw(screen.subsurface(pane.rect))
            offset = pane.rect.topleft
            if offset != (0, 0):  # a view has a hundred and more: moved only if they must be
                spots = [replace(s, rect=s.rect.move(offset)) for s in spots]
            self._hotspots[pane.name] = spots
            self._when[pane.name] = self._frame
            drawn.append(pane.rect)
        return drawn

    def hotspots(self) -> list[Hotspot]:
        """Every hotspot of the panes of the last :meth:`draw`, in their order; of a pane
        drawn before another inside it, those not within that other."""
        spots = []
        for name in self._order:
            when = self._when.get(name, -1)
            later = [self._rects[n] for n in self._order if self._when.get(n, -1) > when]
            spots += [
                s
                for s in self._hotspots.get(name, [])
                if not any(rect.collidepoint(s.rect.center) for rect in later)
            ]
        return spots

    def forget(self) -> None:
        """Draw every pane at the next :meth:`draw` (the window was resized or rebuilt)."""
        self._drawn.clear()


__all__ = ["Pane", "Panes", "shown"]
