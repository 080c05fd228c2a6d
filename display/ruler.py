"""A workshop ruler on screen: a neuron's number line, its threshold, every digit as a chip.

In the workshop each hidden and output neuron has a paper ruler. Pupils place a card for every
digit at the neuron's *sum* for that digit; the threshold is marked; a card right of the
threshold is "Oui" (the neuron passes on how far past it is), left is "Non". On an output
ruler a card is on the right side when the neuron says Oui exactly for its own digit.

:func:`ruler_model` turns a scene into that picture as plain data, :func:`ruler_geometry`
places it in a rectangle (both pure), and :func:`draw_ruler` draws it. The training view can
reuse all three with another network.

A ruler's rectangle, top to bottom (sizes for 1920×1080):

- the *top row*: "◀ Non" at the left end, the threshold's handle ("seuil 7") on the line, the
  slider's pick-up hint beside it, "Oui ▶" at the right end — a side's name is left out where
  the handle or the hint would cover it;
- the *chips*, in piles that never grow past what the height holds (they spread sideways
  instead, :func:`display.geometry.place_chips`), each wholly on its own side of the line;
- the number line and its round values.

Every text is at least the smallest class font (24 px at 1920×1080).
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
from display.geometry import Scale, place_chips, value_range
from display.hotspot import Hotspot
from display.widgets import (
    blit_text,
    chip_size,
    digit_fill,
    draw_chips,
    draw_neuron_badge,
    draw_offline_mark,
    draw_pill,
    mix_paper,
    neuron_fill,
    offline_tag,
    station_state,
)


@dataclass(frozen=True)
class RulerModel:
    """What one ruler shows: a neuron's threshold and each digit's sum on its line.

    ``marks`` says whether a chip on the wrong side carries its ✗ (the workshop may keep the
    marks back until the leader reveals them).
    """

    neuron: str
    threshold: float
    sums: tuple[float, ...]  # one per digit shown on the ruler
    names: tuple[str, ...]
    labels: tuple[int | None, ...]
    wrong: tuple[bool, ...]  # chip on the wrong side (output rulers only)
    current: int | None  # index of the digit on show
    lo: float
    hi: float
    marks: bool = True

    def side(self, i: int) -> str:
        """``"yes"`` if digit ``i`` is right of the threshold, else ``"no"``."""
        return "yes" if self.sums[i] > self.threshold else "no"


def ruler_model(
    network: Network,
    digits: DigitSet,
    result: Forward,
    neuron: str,
    current: int | None = None,
    shown: tuple[bool, ...] | None = None,
    marks: bool = True,
) -> RulerModel:
    """The ruler of ``neuron`` for the digits of ``digits`` (``result`` = network on them).

    ``shown`` (one flag per digit) leaves out the chips the class has not placed yet; the
    ruler's range stays that of every digit, so the line does not move when they come.
    """
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
    every_sum, every_wrong = sums.tolist(), wrong.tolist()  # plain floats and booleans
    lo, hi = value_range([*every_sum, threshold])
    keep = [i for i in range(len(every_sum)) if shown is None or shown[i]]
    every_digit = digits.digits
    return RulerModel(
        neuron=neuron,
        threshold=threshold,
        sums=tuple(every_sum[i] for i in keep),
        names=tuple(every_digit[i].name for i in keep),
        labels=tuple(every_digit[i].label for i in keep),
        wrong=tuple(every_wrong[i] for i in keep),
        current=keep.index(current) if current in keep else None,
        lo=lo,
        hi=hi,
        marks=marks,
    )


def scene_ruler(scene: Scene, neuron: str) -> RulerModel:
    """The ruler of ``neuron`` in ``scene`` (its digit set, its thresholds), with what the
    workshop keeps back left out: the chips not yet placed and the marks before the reveal."""
    shown = tuple(scene.chip_shown(d.name) for d in scene.digits.digits)
    if not scene.sums_shown(neuron):
        shown = tuple(False for _ in shown)
    return ruler_model(
        scene.network,
        scene.digits,
        scene.set_result,
        neuron,
        scene.digit_index,
        shown,
        marks=not scene.secret("marks"),
    )


@dataclass(frozen=True)
class RulerGeometry:
    """Where a ruler's parts go in its rectangle, in window pixels."""

    rect: tuple[int, int, int, int]
    scale: Scale
    row: int  # y of the middle of the top row (side names, the threshold's handle)
    baseline: int  # y of the number line
    top: int  # y of the top of the chip area
    chips: tuple[tuple[float, float], ...]  # midbottom of each digit's chip
    chip: tuple[int, int]  # the chips' size
    badge: tuple[int, int]  # centre of the neuron's badge
    badge_radius: int


def ruler_geometry(
    model: RulerModel,
    rect: tuple[int, int, int, int],
    chip: tuple[int, int],
    px,
) -> RulerGeometry:
    """Place ``model`` in ``rect``: badge on the left, the top row, the chips in piles above
    their values (:func:`~display.geometry.place_chips`), the number line along the bottom.

    ``chip`` is the chips' size and ``px`` turns design pixels into window pixels. Cached on
    the values, so a frame that changes nothing computes nothing.
    """
    return _geometry(model.sums, model.threshold, model.lo, model.hi, tuple(rect), tuple(chip), px)


