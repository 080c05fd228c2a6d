"""The training view: the finale, where the computer learns on 16 digits (workshop slides 60–66).

On the left, how far the learning has got: the iteration counter and the score, the error
(the loss) falling iteration after iteration on a curve whose marks are the workshop's
snapshots, and what two neurons have learnt (E, a hidden one, and blue, an output), each weight
and threshold at the start and now. On the right, the rulers as on the tables: the four output
rulers with the 16 digits, and on the last page the six hidden rulers.

While the run goes on (:mod:`controller.trainer`) everything moves live; afterwards the
leader's next/previous turn the pages (:mod:`controller.finale`): the rulers after 100, 1000,
5000, 20000 and 50000 iterations, then the hidden rulers. The rulers are the rulers view's own
(:mod:`display.ruler`), drawn for the network of the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pygame
import pygame.gfxdraw

from controller.finale import count_text, progress_or_start, shown
from controller.network import Network, forward
from controller.scene import Scene
from controller.texts import load_texts
from display.assets import Assets
from display.layout import Scale, nice_step
from display.ruler import draw_ruler, ruler_model
from display.views import Hotspot
from display.widgets import (
    blit_text,
    draw_header,
    draw_message,
    draw_neuron_badge,
    draw_pill,
    format_number,
    header_content,
)

#: The neurons whose weights the view shows, as the workshop's slides do: a hidden one and an
#: output one (the first of these the network has in each layer).
SHOWN_NEURONS = ("E", "3")


@dataclass(frozen=True)
class TrainingLayout:
    """Where the view's parts go (window pixels); the hidden page has only ``rulers``."""

    rulers: pygame.Rect
    counter: pygame.Rect | None = None
    curve: pygame.Rect | None = None  # the curve's frame, its title above it
    weights: pygame.Rect | None = None


def training_layout(assets: Assets, surface: pygame.Surface, layer: str) -> TrainingLayout:
    """The view's parts on ``surface`` for a page of ``layer`` ("output" or "hidden"): pure
    geometry, for drawing and for tests reading the frame back."""
    theme = assets.theme
    content = header_content(surface, assets).inflate(-2 * theme.px(48), -theme.px(40))
    if layer == "hidden":  # the six hidden rulers need the whole screen; the header counts
        return TrainingLayout(rulers=content)
    left = pygame.Rect(content.left, content.top, round(content.width * 0.37), content.height)
    rulers = pygame.Rect(left.right + theme.px(56), content.top, 0, content.height)
    rulers.width = content.right - rulers.left
    number = theme.font_size("display") * 1.05
    pill = theme.font_size("large") * 1.2 + theme.px(10)
    counter = pygame.Rect(left.left, left.top, left.width, round(number + theme.px(14) + pill))
    weights_h = theme.px(310)
    weights = pygame.Rect(left.left, left.bottom - weights_h, left.width, weights_h)
    curve = pygame.Rect(left.left, counter.bottom + theme.px(28), left.width, 0)
    curve.height = weights.top - theme.px(28) - curve.top
    return TrainingLayout(rulers=rulers, counter=counter, curve=curve, weights=weights)


