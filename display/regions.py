"""The screen's named regions: where every part of every view goes, for one screen size.

Each view is laid out as a few named rectangles, computed here and nowhere else, once per
screen size and shape of the network (the functions are pure and kept by ``lru_cache``):

===================  ===========================================================================
``header``           the strip at the top: the title, a subtitle, the badges on the right
``band``             the reserved band at the bottom: the workshop's question, a visitor's
                     challenge, a warning (only when the scene has something to say there)
``content``          the rest, between them; each view divides it:
``digit``            the digit on show, its bands and counts (network, decision, draw views)
``answer``           the network's answer
``titles``           the network view's layer titles
``card:N``           neuron ``N``'s card on the network view
``ruler:N``          neuron ``N``'s ruler (rulers view; training view)
``outputs``          the output neurons' Oui/Non (decision, draw views)
``counter``,         the training view's iteration counter, loss curve, weight cards and
``curve``,           rulers' heading
``weights``,
``rulers``
``stage``, ``steps`` the attract view's moving example and its three steps
``progress``, …      the presenter view's parts (see :func:`presenter_layout`)
===================  ===========================================================================

Sizes are given on the 1920×1080 design canvas and scaled like everything else
(:class:`display.theme.Theme`). A view draws each part inside its region, and
:class:`display.audit.DrawLog` notes which region each text was drawn in: the layout audit
fails on a text that leaves it.

For a screen that redraws only what changed (a Raspberry Pi's budget), the regions are the
units: a region's rectangle never moves while the screen size, the view and the network stay,
so a frame can redraw a region alone when what the scene puts in it changed, and the log of
the texts drawn in each region (:meth:`display.audit.DrawLog.region_texts`) tells two frames'
regions apart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import pygame

from display.theme import Theme

Box = tuple[int, int, int, int]

#: Design heights of the header strip and of the reserved band at the bottom.
HEADER_HEIGHT = 100
BAND_HEIGHT = 124


@dataclass(frozen=True)
class Layout:
    """Named regions of one screen, in window pixels (``layout["ruler:A"]`` is a new Rect)."""

    size: tuple[int, int]
    boxes: tuple[tuple[str, Box], ...]

    @cached_property
    def _by_name(self) -> dict[str, Box]:
        return dict(self.boxes)

    def __getitem__(self, name: str) -> pygame.Rect:
        box = self._by_name.get(name)
        if box is None:
            raise KeyError(f"no region {name!r} in this layout")
        return pygame.Rect(box)

    def __contains__(self, name: str) -> bool:
        return name in self._by_name

    def names(self, prefix: str = "") -> list[str]:
        """The regions' names, in order, those starting with ``prefix`` if given."""
        return [key for key, _ in self.boxes if key.startswith(prefix)]


def _box(rect: pygame.Rect | Sequence[float]) -> Box:
    x, y, w, h = (round(v) for v in rect)
    return x, y, w, h


@lru_cache(maxsize=64)
def frame_layout(size: tuple[int, int], band: bool) -> Layout:
    """Every class view's frame: ``header``, ``content`` and, if asked for, ``band``."""
    theme = Theme(*size)
    width, height = size
    header = (0, 0, width, theme.px(HEADER_HEIGHT))
    bottom = height - (theme.px(BAND_HEIGHT) if band else 0)
    boxes = [("header", header), ("content", (0, header[3], width, bottom - header[3]))]
    if band:
        boxes.append(("band", (0, bottom, width, height - bottom)))
    return Layout(size, tuple(boxes))


# --- the network view ---------------------------------------------------------------------------


@lru_cache(maxsize=32)
def network_layout(
    size: tuple[int, int],
    band: bool,
    layers: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]],
    grid: tuple[int, int],
) -> Layout:
    """The digit panel on the left with the answer under it, then the three layers' cards,
    left to right as the pupils stand on the floor mat; ``layers`` are the input, hidden and
    output neurons' names, ``grid`` the digit's rows and columns."""
    theme = Theme(*size)
    px = theme.px
    frame = frame_layout(size, band)
    content = frame["content"]
    margin = px(48)
    panel = pygame.Rect(margin, content.top + px(16), px(400), 0)
    rows, cols = grid
    counts_w, counts_h = band_counts_size(theme)
    cell = math.floor(min((panel.width - counts_w) / cols, px(360) / rows))
    panel.height = px(64) + rows * cell + counts_h
    answer = pygame.Rect(panel.left, panel.bottom + px(20), panel.width, 0)
    answer.height = content.bottom - px(16) - answer.top
    left, right = panel.right + px(80), content.right - margin
    widths = (px(224), px(440), px(440))
    free = right - left - sum(widths)
    xs = (left, left + widths[0] + free / 2, right - widths[2])
    titles = pygame.Rect(left, content.top + px(8), right - left, px(44))
    top, bottom = titles.bottom + px(12), content.bottom - px(16)
    boxes: list[tuple[str, Box]] = [
        *frame.boxes,
        ("digit", _box(panel)),
        ("answer", _box(answer)),
        ("titles", _box(titles)),
    ]
    for names, x, w in zip(layers, xs, widths, strict=True):
        pitch = (bottom - top) / len(names)
        height = min(pitch - px(16), px(150))
        for i, name in enumerate(names):
            y = top + i * pitch + (pitch - height) / 2
            boxes.append((f"card:{name}", _box((x, y, w, height))))
    return Layout(size, tuple(boxes))


