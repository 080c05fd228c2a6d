"""The training view: the finale, where the computer learns on 16 digits (workshop slides 60–66).

On the left, how far the learning has got: the iteration counter, the error (the loss) falling
iteration after iteration on a curve whose marks are the workshop's snapshots, and what two
neurons have learnt (E, a hidden one, and blue, an output): each weight and threshold at the
start and now. On the right, the rulers as on the tables with the score ("13/16 reconnus"):
the four output rulers with the 16 digits, and on the last page the six hidden rulers, which
then take the whole screen.

While the run goes on everything moves live; afterwards the leader's next/previous turn the
pages: the rulers after 100, 1000, 5000, 20000 and 50000 iterations, then the hidden rulers.
The rulers are the rulers view's own (:mod:`display.ruler`), drawn for the network of the page.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import partial

import numpy as np
import pygame
import pygame.gfxdraw

from controller.network import Network
from controller.scene import Scene, TrainingView
from controller.texts import load_texts
from display.assets import Assets
from display.geometry import Scale, nice_step
from display.hotspot import Hotspot
from display.regions import Layout, training_layout
from display.ruler import draw_ruler, ruler_model
from display.widgets import (
    blit_header,
    blit_text,
    draw_neuron_badge,
    draw_pill,
    draw_subtitle,
    frame_key,
    has_band,
    line_pitch,
    neuron_name,
)

#: The neurons whose weights the view shows, as the workshop's slides do: a hidden one and an
#: output one (the first of these the network has in each layer).
SHOWN_NEURONS = ("E", "3")


def layout(scene: Scene, surface: pygame.Surface, layer: str, network: Network) -> Layout:
    """The view's regions for a page of ``layer`` ("output" or "hidden") of ``network``."""
    names = network.hidden_names if layer == "hidden" else network.output_names
    return training_layout(surface.get_size(), has_band(scene), layer, names)


def draw(surface: pygame.Surface, scene: Scene, assets: Assets) -> list[Hotspot]:
    """Draw the training view of ``scene``; its rulers can only be looked at.

    What stays while the run goes on (titles, the curve's axes, the weight cards and their
    start values) is drawn once in a cached layer; each frame adds what moves.
    """
    texts = assets.texts(scene.language)
    title = texts["screen.training.title"]
    training = scene.training
    progress, layer = training.progress, training.layer
    network = scene.network if training.network is None else training.network
    regions = layout(scene, surface, layer, network)
    rows = () if progress is None else _all_weight_rows(training, texts)
    key = (
        "training",
        frame_key(scene),
        layer,
        None if progress is None else (progress.iterations, progress.planned, _top(progress)),
        rows and tuple((n, tuple((s, b) for s, b, _ in r)) for n, r in rows),
        training.origin,
        regions,
    )
    build = partial(_draw_static, scene, assets, progress, regions, rows)
    assets.blit_layer(surface, key, build)
    blit_header(surface, scene, assets, title)
    draw_subtitle(surface, scene, assets, title, _state(scene), "large")
    if progress is None:  # nothing labelled to learn on
        return []
    with assets.log.region("rulers", regions["rulers"], surface):
        _draw_score(surface, scene, assets, progress.total, training.correct, regions["rulers"])
    if "counter" in regions:
        with assets.log.region("counter", regions["counter"], surface):
            _draw_counter(surface, scene, assets, training.iteration, regions["counter"])
        with assets.log.region("curve", regions["curve"], surface):
            _draw_curve(surface, scene, assets, progress, training.iteration, regions["curve"])
        with assets.log.region("weights", regions["weights"], surface):
            _draw_weight_values(surface, scene, assets, rows, regions["weights"])
    _draw_rulers(surface, scene, assets, training, regions)
    return []


