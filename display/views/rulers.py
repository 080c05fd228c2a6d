"""The rulers view: the workshop's tabletop, one ruler per hidden and output neuron.

Hidden neurons A–F first, then the output neurons in their colours; every digit of the set as
a chip at its sum, the threshold as a marker a person can drag, and the score: "k/N reconnus".
A chip on the wrong side of an output ruler carries a red ✗; pressing a chip shows that digit
on the other views.

The hidden rulers take two rows of three and the outputs two rows of two (3 + 3 + 2 + 2, see
:func:`display.regions.rulers_layout`), so every chip is read from the back of the room.

In the guided workshop the view follows the step and keeps back what the class has still to
find: while a table works out its neuron's sum, its ruler keeps the chips back and shows the
number the table dialled, "juste" or "faux"; the chips of the digits new in the step, the ✗
marks and the score wait for the leader's *reveal* (``scene.secret``). In a learning step the
rulers taking part are framed, those the step is not about veiled, and a ruler slid past the
one step allowed says so in red.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pygame

from controller.scene import Scene
from controller.texts import load_texts
from display.assets import Assets
from display.hotspot import Hotspot
from display.regions import Layout, rulers_layout
from display.ruler import RulerModel, draw_ruler, draw_ruler_static, scene_ruler
from display.widgets import (
    blit_header,
    blit_text,
    draw_pill,
    draw_subtitle,
    frame_key,
    has_band,
)


def layout(scene: Scene, surface: pygame.Surface) -> Layout:
    """The view's regions on ``surface``: the frame and a ``ruler:N`` per neuron."""
    return layout_of(scene, surface.get_size())


def layout_of(scene: Scene, size: tuple[int, int]) -> Layout:
    """The view's regions on a surface of ``size`` (see :func:`layout`)."""
    network = scene.network
    return rulers_layout(size, has_band(scene), network.hidden_names, network.output_names)


def draw(
    surface: pygame.Surface,
    scene: Scene,
    assets: Assets,
    only: pygame.Rect | None = None,
    models: dict[str, RulerModel] | None = None,
) -> list[Hotspot]:
    """Draw the rulers view of ``scene``; return the rulers' sliders and the digit chips.

    With ``only``, the rulers that do not meet that rectangle are left out (the window draws
    the view's frame alone, then each ruler that changed, clipped to it). ``models`` are the
    rulers' models if already made (:func:`models_of`).
    """
    texts = assets.texts(scene.language)
    title = texts["screen.rulers.title"]
    regions = layout(scene, surface)
    neurons = scene.network.hidden_names + scene.network.output_names
    models = models or models_of(scene)
    quiet = [n for n in neurons if not veiled(scene, n)]
    # Number lines and badges only change when a ruler's range does: one cached layer.
    key = (
        "rulers",
        frame_key(scene),
        tuple((n, models[n].lo, models[n].hi) for n in quiet),
        regions,
    )
    build = partial(_draw_static, scene, assets, regions, [models[n] for n in quiet])
    assets.blit_layer(surface, key, build)
    blit_header(surface, scene, assets, title)
    if not scene.secret("score"):
        draw_subtitle(surface, scene, assets, title, score_text(scene), "large")
    hotspots = []
    for neuron in neurons:
        rect, model = regions[f"ruler:{neuron}"], models[neuron]
        if only is not None and not only.colliderect(rect):
            continue
        with assets.log.region(f"ruler:{neuron}", rect, surface):
            if neuron not in quiet:
                _draw_veiled(surface, scene, assets, model, rect)
                continue
            warning = texts["workshop.one_step"] if scene.station(neuron).too_far else None
            spots = draw_ruler(surface, scene, assets, model, rect, static=False, warning=warning)
            hotspots.extend(spots)
            if scene.neuron_shown(neuron) and not scene.sums_shown(neuron):
                _draw_to_compute(surface, scene, assets, rect)
            if scene.workshop is not None:
                hotspots.extend(_draw_step_marks(surface, scene, assets, neuron, rect))
    return hotspots


def models_of(scene: Scene) -> dict[str, RulerModel]:
    """Every ruler's model in ``scene``, by neuron."""
    return {
        n: scene_ruler(scene, n) for n in scene.network.hidden_names + scene.network.output_names
    }


