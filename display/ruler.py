"""A workshop ruler on screen: a neuron's number line, its threshold, every digit as a chip.

In the workshop each hidden and output neuron has a paper ruler. Pupils place a card for every
digit at the neuron's *sum* for that digit; the threshold is marked; a card right of the
threshold is "Oui" (the neuron passes on how far past it is), left is "Non". On an output
ruler a card is on the right side when the neuron says Oui exactly for its own digit.

:func:`ruler_model` turns a scene into that picture as plain data, :func:`ruler_geometry`
places it in a rectangle (both pure), and :func:`draw_ruler` draws it. The training view can
reuse all three with another network.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pygame

from controller.digits import DigitSet
from controller.network import Forward, Network
from controller.scene import Scene
from display.assets import Assets
from display.geometry import Scale, stack_levels, value_range
from display.hotspot import Hotspot
from display.widgets import (
    chip_size,
    digit_fill,
    draw_chip,
    draw_neuron_badge,
    draw_offline_mark,
    draw_pickup,
    draw_pill,
    format_number,
    mix_paper,
    neuron_fill,
    station_state,
)


@dataclass(frozen=True)
class RulerModel:
    """What one ruler shows: a neuron's threshold and each digit's sum on its line."""

    neuron: str
    threshold: float
    sums: tuple[float, ...]  # one per digit of the set
    names: tuple[str, ...]
    labels: tuple[int | None, ...]
    wrong: tuple[bool, ...]  # chip on the wrong side (output rulers only)
    current: int | None  # index of the digit on show
    lo: float
    hi: float

    def side(self, i: int) -> str:
        """``"yes"`` if digit ``i`` is right of the threshold, else ``"no"``."""
        return "yes" if self.sums[i] > self.threshold else "no"


def ruler_model(
    network: Network,
    digits: DigitSet,
    result: Forward,
    neuron: str,
    current: int | None = None,
) -> RulerModel:
    """The ruler of ``neuron`` for every digit of ``digits`` (``result`` = network on them)."""
    layer, index = network.locate(neuron)
    if layer == "hidden":
        sums = result.hidden_sums[:, index]
        wrong = np.zeros(len(sums), dtype=bool)
    else:
        sums = result.output_sums[:, index]
        own = network.outputs[index].label
        labels = digits.labels()
        fires = result.outputs[:, index] > 0
        wrong = (labels >= 0) & (fires != (labels == own))
    threshold = network.threshold(neuron)
    lo, hi = value_range([*sums.tolist(), threshold])
    return RulerModel(
        neuron=neuron,
        threshold=threshold,
        sums=tuple(float(s) for s in sums),
        names=tuple(digits.names()),
        labels=tuple(d.label for d in digits.digits),
        wrong=tuple(bool(w) for w in wrong),
        current=current,
        lo=lo,
        hi=hi,
    )


def scene_ruler(scene: Scene, neuron: str) -> RulerModel:
    """The ruler of ``neuron`` in ``scene`` (its digit set, its thresholds)."""
    return ruler_model(scene.network, scene.digits, scene.set_result, neuron, scene.digit_index)


@dataclass(frozen=True)
class RulerGeometry:
    """Where a ruler's parts go in its rectangle, in window pixels."""

    rect: tuple[int, int, int, int]
    scale: Scale
    baseline: int  # y of the number line
    top: int  # y of the top of the chip area
    chips: tuple[tuple[float, float], ...]  # midbottom of each digit's chip
    chip: tuple[int, int]  # the chips' size (smaller than asked when a pile is tall)
    badge: tuple[int, int]  # centre of the neuron's badge
    badge_radius: int


def ruler_geometry(
    model: RulerModel,
    rect: tuple[int, int, int, int],
    chip: tuple[int, int],
    px,
) -> RulerGeometry:
    """Place ``model`` in ``rect``: badge on the left, number line along the bottom, chips
    stacked above their values so none hides another.

    ``chip`` is the chips' full size and ``px`` turns design pixels into window pixels. When a
    pile is too tall for the rectangle the chips get shorter (down to ``px(24)``), then, past
    that, overlap like a pile of cards. The result depends on the sums, not the threshold, and
    is cached: while a threshold slides, the chips' places are not computed again.
    """
    return _geometry(model.sums, model.lo, model.hi, tuple(rect), tuple(chip), px)