def _draw_static(scene, assets, progress, regions: Layout, rows, layer) -> None:
    """The parts that stay while the network learns, on the cached ``layer``."""
    layer.fill(assets.palette.paper)
    if progress is None:
        return
    texts = assets.texts(scene.language)
    paged = "counter" in regions
    name = "screen.training.outputs" if paged else "screen.training.hidden"
    with assets.log.region("rulers", regions["rulers"], layer):
        heading = assets.text(texts[name], "body", assets.palette.ink, bold=True)
        blit_text(assets, layer, heading, "topleft", regions["rulers"].topleft)
    if paged:
        counter = regions["counter"]
        with assets.log.region("counter", counter, layer):
            origin = texts[f"screen.training.origin.{scene.training.origin}"]
            label = assets.text(origin, "small", assets.palette.ink, bold=True, width=counter.width)
            blit_text(assets, layer, label, "bottomleft", counter.bottomleft)
        with assets.log.region("curve", regions["curve"], layer):
            _draw_curve_axes(layer, scene, assets, progress, regions["curve"])
        with assets.log.region("weights", regions["weights"], layer):
            _draw_weight_cards(layer, scene, assets, progress.network, rows, regions["weights"])


def _state(scene: Scene) -> str:
    """What the screen shows, in words: ready, live and learning, done, or after N iterations."""
    texts = load_texts(scene.language)
    training = scene.training
    progress, snapshot = training.progress, training.snapshot
    if progress is None or progress.iteration == 0:
        return texts["screen.training.ready"]
    if snapshot is not None:
        return texts.format("screen.training.after", count=texts.count_text(snapshot.iteration))
    if progress.finished:
        return f"{texts['screen.training.live']} · {texts['screen.training.done']}"
    return f"{texts['screen.training.live']} · {texts['screen.training.learning']}"


# --- the counter -------------------------------------------------------------------------------


def _draw_counter(surface, scene, assets, iteration: int, rect) -> None:
    """The iteration reached, large."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    number = assets.text(texts.count_text(iteration), "display", palette.ink, bold=True)
    top = blit_text(assets, surface, number, "topleft", rect.topleft)
    word = texts.format("screen.training.counter", count="").strip()
    room = rect.right - top.right - theme.px(18)
    label = assets.text(word, "large", palette.ink_soft, bold=True, width=room)
    blit_text(
        assets, surface, label, "bottomleft", (top.right + theme.px(18), top.bottom - theme.px(14))
    )


def _draw_score(surface, scene, assets, total: int, correct: int, rulers: pygame.Rect) -> None:
    """ "k/16 reconnus" at the right of the rulers' heading: red until every digit is right."""
    palette = assets.palette
    texts = assets.texts(scene.language)
    score = texts.format("screen.training.score", k=correct, n=total)
    fill = palette.ink if correct == total else palette.wrong
    at = (rulers.right, rulers.top + assets.theme.font_size("body") * 0.6)
    draw_pill(
        surface,
        assets,
        score,
        at,
        anchor="midright",
        role="body",
        fill=fill,
        colour=palette.on_dark,
    )


# --- the loss curve ----------------------------------------------------------------------------


def curve_plot(assets: Assets, rect: pygame.Rect) -> pygame.Rect:
    """The curve's plotting area inside its frame ``rect`` (title above, labels around)."""
    theme = assets.theme
    title_h = round(theme.font_size("body") * 1.2)
    plot = pygame.Rect(rect.left + theme.px(76), rect.top + title_h + theme.px(22), 0, 0)
    plot.width = rect.right - plot.left - theme.px(48)  # half the widest iteration's label
    plot.height = rect.bottom - theme.px(74) - plot.top
    return plot


def curve_scales(progress, plot: pygame.Rect) -> tuple[Scale, Scale]:
    """The x scale (log10 of 1 + iteration) and y scale (loss, 0 at the bottom) of the curve.

    A logarithmic scale gives the first hundred iterations, where most of the learning
    happens, as much room as the last thirty thousand; the marks say where 100 … 50000 are.
    """
    xs = Scale(0.0, math.log10(1 + progress.iterations), plot.left, plot.right)
    return xs, Scale(0.0, _top(progress), plot.bottom, plot.top)


def _top(progress) -> float:
    """The top of the loss axis: the starting loss, rounded up."""
    return _round_up(max(float(progress.curve[0, 1]), 0.1))


