"""The screen's views by name, and the one function that draws the scene's view.

Each view is a module of :mod:`display.views` with a ``draw(surface, scene, assets) ->
list[Hotspot]`` (:data:`display.hotspot.DrawView`). Register a new view by adding it to
:data:`VIEWS`.

Views share the parts in :mod:`display.widgets` (chips, rulers, grids, badges); their
header shows the offline stations' banner (:func:`display.widgets.draw_header`), so an
unplugged station is visible on every view.

Two audiences, two surfaces: :func:`draw_view` draws the class screen (what the class may
see), :func:`draw_presenter` the leader's presenter view of the workshop
(:mod:`display.views.presenter`). Each frame's texts are logged as they are drawn
(:mod:`display.audit`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, replace
from functools import cache, partial

import pygame

from controller.scene import Scene, StationView
from display.assets import Assets
from display.hotspot import DrawView, Hotspot
from display.panes import Pane, shown
from display.regions import attract_layout
from display.views import (
    attract,
    decision,
    draw,
    fault,
    network,
    presenter,
    rulers,
    technician,
    training,
    visitor,
)
from display.widgets import COUNTDOWN_S, breathes, draw_band, has_band, scene_frame


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
    """Draw the class screen: ``scene.view`` (the network view if the name is unknown) and
    the band at its bottom (the workshop's question, a visitor's challenge); return its
    hotspots.

    In the visitor mode the celebration and the languages are drawn over the view
    (:mod:`display.views.visitor`). The technician's view is for the technician, and so is the
    fault view (:mod:`display.views.fault`), shown instead of any other while the
    installation waits for a data file to be fixed.
    """
    if scene.fault is not None:  # a data file to fix: the technician's message, nothing else
        assets.begin(surface, "leader")
        return fault.draw(surface, scene, assets)
    view = VIEWS.get(scene.view, VIEWS["network"])
    if scene.view == "technician":
        assets.begin(surface, "leader")
        return view.draw(surface, scene, assets)
    assets.begin(surface, "class")
    hotspots = view.draw(surface, scene, assets)
    draw_band(surface, scene, assets)
    if scene.visitor is not None:
        hotspots += visitor.draw_over(surface, scene, assets)
    return hotspots


def draw_presenter(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the presenter view: the leader's side of the workshop's step (its notes and
    targets, its conditions ticked live, the next step, the time); return its hotspots."""
    assets.begin(surface, "leader")
    return presenter.draw(surface, scene, assets)


#: How often a view that moves with the time is drawn again: smooth enough for its slow
#: animations (a breath, the attract view's pulse, confetti), a third of the frame rate's cost.
ANIMATION_FPS = 20


def view_panes(
    rect: pygame.Rect, scene: Scene, assets: Assets, *, presenting: bool = False
) -> list[Pane]:
    """The panes the window draws in ``rect`` (``assets`` sized for it), each with its key
    (:mod:`display.panes`): the class screen (:func:`draw_view`), or with ``presenting`` the
    presenter view (:func:`draw_presenter`). The visitor mode's countdown shows whole seconds,
    so its key holds those; the attract view, the breathing invitation and a celebration move
    with the time, so their key holds it, in :data:`ANIMATION_FPS` steps; the presenter's clock
    counts minutes, so its key holds the time to ten seconds.
    """
    key: tuple = (shown(scene), _visitor_shows(scene))
    if presenting:
        return [
            Pane(
                "presenter",
                rect,
                (key, math.floor(scene.t / 10)),
                partial(_draw, draw_presenter, scene, assets),
            )
        ]
    if scene.fault is None and not moves_with_time(scene):
        if scene.view == "network":
            return _network_panes(rect, scene, assets)
        if scene.view == "rulers":
            return _rulers_panes(rect, scene, assets)
    view = Pane("view", rect, key, partial(_draw, draw_view, scene, assets))
    if not moves_with_time(scene):
        return [view]
    step = math.floor(scene.t * ANIMATION_FPS)
    moving = _moving_regions(rect, scene, assets)
    if moving is None:  # the whole view moves (a celebration's confetti)
        return [replace(view, key=(key, step))]
    return [view, *(Pane(name, box, (key, step), draw) for name, box, draw in moving)]


