"""The guided workshop's step column, beside whatever view the step shows.

In workshop mode the screen keeps the step's view (network, rulers, decision…) on its left and
gives its right third to the step, in large type for the class at the back of the room:

- where the workshop is: "Étape 3 sur 15 · Grandeur nature", a dot per step (touch one to
  jump to it), the time spent against the time planned;
- the step's title and what the class must do now;
- in a grandeur nature run, the layer whose pupils answer and how many are right;
- in a learning step, each threshold moved ("vert 6 → 7", red when past the one step allowed)
  and whether every earlier digit is still recognised;
- the conditions that complete the step, ticked as they hold;
- the leader's talking points, smaller, for the leader standing by the screen;
- once complete, "Étape terminée : « suivant » pour continuer".

Like every view it draws from the scene alone; the texts come from ``data/texts`` and the
script's own words, already in the scene's language.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pygame

from controller.scene import ConditionView, Scene, WorkshopView
from controller.texts import Texts
from display.assets import Assets
from display.hotspot import DrawView, Hotspot
from display.widgets import (
    blit_text,
    draw_paragraph,
    draw_pill,
    format_number,
    mix_paper,
    wrap,
)

#: The share of the screen's width the step column takes.
COLUMN_SHARE = 0.3


def draw_with_step(
    surface: pygame.Surface, scene: Scene, assets: Assets, view: DrawView
) -> list[Hotspot]:
    """Draw the ``view`` on the left of ``surface`` and the step column on its right.

    The view is drawn at the origin of its own part, so its hotspots (sliders included) need
    no moving; the column's are moved to where the column is.
    """
    width, height = surface.get_size()
    column_w = round(width * COLUMN_SHARE)
    left = pygame.Rect(0, 0, width - column_w, height)
    hotspots = view(surface.subsurface(left), scene, assets.scaled(left.size))
    column = pygame.Rect(left.right, 0, column_w, height)
    spots = draw_step_column(surface.subsurface(column), scene, assets)
    return hotspots + [replace(s, rect=s.rect.move(column.topleft)) for s in spots]


def draw_step_column(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """The step, its task, its progress and the leader's notes on all of ``surface``."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    step = scene.workshop
    if step is None:  # not the guided workshop: no step to show
        return []
    width, height = surface.get_size()
    surface.fill(mix_paper(assets, palette.ink, 0.9))
    pygame.draw.line(surface, palette.rule, (0, 0), (0, height), theme.px(3))
    pad = theme.px(32)
    inner = pygame.Rect(pad, pad, width - 2 * pad, height - 2 * pad)
    y, hotspots = _draw_progress(surface, scene, assets, step, inner)
    y = draw_paragraph(
        surface,
        assets,
        step.title,
        pygame.Rect(inner.left, y, inner.width, 0),
        "large",
        bold=True,
        spacing=1.15,
    )
    y = _draw_task(surface, assets, step, pygame.Rect(inner.left, y + theme.px(14), inner.width, 0))
    y += theme.px(18)
    y = _draw_answers(surface, scene, assets, step, inner, y)
    y = _draw_moves(surface, scene, assets, step, inner, y)
    for condition in step.conditions:
        if condition.key != "always":
            y = _draw_check(
                surface, assets, condition_text(condition, scene, texts), condition.holds, inner, y
            )
    bottom = _draw_end(surface, scene, assets, step, inner)
    _draw_points(surface, scene, assets, step, pygame.Rect(inner.left, y, inner.width, 0), bottom)
    return hotspots