def _draw_curve_axes(surface, scene, assets, progress, rect: pygame.Rect) -> None:
    """The curve's title, frame, loss values on the left and snapshots' iterations below."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    title = assets.text(texts["screen.training.curve"], "body", palette.ink, bold=True)
    blit_text(assets, surface, title, "topleft", rect.topleft)
    plot = curve_plot(assets, rect)
    xs, ys = curve_scales(progress, plot)
    pygame.draw.rect(surface, palette.card, plot)
    for value in _loss_ticks(ys.hi):
        y = round(ys.x(value))
        pygame.draw.line(surface, palette.shade, (plot.left, y), (plot.right, y), theme.px(2))
        label = assets.text(texts.number(value), "tiny", palette.ink_soft)
        blit_text(assets, surface, label, "midright", (plot.left - theme.px(10), y))
    right_edge = -math.inf  # where the last label on the first line ends
    for mark in (0, *progress.planned):
        x = round(xs.x(math.log10(1 + mark)))
        label = assets.text(texts.count_text(mark), "tiny", palette.ink_soft)
        # A label too close to the one before goes on a second line, with a longer tick.
        low = x - label.get_width() / 2 < right_edge + theme.px(10)
        y = plot.bottom + theme.px(18) + (label.get_height() if low else 0)
        pygame.draw.line(surface, palette.rule, (x, plot.top), (x, y), theme.px(2))
        anchor = "midtop" if mark else "topleft"
        placed = blit_text(assets, surface, label, anchor, (x if mark else plot.left, y))
        if not low:
            right_edge = placed.right
    pygame.draw.rect(surface, palette.ink, plot, theme.px(2))


def _draw_curve(surface, scene, assets, progress, iteration: int, rect: pygame.Rect) -> None:
    """The loss so far: solid up to ``iteration`` (its point in red), faint after it (a page
    of the past), the snapshots dotted, and the loss at ``iteration`` in words."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    plot = curve_plot(assets, rect)
    xs, ys = curve_scales(progress, plot)
    iterations, losses = progress.curve[:, 0], progress.curve[:, 1]
    points = np.column_stack([_positions(xs, np.log10(1 + iterations)), _positions(ys, losses)])
    solid, after = points[iterations <= iteration], points[iterations >= iteration]
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
    value = f"{texts['screen.training.loss']} {texts.number(loss_now, 2)}"
    tag_at = (plot.right - theme.px(12), plot.top + theme.px(12))
    draw_pill(
        surface,
        assets,
        value,
        tag_at,
        anchor="topright",
        role="body",
        fill=palette.ink,
        colour=palette.on_dark,
    )


def _positions(scale: Scale, values: np.ndarray) -> np.ndarray:
    """:meth:`Scale.x` of many values at once (the curve's few hundred points, every frame)."""
    values = np.clip(values, min(scale.lo, scale.hi), max(scale.lo, scale.hi))
    return scale.x0 + (values - scale.lo) * (scale.x1 - scale.x0) / (scale.hi - scale.lo)


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


def _all_weight_rows(training: TrainingView, texts) -> tuple:
    """``(neuron, rows)`` for each of :data:`SHOWN_NEURONS` the network has (see
    :func:`_weight_rows`), for the page's network."""
    progress, now = training.progress, training.network
    if progress is None or now is None:
        return ()
    threshold = texts["screen.training.threshold"]
    names = now.hidden_names + now.output_names
    return tuple(
        (n, _weight_rows(progress.start, now, n, threshold)) for n in SHOWN_NEURONS if n in names
    )


def weight_cards(assets: Assets, rect: pygame.Rect, rows) -> list[tuple[pygame.Rect, list]]:
    """Each card's rectangle and the y of each of its rows, under the section's heading."""
    theme = assets.theme
    top = rect.top + line_pitch(assets, "body", bold=True) + theme.px(10)
    gap = theme.px(28)
    width = (rect.width - gap * (len(rows) - 1)) / max(1, len(rows))
    most = max((len(r) for _, r in rows), default=1)
    cards = []
    for k, (_, card_rows) in enumerate(rows):
        card = pygame.Rect(round(rect.left + k * (width + gap)), top, round(width), 0)
        card.height = rect.bottom - top
        first = card.top + theme.px(12) + 2 * theme.px(22) + theme.px(6)  # under the badge
        pitch = (card.bottom - theme.px(10) - first) / most
        cards.append((card, [first + (j + 0.5) * pitch for j in range(len(card_rows))]))
    return cards