def _network_panes(rect: pygame.Rect, scene: Scene, assets: Assets) -> list[Pane]:
    """The network view as a pane for the whole and one per column of cards (inputs, hidden,
    outputs): a pupil dialling a number with − and + or giving it with OK (grandeur nature)
    changes what their card shows and nothing else, so only their column is drawn again,
    clipped, as the whole view draws it, once for a whole table pressing together (a card's
    surroundings overlap its neighbours': a pane per card would draw each three times); a
    wrong answer's mark there is then the column's hotspot. A station coming or going (the
    header's banner) redraws the whole."""
    view = Pane("view", rect, _frame_key(scene), partial(_draw, draw_view, scene, assets))
    regions = network.layout_of(scene, rect.size)
    around = network.card_surroundings(scene, assets, regions)
    inside = pygame.Rect((0, 0), rect.size)
    panes = [view]
    for layer, column in scene.network.layers().items():
        box = around[column[0]].unionall([around[n] for n in column[1:]]).clip(inside)
        draw = partial(_draw_cards, frozenset(column))
        panes.append(
            Pane(
                f"cards:{layer}",
                box.move(rect.topleft),
                tuple(scene.station(n) for n in column),
                partial(_draw_within, draw, rect, box, scene, assets),
            )
        )
    return panes


def _frame_key(scene: Scene, network: Hashable = None) -> tuple:
    """What the class screen shows beyond its cards or rulers: the scene's :func:`shown`
    without the stations' marks (but whether each is online: the header's banner) and without
    what only the leader sees of the workshop's step (its talking points, conditions, moves,
    clock)."""
    step = scene.workshop
    if step is not None:
        step = replace(
            step, points=(), conditions=(), moves=(), started_at=0.0, complete=False,
            steps=(), minutes=None, next_title=None, workshop_started_at=None,
        )  # fmt: skip
    stations = tuple(_beyond_card(s) for s in scene.stations)
    return shown(replace(scene, stations=stations, workshop=step), network), _visitor_shows(scene)


def _rulers_panes(rect: pygame.Rect, scene: Scene, assets: Assets) -> list[Pane]:
    """The rulers view as a pane for the whole and one per ruler: a pupil sliding a threshold
    changes their ruler, and the rulers downstream whose sums it moves, and nothing else; only
    those are drawn again, clipped, as the whole view draws them. A change beyond the rulers
    (a step, a reveal, the score) draws the whole, rulers and all, once."""
    network_ = scene.network
    structure = (
        network_.hidden_names,
        network_.output_names,
        network_.hidden_weights.tobytes(),
        network_.output_weights.tobytes(),
    )
    key = (_frame_key(scene, structure), rulers.score_text(scene))
    models = cache(partial(rulers.models_of, scene))  # made once a frame, if anything draws
    regions = rulers.layout_of(scene, rect.size)
    panes = [Pane("view", rect, key, partial(_draw, draw_view, scene, assets))]
    margin = 2 * assets.theme.px(8)  # a ruler's marks may stand a pixel or two out of it
    for neuron in network_.hidden_names + network_.output_names:
        box = regions[f"ruler:{neuron}"].inflate(margin, margin)
        draw = partial(_draw_within, partial(_draw_ruler, models), rect, box, scene, assets)
        panes.append(
            Pane(
                f"ruler:{neuron}", box.move(rect.topleft), (key, _ruler_shows(scene, neuron)), draw
            )
        )
    return panes


def _ruler_shows(scene: Scene, neuron: str) -> tuple:
    """What a ruler shows that its frame does not: its threshold, its digits' sums, its
    station (a dialled number, an answer, a slide past one step)."""
    layer, index = scene.network.locate(neuron)
    result = scene.set_result
    sums = (result.hidden_sums if layer == "hidden" else result.output_sums)[:, index]
    return scene.network.threshold(neuron), sums.tobytes(), scene.station(neuron)


