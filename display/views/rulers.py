"""The rulers view: the workshop's tabletop, one ruler per hidden and output neuron.

Two rulers a row, hidden neurons A–F first, then the output neurons in their colours; every
digit of the set as a chip at its sum, the threshold as a marker a person can drag, and the score:
"k/N reconnus". A chip on the wrong side of an output ruler carries a red ✗; pressing a chip
shows that digit on the other views.
"""

from __future__ import annotations

from functools import partial

import pygame

from controller.scene import Scene
from controller.texts import load_texts
from display.assets import Assets
from display.ruler import draw_ruler, draw_ruler_static, scene_ruler
from display.views import Hotspot
from display.widgets import draw_header, draw_message, draw_subtitle, header_content, header_key


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
        hotspots.extend(draw_ruler(surface, scene, assets, model, rect, static=False))
    draw_message(surface, scene, assets)
    return hotspots


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