@lru_cache(maxsize=512)
def _geometry(sums, lo, hi, rect, chip, px) -> RulerGeometry:
    x, y, w, h = rect
    label_w = px(112)
    x0, x1 = x + label_w + px(28), x + w - px(28)
    baseline = y + h - px(46)
    top = y + px(4)
    scale = Scale(lo, hi, x0, x1)
    centres = [scale.x(s) for s in sums]
    levels = stack_levels(centres, chip[0], gap=px(4))
    count = max(levels, default=0) + 1
    lowest = baseline - px(6)
    gap = px(3)
    height = max(px(24), min(chip[1], round((lowest - top) / count) - gap))
    pitch = min(height + gap, (lowest - top - height) / max(1, count - 1))
    chips = tuple((cx, lowest - level * pitch) for cx, level in zip(centres, levels, strict=True))
    return RulerGeometry(
        rect=rect,
        scale=scale,
        baseline=baseline,
        top=top,
        chips=chips,
        chip=(chip[0], height),
        badge=(x + label_w // 2, y + h // 2 - px(6)),
        badge_radius=min(px(40), h // 3),
    )


def draw_ruler(
    surface: pygame.Surface,
    scene: Scene,
    assets: Assets,
    model: RulerModel,
    rect: pygame.Rect,
    *,
    static: bool = True,
) -> list[Hotspot]:
    """Draw one ruler in ``rect``; return its chips (to pick a digit) and its slider.

    With ``static=False`` the parts :func:`draw_ruler_static` draws are left out: a view that
    keeps them in a cached layer draws them once, not every frame.
    """
    theme = assets.theme
    network = scene.network
    geometry = ruler_geometry(model, (rect.x, rect.y, rect.w, rect.h), chip_size(assets), theme.px)
    scale = geometry.scale
    marker = round(scale.x(model.threshold))
    colour = neuron_fill(assets, network, model.neuron)
    _draw_sides(surface, scene, assets, geometry, marker, colour)
    if static:
        _draw_axis(surface, assets, geometry)
        _draw_badge(surface, assets, network, model, geometry)
    _draw_chips(surface, assets, network, model, geometry)
    handle = _draw_marker(surface, scene, assets, model, geometry, marker)
    below_badge = (geometry.badge[0], geometry.badge[1] + geometry.badge_radius)
    if station_state(scene, model.neuron) == "offline":
        draw_offline_mark(surface, scene, assets, rect, below_badge, "midtop")
    # A held slider's hint sits beside the threshold, on the side the slider is, its arrow
    # pointing to the threshold: the way to move it.
    gap = theme.px(10)
    if scene.station(model.neuron).pickup == "down":
        draw_pickup(surface, scene, assets, model.neuron, (handle.right + gap, handle.centery))
    else:
        at = (handle.left - gap, handle.centery)
        draw_pickup(surface, scene, assets, model.neuron, at, "midright")
    slider = pygame.Rect(
        round(scale.x0) - theme.px(30),
        rect.top,
        round(scale.x1 - scale.x0) + theme.px(60),
        rect.height,
    )
    w, h = geometry.chip
    chips = [
        Hotspot(pygame.Rect(round(x) - w // 2, round(y) - h, w, h), "digit", index=i)
        for i, (x, y) in enumerate(geometry.chips)
    ]
    # Chips first: a press on a chip shows its digit, anywhere else on the line drags.
    return [*reversed(chips), Hotspot(slider, "slider", neuron=model.neuron, scale=scale)]


def draw_ruler_static(
    surface: pygame.Surface, scene: Scene, assets: Assets, model: RulerModel, rect: pygame.Rect
) -> None:
    """The parts of a ruler that stay while its threshold moves: number line, badge."""
    geometry = ruler_geometry(
        model, (rect.x, rect.y, rect.w, rect.h), chip_size(assets), assets.theme.px
    )
    _draw_axis(surface, assets, geometry)
    _draw_badge(surface, assets, scene.network, model, geometry)


def _draw_badge(surface, assets: Assets, network, model: RulerModel, geometry: RulerGeometry):
    centre, radius = geometry.badge, geometry.badge_radius
    draw_neuron_badge(surface, assets, network, model.neuron, centre, radius)


def _draw_chips(surface, assets: Assets, network, model: RulerModel, geometry: RulerGeometry):
    """Every digit's chip; the one on show last, so no other chip covers it."""
    order = [i for i in range(len(model.names)) if i != model.current]
    if model.current is not None and model.current < len(model.names):
        order.append(model.current)
    for i in order:
        fill = digit_fill(assets, network, model.labels[i])
        draw_chip(
            surface,
            assets,
            model.names[i],
            fill,
            geometry.chips[i],
            current=i == model.current,
            wrong=model.wrong[i],
            size=geometry.chip,
        )


def _draw_axis(surface, assets: Assets, geometry: RulerGeometry) -> None:
    """The number line with round values under it."""
    theme, palette = assets.theme, assets.palette
    scale, y = geometry.scale, geometry.baseline
    pygame.draw.line(surface, palette.ink, (scale.x0, y), (scale.x1, y), theme.px(3))
    for x, label, at in _tick_labels(assets, geometry):
        pygame.draw.line(surface, palette.ink, (x, y), (x, y + theme.px(10)), theme.px(2))
        surface.blit(label, at)


def _tick_labels(
    assets: Assets, geometry: RulerGeometry
) -> list[tuple[int, pygame.Surface, pygame.Rect]]:
    """Each tick's x, its value's text and where that text goes, under the number line."""
    theme, palette = assets.theme, assets.palette
    scale, y = geometry.scale, geometry.baseline
    ticks = scale.ticks(max_ticks=max(4, round((scale.x1 - scale.x0) / theme.px(70))))
    placed = []
    for value in ticks:
        x = round(scale.x(value))
        label = assets.text(format_number(value), "tiny", palette.ink_soft)
        placed.append((x, label, label.get_rect(midtop=(x, y + theme.px(12)))))
    return placed


def _draw_sides(surface, scene, assets: Assets, geometry: RulerGeometry, marker: int, colour):
    """Tint the Oui side with the neuron's colour and name both sides, under the chips."""
    palette, theme = assets.palette, assets.theme
    texts = assets.texts(scene.language)
    scale = geometry.scale
    height = geometry.baseline - geometry.top - theme.px(2)  # the axis line stays visible
    yes_side = pygame.Rect(marker, geometry.top, round(scale.x1) - marker, height)
    pygame.draw.rect(surface, mix_paper(assets, colour, 0.8), yes_side)
    pad = theme.px(10)
    no = assets.text(f"◀ {texts['screen.no']}", "small", palette.ink_soft, bold=True)
    yes = assets.text(f"{texts['screen.yes']} ▶", "small", palette.ink, bold=True)
    w, h = geometry.chip
    chips = [pygame.Rect(round(x) - w // 2, round(y) - h, w, h) for x, y in geometry.chips]
    no_at = no.get_rect(topleft=(round(scale.x0 + pad), round(geometry.top + pad / 2)))
    yes_at = yes.get_rect(topright=(round(scale.x1 - pad), round(geometry.top + pad / 2)))
    # A side's name is left out where the threshold or a chip would cover it.
    if (
        marker - scale.x0 > no.get_width() + 2 * pad
        and no_at.inflate(pad, 0).collidelist(chips) < 0
    ):
        surface.blit(no, no_at)
    if (
        scale.x1 - marker > yes.get_width() + 2 * pad
        and yes_at.inflate(pad, 0).collidelist(chips) < 0
    ):
        surface.blit(yes, yes_at)


def _draw_marker(surface, scene, assets, model: RulerModel, geometry: RulerGeometry, x: int):
    """The threshold: a heavy line across the chips and a handle on the axis with its value.

    Returns the handle's rectangle."""
    theme, palette = assets.theme, assets.palette
    top, axis = geometry.top - theme.px(4), geometry.baseline
    pygame.draw.line(surface, palette.ink, (x, top), (x, axis), theme.px(6))
    texts = assets.texts(scene.language)
    text = f"{texts['screen.threshold']} {format_number(model.threshold)}"
    spot = (x, axis - theme.px(2))
    handle = draw_pill(
        surface, assets, text, spot, anchor="midtop", fill=palette.ink, colour=palette.on_dark
    )
    # The static layer drew every tick value; paper over those the handle half covers, and
    # draw the handle again on top.
    clear = handle.inflate(theme.px(12), 0)
    covered = [at for _, _, at in _tick_labels(assets, geometry) if at.colliderect(clear)]
    for at in covered:
        surface.fill(palette.paper, at.inflate(theme.px(2), 0))
    if covered:
        draw_pill(
            surface, assets, text, spot, anchor="midtop", fill=palette.ink, colour=palette.on_dark
        )
    return handle
