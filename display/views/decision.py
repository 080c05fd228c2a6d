"""The decision view: the network's answer, as large as the screen allows.

Shown when the leader presses *reveal*: the digit on show on the left, the answer in the
middle of the screen (the recognised digit on a tile of its colour, "pas reconnu", or
"ambigu : 0 et 6"), and under it the four output neurons with their Oui/Non, which say why.
"""

from __future__ import annotations

import pygame

from controller.scene import Scene
from display.assets import Assets
from display.geometry import Grid
from display.hotspot import Hotspot
from display.regions import band_counts_size, decision_layout
from display.widgets import (
    blit_text,
    draw_answer,
    draw_digit_grid,
    draw_header,
    draw_neuron_badge,
    draw_offline_mark,
    draw_yes_no,
    has_band,
    line_pitch,
    station_state,
)


def draw(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the decision view of ``scene``; nothing on it can be pressed."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    surface.fill(palette.paper)
    draw_header(surface, scene, assets, texts["screen.decision.title"])
    regions = decision_layout(surface.get_size(), has_band(scene))
    with assets.log.region("digit", regions["digit"], surface):
        draw_digit(surface, scene, assets, regions["digit"])
    right = regions["answer"]
    with assets.log.region("answer", right, surface):
        caption = assets.text(texts["screen.network.answer"], "large", palette.ink_soft)
        top = blit_text(assets, surface, caption, "midtop", (right.centerx, right.top)).bottom
        answer = pygame.Rect(right.left, top + theme.px(20), right.width, 0)
        answer.height = right.bottom - answer.top
        draw_answer(surface, scene, assets, answer)
    with assets.log.region("outputs", regions["outputs"], surface):
        draw_outputs(surface, scene, assets, regions["outputs"])
    return []


def draw_digit(surface, scene: Scene, assets: Assets, rect: pygame.Rect) -> Grid:
    """The digit on show, its name above, as large as ``rect`` allows, bands counted."""
    theme, palette = assets.theme, assets.palette
    name = assets.text(scene.digit.name, "title", palette.ink, bold=True)
    counts_w, counts_h = band_counts_size(theme)
    top = rect.top + name.get_height() + theme.px(20)
    box = (rect.left, top, rect.width - counts_w, rect.bottom - top - counts_h)
    grid = Grid.fitted(box, scene.network.rows, scene.network.cols)
    grid = Grid(grid.x, top, grid.rows, grid.cols, grid.cell)
    blit_text(assets, surface, name, "midbottom", (grid.x + grid.width / 2, top - theme.px(14)))
    draw_digit_grid(
        surface,
        assets,
        scene.network,
        grid,
        scene.digit.pixels,
        scene.result.inputs[0],
        scene.language,
    )
    return grid


def draw_outputs(surface, scene: Scene, assets: Assets, rect: pygame.Rect) -> None:
    """Each output neuron's badge with its Oui/Non, side by side: why the answer is what it is."""
    theme = assets.theme
    network = scene.network
    n = len(network.output_names)
    width = rect.width / n
    pill_h = line_pitch(assets, "small", bold=True) + theme.px(10)
    radius = min(theme.px(40), (rect.height - pill_h - theme.px(20)) // 2)
    for o, name in enumerate(network.output_names):
        cell = pygame.Rect(round(rect.left + o * width), rect.top, round(width), rect.height)
        centre = (cell.centerx, cell.top + radius + theme.px(4))
        draw_neuron_badge(surface, assets, network, name, centre, radius)
        at = (cell.centerx, centre[1] + radius + theme.px(8))
        if station_state(scene, name) == "offline":  # the tag where its Oui/Non was
            box = cell.inflate(-theme.px(12), 0)
            draw_offline_mark(surface, scene, assets, box, at, "midtop", short=True)
        else:
            draw_yes_no(surface, scene, assets, scene.result.outputs[0, o], at, "midtop")