def without_chips(model: RulerModel) -> RulerModel:
    """The ruler with its number line and threshold, but no digit placed on it yet."""
    return replace(model, sums=(), names=(), labels=(), wrong=(), current=None)


def _draw_step_marks(surface, scene: Scene, assets: Assets, neuron: str, rect):
    """The workshop's marks on one ruler: a frame on a ruler taking part in a learning step,
    and while its table works its sum out, the number the table dialled, right or wrong."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    station, step = scene.station(neuron), scene.workshop
    if step is None:
        return []
    if step.max_move is not None and neuron in step.stations:
        pygame.draw.rect(surface, palette.ink, rect, theme.px(5), border_radius=theme.px(12))
    if scene.neuron_shown(neuron) or neuron not in step.stations:
        return []
    entry = "?" if station.entry is None else texts.number(station.entry)
    label = f"{texts['screen.sum']} {entry}"
    colour = palette.ink if station.answer == "right" else palette.ink_soft
    number = assets.text(label, "large", colour, bold=True, ground=palette.card)
    centre = (rect.centerx, rect.centery)
    box = number.get_rect(center=centre)
    card = box.inflate(theme.px(28), theme.px(10))
    pygame.draw.rect(surface, palette.card, card, border_radius=theme.px(12))
    pygame.draw.rect(surface, palette.rule, card, theme.px(2), border_radius=theme.px(12))
    blit_text(assets, surface, number, "center", centre)
    if station.answer is None:
        return []
    right = station.answer == "right"
    mark = f"✓ {texts['workshop.right']}" if right else f"✗ {texts['workshop.wrong']}"
    draw_pill(
        surface,
        assets,
        mark,
        (card.right + theme.px(16), box.centery),
        anchor="midleft",
        role="body",
        fill=palette.ink if right else palette.wrong,
        colour=palette.on_dark,
    )
    return [] if right else [Hotspot(rect, "accept", neuron=neuron)]


def _draw_to_compute(surface, scene: Scene, assets: Assets, rect: pygame.Rect) -> None:
    """ "Sommes à refaire" where a ruler keeps its chips back until the class has worked its
    sums out again (the leader's reveal places them)."""
    palette = assets.palette
    texts = assets.texts(scene.language)
    room = rect.inflate(-2 * assets.theme.px(130), 0)  # clear of the badge, on the line
    label = assets.text(
        texts["workshop.to_compute"], "body", palette.ink_soft, bold=True, width=room.width
    )
    blit_text(assets, surface, label, "center", (room.centerx + assets.theme.px(40), rect.centery))


def veiled(scene: Scene, neuron: str) -> bool:
    """Whether a ruler is veiled: a learning step is about other rulers (those taking part,
    and those whose sums their moves change), so the eye goes to them."""
    step = scene.workshop
    return step is not None and bool(step.focus) and neuron not in step.focus


def _draw_veiled(surface, scene: Scene, assets: Assets, model: RulerModel, rect) -> None:
    """A ruler under a paper veil, drawn once per look (its values, its station, the
    language) and kept: blending a veil over rulers every frame would cost more than the
    rest of the view."""
    station = scene.station(model.neuron)
    key = ("veiled", model, station, scene.language)

    def build(sprite: pygame.Surface) -> None:
        sprite.fill(assets.palette.paper)
        draw_ruler(sprite, scene, assets, model, pygame.Rect((0, 0), rect.size))
        veil = pygame.Surface(rect.size)
        veil.fill(assets.palette.paper)
        veil.set_alpha(150)
        sprite.blit(veil, (0, 0))

    assets.blit_cached(surface.subsurface(rect), key, rect.size, build)


def _draw_static(scene: Scene, assets: Assets, regions: Layout, models, layer) -> None:
    layer.fill(assets.palette.paper)
    for model in models:
        rect = regions[f"ruler:{model.neuron}"]
        with assets.log.region(f"ruler:{model.neuron}", rect, layer):
            draw_ruler_static(layer, scene, assets, model, rect)


def score_text(scene: Scene) -> str:
    """ "k/N reconnus": how many labelled digits of the set the network gets right."""
    texts = load_texts(scene.language)
    labelled = int((scene.digits.labels() >= 0).sum())
    return texts.format("screen.rulers.score", k=int(scene.recognised().sum()), n=labelled)