def _row_role(assets: Assets, ys: list) -> str:
    """The font for a card's rows: as large as their spacing allows (never under the smallest
    class font)."""
    pitch = ys[1] - ys[0] if len(ys) > 1 else assets.theme.px(40)
    return next((r for r in ("body", "small") if line_pitch(assets, r) <= pitch), "tiny")


def _columns(assets: Assets, card: pygame.Rect, card_rows, role: str, texts) -> tuple[int, int]:
    """The right edges of a card's "before →" and "now" columns: measured, so a long name
    ("threshold") never runs into the numbers."""
    pad, gap = assets.theme.px(12), assets.theme.px(14)
    widest_now = max(
        assets.text(texts.number(a, 2), role, bold=True).get_width() for _, _, a in card_rows
    )
    now_right = card.right - pad
    return now_right - widest_now - gap, now_right


def _draw_weight_cards(surface, scene, assets, network: Network, rows, rect) -> None:
    """The section's heading, then per neuron a card: badge, name, each source and its value
    at the start (the values now are drawn each frame)."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    if not rows:
        return
    heading = assets.text(
        texts["screen.training.weights"], "body", palette.ink, bold=True, width=rect.width
    )
    blit_text(assets, surface, heading, "topleft", rect.topleft)
    ground, pad, radius = palette.card, theme.px(12), theme.px(22)
    for (neuron, card_rows), (card, ys) in zip(rows, weight_cards(assets, rect, rows), strict=True):
        pygame.draw.rect(surface, ground, card, border_radius=theme.px(14))
        pygame.draw.rect(surface, palette.rule, card, theme.px(2), border_radius=theme.px(14))
        badge = (card.left + pad + radius, card.top + pad + radius)
        draw_neuron_badge(surface, assets, network, neuron, badge, radius)
        name = neuron_name(network, neuron, scene.language)
        room = card.right - pad - (badge[0] + radius + theme.px(12))
        title = assets.text(name, "body", palette.ink, bold=True, width=room, ground=ground)
        blit_text(assets, surface, title, "midleft", (badge[0] + radius + theme.px(12), badge[1]))
        role = _row_role(assets, ys)
        before_right, _ = _columns(assets, card, card_rows, role, texts)
        widest_before = max(
            assets.text(f"{texts.number(b)} →", role, ground=ground).get_width()
            for _, b, _ in card_rows
        )
        room = before_right - widest_before - theme.px(12) - (card.left + pad)
        for (source, before, _), y in zip(card_rows, ys, strict=True):
            label = assets.text(source, role, palette.ink_soft, ground=ground, width=room)
            blit_text(assets, surface, label, "midleft", (card.left + pad, y))
            old = assets.text(f"{texts.number(before)} →", role, palette.ink_soft, ground=ground)
            blit_text(assets, surface, old, "midright", (before_right, y))


def _draw_weight_values(surface, scene, assets, rows, rect) -> None:
    """Each weight and threshold now, at the right of its card's row."""
    palette = assets.palette
    texts = assets.texts(scene.language)
    for (_, card_rows), (card, ys) in zip(rows, weight_cards(assets, rect, rows), strict=True):
        role = _row_role(assets, ys)
        _, now_right = _columns(assets, card, card_rows, role, texts)
        for (_, _, after), y in zip(card_rows, ys, strict=True):
            value = texts.number(after, 2)
            new = assets.text(value, role, palette.ink, bold=True, ground=palette.card)
            blit_text(assets, surface, new, "midright", (now_right, y))


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


def _draw_rulers(surface, scene, assets, training: TrainingView, regions: Layout) -> None:
    """The rulers of the page's layer for the page's network with every digit learnt (under
    the heading)."""
    network, progress, result = training.network, training.progress, training.result
    if network is None or progress is None or result is None:
        return
    # The rulers belong to the computer's network, not to the stations: no offline marks or
    # pick-up arrows on them.
    quiet = replace(scene, network=network, stations=(), workshop=None)
    names = network.hidden_names if training.layer == "hidden" else network.output_names
    for neuron in names:
        cell = regions[f"ruler:{neuron}"]
        with assets.log.region(f"ruler:{neuron}", cell, surface):
            model = ruler_model(network, progress.digits, result, neuron)
            draw_ruler(surface, quiet, assets, model, cell)