def draw(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the training view of ``scene``; its rulers can only be looked at."""
    palette = assets.palette
    texts = assets.texts(scene.language)
    surface.fill(palette.paper)
    progress = progress_or_start(scene.training, scene.network, scene.digits)
    snapshot, layer = shown(scene.training)
    state = _state(scene, progress, snapshot, layer)
    draw_header(
        surface, scene, assets, texts["screen.training.title"], state, subtitle_role="large"
    )
    if progress is None:  # nothing labelled to learn on
        return []
    network = progress.network if snapshot is None else snapshot.network
    iteration = progress.iteration if snapshot is None else snapshot.iteration
    correct = progress.correct if snapshot is None else snapshot.correct
    layout = training_layout(assets, surface, layer)
    if layout.counter is not None:
        _draw_counter(surface, scene, assets, progress.total, iteration, correct, layout.counter)
        _draw_curve(surface, scene, assets, progress, iteration, layout.curve)
        _draw_weights(surface, scene, assets, progress.start, network, layout.weights)
    _draw_rulers(surface, scene, assets, progress, network, layer, layout.rulers)
    draw_message(surface, scene, assets)
    return []


def _state(scene: Scene, progress, snapshot, layer: str) -> str:
    """What the screen shows, in words: live and learning, done, or after N iterations."""
    texts = load_texts(scene.language)
    if progress is None:
        return texts["screen.training.ready"]
    if snapshot is not None:
        after = texts.format("screen.training.after", count=count_text(snapshot.iteration, texts))
        if layer == "hidden":
            score = texts.format("screen.training.score", k=snapshot.correct, n=progress.total)
            return f"{after} · {score}"
        return after
    if progress.finished:
        return f"{texts['screen.training.live']} · {texts['screen.training.done']}"
    if scene.training.progress is None:
        return texts["screen.training.ready"]
    return f"{texts['screen.training.live']} · {texts['screen.training.learning']}"


# --- the counter -------------------------------------------------------------------------------


def _draw_counter(surface, scene, assets, total: int, iteration: int, correct: int, rect):
    """The iteration reached, large, and under it the score: red until every digit is right."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    number = assets.text(count_text(iteration, texts), "display", palette.ink, bold=True)
    top = blit_text(surface, number, "topleft", (rect.left, rect.top - theme.px(8)))
    word = texts.format("screen.training.counter", count="").strip()
    room = rect.right - top.right - theme.px(18)
    label = assets.text(word, "large", palette.ink_soft, bold=True, width=room)
    blit_text(surface, label, "bottomleft", (top.right + theme.px(18), top.bottom - theme.px(14)))
    score = texts.format("screen.training.score", k=correct, n=total)
    fill = palette.ink if correct == total else palette.wrong
    draw_pill(surface, assets, score, rect.bottomleft, anchor="bottomleft", role="large",
              fill=fill, colour=palette.on_dark)  # fmt: skip


# --- the loss curve ----------------------------------------------------------------------------


def curve_plot(assets: Assets, rect: pygame.Rect) -> pygame.Rect:
    """The curve's plotting area inside its frame ``rect`` (title above, labels around)."""
    theme = assets.theme
    title_h = round(theme.font_size("body") * 1.2)
    plot = pygame.Rect(rect.left + theme.px(76), rect.top + title_h + theme.px(22), 0, 0)
    plot.width = rect.right - plot.left - theme.px(24)
    plot.height = rect.bottom - theme.px(74) - plot.top
    return plot


def curve_scales(progress, plot: pygame.Rect) -> tuple[Scale, Scale]:
    """The x scale (log10 of 1 + iteration) and y scale (loss, 0 at the bottom) of the curve.

    A logarithmic scale gives the first hundred iterations, where most of the learning
    happens, as much room as the last thirty thousand; the marks say where 100 … 50000 are.
    """
    top_loss = _round_up(max(float(progress.curve[0, 1]), 0.1))
    xs = Scale(0.0, math.log10(1 + progress.iterations), plot.left, plot.right)
    return xs, Scale(0.0, top_loss, plot.bottom, plot.top)


def _draw_curve(surface, scene, assets, progress, iteration: int, rect: pygame.Rect) -> None:
    """The loss against the iterations, the snapshots marked, ``iteration``'s point in red."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    title = assets.text(texts["screen.training.curve"], "body", palette.ink, bold=True)
    blit_text(surface, title, "topleft", rect.topleft)
    plot = curve_plot(assets, rect)
    xs, ys = curve_scales(progress, plot)
    top_loss = ys.hi
    # Axes and their labels: the loss on the left, the snapshots' iterations underneath.
    pygame.draw.rect(surface, palette.card, plot)
    for value in _loss_ticks(top_loss):
        y = round(ys.x(value))
        pygame.draw.line(surface, palette.shade, (plot.left, y), (plot.right, y), theme.px(2))
        label = assets.text(format_number(value), "tiny", palette.ink_soft)
        blit_text(surface, label, "midright", (plot.left - theme.px(10), y))
    right_edge = -math.inf  # where the last label on the first line ends
    for mark in (0, *progress.planned):
        x = round(xs.x(math.log10(1 + mark)))
        label = assets.text(count_text(mark, texts), "tiny", palette.ink_soft)
        # A label too close to the one before goes on a second line, with a longer tick.
        low = x - label.get_width() / 2 < right_edge + theme.px(10)
        y = plot.bottom + theme.px(18) + (label.get_height() if low else 0)
        pygame.draw.line(surface, palette.rule, (x, plot.top), (x, y), theme.px(2))
        anchor = "midtop" if mark else "topleft"
        placed = blit_text(surface, label, anchor, (x if mark else plot.left, y))
        if not low:
            right_edge = placed.right
    pygame.draw.rect(surface, palette.ink, plot, theme.px(2))
    # The curve: solid up to the iteration on show, faint after it (a page of the past).
    points = [(xs.x(math.log10(1 + i)), ys.x(loss)) for i, loss in progress.curve]
    solid = [p for (i, _), p in zip(progress.curve, points, strict=True) if i <= iteration]
    after = [p for (i, _), p in zip(progress.curve, points, strict=True) if i >= iteration]
    width = theme.px(5)
    if len(after) > 1:
        pygame.draw.lines(surface, palette.rule, False, after, width)
    if len(solid) > 1:
        pygame.draw.lines(surface, palette.ink, False, solid, width)
    for snap in progress.snapshots:
        at = (xs.x(math.log10(1 + snap.iteration)), ys.x(snap.loss))
        _dot(surface, at, theme.px(8), palette.ink, palette.card)
    loss_now = _loss_at(progress, iteration)
    at = (xs.x(math.log10(1 + iteration)), ys.x(loss_now))
    _dot(surface, at, theme.px(13), palette.wrong, palette.card)
    value = f"{texts['screen.training.loss']} {loss_now:.2f}"
    tag_at = (plot.right - theme.px(12), plot.top + theme.px(12))
    draw_pill(surface, assets, value, tag_at, anchor="topright", role="body", fill=palette.ink,
              colour=palette.on_dark)  # fmt: skip


def _loss_at(progress, iteration: int) -> float:
    """The loss at ``iteration``: a snapshot's, the run's latest, or the curve's nearest."""
    for snap in progress.snapshots:
        if snap.iteration == iteration:
            return snap.loss
    if iteration == progress.iteration:
        return progress.loss
    nearest = abs(progress.curve[:, 0] - iteration).argmin()
    return float(progress.curve[nearest, 1])


def _round_up(x: float) -> float:
    """``x`` rounded up to a step of 1, 2 or 5 × 10ⁿ, so the axis has round ends."""
    step = nice_step(x / 4)
    return math.ceil(x / step - 1e-9) * step


def _loss_ticks(top: float) -> list[float]:
    step = nice_step(top / 4)
    return [k * step for k in range(round(top / step) + 1)]


def _dot(surface, at, radius: int, fill, rim) -> None:
    x, y = round(at[0]), round(at[1])
    pygame.gfxdraw.filled_circle(surface, x, y, radius + 3, rim)
    pygame.gfxdraw.filled_circle(surface, x, y, radius, fill)
    pygame.gfxdraw.aacircle(surface, x, y, radius, fill)


# --- the weights of two neurons ----------------------------------------------------------------


def _draw_weights(surface, scene, assets, start: Network, now: Network, rect) -> None:
    """For each of :data:`SHOWN_NEURONS`, a card: its badge and name, then each weight and its
    threshold, at the start → now."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    neurons = [n for n in SHOWN_NEURONS if n in now.hidden_names + now.output_names]
    if not neurons:
        return
    heading = assets.text(texts["screen.training.weights"], "body", palette.ink, bold=True,
                          width=rect.width)  # fmt: skip
    blit_text(surface, heading, "topleft", rect.topleft)
    top = rect.top + heading.get_height() + theme.px(14)
    rows = {n: _weight_rows(start, now, n, texts["screen.training.threshold"]) for n in neurons}
    gap = theme.px(28)
    width = (rect.width - gap * (len(neurons) - 1)) / len(neurons)
    most = max(len(r) for r in rows.values())
    for k, neuron in enumerate(neurons):
        card = pygame.Rect(round(rect.left + k * (width + gap)), top, round(width), 0)
        card.height = rect.bottom - top
        _weights_card(surface, assets, texts, now, neuron, rows[neuron], most, card)


def _weights_card(surface, assets, texts, now: Network, neuron: str, rows, most: int, card):
    theme, palette = assets.theme, assets.palette
    ground = palette.card
    pygame.draw.rect(surface, ground, card, border_radius=theme.px(14))
    pygame.draw.rect(surface, palette.rule, card, theme.px(2), border_radius=theme.px(14))
    pad = theme.px(14)
    radius = theme.px(24)
    badge = (card.left + pad + radius, card.top + pad + radius)
    draw_neuron_badge(surface, assets, now, neuron, badge, radius)
    name = _neuron_name(now, neuron, texts)
    room = card.right - pad - (badge[0] + radius + theme.px(12))
    title = assets.text(name, "body", palette.ink, bold=True, width=room, ground=ground)
    blit_text(surface, title, "midleft", (badge[0] + radius + theme.px(12), badge[1]))
    top = badge[1] + radius + theme.px(6)
    pitch = (card.bottom - pad - top) / max(1, most)
    role = "body" if pitch >= theme.px(38) else "small" if pitch >= theme.px(31) else "tiny"
    arrow_x = card.left + round(card.width * 0.58)
    for k, (source, before, after) in enumerate(rows):
        y = top + (k + 0.5) * pitch
        label = assets.text(source, role, palette.ink_soft, ground=ground)
        blit_text(surface, label, "midleft", (card.left + pad, y))
        old = assets.text(f"{format_number(before)} →", role, palette.ink_soft, ground=ground)
        blit_text(surface, old, "midright", (arrow_x, y))
        value = f"{after:.2f}".replace("-", "−")
        new = assets.text(value, role, palette.ink, bold=True, ground=ground)
        blit_text(surface, new, "midright", (card.right - pad, y))


def _neuron_name(network: Network, neuron: str, texts) -> str:
    """``E``, or for an output its colour's name: ``bleu``."""
    if neuron in network.output_names:
        output = network.outputs[network.output_names.index(neuron)]
        return output.colour_name.get(texts.language, neuron)
    return neuron


def _weight_rows(start: Network, now: Network, neuron: str, threshold: str):
    """``(source, start, now)`` for each connection of ``neuron`` either network has, and its
    threshold last."""
    layer, index = now.locate(neuron)
    if layer == "hidden":
        sources = now.input_names
        before, after = start.hidden_weights[index], now.hidden_weights[index]
    else:
        sources = now.hidden_names
        before, after = start.output_weights[index], now.output_weights[index]
    rows = [
        (name, float(b), float(a))
        for name, b, a in zip(sources, before, after, strict=True)
        if b != 0 or a != 0
    ]
    rows.append((threshold, start.threshold(neuron), now.threshold(neuron)))
    return rows


# --- the rulers ----------------------------------------------------------------------------------


def _draw_rulers(surface, scene, assets, progress, network, layer: str, rect) -> None:
    """The rulers of ``layer`` for ``network`` with every digit learnt."""
    texts = assets.texts(scene.language)
    title = texts["screen.training.hidden" if layer == "hidden" else "screen.training.outputs"]
    heading = assets.text(title, "body", assets.palette.ink, bold=True)
    blit_text(surface, heading, "topleft", rect.topleft)
    result = forward(network, progress.digits.grids())
    # The rulers belong to the computer's network, not to the stations: no offline marks or
    # pick-up arrows on them.
    quiet = replace(scene, network=network, stations=())
    for cell, neuron in ruler_cells(assets, rect, network, layer):
        model = ruler_model(network, progress.digits, result, neuron)
        draw_ruler(surface, quiet, assets, model, cell)


def ruler_cells(assets: Assets, rect: pygame.Rect, network: Network, layer: str):
    """``(rect, neuron)`` of each ruler in the rulers' part ``rect``, under its heading:
    outputs one under the other, hidden neurons two a row (pure geometry)."""
    theme = assets.theme
    top = rect.top + round(theme.font_size("body") * 1.2) + theme.px(14)
    area = pygame.Rect(rect.left, top, rect.width, rect.bottom - top)
    names = network.hidden_names if layer == "hidden" else network.output_names
    columns = 2 if layer == "hidden" else 1
    cells = _grid(area, len(names), columns, theme.px(40), theme.px(18))
    return list(zip(cells, names, strict=True))


def _grid(area: pygame.Rect, count: int, columns: int, gap_x: int, gap_y: int):
    rows = math.ceil(count / columns)
    width = (area.width - gap_x * (columns - 1)) / columns
    height = (area.height - gap_y * (rows - 1)) / rows
    return [
        pygame.Rect(
            round(area.left + (k % columns) * (width + gap_x)),
            round(area.top + (k // columns) * (height + gap_y)),
            round(width),
            round(height),
        )
        for k in range(count)
    ]
