"""The visitor mode on screen: the invitation, the challenge, the celebration.

Nobody explains the installation to a museum visitor, so the screen does:

- in the attract loop, the band at the bottom invites to press a button or move a ruler, and
  the attract view offers the languages (:mod:`display.views.attract`);
- while playing, the header says which challenge is on offer ("Défi 1 sur 2") and how to skip
  to the next one, and the band says the challenge itself (both drawn by
  :mod:`display.widgets`: ``header_badges``, ``band_message``);
- a solved challenge is celebrated for a few seconds: "Bravo !" with what was achieved ticked,
  over the view (veiled), and confetti in the four output colours, moving with the scene's
  clock alone;
- when nobody has touched anything for a while, the band counts down to the attract loop.
"""

from __future__ import annotations

import math

import pygame

from controller.scene import Scene
from display.assets import Assets
from display.hotspot import Hotspot
from display.widgets import blit_text, condition_text, scene_frame


def draw_over(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the visitor mode's celebration over the view already on ``surface``."""
    visit = scene.visitor
    if visit is None:  # not the visitor mode
        return []
    if visit.phase == "play" and visit.solved and visit.solved_at is not None:
        _draw_celebration(surface, scene, assets, scene.t - visit.solved_at)
    return []


def _draw_celebration(surface: pygame.Surface, scene: Scene, assets: Assets, age: float):
    """ "Bravo !" on a card in the middle with what was achieved ticked, confetti around.

    The praise itself is the scene's message, which the view writes in the band below.
    """
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    width, _ = surface.get_size()
    content = scene_frame(scene, surface)["content"]
    veil = pygame.Surface(content.size)
    veil.fill(palette.paper)
    veil.set_alpha(200)
    surface.blit(veil, content)
    assets.log.cover(surface, content)  # the view's words are under the veil now
    _draw_confetti(surface, scene, assets, age, content)
    conditions = () if scene.visitor is None else scene.visitor.conditions
    done = [condition_text(c, scene, texts) for c in conditions]
    card_w = round(width * 0.5)
    pad = theme.px(36)
    line_h = round(theme.font_size("large") * 1.3)
    card_h = round(theme.font_size("display") * 1.2 + len(done) * line_h + 2.2 * pad)
    card = pygame.Rect(0, 0, card_w, card_h)
    card.center = content.center
    pygame.draw.rect(surface, palette.card, card, border_radius=theme.px(28))
    pygame.draw.rect(surface, palette.ink, card, theme.px(6), border_radius=theme.px(28))
    bravo = assets.text(
        texts["visitor.bravo"], "display", palette.ink, bold=True, ground=palette.card
    )
    log = assets.log
    with log.region("celebration", card, surface):
        y = blit_text(assets, surface, bravo, "midtop", (card.centerx, card.top + pad)).bottom
        _draw_done(surface, assets, done, card, y + theme.px(10), line_h, pad)


def _draw_done(surface, assets: Assets, done: list[str], card, y: int, line_h: int, pad: int):
    """What was achieved, a ✓ line each, under "Bravo !"."""
    palette = assets.palette
    card_w = card.width
    for line in done:
        text = assets.text(
            f"✓ {line}",
            "large",
            palette.ink,
            bold=True,
            ground=palette.card,
            width=card_w - 2 * pad,
        )
        blit_text(assets, surface, text, "midtop", (card.centerx, y))
        y += line_h


def _draw_confetti(
    surface: pygame.Surface, scene: Scene, assets: Assets, age: float, area: pygame.Rect
) -> None:
    """Pieces in the output neurons' colours over ``area``, placed by a fixed pattern and the
    time alone."""
    theme = assets.theme
    width, height = area.size
    colours = [theme.output_colour(scene.network, o.label) for o in scene.network.outputs]
    size = theme.px(18)
    for i in range(90):
        # A golden-ratio spread gives evenly mixed columns without a random generator.
        x = (i * 0.618034 % 1.0) * width
        speed = theme.px(180) * (0.6 + (i * 0.381966 % 1.0))
        y = (i * 0.754877 % 1.0) * height * 0.6 - height * 0.3 + age * speed
        y %= height
        sway = math.sin(age * 3 + i) * theme.px(14)
        tilt = abs(math.cos(age * 4 + i * 0.7))
        piece = pygame.Rect(0, 0, size, max(2, round(size * 0.5 * tilt)))
        piece.center = (round(area.left + x + sway), round(area.top + y))
        pygame.draw.rect(surface, colours[i % len(colours)], piece.clip(area))
