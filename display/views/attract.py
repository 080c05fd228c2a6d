"""The attract view: what the screen shows while nobody plays, to make a visitor come closer.

The title, one sentence of invitation, and the network at work: every few seconds another
digit of the set appears, its bands counted, with the network's answer beside it. Three
steps say what to do, and a button per language lets visitors choose theirs (in the visitor
mode, holding OK on a station does it too, as the next language's hint beside them says). It
moves with ``scene.t`` only, so it is a pure picture of the scene.
"""

from __future__ import annotations

import math

import pygame

from controller.scene import Scene
from controller.texts import languages, load_texts, next_language
from display.assets import Assets
from display.geometry import Grid
from display.hotspot import Hotspot
from display.regions import Layout, attract_layout, band_counts_size
from display.widgets import (
    blit_text,
    draw_digit_grid,
    draw_digit_tile,
    draw_paragraph,
    draw_pill,
    has_band,
    header_badges,
)

#: Seconds each digit stays on the attract screen.
DIGIT_SECONDS = 3.0


def shown_digit(scene: Scene) -> int:
    """Which digit of the set the attract screen shows at ``scene.t``."""
    return int(scene.t // DIGIT_SECONDS) % len(scene.digits)


def layout(scene: Scene, surface: pygame.Surface) -> Layout:
    """The view's regions on ``surface`` (the band kept for the visitor mode's invitation)."""
    return attract_layout(surface.get_size(), has_band(scene))


def draw(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the attract view of ``scene``; its language buttons can be pressed (a visitor
    chooses the language), anywhere else invites a touch."""
    palette = assets.palette
    texts = assets.texts(scene.language)
    surface.fill(palette.paper)
    regions = layout(scene, surface)
    hotspots = []
    with assets.log.region("languages", regions["languages"], surface):
        hotspots = _draw_languages(surface, scene, assets, regions["languages"])
    if scene.mode == "visitor":
        with assets.log.region("hold", regions["hold"], surface):
            _draw_hold(surface, scene, assets, regions["hold"])
    title_box = regions["title"]
    with assets.log.region("title", title_box, surface):
        title = assets.text(
            texts["screen.attract.title"], "display", palette.ink, bold=True, width=title_box.width
        )
        blit_text(assets, surface, title, "center", title_box.center)
    with assets.log.region("invite", regions["invite"], surface):
        draw_paragraph(
            surface,
            assets,
            texts["screen.attract.invite"],
            regions["invite"],
            "large",
            palette.ink_soft,
            align="center",
        )
    with assets.log.region("stage", regions["stage"], surface):
        _draw_stage(surface, scene, assets, regions["stage"])
    with assets.log.region("steps", regions["steps"], surface):
        _draw_steps(surface, scene, assets, regions["steps"])
    return hotspots


def draw_stage(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Only the stage, where the whole view would draw it: what moves on the view (the
    window draws it alone between two changes of the rest)."""
    stage = layout(scene, surface)["stage"]
    surface.fill(assets.palette.paper, stage)
    _draw_stage(surface, scene, assets, stage)
    return []


def _draw_languages(surface, scene: Scene, assets: Assets, rect: pygame.Rect) -> list[Hotspot]:
    """A button per language, in its own name (the one on show filled), and the offline
    stations' banner if any: a visitor chooses the language by touching it."""
    theme, palette = assets.theme, assets.palette
    right = rect.right
    hotspots = []
    for text, fill, colour in header_badges(scene, assets)[:1] if scene.offline() else []:
        pill = draw_pill(
            surface,
            assets,
            text,
            (right, rect.centery),
            anchor="midright",
            fill=fill,
            colour=colour,
        )
        right = pill.left - theme.px(16)
    for language in reversed(languages()):
        name = load_texts(language)["language.name"]
        on = language == scene.language
        pill = draw_pill(
            surface,
            assets,
            name,
            (right, rect.centery),
            anchor="midright",
            role="small",
            fill=palette.ink if on else palette.card,
            colour=palette.on_dark if on else palette.ink,
            outline=None if on else palette.ink,
        )
        hotspots.append(
            Hotspot(pill.inflate(theme.px(12), theme.px(12)), "language", index=language)
        )
        right = pill.left - theme.px(16)
    return hotspots


def _draw_hold(surface, scene: Scene, assets: Assets, rect: pygame.Rect) -> None:
    """How to choose the next language from a station (holding OK), said in that language: the
    visitor who needs it reads it."""
    if len(languages()) < 2:
        return
    hint = load_texts(next_language(scene.language))["screen.attract.hold"]
    text = assets.text(hint, "small", assets.palette.ink_soft, width=rect.width)
    blit_text(assets, surface, text, "midright", (rect.right, rect.centery))


def _draw_stage(surface, scene: Scene, assets: Assets, rect: pygame.Rect) -> None:
    """A digit of the set, counted, and the network's answer for it: → 3."""
    theme, palette = assets.theme, assets.palette
    i = shown_digit(scene)
    digit = scene.digits.digits[i]
    counts_w, counts_h = band_counts_size(theme)
    box = (rect.left, rect.top, rect.width * 0.45 - counts_w, rect.height - counts_h)
    grid = Grid.fitted(box, scene.network.rows, scene.network.cols)
    grid = Grid(
        rect.centerx - theme.px(80) - grid.width - counts_w,
        rect.top,
        grid.rows,
        grid.cols,
        grid.cell,
    )
    draw_digit_grid(
        surface,
        assets,
        scene.network,
        grid,
        digit.pixels,
        scene.set_result.inputs[i],
        scene.language,
    )
    # A gentle pulse on the arrow: the network "thinking", from the scene's clock alone.
    phase = (scene.t % DIGIT_SECONDS) / DIGIT_SECONDS
    shift = theme.px(24) * math.sin(phase * math.pi)
    arrow = assets.text("➜", "display", palette.ink)
    centre_y = grid.y + grid.height / 2
    blit_text(assets, surface, arrow, "center", (rect.centerx + theme.px(40) + shift, centre_y))
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
        blit_text(assets, surface, label, "midleft", (tile_x, centre_y))


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