def band_counts_size(theme: Theme) -> tuple[int, int]:
    """Room the band counts need beside a digit's grid: right of it and below it."""
    return theme.px(150), theme.px(100)


# --- the rulers view ----------------------------------------------------------------------------


@lru_cache(maxsize=32)
def rulers_layout(
    size: tuple[int, int], band: bool, hidden: tuple[str, ...], outputs: tuple[str, ...]
) -> Layout:
    """One ruler per hidden and output neuron, a layer's rulers on rows of their own: the six
    hidden ones three a row, the four outputs two a row (3 + 3 + 2 + 2), so every ruler is
    wide enough for its chips at a size read from the back of the room."""
    theme = Theme(*size)
    px = theme.px
    frame = frame_layout(size, band)
    area = frame["content"].inflate(-2 * px(40), -2 * px(10))
    cells = ruler_grid(area, (hidden, outputs), px(36), px(10), px(18))
    return Layout(size, (*frame.boxes, *((f"ruler:{n}", _box(r)) for r, n in cells)))


def ruler_grid(
    area: pygame.Rect,
    layers: Sequence[Sequence[str]],
    gap_x: int,
    gap_y: int,
    layer_gap: int,
) -> list[tuple[pygame.Rect, str]]:
    """``(rect, neuron)`` for rulers in ``area``: each layer on rows of its own, two rows a
    layer (so half its rulers a row), ``layer_gap`` more between two layers."""
    rows: list[Sequence[str]] = []
    firsts = set()
    for names in layers:
        per_row = max(1, math.ceil(len(names) / 2))
        firsts.add(len(rows))
        rows += [names[i : i + per_row] for i in range(0, len(names), per_row)]
    extra = layer_gap * (len(layers) - 1)
    height = (area.height - gap_y * (len(rows) - 1) - extra) / len(rows)
    cells = []
    y = float(area.top)
    for r, names in enumerate(rows):
        if r and r in firsts:
            y += layer_gap
        width = (area.width - gap_x * (len(names) - 1)) / len(names)
        for c, neuron in enumerate(names):
            x = area.left + c * (width + gap_x)
            cells.append((pygame.Rect(round(x), round(y), round(width), round(height)), neuron))
        y += height + gap_y
    return cells


# --- the decision and draw views ----------------------------------------------------------------


@lru_cache(maxsize=32)
def decision_layout(size: tuple[int, int], band: bool) -> Layout:
    """The digit on the left; on the right the answer, large, and the outputs' Oui/Non."""
    theme = Theme(*size)
    px = theme.px
    frame = frame_layout(size, band)
    body = frame["content"].inflate(-2 * px(48), -2 * px(24))
    digit = pygame.Rect(body.left, body.top, round(body.width * 0.3), body.height)
    right = pygame.Rect(digit.right + px(60), body.top, 0, body.height)
    right.width = body.right - right.left
    outputs = pygame.Rect(right.left, right.bottom - px(150), right.width, px(150))
    answer = pygame.Rect(right.left, right.top, right.width, outputs.top - px(24) - right.top)
    boxes = (("digit", digit), ("answer", answer), ("outputs", outputs))
    return Layout(size, (*frame.boxes, *((n, _box(r)) for n, r in boxes)))


@lru_cache(maxsize=32)
def draw_layout(size: tuple[int, int], band: bool) -> Layout:
    """The canvas on the left; on the right the answer, the outputs, the "add as" tiles."""
    theme = Theme(*size)
    px = theme.px
    frame = frame_layout(size, band)
    body = frame["content"].inflate(-2 * px(48), -2 * px(24))
    canvas = pygame.Rect(body.left, body.top, round(body.width * 0.38), body.height)
    right = pygame.Rect(canvas.right + px(60), body.top, 0, body.height)
    right.width = body.right - right.left
    add = pygame.Rect(right.left, right.bottom - px(160), right.width, px(160))
    outputs = pygame.Rect(right.left, add.top - px(24) - px(130), right.width, px(130))
    answer = pygame.Rect(right.left, right.top, right.width, outputs.top - px(16) - right.top)
    boxes = (("canvas", canvas), ("answer", answer), ("outputs", outputs), ("add", add))
    return Layout(size, (*frame.boxes, *((n, _box(r)) for n, r in boxes)))


# --- the attract view ---------------------------------------------------------------------------


