"""The technician view: every station's live figures, a calibration under way, the console.

Shown while the leader console's key is on *technician*. A table lists each station (online,
firmware, raw and filtered slider with a bar, noise, buttons held, frames per second, errors,
reconnects, calibrated); a station being calibrated gets a panel with the instruction, the live
reading and the progress, then OK or what to check; a new board online where a station is
missing gets a panel offering it that station's place (OK on the board, − / + another). Below:
the console's buttons and key, the LED test patterns, the last errors, and how to switch off.
Everything comes from the scene's ``extras["diagnosis"]`` (a
:class:`controller.diagnosis.Diagnosis`).
"""

from __future__ import annotations

import pygame

from controller.calibration import FULL_SCALE
from controller.diagnosis import (
    COLUMNS,
    FAULT,
    OK,
    RUNNING,
    CalibrationProgress,
    Diagnosis,
    StationFigures,
    SwapOffer,
)
from controller.scene import Scene
from controller.texts import Texts
from display.assets import Assets
from display.hotspot import Hotspot
from display.theme import Colour
from display.widgets import blit_text, draw_band, draw_header, draw_paragraph

#: Relative widths of the table's columns (see controller.texts.Texts.station_row).
_WIDTHS = (1.0, 1.0, 1.4, 1.4, 2.2, 1.1, 1.0, 1.0, 1.4, 1.1, 1.1, 1.4, 1.2)
_RAW_COLUMN = 4


