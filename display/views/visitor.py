"""The visitor mode drawn over the view: the invitation, the challenge, the celebration.

Nobody explains the installation to a museum visitor, so the screen does:

- in the attract loop, a pulsing invitation to press a button or move a ruler;
- while playing, the challenge on offer ("Défi 1 sur 2") and how to skip to the next one, at
  the top right (the view draws the challenge's sentence itself, as the scene's message);
- a solved challenge is celebrated for a few seconds: "Bravo !" with what was achieved ticked,
  and confetti in the four output colours, moving with the scene's clock alone;
- when nobody has touched anything for a while, a countdown before the attract loop returns.
"""

from __future__ import annotations

import math

import pygame

from controller.scene import Scene
from display.assets import Assets
from display.views.workshop import condition_text
from display.widgets import blit_text, draw_pill

#: Seconds before the idle time-out from which the countdown shows.
COUNTDOWN_S = 15.0
#: Design height of the middle of the views' header strip (display.widgets.HEADER_HEIGHT / 2).
HEADER_MIDDLE = 50


def draw_over(surface: pygame.Surface, scene: Scene, assets: Assets) -> None:
    """Draw the visitor mode's parts over the view already on ``surface``."""
    visit = scene.visitor
    if visit is None:  # not the visitor mode
        return
    if visit.phase == "attract":
        _draw_invitation(surface, scene, assets)
        return
    if visit.challenge is not None:
        _draw_challenge_tab(surface, scene, assets)
    if visit.solved and visit.solved_at is not None:
        _draw_celebration(surface, scene, assets, scene.t - visit.solved_at)
    left = visit.timeout_s - visit.idle_s
    if 0 < left <= COUNTDOWN_S:
        _draw_countdown(surface, scene, assets, left)


def _draw_invitation(surface: pygame.Surface, scene: Scene, assets: Assets) -> None:
    """ "Touche un bouton ou une réglette pour commencer", breathing slowly, at the bottom
    (the attract view leaves it the room)."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    width, height = surface.get_size()
    grow = 0.5 + 0.5 * math.sin(scene.t * math.pi / 1.5)  # a slow breath, from the clock
    pill = draw_pill(
        surface,
        assets,
        texts["visitor.touch"],
        (width // 2, height - theme.px(34)),
        anchor="midbottom",
        role="large",
        fill=palette.ink,
        colour=palette.on_dark,
    )
    ring = pill.inflate(theme.px(8 + 16 * grow), theme.px(8 + 16 * grow))
    pygame.draw.rect(surface, palette.ink, ring, theme.px(3), border_radius=ring.height // 2)


def _draw_challenge_tab(surface: pygame.Surface, scene: Scene, assets: Assets) -> None:
    """ "Défi 1 sur 2 · OK sur une station : défi suivant" at the top right, in the header's
    free end (the view writes the challenge's sentence itself, as the scene's message)."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    visit = scene.visitor
    if visit is None:
        return
    label = texts.format("visitor.challenge", number=visit.number, count=visit.count)
    if not visit.solved:
        label = f"{label} · {texts['visitor.next']}"
    draw_pill(
        surface,
        assets,
        label,
        (surface.get_width() - theme.px(36), theme.px(HEADER_MIDDLE)),
        anchor="midright",
        role="small",
        fill=palette.ink,
        colour=palette.on_dark,
    )


def _draw_celebration(surface: pygame.Surface, scene: Scene, assets: Assets, age: float):
    """ "Bravo !" on a card in the middle with what was achieved ticked, confetti around.

    The praise itself is the scene's message, which the view writes in the band below.
    """
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    width, height = surface.get_size()
    _draw_confetti(surface, scene, assets, age)
    conditions = scene.visitor.conditions if scene.visitor else ()
    done = [condition_text(c, scene, texts) for c in conditions]
    card_w = round(width * 0.5)
    pad = theme.px(36)
    line_h = round(theme.font_size("large") * 1.3)
    card_h = round(theme.font_size("display") * 1.2 + len(done) * line_h + 2.2 * pad)
    card = pygame.Rect(0, 0, card_w, card_h)
    card.center = (width // 2, round(height * 0.45))
    pygame.draw.rect(surface, palette.card, card, border_radius=theme.px(28))
    pygame.draw.rect(surface, palette.ink, card, theme.px(6), border_radius=theme.px(28))
    bravo = assets.text(
        texts["visitor.bravo"], "display", palette.ink, bold=True, ground=palette.card
    )
    y = blit_text(surface, bravo, "midtop", (card.centerx, card.top + pad)).bottom
    y += theme.px(10)
    for line in done:
        text = assets.text(
            f"✓ {line}",
            "large",
            palette.ink,
            bold=True,
            ground=palette.card,
            width=card_w - 2 * pad,
        )
        blit_text(surface, text, "midtop", (card.centerx, y))
        y += line_h


def _draw_confetti(surface: pygame.Surface, scene: Scene, assets: Assets, age: float) -> None:
    """Pieces in the output neurons' colours, placed by a fixed pattern and the time alone."""
    theme = assets.theme
    width, height = surface.get_size()
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
        piece.center = (round(x + sway), round(y))
        pygame.draw.rect(surface, colours[i % len(colours)], piece)


def _draw_countdown(surface: pygame.Surface, scene: Scene, assets: Assets, left: float):
    """ "Il y a quelqu'un ? Retour à l'accueil dans 12 s", top middle."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    text = texts.format("visitor.idle", seconds=math.ceil(left))
    draw_pill(
        surface,
        assets,
        text,
        (surface.get_width() // 2, theme.px(110)),
        anchor="midtop",
        role="body",
        fill=palette.wrong,
        colour=palette.on_dark,
    )
