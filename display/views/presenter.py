"""The presenter view: the leader's side of the workshop, never shown to the class.

The class screen shows what the class may see (:func:`display.registry.draw_view`); this view
shows the leader, on a second display or behind the leader's key, everything else
(:func:`display.regions.presenter_layout`):

- where the workshop is: "Étape 11 sur 16 · Sur table", a dot per step (touch one to jump
  to it), the minutes spent on the step against those planned, and on the whole workshop;
- the step's title and what the class screen says now (its task, or its question once
  revealed), so the leader knows what the class reads;
- the leader's talking points and targets (``points`` in ``data/workshop.toml``);
- what completes the step, ticked live: the layer answering and how many pupils are right,
  each threshold moved ("vert 6 → 7", red past the one step allowed), the conditions;
- what *reveal* will show the class, or that it has;
- once complete, "Étape terminée : « suivant » pour continuer", and the next step's title.

Like every view it draws from the scene alone; its words come from ``data/texts`` and the
script, already in the scene's language.
"""

from __future__ import annotations

import math

import pygame

from controller.scene import Scene, WorkshopView
from display.assets import Assets
from display.hotspot import Hotspot
from display.regions import Layout, presenter_layout
from display.widgets import (
    blit_text,
    condition_text,
    draw_paragraph,
    draw_pill,
    fitting_role,
    line_pitch,
    neuron_name,
    wrap,
)


def layout(surface: pygame.Surface) -> Layout:
    """The presenter view's regions on ``surface``."""
    return presenter_layout(surface.get_size())