def draw(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the technician view of ``scene``; nothing on it can be pressed."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    surface.fill(palette.paper)
    content = draw_header(
        surface, scene, assets, texts["technician.title"], texts["technician.hint"]
    )
    body = content.inflate(-2 * theme.px(48), -theme.px(32))
    diagnosis = scene.extras.get("diagnosis")
    if not isinstance(diagnosis, Diagnosis):
        draw_paragraph(surface, assets, texts["technician.waiting"], body, colour=palette.ink_soft)
        return []
    footer = pygame.Rect(body.left, body.bottom - theme.px(190), body.width, theme.px(190))
    # Two cards at most: a technician calibrates one slider at a time, a second may be ending,
    # or a new board waits to be given a missing station's place.
    calibrating = [
        (s, diagnosis.calibrations[s.serial])
        for s in diagnosis.stations
        if s.serial in diagnosis.calibrations
    ]
    cards = [*calibrating, *diagnosis.swaps][:2]
    table = pygame.Rect(body.left, body.top, body.width, footer.top - body.top - theme.px(16))
    if cards:
        panel_width = round(body.width * 0.34)
        table.width -= panel_width + theme.px(32)
        panel = pygame.Rect(table.right + theme.px(32), body.top, panel_width, table.height)
        draw_cards(surface, assets, texts, cards, panel)
    draw_table(surface, assets, texts, diagnosis, table)
    draw_footer(surface, assets, texts, diagnosis, footer)
    draw_band(surface, scene, assets)
    return []


def draw_table(surface, assets: Assets, texts: Texts, diagnosis: Diagnosis, rect) -> None:
    """One row per station, a bar under the raw reading, offline rows in red."""
    theme, palette = assets.theme, assets.palette
    columns = _column_edges(rect)
    rows = len(diagnosis.stations) + 1
    height = min(theme.px(52), rect.height // max(rows, 1))
    role = "small" if height >= theme.px(40) else "tiny"
    for (left, right), heading in zip(columns, COLUMNS, strict=True):
        label = assets.text(
            texts[f"technician.{heading}"],
            "tiny",
            palette.ink_soft,
            bold=True,
            width=right - left - theme.px(12),
        )
        _cell(surface, assets, label, left, right, rect.top + height / 2)
    for i, station in enumerate(diagnosis.stations, start=1):
        top = rect.top + i * height
        ground = palette.card if i % 2 else palette.paper
        pygame.draw.rect(surface, ground, (rect.left, top, rect.width, height))
        colour = palette.ink if station.online else palette.offline
        for c, ((left, right), cell) in enumerate(
            zip(columns, texts.station_row(station), strict=True)
        ):
            label = assets.text(cell, role, colour, width=right - left, ground=ground)
            _cell(surface, assets, label, left, right, top + height / 2)
            if c == _RAW_COLUMN and station.raw is not None:
                bar = pygame.Rect(left, top + height - theme.px(10), right - left - theme.px(12), 0)
                _bar(surface, assets, bar, station.raw / FULL_SCALE, palette.ink_soft)


def draw_cards(surface, assets: Assets, texts: Texts, cards, rect) -> None:
    """A card per station being calibrated (instruction, live reading, progress, outcome) and
    per new board on offer, one above the other."""
    theme = assets.theme
    height = rect.height // max(len(cards), 1)
    for i, item in enumerate(cards):
        card = pygame.Rect(rect.left, rect.top + i * height, rect.width, height - theme.px(16))
        if isinstance(item, SwapOffer):
            draw_swap(surface, assets, texts, item, card)
        else:
            station, progress = item
            draw_calibration(surface, assets, texts, station, progress, card)


def draw_swap(surface, assets: Assets, texts: Texts, offer: SwapOffer, card: pygame.Rect) -> None:
    """A new board's card: the missing station it would replace, and how to say so."""
    theme, palette = assets.theme, assets.palette
    pygame.draw.rect(surface, palette.card, card, border_radius=theme.px(16))
    inner = card.inflate(-theme.px(40), -theme.px(32))
    title = assets.text(
        texts.format("technician.swap_title", serial=offer.serial),
        "body",
        bold=True,
        width=inner.width,
        ground=palette.card,
    )
    y = blit_text(assets, surface, title, "topleft", inner.topleft).bottom + theme.px(12)
    number, neuron = offer.station
    lines = [texts.format("technician.swap_offer", station=number, neuron=neuron or "–")]
    if len(offer.missing) > 1:
        index, count = offer.chosen + 1, len(offer.missing)
        lines.append(texts.format("technician.swap_choose", index=index, count=count))
    text_rect = pygame.Rect(inner.left, y, inner.width, inner.bottom - y)
    draw_paragraph(
        surface, assets, "\n".join(lines), text_rect, "small", palette.ink, ground=palette.card
    )
    pygame.draw.rect(surface, palette.ink, card, theme.px(4), border_radius=theme.px(16))


def draw_calibration(
    surface,
    assets: Assets,
    texts: Texts,
    station: StationFigures,
    progress: CalibrationProgress,
    card: pygame.Rect,
) -> None:
    """One station's calibration card."""
    theme, palette = assets.theme, assets.palette
    accent = {OK: palette.positive, FAULT: palette.offline}.get(progress.status, palette.ink)
    pygame.draw.rect(surface, palette.card, card, border_radius=theme.px(16))
    inner = card.inflate(-theme.px(40), -theme.px(32))
    clip = surface.get_clip()
    surface.set_clip(inner)
    _draw_card_content(surface, assets, texts, station, progress, inner, accent)
    surface.set_clip(clip)
    pygame.draw.rect(surface, accent, card, theme.px(4), border_radius=theme.px(16))


def _draw_card_content(surface, assets: Assets, texts: Texts, station, progress, inner, accent):
    """Title, instruction or outcome, then the progress bar at the card's bottom."""
    theme, palette = assets.theme, assets.palette
    name = texts.format(
        "calibration.station",
        station=station.station_id or station.serial,
        neuron=station.neuron or "–",
    )
    title = assets.text(name, "body", bold=True, width=inner.width, ground=palette.card)
    y = blit_text(assets, surface, title, "topleft", inner.topleft).bottom + theme.px(12)
    text = _instruction(texts, station, progress)
    y = draw_paragraph(
        surface,
        assets,
        text,
        pygame.Rect(inner.left, y, inner.width, 0),
        "tiny" if progress.status == FAULT else "small",
        accent,
        bold=progress.status != RUNNING,
        ground=palette.card,
    )
    if progress.raw is not None and progress.status == RUNNING:
        live = pygame.Rect(inner.left, y + theme.px(8), inner.width, 0)
        _bar(surface, assets, live, progress.raw / FULL_SCALE, palette.ink_soft)
    bottom = pygame.Rect(inner.left, inner.bottom - theme.px(8), inner.width, 0)
    _bar(surface, assets, bottom, progress.fraction, accent)


def _instruction(texts: Texts, station: StationFigures, progress: CalibrationProgress) -> str:
    number = station.station_id or station.serial
    if progress.status == OK and progress.result is not None:
        return texts.calibrated(number, progress.result)
    if progress.status == FAULT:
        reasons = "\n".join(f"• {texts.problem(p)}" for p in progress.problems)
        return f"{texts.format('calibration.fault', station=number)}\n{reasons}"
    if progress.status != RUNNING:
        return texts.format("calibration.cancelled", station=number)
    step = texts.format(f"calibration.step.{progress.step}", value=_mark(progress.mark))
    held = texts.format("calibration.holding", seconds=f"{progress.held_s:.1f}")
    return f"{step}\n{held}\n{texts['calibration.confirm_station']}"


def draw_footer(surface, assets: Assets, texts: Texts, diagnosis: Diagnosis, rect) -> None:
    """The console, the LED test patterns, the last errors, how to switch off."""
    palette = assets.palette
    console_text = texts.console(diagnosis.console)
    none = texts["technician.none"]
    errors = " · ".join(diagnosis.last_errors[-3:]) or none
    patterns = ", ".join(diagnosis.led_patterns) or none
    lines = (
        texts.format("technician.line", label=texts["technician.console"], value=console_text),
        texts.format("technician.line", label=texts["technician.patterns"], value=patterns),
        texts.format("technician.line", label=texts["technician.last_errors"], value=errors),
        texts["technician.shutdown"],
    )
    pygame.draw.line(surface, palette.rule, rect.topleft, rect.topright, assets.theme.px(2))
    inner = rect.inflate(0, -assets.theme.px(16))
    draw_paragraph(surface, assets, "\n".join(lines), inner, "small", palette.ink_soft)


def _column_edges(rect: pygame.Rect) -> list[tuple[int, int]]:
    total = sum(_WIDTHS)
    edges, x = [], float(rect.left)
    for w in _WIDTHS:
        step = rect.width * w / total
        edges.append((round(x), round(x + step)))
        x += step
    return edges


def _cell(surface, assets: Assets, label: pygame.Surface, left: int, right: int, middle) -> None:
    blit_text(assets, surface, label, "midleft", (left + assets.theme.px(6), middle))


def _bar(surface, assets: Assets, rect: pygame.Rect, fraction: float, colour: Colour) -> None:
    """A thin horizontal gauge filled to ``fraction`` (0 to 1)."""
    theme, palette = assets.theme, assets.palette
    rect = pygame.Rect(rect.left, rect.top, rect.width, theme.px(8))
    pygame.draw.rect(surface, palette.shade, rect, border_radius=rect.height // 2)
    filled = rect.copy()
    filled.width = round(rect.width * min(1.0, max(0.0, fraction)))
    if filled.width:
        pygame.draw.rect(surface, colour, filled, border_radius=rect.height // 2)


def _mark(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"