@lru_cache(maxsize=512)
def _geometry(sums, threshold, lo, hi, rect, chip, px) -> RulerGeometry:
    x, y, w, h = rect
    label_w = px(96)
    x0, x1 = x + label_w + px(20), x + w - px(24)
    row_h = px(38)
    baseline = y + h - px(34)
    top = y + row_h + px(4)
    scale = Scale(lo, hi, x0, x1)
    gap = px(2)
    lowest = baseline - px(4)
    levels = max(1, (lowest - top + gap) // (chip[1] + gap))
    placed = place_chips(sums, scale, threshold, chip[0], levels, gap=px(4))
    pitch = chip[1] + gap
    chips = tuple((cx, lowest - level * pitch) for cx, level in placed)
    return RulerGeometry(
        rect=rect,
        scale=scale,
        row=y + row_h // 2,
        baseline=baseline,
        top=top,
        chips=chips,
        chip=chip,
        badge=(x + label_w // 2, (top + baseline) // 2),
        badge_radius=min(px(36), (baseline - top) // 2),
    )


def draw_ruler(
    surface: pygame.Surface,
    scene: Scene,
    assets: Assets,
    model: RulerModel,
    rect: pygame.Rect,
    *,
    static: bool = True,
    warning: str | None = None,
) -> list[Hotspot]:
    """Draw one ruler in ``rect``; return its chips (to pick a digit) and its slider.

    With ``static=False`` the parts :func:`draw_ruler_static` draws are left out: a view that
    keeps them in a cached layer draws them once, not every frame. ``warning`` (a red word in
    the top row) replaces the sides' names: "un cran seulement !".
    """
    theme = assets.theme
    network = scene.network
    geometry = ruler_geometry(model, _box(rect), chip_size(assets), theme.px)
    scale = geometry.scale
    marker = round(scale.x(model.threshold))
    colour = neuron_fill(assets, network, model.neuron)
    _draw_sides(surface, assets, geometry, marker, colour)
    if static:
        draw_ruler_static(surface, scene, assets, model, rect)
    pygame.draw.line(
        surface,
        assets.palette.ink,
        (marker, geometry.top - theme.px(4)),
        (marker, geometry.baseline),
        theme.px(6),
    )
    _draw_chips(surface, assets, network, model, geometry)
    if station_state(scene, model.neuron) == "offline":
        draw_offline_mark(surface, scene, assets, rect, None)
        warning = warning or offline_tag(scene, assets)  # in the top row
    _draw_top_row(surface, scene, assets, model, geometry, marker, warning)
    slider = pygame.Rect(
        round(scale.x0) - theme.px(30),
        rect.top,
        round(scale.x1 - scale.x0) + theme.px(60),
        rect.height,
    )
    # Chips first: a press on a chip shows its digit, anywhere else on the line drags.
    chips = _chip_hotspots(assets, scene.digits.names(), model.names, geometry)
    return [*chips, Hotspot(slider, "slider", neuron=model.neuron, scale=scale)]


def _chip_hotspots(assets: Assets, names, shown, geometry: RulerGeometry) -> tuple[Hotspot, ...]:
    """Each chip's hotspot, the last drawn (on top) first, to show its digit: the index of the
    digit ``shown`` names in the scene's set ``names`` (a model may leave some out). Kept while
    the chips stay where they are: a ruler's sixteen are asked for every frame."""
    w, h = geometry.chip

    def hotspots() -> tuple[Hotspot, ...]:
        indexes = [names.index(n) if n in names else i for i, n in enumerate(shown)]
        chips = [
            Hotspot(pygame.Rect(round(x) - w // 2, round(y) - h, w, h), "digit", index=i)
            for i, (x, y) in zip(indexes, geometry.chips, strict=True)
        ]
        return tuple(reversed(chips))

    key = ("chip hotspots", tuple(names), tuple(shown), geometry.chips, w, h)
    return assets.memo(key, hotspots)


def draw_ruler_static(
    surface: pygame.Surface, scene: Scene, assets: Assets, model: RulerModel, rect: pygame.Rect
) -> None:
    """The parts of a ruler that stay while its threshold moves: number line, badge."""
    geometry = ruler_geometry(model, _box(rect), chip_size(assets), assets.theme.px)
    _draw_axis(surface, scene, assets, geometry)
    centre, radius = geometry.badge, geometry.badge_radius
    draw_neuron_badge(surface, assets, scene.network, model.neuron, centre, radius)


def _draw_chips(surface, assets: Assets, network, model: RulerModel, geometry: RulerGeometry):
    """Every digit's chip; the one on show last, so its heavy frame is whole."""
    order = [i for i in range(len(model.names)) if i != model.current]
    if model.current is not None:
        order.append(model.current)
    chips = [
        (
            model.names[i],
            digit_fill(assets, network, model.labels[i]),
            geometry.chips[i],
            i == model.current,
            bool(model.wrong[i] and model.marks),
        )
        for i in order
    ]
    draw_chips(surface, assets, chips, geometry.chip)


def _draw_axis(surface, scene: Scene, assets: Assets, geometry: RulerGeometry) -> None:
    """The number line with round values under it."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    scale, y = geometry.scale, geometry.baseline
    pygame.draw.line(surface, palette.ink, (scale.x0, y), (scale.x1, y), theme.px(3))
    ticks = scale.ticks(max_ticks=max(4, round((scale.x1 - scale.x0) / theme.px(72))))
    for value in ticks:
        x = round(scale.x(value))
        pygame.draw.line(surface, palette.ink, (x, y), (x, y + theme.px(8)), theme.px(2))
        label = assets.text(texts.number(value), "tiny", palette.ink_soft)
        blit_text(assets, surface, label, "midtop", (x, y + theme.px(6)))


def _draw_sides(surface, assets: Assets, geometry: RulerGeometry, marker: int, colour):
    """Tint the Oui side with the neuron's colour, under the chips."""
    scale = geometry.scale
    height = geometry.baseline - geometry.top - assets.theme.px(2)  # the axis stays visible
    yes_side = pygame.Rect(marker, geometry.top, round(scale.x1) - marker, height)
    pygame.draw.rect(surface, mix_paper(assets, colour, 0.8), yes_side)


def _draw_top_row(surface, scene, assets, model: RulerModel, geometry, marker: int, warning):
    """The threshold's handle on the line, the pick-up hint beside it, the sides' names (or a
    warning) where they leave room."""
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    x, _, w, _ = geometry.rect
    left, right = x + theme.px(8), x + w - theme.px(4)
    text = f"{texts['screen.threshold']} {texts.number(model.threshold)}"
    handle = _clamped(assets, text, "tiny", marker, geometry.row, left + theme.px(96), right)
    draw_pill(
        surface, assets, text, handle.center, role="tiny", fill=palette.ink, colour=palette.on_dark
    )
    taken = [handle.inflate(theme.px(12), 0)]
    pickup = scene.station(model.neuron).pickup
    if pickup in ("up", "down"):
        hint = texts[f"screen.stations.pickup_{pickup}"]
        spot = _pill_rect(assets, hint, "tiny")
        # Beside the handle, on the side the slider is ("down": it is above the threshold),
        # else on the other side when the ruler's end leaves no room.
        sides = ("right", "left") if pickup == "down" else ("left", "right")
        for side in sides:
            if side == "right":
                spot.midleft = (handle.right + theme.px(10), geometry.row)
            else:
                spot.midright = (handle.left - theme.px(10), geometry.row)
            if spot.left >= left and spot.right <= right:
                draw_pill(
                    surface,
                    assets,
                    hint,
                    spot.center,
                    role="tiny",
                    fill=palette.ink,
                    colour=palette.on_dark,
                )
                taken.append(spot.inflate(theme.px(12), 0))
                break
    scale = geometry.scale
    if warning is not None:
        size = _pill_rect(assets, warning, "tiny")
        far_right = marker < (scale.x0 + scale.x1) / 2
        spot = size.copy()
        if far_right:
            spot.midright = (round(scale.x1), geometry.row)
        else:
            spot.midleft = (round(scale.x0), geometry.row)
        if spot.collidelist(taken) < 0:
            draw_pill(
                surface,
                assets,
                warning,
                spot.center,
                role="tiny",
                fill=palette.wrong,
                colour=palette.on_dark,
            )
        return
    no = assets.text(f"◀ {texts['screen.no']}", "tiny", palette.ink_soft, bold=True)
    yes = assets.text(f"{texts['screen.yes']} ▶", "tiny", palette.ink, bold=True)
    no_at = no.get_rect(midleft=(round(scale.x0), geometry.row))
    yes_at = yes.get_rect(midright=(round(scale.x1), geometry.row))
    if no_at.collidelist(taken) < 0 and no_at.right < marker:
        blit_text(assets, surface, no, "midleft", no_at.midleft)
    if yes_at.collidelist(taken) < 0 and yes_at.left > marker:
        blit_text(assets, surface, yes, "midright", yes_at.midright)


def _box(rect: pygame.Rect) -> tuple[int, int, int, int]:
    return rect.x, rect.y, rect.w, rect.h


def _pill_rect(assets: Assets, text: str, role: str) -> pygame.Rect:
    label = assets.text(text, role, bold=True)
    return label.get_rect().inflate(assets.theme.px(28), assets.theme.px(10))


def _clamped(assets, text: str, role: str, x: int, y: int, left: int, right: int) -> pygame.Rect:
    """The pill of ``text`` centred on ``(x, y)``, moved inside ``left``…``right``."""
    rect = _pill_rect(assets, text, role)
    rect.center = (x, y)
    rect.left = max(rect.left, left)
    rect.right = min(rect.right, right)
    return rect