@lru_cache(maxsize=16)
def attract_layout(size: tuple[int, int], band: bool) -> Layout:
    """The title and the invitation; a digit and the network's answer for it; three steps; the
    languages a visitor may choose, at the top right, and how to choose from a station beside
    them."""
    theme = Theme(*size)
    px = theme.px
    width, height = size
    bottom = height - (px(BAND_HEIGHT) if band else 0)
    margin = px(80)
    languages = pygame.Rect(width - px(460), px(16), px(440), px(64))
    hold = pygame.Rect(margin, languages.top, languages.left - px(16) - margin, languages.height)
    title = pygame.Rect(margin, languages.bottom + px(4), width - 2 * margin, px(150))
    invite = pygame.Rect(2 * margin, title.bottom + px(6), width - 4 * margin, px(120))
    steps = pygame.Rect(margin, bottom - px(170), width - 2 * margin, px(150))
    stage = pygame.Rect(margin, invite.bottom + px(20), width - 2 * margin, 0)
    stage.height = steps.top - px(20) - stage.top
    boxes = [
        ("languages", languages),
        ("hold", hold),
        ("title", title),
        ("invite", invite),
        ("stage", stage),
        ("steps", steps),
    ]
    if band:
        boxes.append(("band", pygame.Rect(0, bottom, width, height - bottom)))
    return Layout(size, tuple((n, _box(r)) for n, r in boxes))


# --- the training view --------------------------------------------------------------------------


@lru_cache(maxsize=32)
def training_layout(size: tuple[int, int], band: bool, page: str, names: tuple[str, ...]) -> Layout:
    """The finale: on the left the counter, the loss curve and two neurons' weights; on the
    right the output rulers, one under the other (``page`` ``"output"``). The hidden rulers'
    page (``"hidden"``) gives the whole content to them, three a row."""
    theme = Theme(*size)
    px = theme.px
    frame = frame_layout(size, band)
    content = frame["content"].inflate(-2 * px(48), -2 * px(16))
    heading_h = px(48)
    if page == "hidden":
        rulers = content
        area = pygame.Rect(rulers.left, rulers.top + heading_h, rulers.width, 0)
        area.height = rulers.bottom - area.top
        cells = ruler_grid(area, (names,), px(36), px(12), 0)
        boxes = [("rulers", rulers), *((f"ruler:{n}", r) for r, n in cells)]
        return Layout(size, (*frame.boxes, *((n, _box(r)) for n, r in boxes)))
    left = pygame.Rect(content.left, content.top, round(content.width * 0.37), content.height)
    rulers = pygame.Rect(left.right + px(48), content.top, 0, content.height)
    rulers.width = content.right - rulers.left
    counter = pygame.Rect(left.left, left.top, left.width, px(186))
    weights_h = min(px(300), round(left.height * 0.35))
    weights = pygame.Rect(left.left, left.bottom - weights_h, left.width, weights_h)
    curve = pygame.Rect(left.left, counter.bottom + px(12), left.width, 0)
    curve.height = weights.top - px(20) - curve.top
    area = pygame.Rect(rulers.left, rulers.top + heading_h, rulers.width, 0)
    area.height = rulers.bottom - area.top
    cells = ruler_grid(area, tuple((n,) for n in names), 0, px(8), 0) if names else []
    boxes = [
        ("counter", counter),
        ("curve", curve),
        ("weights", weights),
        ("rulers", rulers),
        *((f"ruler:{n}", r) for r, n in cells),
    ]
    return Layout(size, (*frame.boxes, *((n, _box(r)) for n, r in boxes)))


# --- the presenter view -------------------------------------------------------------------------


@lru_cache(maxsize=16)
def presenter_layout(size: tuple[int, int]) -> Layout:
    """The leader's screen: where the workshop is (``progress``, along the top), the step's
    title and what the class screen asks (``step``), the leader's ``notes`` below them; on the
    right what completes the step (``checks``), what reveal will show (``reveal``), and at the
    bottom the ``next`` step and the ``end`` banner."""
    theme = Theme(*size)
    px = theme.px
    width, height = size
    margin = px(40)
    progress = pygame.Rect(margin, px(20), width - 2 * margin, px(96))
    body_top = progress.bottom + px(16)
    left = pygame.Rect(margin, body_top, round((width - 3 * margin) * 0.58), 0)
    left.height = height - margin - body_top
    right = pygame.Rect(left.right + margin, body_top, 0, left.height)
    right.width = width - margin - right.left
    step = pygame.Rect(left.left, left.top, left.width, px(300))
    notes = pygame.Rect(
        left.left, step.bottom + px(16), left.width, left.bottom - step.bottom - px(16)
    )
    next_step = pygame.Rect(right.left, right.bottom - px(90), right.width, px(90))
    end = pygame.Rect(right.left, next_step.top - px(16) - px(110), right.width, px(110))
    reveal = pygame.Rect(right.left, end.top - px(16) - px(150), right.width, px(150))
    checks = pygame.Rect(right.left, right.top, right.width, reveal.top - px(16) - right.top)
    boxes = (
        ("progress", progress),
        ("step", step),
        ("notes", notes),
        ("checks", checks),
        ("reveal", reveal),
        ("end", end),
        ("next", next_step),
    )
    return Layout(size, tuple((n, _box(r)) for n, r in boxes))