def _draw_progress(surface, scene: Scene, assets: Assets, step: WorkshopView, inner):
    """ "ÉTAPE 3 SUR 15 · GRANDEUR NATURE", the time, and a dot per step (touch: jump)."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    where = texts.format("workshop.step", index=step.index + 1, count=step.count)
    phase = texts.entries.get(f"workshop.phase.{step.phase}")
    line = f"{where} · {phase}" if phase else where
    label = assets.text(line, "small", palette.ink_soft, bold=True, width=inner.width)
    y = blit_text(surface, label, "topleft", inner.topleft).bottom + theme.px(12)
    hotspots = []
    ids = step.steps or (step.step,)
    radius = theme.px(9)
    cy = y + radius + theme.px(2)
    right = inner.right
    elapsed = max(0.0, scene.t - step.started_at) / 60
    if step.minutes:
        clock = texts.format(
            "workshop.minutes", elapsed=math.floor(elapsed), minutes=format_number(step.minutes)
        )
        label = assets.text(clock, "tiny", palette.ink_soft)
        right = blit_text(surface, label, "midright", (inner.right, cy)).left - theme.px(16)
    pitch = min(theme.px(30), (right - inner.left - 2 * radius) / max(1, len(ids) - 1))
    for i, step_id in enumerate(ids):
        cx = round(inner.left + radius + i * pitch)
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
    return cy + radius + theme.px(24), hotspots


def _draw_task(surface, assets: Assets, step: WorkshopView, rect: pygame.Rect) -> int:
    """What the class must do now, on a white card: the line everyone reads from afar."""
    theme, palette = assets.theme, assets.palette
    pad = theme.px(18)
    lines = wrap(assets, step.task, "body", rect.width - 2 * pad, bold=True)
    line_h = round(theme.font_size("body") * 1.2)
    card = pygame.Rect(rect.left, rect.top, rect.width, len(lines) * line_h + 2 * pad)
    pygame.draw.rect(surface, palette.card, card, border_radius=theme.px(14))
    pygame.draw.rect(surface, palette.ink, card, theme.px(3), border_radius=theme.px(14))
    draw_paragraph(
        surface,
        assets,
        step.task,
        card.inflate(-2 * pad, -2 * pad),
        "body",
        bold=True,
        spacing=1.2,
        ground=palette.card,
    )
    return card.bottom


def _draw_answers(surface, scene: Scene, assets: Assets, step: WorkshopView, inner, y) -> int:
    """The layer answering now and how many of its pupils are right."""
    if step.layer is None:
        return y
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    neurons = scene.network.layers()[step.layer]
    right = sum(scene.station(n).answer == "right" for n in neurons)
    y = draw_paragraph(
        surface,
        assets,
        texts[f"workshop.layer.{step.layer}"],
        pygame.Rect(inner.left, y, inner.width, 0),
        "body",
        palette.ink,
    )
    count = texts.format("workshop.answered", right=right, count=len(neurons))
    pill = draw_pill(
        surface,
        assets,
        count,
        (inner.left, y + theme.px(6)),
        anchor="topleft",
        role="body",
        fill=palette.ink,
        colour=palette.on_dark,
    )
    wrong = [n for n in neurons if scene.station(n).answer == "wrong"]
    if wrong:
        note = f"{texts['workshop.wrong']} : {', '.join(wrong)}"
        label = assets.text(note, "small", palette.wrong, bold=True)
        blit_text(surface, label, "midleft", (pill.right + theme.px(16), pill.centery))
    return pill.bottom + theme.px(18)


def _draw_moves(surface, scene: Scene, assets: Assets, step: WorkshopView, inner, y) -> int:
    """Learning steps: each threshold moved ("vert 6 → 7") and whether the others still hold."""
    if step.max_move is None or not step.stations:
        return y
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    x = inner.left
    for move in step.moves:
        text = f"{neuron_name(scene, move.neuron)} {format_number(move.start)} → "
        text += format_number(move.now)
        fill = palette.wrong if move.too_far else palette.ink
        pill = draw_pill(
            surface,
            assets,
            text,
            (x, y),
            anchor="topleft",
            role="body",
            fill=fill,
            colour=palette.on_dark,
        )
        x = pill.right + theme.px(12)
    if step.moves:
        y += theme.px(56)
    earlier = [i for i in range(len(scene.digits)) if i != scene.digit_index]
    recognised = scene.recognised()
    kept = all(bool(recognised[i]) for i in earlier)
    key = "workshop.still_recognised" if kept else "workshop.broken"
    return _draw_check(surface, assets, texts[key], kept, inner, y, strong=True)


def _draw_check(surface, assets: Assets, text: str, holds: bool, inner, y, strong=False) -> int:
    """One line of the checklist: ✓ on ink when it holds, ○ when not yet (✗ in red if
    ``strong``, for something that went wrong)."""
    theme, palette = assets.theme, assets.palette
    size = theme.px(38)
    box = pygame.Rect(inner.left, y, size, size)
    if holds:
        pygame.draw.rect(surface, palette.ink, box, border_radius=theme.px(8))
        mark = assets.text("✓", "body", palette.on_dark, bold=True, ground=palette.ink)
        blit_text(surface, mark, "center", box.center)
    elif strong:
        pygame.draw.rect(surface, palette.wrong, box, border_radius=theme.px(8))
        mark = assets.text("✗", "body", palette.on_dark, bold=True, ground=palette.wrong)
        blit_text(surface, mark, "center", box.center)
    else:
        pygame.draw.rect(surface, palette.ink_soft, box, theme.px(3), border_radius=theme.px(8))
    colour = palette.ink if holds or not strong else palette.wrong
    text_rect = pygame.Rect(box.right + theme.px(14), y + theme.px(1), 0, 0)
    text_rect.width = inner.right - text_rect.left
    bottom = draw_paragraph(
        surface, assets, text, text_rect, "body", colour, bold=strong, spacing=1.15
    )
    return max(bottom, box.bottom) + theme.px(10)


def _draw_end(surface, scene: Scene, assets: Assets, step: WorkshopView, inner) -> int:
    """The banner at the bottom once the step is complete (or the workshop over); returns
    the top of what it took (the column's bottom if nothing)."""
    if not (step.complete or step.finished):
        return inner.bottom
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    text = texts["workshop.finished" if step.finished else "workshop.complete"]
    pad = theme.px(18)
    lines = wrap(assets, text, "body", inner.width - 2 * pad, bold=True)
    height = round(len(lines) * theme.font_size("body") * 1.2) + 2 * pad
    band = pygame.Rect(inner.left, inner.bottom - height, inner.width, height)
    pygame.draw.rect(surface, palette.ink, band, border_radius=theme.px(14))
    draw_paragraph(
        surface,
        assets,
        text,
        band.inflate(-2 * pad, -2 * pad),
        "body",
        palette.on_dark,
        bold=True,
        spacing=1.2,
        ground=palette.ink,
    )
    return band.top


def _draw_points(surface, scene: Scene, assets: Assets, step: WorkshopView, rect, bottom):
    """The leader's talking points, as many as fit above ``bottom`` (then "…")."""
    if not step.points:
        return
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    top = rect.top + theme.px(14)
    pygame.draw.line(surface, palette.rule, (rect.left, top), (rect.right, top), theme.px(2))
    heading = assets.text(texts["workshop.leader"], "tiny", palette.ink_soft, bold=True)
    y = blit_text(surface, heading, "topleft", (rect.left, top + theme.px(10))).bottom
    y += theme.px(8)
    bullet_w = theme.px(26)
    room = pygame.Rect(rect.left + bullet_w, 0, rect.width - bullet_w, 0)
    limit = bottom - theme.px(12)
    # Small type if the first point fits so, else tiny: the leader reads from close by.
    role = "small"
    if y + _height(assets, step.points[0], "small", room.width) > limit:
        role = "tiny"
    more = assets.text("…", role, palette.ink_soft, bold=True)
    for i, point in enumerate(step.points):
        last = i == len(step.points) - 1
        room_left = limit - (0 if last else more.get_height())  # room for "…" after it
        if y + _height(assets, point, role, room.width) > room_left:
            if y + more.get_height() <= limit:
                blit_text(surface, more, "topleft", (rect.left, y))
            return
        dot = assets.text("•", role, palette.ink_soft, bold=True)
        blit_text(surface, dot, "topleft", (rect.left + theme.px(4), y))
        room.top = y
        y = draw_paragraph(surface, assets, point, room, role, palette.ink_soft, spacing=1.2)
        y += theme.px(8)


def _height(assets: Assets, text: str, role: str, width: int) -> int:
    """The height of ``text`` wrapped to ``width`` in ``role`` (line spacing 1.2)."""
    lines = wrap(assets, text, role, width)
    return round(len(lines) * assets.theme.font_size(role) * 1.2)


def condition_text(condition: ConditionView, scene: Scene, texts: Texts) -> str:
    """A condition worded in the scene's language (the data file's sentence if no text)."""
    key = f"condition.{condition.key}"
    if key not in texts.entries:
        return condition.text
    values = dict(condition.values)
    if "neuron" in values:
        values["neuron"] = neuron_name(scene, values["neuron"], texts.language)
    if "value" in values:
        values["value"] = format_number(float(values["value"]))
    try:
        return texts.format(key, **values)
    except (KeyError, ValueError):
        return condition.text


def neuron_name(scene: Scene, neuron: str, language: str | None = None) -> str:
    """How people call a neuron: an output by its colour ("vert"), the others by name."""
    network = scene.network
    if neuron not in network.output_names:
        return neuron
    output = network.outputs[network.output_names.index(neuron)]
    return output.colour_name.get(language or scene.language, neuron)