def draw(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the presenter view of ``scene``; return the steps' dots (touch: jump there)."""
    palette = assets.palette
    surface.fill(palette.paper)
    step = scene.workshop
    regions = layout(surface)
    if step is None:
        texts = assets.texts(scene.language)
        box = regions["step"]
        with assets.log.region("step", box, surface):
            draw_paragraph(surface, assets, texts["presenter.no_workshop"], box, "large", bold=True)
        return []
    hotspots = _draw_progress(surface, scene, assets, step, regions["progress"])
    _draw_step(surface, scene, assets, step, regions["step"])
    _draw_notes(surface, scene, assets, step, regions["notes"])
    _draw_checks(surface, scene, assets, step, regions["checks"])
    _draw_reveal(surface, scene, assets, step, regions["reveal"])
    _draw_end(surface, scene, assets, step, regions["end"])
    _draw_next(surface, scene, assets, step, regions["next"])
    return hotspots


def _draw_progress(surface, scene: Scene, assets: Assets, step: WorkshopView, rect):
    """ "Étape 11 sur 16 · Sur table", the time, and a dot per step (touch: jump)."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    with assets.log.region("progress", rect, surface):
        where = texts.format("workshop.step", index=step.index + 1, count=step.count)
        phase = texts.entries.get(f"workshop.phase.{step.phase}")
        line = f"{where} · {phase}" if phase else where
        elapsed = math.floor(max(0.0, scene.t - step.started_at) / 60)
        clock = texts.format("presenter.elapsed", elapsed=elapsed)
        if step.minutes:
            clock = texts.format(
                "workshop.minutes", elapsed=elapsed, minutes=texts.number(step.minutes)
            )
        since = step.workshop_started_at if step.workshop_started_at is not None else scene.t
        total = texts.format("presenter.total", minutes=math.floor(max(0.0, scene.t - since) / 60))
        right = rect.right
        for text in (total, clock):
            label = assets.text(text, "body", palette.ink, bold=text is clock)
            right = blit_text(assets, surface, label, "topright", (right, rect.top)).left
            right -= theme.px(32)
        label = assets.text(line, "body", palette.ink, bold=True, width=right - rect.left)
        blit_text(assets, surface, label, "topleft", rect.topleft)
    hotspots = []
    ids = step.steps or (step.step,)
    radius = theme.px(12)
    cy = rect.bottom - radius - theme.px(8)
    pitch = min(theme.px(44), (rect.width - 2 * radius) / max(1, len(ids) - 1))
    for i, step_id in enumerate(ids):
        cx = round(rect.left + radius + i * pitch)
        if i == step.index:
            pygame.draw.circle(surface, palette.ink, (cx, cy), radius + theme.px(4))
        elif i < step.index:
            pygame.draw.circle(surface, palette.ink_soft, (cx, cy), radius - theme.px(2))
        else:
            pygame.draw.circle(
                surface, palette.ink_soft, (cx, cy), radius - theme.px(2), theme.px(2)
            )
        spot = pygame.Rect(0, 0, round(pitch), 3 * radius)
        spot.center = (cx, cy)
        hotspots.append(Hotspot(spot, "step", index=step_id))
    return hotspots


def _draw_step(surface, scene: Scene, assets: Assets, step: WorkshopView, rect) -> None:
    """The step's title, and on a white card what the class screen says now."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    with assets.log.region("step", rect, surface):
        y = draw_paragraph(surface, assets, step.title, rect, "large", bold=True)
        label = assets.text(texts["presenter.on_screen"], "small", palette.ink_soft, bold=True)
        y = blit_text(assets, surface, label, "topleft", (rect.left, y + theme.px(8))).bottom
        pad = theme.px(16)
        card = pygame.Rect(rect.left, y + theme.px(6), rect.width, 0)
        lines = wrap(assets, step.class_text, "body", card.width - 2 * pad)
        card.height = len(lines) * line_pitch(assets, "body") + 2 * pad
        pygame.draw.rect(surface, palette.card, card, border_radius=theme.px(14))
        pygame.draw.rect(surface, palette.ink, card, theme.px(3), border_radius=theme.px(14))
        inner = card.inflate(-2 * pad, -2 * pad)
        draw_paragraph(surface, assets, step.class_text, inner, "body", ground=palette.card)


def _draw_notes(surface, scene: Scene, assets: Assets, step: WorkshopView, rect) -> None:
    """The leader's talking points, in the largest size that holds them all (else as many
    as fit, then "…")."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    with assets.log.region("notes", rect, surface):
        pygame.draw.line(surface, palette.rule, rect.topleft, rect.topright, theme.px(2))
        heading = assets.text(texts["workshop.leader"], "small", palette.ink_soft, bold=True)
        top = blit_text(assets, surface, heading, "topleft", (rect.left, rect.top + theme.px(10)))
        bullet_w = theme.px(28)
        room = pygame.Rect(rect.left + bullet_w, top.bottom + theme.px(8), rect.width - bullet_w, 0)
        gap = theme.px(10)
        role = next(
            (
                r
                for r in ("body", "small", "tiny")
                if room.top + _height(assets, step.points, r, room.width, gap) <= rect.bottom
            ),
            "tiny",
        )
        more = assets.text("…", role, palette.ink_soft, bold=True)
        y = room.top
        for i, point in enumerate(step.points):
            needed = _height(assets, (point,), role, room.width, 0)
            last = i == len(step.points) - 1
            if y + needed + (0 if last else more.get_height()) > rect.bottom:
                blit_text(assets, surface, more, "topleft", (rect.left, y))
                return
            dot = assets.text("•", role, palette.ink_soft, bold=True)
            blit_text(assets, surface, dot, "topleft", (rect.left + theme.px(4), y))
            room.top = y
            y = draw_paragraph(surface, assets, point, room, role, palette.ink) + gap


def _height(assets: Assets, points, role: str, width: int, gap: int) -> int:
    """The height of ``points`` wrapped to ``width`` in ``role``, ``gap`` between them."""
    pitch = line_pitch(assets, role)
    return sum(len(wrap(assets, p, role, width)) * pitch + gap for p in points)


def _draw_checks(surface, scene: Scene, assets: Assets, step: WorkshopView, rect) -> None:
    """What completes the step, ticked live: answers, moves, conditions."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    with assets.log.region("checks", rect, surface):
        heading = assets.text(texts["presenter.checks"], "small", palette.ink_soft, bold=True)
        y = blit_text(assets, surface, heading, "topleft", rect.topleft).bottom + theme.px(12)
        y = _draw_answers(surface, scene, assets, step, rect, y)
        y = _draw_moves(surface, scene, assets, step, rect, y)
        for condition in step.conditions:
            if condition.key != "always":
                text = condition_text(condition, scene, texts)
                y = _draw_check(surface, assets, text, condition.holds, rect, y)


def _draw_answers(surface, scene: Scene, assets: Assets, step: WorkshopView, rect, y) -> int:
    """The layer answering now, how many of its pupils are right, who is wrong."""
    if step.layer is None:
        return y
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    neurons = scene.network.layers()[step.layer]
    right = sum(scene.station(n).answer == "right" for n in neurons)
    box = pygame.Rect(rect.left, y, rect.width, 0)
    y = draw_paragraph(surface, assets, texts[f"workshop.layer.{step.layer}"], box, "body")
    count = texts.format("workshop.answered", right=right, count=len(neurons))
    pill = draw_pill(
        surface,
        assets,
        count,
        (rect.left, y + theme.px(6)),
        anchor="topleft",
        role="body",
        fill=palette.ink,
        colour=palette.on_dark,
    )
    wrong = [n for n in neurons if scene.station(n).answer == "wrong"]
    if wrong:
        note = texts.format("presenter.wrong", names=", ".join(wrong))
        label = assets.text(
            note, "small", palette.wrong, bold=True, width=rect.right - pill.right - theme.px(16)
        )
        blit_text(assets, surface, label, "midleft", (pill.right + theme.px(16), pill.centery))
    return pill.bottom + theme.px(16)


def _draw_moves(surface, scene: Scene, assets: Assets, step: WorkshopView, rect, y) -> int:
    """Learning steps: each threshold moved ("vert 6 → 7", red past the step allowed) and
    whether every other digit is still recognised."""
    if step.max_move is None or not step.stations:
        return y
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    x = rect.left
    for move in step.moves:
        name = neuron_name(scene.network, move.neuron, scene.language)
        text = f"{name} {texts.number(move.start)} → {texts.number(move.now)}"
        pill = draw_pill(
            surface,
            assets,
            text,
            (x, y),
            anchor="topleft",
            role="body",
            fill=palette.wrong if move.too_far else palette.ink,
            colour=palette.on_dark,
        )
        x = pill.right + theme.px(12)
    if step.moves:
        y += theme.px(60)
    earlier = [i for i in range(len(scene.digits)) if i != scene.digit_index]
    recognised = scene.recognised()
    kept = all(bool(recognised[i]) for i in earlier)
    key = "workshop.still_recognised" if kept else "workshop.broken"
    return _draw_check(surface, assets, texts[key], kept, rect, y, strong=True)


def _draw_check(surface, assets: Assets, text: str, holds: bool, rect, y, strong=False) -> int:
    """One line of the checklist: ✓ on ink when it holds, an empty box when not yet (✗ in
    red if ``strong``, for something that went wrong)."""
    theme, palette = assets.theme, assets.palette
    size = theme.px(38)
    box = pygame.Rect(rect.left, y, size, size)
    if holds:
        pygame.draw.rect(surface, palette.ink, box, border_radius=theme.px(8))
        mark = assets.text("✓", "body", palette.on_dark, bold=True, ground=palette.ink)
        blit_text(assets, surface, mark, "center", box.center)
    elif strong:
        pygame.draw.rect(surface, palette.wrong, box, border_radius=theme.px(8))
        mark = assets.text("✗", "body", palette.on_dark, bold=True, ground=palette.wrong)
        blit_text(assets, surface, mark, "center", box.center)
    else:
        pygame.draw.rect(surface, palette.ink_soft, box, theme.px(3), border_radius=theme.px(8))
    colour = palette.ink if holds or not strong else palette.wrong
    text_rect = pygame.Rect(box.right + theme.px(14), y, rect.right - box.right - theme.px(14), 0)
    bottom = draw_paragraph(surface, assets, text, text_rect, "body", colour, bold=strong)
    return max(bottom, box.bottom) + theme.px(10)


def _draw_reveal(surface, scene: Scene, assets: Assets, step: WorkshopView, rect) -> None:
    """What *reveal* will show the class, or that it has shown it."""
    if not step.reveal:
        return
    palette = assets.palette
    texts = assets.texts(scene.language)
    with assets.log.region("reveal", rect, surface):
        if step.revealed:
            text = texts["presenter.revealed"]
        else:
            items = ", ".join(texts[f"presenter.secret.{item}"] for item in step.reveal)
            text = texts.format("presenter.reveal", items=items)
        role = fitting_role(assets, text, rect, ("body", "small", "tiny"), bold=True)
        draw_paragraph(surface, assets, text, rect, role, palette.ink_soft, bold=True)


def _draw_end(surface, scene: Scene, assets: Assets, step: WorkshopView, rect) -> None:
    """The banner once the step is complete (or the workshop over)."""
    if not (step.complete or step.finished):
        return
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    text = texts["workshop.finished" if step.finished else "workshop.complete"]
    pygame.draw.rect(surface, palette.ink, rect, border_radius=theme.px(14))
    pad = theme.px(18)
    with assets.log.region("end", rect, surface):
        draw_paragraph(
            surface,
            assets,
            text,
            rect.inflate(-2 * pad, -2 * pad),
            "body",
            palette.on_dark,
            bold=True,
            ground=palette.ink,
        )


def _draw_next(surface, scene: Scene, assets: Assets, step: WorkshopView, rect) -> None:
    """The next step's title (or that this is the last)."""
    palette = assets.palette
    texts = assets.texts(scene.language)
    if step.next_title is None:
        text = texts["presenter.last"]
    else:
        text = texts.format("presenter.next", title=step.next_title)
    with assets.log.region("next", rect, surface):
        draw_paragraph(surface, assets, text, rect, "body", palette.ink_soft)
