"""The draw view: a visitor draws a digit on the 9×6 grid and watches the network decide.

Touching a cell paints it (or rubs it out); the bands' counts and the network's answer follow
at once, because the window turns each touch into a ``DrawingChanged`` event and the scene
comes back computed. The drawing can be added to the rulers under the digit the visitor
meant, so its chip joins the others and the rulers show whether the network agrees.

The grid starts from the digit on show: a visitor can also spoil a 3 until it is not
recognised any more, which teaches as much as drawing from nothing.
"""

from __future__ import annotations

import pygame

from controller.scene import Scene
from display.assets import Assets
from display.geometry import Grid
from display.hotspot import Hotspot
from display.regions import band_counts_size, draw_layout
from display.views.decision import draw_outputs
from display.widgets import (
    blit_text,
    draw_answer,
    draw_digit_grid,
    draw_digit_tile,
    draw_header,
    draw_pill,
    has_band,
)


def draw(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the draw view of ``scene``; return the grid's cells and the buttons."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    surface.fill(palette.paper)
    title, hint = texts["screen.draw.title"], texts["screen.draw.hint"]
    draw_header(surface, scene, assets, title, hint)
    regions = draw_layout(surface.get_size(), has_band(scene))
    with assets.log.region("canvas", regions["canvas"], surface):
        hotspots = _draw_canvas(surface, scene, assets, regions["canvas"])
    right = regions["answer"]
    with assets.log.region("answer", right, surface):
        caption = assets.text(texts["screen.network.answer"], "large", palette.ink_soft)
        top = blit_text(assets, surface, caption, "midtop", (right.centerx, right.top)).bottom
        answer = pygame.Rect(right.left, top + theme.px(16), right.width, 0)
        answer.height = right.bottom - answer.top
        draw_answer(surface, scene, assets, answer)
    with assets.log.region("outputs", regions["outputs"], surface):
        draw_outputs(surface, scene, assets, regions["outputs"])
    with assets.log.region("add", regions["add"], surface):
        hotspots += _draw_add_buttons(surface, scene, assets, regions["add"])
    return hotspots


def canvas_grid(scene: Scene, assets: Assets, rect: pygame.Rect) -> Grid:
    """The editable grid's geometry in ``rect`` (room kept for band counts and a button)."""
    counts_w, counts_h = band_counts_size(assets.theme)
    box = (rect.left, rect.top, rect.width - counts_w, rect.height - counts_h - assets.theme.px(90))
    grid = Grid.fitted(box, scene.network.rows, scene.network.cols)
    return Grid(
        rect.left + (rect.width - counts_w - grid.width) / 2,
        rect.top,
        grid.rows,
        grid.cols,
        grid.cell,
    )


def _draw_canvas(surface, scene: Scene, assets: Assets, rect: pygame.Rect) -> list[Hotspot]:
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    grid = canvas_grid(scene, assets, rect)
    draw_digit_grid(
        surface,
        assets,
        scene.network,
        grid,
        scene.digit.pixels,
        scene.result.inputs[0],
        scene.language,
    )
    hotspots = []
    for r in range(grid.rows):
        for c in range(grid.cols):
            x, y, w, h = grid.cell_rect(r, c)
            cell = pygame.Rect(round(x), round(y), round(w), round(h))
            hotspots.append(Hotspot(cell, "cell", index=(r, c)))
    _, counts_h = band_counts_size(theme)
    at = (grid.x + grid.width / 2, grid.y + grid.height + counts_h + theme.px(16))
    clear = draw_pill(
        surface,
        assets,
        f"✖  {texts['screen.draw.clear']}",
        at,
        anchor="midtop",
        role="body",
        fill=palette.card,
        colour=palette.ink,
        outline=palette.ink,
    )
    hotspots.append(Hotspot(clear.inflate(theme.px(10), theme.px(10)), "clear"))
    return hotspots


def _draw_add_buttons(surface, scene: Scene, assets: Assets, rect: pygame.Rect):
    """ "Ajouter aux réglettes comme : [0] [3] [6] [9]": one tile per output digit."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    label = assets.text(texts["screen.draw.add"], "body", palette.ink, bold=True, width=rect.width)
    blit_text(assets, surface, label, "midtop", (rect.centerx, rect.top))
    labels = scene.network.labels
    size = rect.height - label.get_height() - theme.px(16)
    gap = theme.px(30)
    x = rect.centerx - (len(labels) * size + (len(labels) - 1) * gap) // 2
    hotspots = []
    for digit in labels:
        tile = pygame.Rect(x, rect.bottom - size, size, size)
        draw_digit_tile(surface, assets, scene.network, digit, tile)
        hotspots.append(Hotspot(tile, "add", index=digit))
        x += size + gap
    return hotspots
