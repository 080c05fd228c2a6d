"""Several floor frames side by side, each with its time: to see an animation on one page.

``neurones render floor --frames 7 --every 0.8`` draws the floor at 0, 0.8, 1.6 … seconds after
the values changed, so the pulse can be followed from the inputs to the output that recognises
the digit (the README's ``docs/floor-pulse.png``).
"""

from __future__ import annotations

import math

import pygame

from controller.texts import load_texts
from display.assets import Assets
from display.floor_panel import draw_floor
from display.widgets import blit_text


def strip_grid(count: int, size: tuple[int, int], aspect: float) -> tuple[int, int]:
    """``(columns, rows)`` giving ``count`` cells of width/height ``aspect`` the most room."""
    width, height = size
    best, best_cell = (count, 1), 0.0
    for columns in range(1, count + 1):
        rows = math.ceil(count / columns)
        cell = min(width / columns, height / rows * aspect)
        if cell > best_cell:
            best, best_cell = (columns, rows), cell
    return best


def draw_floor_strip(
    surface: pygame.Surface,
    assets: Assets,
    views: list,
    times: list[float],
    title: str,
    frame_label: str,
    language: str = "fr",
) -> None:
    """Draw ``views`` (floor views) in a grid under ``title``, each captioned with its time.

    ``frame_label`` is a text with a ``{seconds}`` placeholder (``"t = {seconds} s"``), the
    time written as ``language`` writes numbers.
    """
    theme, palette = assets.theme, assets.palette
    surface.fill(palette.paper)
    pad = theme.px(24)
    heading = assets.text(title, "body", palette.ink, bold=True)
    top = blit_text(assets, surface, heading, "topleft", (pad, pad)).bottom + pad
    width_m, depth_m = views[0].size_m
    caption_h = assets.text("0", "small").get_height() + theme.px(8)
    area = (surface.get_width() - pad, surface.get_height() - top)
    columns, rows = strip_grid(len(views), area, width_m / (depth_m + 0.3))
    cell_w, cell_h = area[0] / columns, area[1] / rows
    for i, (view, t) in enumerate(zip(views, times, strict=True)):
        row, column = divmod(i, columns)
        cell = pygame.Rect(
            round(pad + column * cell_w), round(top + row * cell_h), round(cell_w), round(cell_h)
        )
        label = frame_label.format(seconds=load_texts(language).number(t))
        caption = assets.text(label, "small", palette.ink_soft)
        blit_text(assets, surface, caption, "midtop", (cell.centerx, cell.top))
        mat = pygame.Rect(
            cell.left, cell.top + caption_h, cell.width - pad, cell.height - caption_h - pad
        )
        scale = min(mat.width / width_m, mat.height / depth_m)
        fitted = pygame.Rect(0, 0, round(width_m * scale), round(depth_m * scale))
        fitted.midtop = (cell.centerx, mat.top)
        pygame.draw.rect(surface, palette.floor, fitted, border_radius=theme.px(10))
        draw_floor(surface, fitted, view)
