"""The simulation panel: the stations' buttons and the LED floor, beside the view.

With no hardware plugged in, the window shows this panel on its right: one small station per
neuron with its −, + and OK buttons (pressing them does what the real buttons do), the LED
floor as it would light up, and the keys that stand for the leader's console.

The floor is drawn by :func:`display.floor_panel.draw_floor` (the LED floor's own module) when
that module exists and the scene carries floor pixels; otherwise its place stays empty.
"""

from __future__ import annotations

import importlib
import importlib.util

import pygame

from controller.events import STATION_BUTTONS
from controller.scene import Scene
from display.assets import Assets, screen_surface
from display.hotspot import Hotspot
from display.widgets import (
    blit_text,
    draw_paragraph,
    line_pitch,
    mix_paper,
    neuron_fill,
    station_state,
    wrap,
)

#: What the station buttons show.
BUTTON_GLYPHS = {"minus": "−", "plus": "+", "ok": "OK"}


def floor_drawer():
    """``display.floor_panel.draw_floor`` if the LED floor module is installed, else None."""
    if importlib.util.find_spec("display.floor_panel") is None:
        return None
    return importlib.import_module("display.floor_panel").draw_floor


def draw_panel(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the panel on all of ``surface``; return the station buttons (surface coordinates).

    Everything but the floor changes only when a station goes on- or offline or the language
    changes, so it is drawn once into a kept surface and blitted: the panel is on screen at
    60 frames a second beside the view, on a Raspberry Pi.
    """
    draw_floor = floor_drawer()
    with_floor = scene.floor is not None and draw_floor is not None
    network = scene.network
    key = (
        "panel",
        surface.get_size(),
        scene.language,
        tuple(scene.offline()),
        network.input_names + network.hidden_names + network.output_names,
        tuple(o.colour for o in network.outputs),
        with_floor,
    )
    static, floor, hotspots = assets.memo(
        key, lambda: _draw_static(surface.get_size(), scene, assets, with_floor)
    )
    surface.blit(static, (0, 0))
    if floor is not None:
        draw_floor(surface, floor, scene.floor)
    return hotspots


def _draw_static(size: tuple[int, int], scene: Scene, assets: Assets, with_floor: bool):
    """The panel without the floor's LEDs: ``(surface, floor rectangle or None, hotspots)``."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    surface = screen_surface(size)
    width, height = size
    surface.fill(mix_paper(assets, palette.ink, 0.9))
    pygame.draw.line(surface, palette.rule, (0, 0), (0, height), theme.px(3))
    pad = theme.px(20)
    y = pad
    floor = None
    if with_floor:
        title = assets.text(texts["screen.panel.floor"], "small", palette.ink_soft, bold=True)
        y = blit_text(assets, surface, title, "topleft", (pad, y)).bottom + theme.px(8)
        floor = pygame.Rect(pad, y, width - 2 * pad, round(width * 0.62))
        pygame.draw.rect(surface, palette.floor, floor, border_radius=theme.px(10))
        y = floor.bottom + pad
    title = assets.text(texts["screen.panel.stations"], "small", palette.ink_soft, bold=True)
    y = blit_text(assets, surface, title, "topleft", (pad, y)).bottom + theme.px(8)
    help_text = texts["screen.panel.keys"]
    lines = wrap(assets, help_text, "tiny", width - 2 * pad)
    keys_h = len(lines) * line_pitch(assets, "tiny") + 2 * pad
    area = pygame.Rect(pad, y, width - 2 * pad, height - y - keys_h - pad)
    hotspots = _draw_stations(surface, scene, assets, area)
    keys = pygame.Rect(pad, height - keys_h + pad, width - 2 * pad, keys_h - pad)
    draw_paragraph(surface, assets, help_text, keys, "tiny", palette.ink_soft)
    return surface, floor, hotspots


def _draw_stations(surface, scene: Scene, assets: Assets, area: pygame.Rect) -> list[Hotspot]:
    """One row per neuron: its colour, its name and its three buttons."""
    network = scene.network
    names = network.input_names + network.hidden_names + network.output_names
    columns = 1
    rows = -(-len(names) // columns)
    gap = assets.theme.px(8)
    cell_w = (area.width - gap) / columns
    cell_h = min(assets.theme.px(60), (area.height - gap * (rows - 1)) / rows)
    hotspots = []
    for i, name in enumerate(names):
        col, row = divmod(i, rows)
        x, y = area.left + col * (cell_w + gap), area.top + row * (cell_h + gap)
        cell = pygame.Rect(round(x), round(y), round(cell_w), round(cell_h))
        hotspots += _draw_station(surface, scene, assets, name, cell)
    return hotspots


def _draw_station(surface, scene: Scene, assets: Assets, name: str, cell: pygame.Rect):
    theme, palette = assets.theme, assets.palette
    offline = station_state(scene, name) == "offline"
    radius = theme.px(8)
    pygame.draw.rect(surface, palette.card, cell, border_radius=radius)
    frame_colour = palette.offline if offline else palette.rule
    frame = theme.px(4) if offline else theme.px(2)
    pygame.draw.rect(surface, frame_colour, cell, frame, border_radius=radius)
    inset = theme.px(6)
    swatch = pygame.Rect(cell.left + inset, cell.top + inset, theme.px(8), cell.height - 2 * inset)
    pygame.draw.rect(surface, neuron_fill(assets, scene.network, name), swatch)
    label_colour = palette.offline if offline else palette.ink
    text = f"⚠ {name}" if offline else name
    label = assets.text(
        text, "tiny", label_colour, bold=True, width=theme.px(80), ground=palette.card
    )
    blit_text(assets, surface, label, "midleft", (swatch.right + theme.px(8), cell.centery))
    size = cell.height - theme.px(14)
    widths = [round(size * (1.5 if button == "ok" else 1)) for button in STATION_BUTTONS]
    gap = theme.px(5)
    x = cell.right - theme.px(6) - sum(widths) - gap * (len(widths) - 1)
    hotspots = []
    for button, w in zip(STATION_BUTTONS, widths, strict=True):
        rect = pygame.Rect(x, cell.centery - size // 2, w, size)
        pygame.draw.rect(surface, palette.ink, rect, border_radius=theme.px(6))
        glyph = assets.text(
            BUTTON_GLYPHS[button], "tiny", palette.on_dark, bold=True, ground=palette.ink
        )
        blit_text(assets, surface, glyph, "center", rect.center)
        hotspots.append(Hotspot(rect, "button", neuron=name, button=button))
        x += w + gap
    return hotspots
