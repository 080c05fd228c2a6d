"""The attract view: what the screen shows while nobody plays, to make a visitor come closer.

The title, one sentence of invitation, and the network at work: every few seconds another
digit of the set appears, its bands counted, with the network's answer beside it. Three
steps say what to do. It moves with ``scene.t`` only, so it is a pure picture of the scene.
"""

from __future__ import annotations

import math

import pygame

from controller.scene import Scene
from display.assets import Assets
from display.geometry import Grid
from display.hotspot import Hotspot
from display.widgets import (
    band_counts_size,
    blit_text,
    draw_digit_grid,
    draw_digit_tile,
    draw_offline_banner,
    draw_paragraph,
    draw_pill,
)

#: Seconds each digit stays on the attract screen.
DIGIT_SECONDS = 3.0
#: Design height left at the bottom for the visitor mode's invitation to touch.
INVITATION_HEIGHT = 100


def shown_digit(scene: Scene) -> int:
    """Which digit of the set the attract screen shows at ``scene.t``."""
    return int(scene.t // DIGIT_SECONDS) % len(scene.digits)


def draw(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the attract view of ``scene``; the whole screen invites a touch."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    width, height = surface.get_size()
    surface.fill(palette.paper)
    margin = theme.px(80)
    title = assets.text(
        texts["screen.attract.title"], "display", palette.ink, bold=True, width=width - 2 * margin
    )
    top = blit_text(surface, title, "midtop", (width // 2, theme.px(70))).bottom
    draw_offline_banner(surface, scene, assets, (width - theme.px(30), theme.px(40)))
    text_box = pygame.Rect(margin * 2, top + theme.px(24), width - 4 * margin, theme.px(120))
    bottom = draw_paragraph(
        surface,
        assets,
        texts["screen.attract.invite"],
        text_box,
        "large",
        palette.ink_soft,
        align="center",
    )
    # In the visitor mode the invitation to touch takes the bottom (display.views.visitor).
    invited = scene.visitor is not None and scene.visitor.phase == "attract"
    steps_top = height - theme.px(190) - (theme.px(INVITATION_HEIGHT) if invited else 0)
    stage = pygame.Rect(margin, bottom + theme.px(30), width - 2 * margin, 0)
    stage.height = steps_top - theme.px(40) - stage.top
    _draw_stage(surface, scene, assets, stage)
    _draw_steps(
        surface, scene, assets, pygame.Rect(margin, steps_top, width - 2 * margin, theme.px(150))
    )
    return []


def _draw_stage(surface, scene: Scene, assets: Assets, rect: pygame.Rect) -> None:
    """A digit of the set, counted, and the network's answer for it: → 3."""
    theme, palette = assets.theme, assets.palette
    i = shown_digit(scene)
    digit = scene.digits.digits[i]
    counts_w, counts_h = band_counts_size(assets)
    box = (rect.left, rect.top, rect.width * 0.45 - counts_w, rect.height - counts_h)
    grid = Grid.fitted(box, scene.network.rows, scene.network.cols)
    grid = Grid(
        rect.centerx - theme.px(80) - grid.width - counts_w, grid.y, grid.rows, grid.cols, grid.cell
    )
    draw_digit_grid(surface, assets, scene.network, grid, digit.pixels, scene.set_result.inputs[i])
    # A gentle pulse on the arrow: the network "thinking", from the scene's clock alone.
    phase = (scene.t % DIGIT_SECONDS) / DIGIT_SECONDS
    shift = theme.px(24) * math.sin(phase * math.pi)
    arrow = assets.text("➜", "display", palette.ink)
    centre_y = grid.y + grid.height / 2
    blit_text(surface, arrow, "center", (rect.centerx + theme.px(40) + shift, centre_y))
    decision = scene.set_result.decision(i)
    texts = assets.texts(scene.language)
    answer = texts.decision(decision.status, decision.digits)
    tile_x = rect.centerx + theme.px(200)
    if decision.status == "clear":
        size = round(min(grid.height * 0.8, theme.px(360)))
        tile = pygame.Rect(tile_x, round(centre_y - size / 2), size, size)
        draw_digit_tile(surface, assets, scene.network, decision.digits[0], tile)
    else:
        label = assets.text(answer, "title", palette.ink, bold=True, width=rect.right - tile_x)
        blit_text(surface, label, "midleft", (tile_x, centre_y))


def _draw_steps(surface, scene: Scene, assets: Assets, rect: pygame.Rect) -> None:
    """Three numbered steps, side by side."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    steps = [texts[f"screen.attract.step{n}"] for n in (1, 2, 3)]
    width = rect.width / len(steps)
    for n, step in enumerate(steps):
        cell = pygame.Rect(round(rect.left + n * width), rect.top, round(width), rect.height)
        badge = draw_pill(
            surface,
            assets,
            str(n + 1),
            (cell.left + theme.px(20), cell.centery),
            anchor="midleft",
            role="large",
            fill=palette.ink,
            colour=palette.on_dark,
        )
        box = pygame.Rect(badge.right + theme.px(20), cell.top, 0, cell.height)
        box.width = cell.right - theme.px(30) - box.left
        lines_h = theme.font_size("body") * 1.25 * 2
        box.top = round(cell.centery - lines_h / 2)
        draw_paragraph(surface, assets, step, box, "body", palette.ink, bold=True)