def _draw_ruler(models, surface: pygame.Surface, scene: Scene, assets: Assets):
    """The ruler in the clipping rectangle of ``surface``, as the whole view draws it, and
    its hotspots."""
    hotspots = rulers.draw(surface, scene, assets, only=surface.get_clip(), models=models())
    _band_within(surface, scene, assets)
    return hotspots


def _beyond_card(station: StationView) -> StationView:
    """What of a station's view shows beyond its card (see :func:`_network_panes`)."""
    return StationView(station.neuron, station.online)


def _draw_cards(
    neurons: frozenset[str], surface: pygame.Surface, scene: Scene, assets: Assets
) -> list[Hotspot]:
    """What meets the clipping rectangle of ``surface`` (the surroundings of the cards of
    ``neurons``), as the whole class screen draws it; their answers' marks that are
    hotspots."""
    hotspots = network.draw(surface, scene, assets, only=surface.get_clip())
    _band_within(surface, scene, assets)
    return [h for h in hotspots if h.kind == "accept" and h.neuron in neurons]


def _band_within(surface: pygame.Surface, scene: Scene, assets: Assets) -> None:
    """The band, where the clipping rectangle of ``surface`` meets it (a region drawn again
    near the bottom of the view may reach into it)."""
    if has_band(scene) and surface.get_clip().colliderect(scene_frame(scene, surface)["band"]):
        draw_band(surface, scene, assets)


def _moving_regions(rect: pygame.Rect, scene: Scene, assets: Assets):
    """The regions of the attract view that move with the time, each as ``(name, rectangle in
    the window, draw)``: its stage and the breathing invitation. The rest of the view stands
    still between two changes of the scene, and is not drawn again meanwhile. None when
    more than these moves."""
    visit = scene.visitor
    if scene.view != "attract" or (visit is not None and visit.solved):
        return None
    regions = attract_layout(rect.size, has_band(scene))
    moving = [("attract:stage", regions["stage"], attract.draw_stage)]
    if breathes(scene):
        moving.append(("attract:band", regions["band"], _draw_band))
    return [
        (name, box.move(rect.topleft), partial(_draw_within, draw, rect, box, scene, assets))
        for name, box, draw in moving
    ]


def _draw_band(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    draw_band(surface, scene, assets)
    return []


def _draw_within(
    draw: DrawView,
    view: pygame.Rect,
    box: pygame.Rect,
    scene: Scene,
    assets: Assets,
    pane: pygame.Surface,
) -> list[Hotspot]:
    """Draw one region of the view, as the whole view draws it, clipped to the region: the
    same coordinates, so the same pixels (a region drawn at its own origin rounds
    differently)."""
    surface = pane.get_parent().subsurface(view)
    surface.set_clip(box)
    try:
        hotspots = draw(surface, scene, assets)
        x, y = surface.get_clip().topleft  # the pane's corner: its hotspots are the pane's
        return [replace(h, rect=h.rect.move(-x, -y)) for h in hotspots]
    finally:
        surface.set_clip(None)


def _visitor_shows(scene: Scene) -> tuple | None:
    """What the class screen shows of the visitor mode's clock: the countdown's second, once
    it runs (the idle time itself changes every frame and shows nowhere else)."""
    visit = scene.visitor
    if visit is None:
        return None
    left = visit.timeout_s - visit.idle_s
    countdown = math.ceil(left) if 0 < left <= COUNTDOWN_S else None
    return (visit.phase, visit.solved, visit.solved_at, countdown)


def moves_with_time(scene: Scene) -> bool:
    """Whether the class screen moves with the time: the attract view's example, the
    invitation breathing in the band, a challenge's celebration."""
    if scene.view == "technician":
        return False
    visit = scene.visitor
    return scene.view == "attract" or (
        visit is not None and (visit.phase == "attract" or visit.solved)
    )


def _draw(draw: DrawView, scene: Scene, assets: Assets, surface: pygame.Surface) -> list[Hotspot]:
    return draw(surface, scene, assets)
