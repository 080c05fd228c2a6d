"""The fault view: a data file the installation could not load, told to the technician.

A kiosk never goes dark: when a data file is wrong at start (a typo in ``data/network.toml``, an
unknown table in the installation file), the installation shows this on the whole screen, in
French then English, and waits for the file to be fixed (it starts by itself once the file is
saved). It names the file, the key path in it and, when the parser gives one, the line; then
what to do.

Its sentences are written here, not in ``data/texts``: the file at fault may be a texts file.
"""

from __future__ import annotations

import pygame

from controller.scene import FaultView, Scene
from display.assets import Assets
from display.hotspot import Hotspot
from display.widgets import draw_paragraph, line_pitch, wrap

#: What the screen says, French first (the texts files may be the ones at fault).
TITLE = ("Un fichier de données est à corriger", "A data file needs fixing")
WHERE = ("Fichier", "File")
FIELD = ("clé", "key")
LINE = ("ligne", "line")
TODO = (
    "Corrigez le fichier et enregistrez-le : l'installation repart d'elle-même. "
    "Ou repartez de la dernière version qui marchait : neurones run --last-good",
    "Fix the file and save it: the installation starts again by itself. "
    "Or start from the last version that worked: neurones run --last-good",
)


def draw(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the technician's message for ``scene.fault`` over the whole of ``surface``."""
    fault = scene.fault
    assert fault is not None, "the fault view draws a scene with a fault"
    theme, palette = assets.theme, assets.palette
    surface.fill(palette.paper)
    width, height = surface.get_size()
    margin = theme.px(80)
    inner = width - 2 * margin
    # A red band as tall as the title needs: French in the title's size, English under it.
    lines = [(TITLE[0], "title", True), (TITLE[1], "large", False)]
    band_h = 2 * theme.px(36) + sum(
        len(wrap(assets, t, role, inner, bold)) * line_pitch(assets, role, bold)
        for t, role, bold in lines
    )
    band = pygame.Rect(0, 0, width, band_h)
    surface.fill(palette.offline, band)
    y = theme.px(36)
    for words, role, bold in lines:
        box = pygame.Rect(margin, y, inner, band_h - y)
        y = draw_paragraph(
            surface, assets, words, box, role, palette.on_dark, bold=bold, ground=palette.offline
        )
    text = pygame.Rect(margin, band.bottom + theme.px(60), width - 2 * margin, height)
    y = draw_paragraph(surface, assets, fault.file, text, "large", palette.ink, bold=True)
    where = where_line(fault)
    if where:
        y = draw_paragraph(surface, assets, where, _below(text, y), "body", palette.ink_soft)
    y += theme.px(20)
    y = draw_paragraph(surface, assets, fault.message, _below(text, y), "large", palette.wrong)
    for todo, colour in zip(TODO, (palette.ink, palette.ink_soft), strict=True):
        y = draw_paragraph(surface, assets, todo, _below(text, y + theme.px(50)), "body", colour)
    return []


def where_line(fault: FaultView) -> str:
    """``clé / key hidden[0].threshhold · ligne / line 12``: where in the file, as far as known."""
    parts = []
    if fault.field:
        parts.append(f"{FIELD[0]} / {FIELD[1]} {fault.field}")
    if fault.line is not None:
        parts.append(f"{LINE[0]} / {LINE[1]} {fault.line}")
    return "  ·  ".join(parts)


def _below(rect: pygame.Rect, y: int) -> pygame.Rect:
    return pygame.Rect(rect.left, y, rect.width, rect.bottom - y)
