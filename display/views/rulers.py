"""The rulers view: the workshop's tabletop, one ruler per hidden and output neuron.

Two rulers a row, hidden neurons A–F first, then the output neurons in their colours; every
digit of the set as a chip at its sum, the threshold as a marker a person can drag, and the score:
"k/N reconnus". A chip on the wrong side of an output ruler carries a red ✗; pressing a chip
shows that digit on the other views.

In the guided workshop the view follows the step: while a table works out its neuron's sum
(the tabletop computation), its ruler keeps the chips back and shows the number the table
dialled, "juste" or "faux"; in a learning step the rulers taking part are framed, the others
veiled, and a ruler slid past the one step allowed says so in red.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pygame

from controller.scene import Scene
from controller.texts import load_texts
from display.assets import Assets
from display.hotspot import Hotspot
from display.ruler import RulerModel, draw_ruler, draw_ruler_static, scene_ruler
from display.widgets import (
    draw_header,
    draw_message,
    draw_pill,
    draw_subtitle,
    format_number,
    header_content,
    header_key,
)


def draw(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the rulers view of ``scene``; return the rulers' sliders and the digit chips."""
    texts = assets.texts(scene.language)
    title = texts["screen.rulers.title"]
    cells = ruler_rects(scene, assets, surface)
    models = [scene_ruler(scene, neuron) for _, neuron in cells]
    # Number lines and badges only change when a ruler's range does: one cached layer.
    key = ("rulers", header_key(scene, title), tuple((m.neuron, m.lo, m.hi) for m in models))
    build = partial(_draw_static, scene, assets, title, cells, models)
    surface.blit(assets.layer(key, build), (0, 0))
    draw_subtitle(surface, scene, assets, title, score_text(scene), "large")
    hotspots = []
    for (rect, _), model in zip(cells, models, strict=True):
        if veiled(scene, model.neuron):
            surface.blit(_veiled_ruler(scene, assets, model, rect), rect)
            continue
        shown = scene.neuron_shown(model.neuron)  # not while its table works the sum out
        drawn = model if shown else without_chips(model)
        hotspots.extend(draw_ruler(surface, scene, assets, drawn, rect, static=False))
        if scene.workshop is not None:
            hotspots.extend(_draw_step_marks(surface, scene, assets, model.neuron, rect, shown))
    draw_message(surface, scene, assets)
    return hotspots


def without_chips(model: RulerModel) -> RulerModel:
    """The ruler with its number line and threshold, but no digit placed on it yet."""
    return replace(model, sums=(), names=(), labels=(), wrong=(), current=None)


def _draw_step_marks(surface, scene: Scene, assets: Assets, neuron: str, rect, shown: bool):
    """The workshop's marks on one ruler: the table's answer, a learning move, a veil."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    station, step = scene.station(neuron), scene.workshop
    if step is not None and step.max_move is not None and neuron in step.stations:
        pygame.draw.rect(surface, palette.ink, rect, theme.px(5), border_radius=theme.px(12))
    if station.too_far:
        text = texts["workshop.one_step"]
        at = (rect.centerx, rect.top + theme.px(40))
        draw_pill(
            surface, assets, text, at, role="body", fill=palette.wrong, colour=palette.on_dark
        )
    if shown:
        return []
    entry = "?" if station.entry is None else format_number(station.entry)
    label = f"{texts['screen.sum']} {entry}"
    colour = palette.ink if station.answer == "right" else palette.ink_soft
    number = assets.text(label, "large", colour, bold=True, ground=palette.card)
    centre = (rect.centerx + theme.px(40), rect.centery - theme.px(14))
    box = number.get_rect(center=(round(centre[0]), round(centre[1])))
    card = box.inflate(theme.px(28), theme.px(10))
    pygame.draw.rect(surface, palette.card, card, border_radius=theme.px(12))
    pygame.draw.rect(surface, palette.rule, card, theme.px(2), border_radius=theme.px(12))
    surface.blit(number, box)
    if station.answer is None:
        return []
    right = station.answer == "right"
    mark = f"✓ {texts['workshop.right']}" if right else f"✗ {texts['workshop.wrong']}"
    draw_pill(
        surface,
        assets,
        mark,
        (box.right + theme.px(16), box.centery),
        anchor="midleft",
        role="body",
        fill=palette.ink if right else palette.wrong,
        colour=palette.on_dark,
    )
    return [] if right else [Hotspot(rect, "accept", neuron=neuron)]


def veiled(scene: Scene, neuron: str) -> bool:
    """Whether a ruler takes no part in a learning step that others do (it is veiled)."""
    step = scene.workshop
    return (
        step is not None
        and step.max_move is not None
        and bool(step.stations)
        and neuron not in step.stations
    )


def _veiled_ruler(scene: Scene, assets: Assets, model: RulerModel, rect) -> pygame.Surface:
    """A ruler under a paper veil, so the eye goes to the rulers taking part.

    Drawn once per look (its values, its station, the language) and kept: blending a veil
    over eight rulers every frame would cost more than the rest of the view.
    """
    station = scene.station(model.neuron)
    key = ("veiled", rect.size, model, station, scene.language)

    def build() -> pygame.Surface:
        sprite = pygame.Surface(rect.size)
        sprite.fill(assets.palette.paper)
        draw_ruler(sprite, scene, assets, model, pygame.Rect((0, 0), rect.size))
        veil = pygame.Surface(rect.size)
        veil.fill(assets.palette.paper)
        veil.set_alpha(150)
        sprite.blit(veil, (0, 0))
        return sprite

    return assets.sprite(key, build)


def _draw_static(scene: Scene, assets: Assets, title: str, cells, models, layer) -> None:
    layer.fill(assets.palette.paper)
    draw_header(layer, scene, assets, title)
    for (rect, _), model in zip(cells, models, strict=True):
        draw_ruler_static(layer, scene, assets, model, rect)


def ruler_rects(scene: Scene, assets: Assets, surface: pygame.Surface):
    """``(rect, neuron)`` of every ruler on a surface like ``surface`` (pure geometry)."""
    theme = assets.theme
    area = header_content(surface, assets).inflate(-2 * theme.px(48), -theme.px(16))
    return ruler_cells(scene.network, area, theme.px(40), theme.px(20))


def ruler_cells(network, area: pygame.Rect, gap_x: int, gap_y: int):
    """Two rulers per row: hidden neurons first (A B / C D / E F), then the outputs.

    Returns ``(rect, neuron)`` pairs. A layer starts on a new row, with a wider gap before
    the outputs so the two layers read as two groups.
    """
    rows = [network.hidden_names[i : i + 2] for i in range(0, len(network.hidden_names), 2)]
    first_output_row = len(rows)
    rows += [network.output_names[i : i + 2] for i in range(0, len(network.output_names), 2)]
    height = (area.height - gap_y * len(rows)) / len(rows)
    width = (area.width - gap_x) / 2
    cells = []
    for r, names in enumerate(rows):
        y = area.top + r * (height + gap_y) + (gap_y if r >= first_output_row else 0)
        for c, neuron in enumerate(names):
            x = area.left + c * (width + gap_x)
            cells.append((pygame.Rect(round(x), round(y), round(width), round(height)), neuron))
    return cells


def score_text(scene: Scene) -> str:
    """ "k/N reconnus": how many labelled digits of the set the network gets right."""
    texts = load_texts(scene.language)
    labelled = int((scene.digits.labels() >= 0).sum())
    return texts.format("screen.rulers.score", k=int(scene.recognised().sum()), n=labelled)
