"""The network view: the digit, its bands, and the 16 neurons in three layers as on the mat.

Left, the digit on show on its 9×6 grid with the six bands outlined and counted, and under it
the network's answer. Right of it the three layers, left to right as the pupils stand on the
floor mat: the input neurons (band counts), the hidden neurons A–F and the output neurons in
their workshop colours. Each neuron shows its sum, its threshold and Oui/Non; each edge is
drawn solid for a positive weight and dashed for a negative one, as thick as the value it
carries now, so the eye follows what actually flows through the network.

In the workshop's grandeur nature run the pupils work the numbers out themselves, so the view
keeps secret what they have not yet found: the digit while the step hides it, and each layer's
numbers until the signal has reached it (``scene.signal_layers``). Meanwhile each card shows the
number its pupil is dialling, and "juste" or "faux" once they press OK; the leader may touch a
wrong answer to count it right.
"""

from __future__ import annotations

import math
from functools import lru_cache, partial

import pygame

from controller.scene import Scene
from display.assets import Assets
from display.geometry import Grid
from display.hotspot import Hotspot
from display.regions import Layout, band_counts_size, network_layout
from display.widgets import (
    blit_header,
    blit_text,
    digit_fill,
    draw_answer,
    draw_digit_grid,
    draw_neuron_badge,
    draw_offline_mark,
    draw_pill,
    draw_subtitle,
    draw_yes_no,
    frame_key,
    has_band,
    line_pitch,
    mix_paper,
    station_state,
)


def layout(scene: Scene, surface: pygame.Surface) -> Layout:
    """The view's regions on ``surface``: the frame, ``digit``, ``answer``, ``titles`` and a
    ``card:N`` per neuron."""
    return layout_of(scene, surface.get_size())


def layout_of(scene: Scene, size: tuple[int, int]) -> Layout:
    """The view's regions on a surface of ``size`` (see :func:`layout`)."""
    network = scene.network
    layers = (network.input_names, network.hidden_names, network.output_names)
    grid = (network.rows, network.cols)
    return network_layout(size, has_band(scene), layers, grid)


def digit_grid(scene: Scene, assets: Assets, regions: Layout) -> Grid:
    """Where the digit's grid goes in the ``digit`` region (its name above, counts around)."""
    panel = regions["digit"]
    px = assets.theme.px
    counts_w, counts_h = band_counts_size(assets.theme)
    box = (panel.left, panel.top + px(64), panel.width - counts_w, panel.height - px(64) - counts_h)
    grid = Grid.fitted(box, scene.network.rows, scene.network.cols)
    return Grid(panel.left, panel.top + px(64), grid.rows, grid.cols, grid.cell)


def draw(
    surface: pygame.Surface, scene: Scene, assets: Assets, only: pygame.Rect | None = None
) -> list[Hotspot]:
    """Draw the network view of ``scene``; return the digit arrows and the neuron cards.

    With ``only`` (the window redrawing one card's surroundings, clipped to them: see
    :func:`card_surroundings`), only what meets that rectangle is drawn, as the whole view
    would draw it.
    """
    texts = assets.texts(scene.language)
    title = texts["screen.network.title"]
    regions = layout(scene, surface)
    network = scene.network
    names = (network.input_names, network.hidden_names, network.output_names)
    weights = (network.hidden_weights.tobytes(), network.output_weights.tobytes())
    key = ("network", frame_key(scene), names, weights, regions, scene.shown_layers)
    assets.blit_layer(surface, key, partial(_draw_static, scene, assets, regions))
    blit_header(surface, scene, assets, title)

    def meets(rect: pygame.Rect) -> bool:
        return only is None or only.colliderect(rect)

    if scene.digit_index is not None and not scene.digit_hidden and meets(regions["header"]):
        index, count = scene.digit_index + 1, len(scene.digits)
        position = texts.format("screen.network.position", index=index, count=count)
        draw_subtitle(surface, scene, assets, title, position, "body")
    _draw_edges(surface, scene, assets, regions, weights, only)
    hotspots = []
    around = card_surroundings(scene, assets, regions)
    for name in network.input_names:
        if meets(around[name]):
            with assets.log.region(f"card:{name}", regions[f"card:{name}"], surface):
                _draw_input(surface, scene, assets, name, regions[f"card:{name}"])
    for name in network.hidden_names + network.output_names:
        if meets(around[name]):
            with assets.log.region(f"card:{name}", regions[f"card:{name}"], surface):
                _draw_neuron(surface, scene, assets, name, regions[f"card:{name}"])
    for name in names[0] + names[1] + names[2]:
        if meets(around[name]):
            with assets.log.region(f"card:{name}", around[name], surface):
                card = regions[f"card:{name}"]
                hotspots.extend(_draw_answer_mark(surface, scene, assets, name, card))
    if meets(regions["digit"]):
        with assets.log.region("digit", regions["digit"], surface):
            hotspots.extend(_draw_digit_panel(surface, scene, assets, regions))
    if meets(regions["answer"]):
        box = _answer_box(assets, regions["answer"])
        with assets.log.region("answer", regions["answer"], surface):
            if scene.digit_hidden or scene.shown_layers < 3 or scene.secret("decision"):
                _draw_secret(surface, assets, box, "display")
            else:
                draw_answer(surface, scene, assets, box, assets.palette.card)
    return hotspots


def card_surroundings(scene: Scene, assets: Assets, regions: Layout) -> dict[str, pygame.Rect]:
    """Each neuron's card with what may stand out of it (a ✓, a pill astride its edge)."""
    network = scene.network
    names = network.input_names + network.hidden_names + network.output_names

    def surroundings() -> dict[str, pygame.Rect]:
        margin = 2 * assets.theme.px(24)
        return {name: regions[f"card:{name}"].inflate(margin, margin) for name in names}

    return assets.memo(("surroundings", regions, names), surroundings)


def _draw_secret(surface, assets: Assets, rect: pygame.Rect, role: str) -> None:
    """A big "?" on a quiet card where something is kept secret."""
    theme, palette = assets.theme, assets.palette
    pygame.draw.rect(surface, palette.shade, rect, border_radius=theme.px(14))
    mark = assets.text("?", role, palette.ink_soft, bold=True, ground=palette.shade)
    if mark.get_height() > rect.height:
        mark = assets.text("?", "large", palette.ink_soft, bold=True, ground=palette.shade)
    blit_text(assets, surface, mark, "center", rect.center)


def _draw_static(scene: Scene, assets: Assets, regions: Layout, layer) -> None:
    """What only changes with the language, the mode or the stations: the background layer
    (the header is cached apart: :func:`~display.widgets.blit_header`)."""
    texts = assets.texts(scene.language)
    theme, palette = assets.theme, assets.palette
    layer.fill(palette.paper)
    network = scene.network
    titles = regions["titles"]
    with assets.log.region("titles", titles, layer):
        for column, names in zip(
            ("input", "hidden", "output"), network.layers().values(), strict=True
        ):
            x = regions[f"card:{names[0]}"].centerx
            label = assets.text(texts[f"screen.network.{column}"], "small", palette.ink_soft)
            blit_text(assets, layer, label, "center", (x, titles.centery))
    rect = regions["answer"]
    pygame.draw.rect(layer, palette.card, rect, border_radius=theme.px(18))
    pygame.draw.rect(layer, palette.ink, rect, theme.px(3), border_radius=theme.px(18))
    with assets.log.region("answer", rect, layer):
        caption = assets.text(
            texts["screen.network.answer"], "small", palette.ink_soft, ground=palette.card
        )
        blit_text(assets, layer, caption, "midtop", (rect.centerx, rect.top + theme.px(10)))
    for name in (*network.input_names, *network.hidden_names, *network.output_names):
        card = regions[f"card:{name}"]
        with assets.log.region(f"card:{name}", card, layer):
            _draw_card_static(layer, scene, assets, name, card)


def _draw_card_static(layer, scene: Scene, assets: Assets, name: str, card: pygame.Rect) -> None:
    """A neuron's card as it is when nothing flows: frame, badge or band, name or formula."""
    palette = assets.palette
    _card(layer, assets, card, active=False)
    online = station_state(scene, name) != "offline"  # else the offline tag takes the line
    parts = card_parts(scene, assets, name, card)
    if name in scene.network.input_names:
        band = scene.network.bands[scene.network.input_names.index(name)]
        cell = parts["cell"]
        build = partial(_band_icon, assets, scene.network, band, cell)
        icon = assets.sprite(("band", band, cell), build, keyed=True)
        layer.blit(icon, (parts["icon_x"], card.centery - icon.get_height() // 2))
        if online:  # else the offline tag takes its place
            label = assets.text(name, "tiny", palette.ink_soft, ground=palette.card)
            blit_text(assets, layer, label, "bottomleft", (parts["x"], card.centery))
        return
    draw_neuron_badge(layer, assets, scene.network, name, parts["centre"], parts["radius"])
    if online and parts["formula"] is not None:
        formula = _formula(assets, scene, name)
        blit_text(assets, layer, formula, "midleft", (parts["x"], parts["formula"]))


def card_parts(scene: Scene, assets: Assets, name: str, card: pygame.Rect) -> dict:
    """Where the parts of a neuron's card go (shared by its static and moving parts).

    A hidden or output card has up to three rows right of its badge: the neuron's sum as
    written on its workshop card (the *formula*), its numbers, and its Oui/Non. The formula is
    given up, rather than shrunk, when the card is too short or narrow for it in the smallest
    class font: the numbers matter more.
    """
    px = assets.theme.px
    network = scene.network
    if name in network.input_names:
        cell = max(2, min(px(8), (card.height - px(24)) // network.rows))
        icon_x = card.left + px(16)
        return {"cell": cell, "icon_x": icon_x, "x": icon_x + cell * network.cols + px(18)}
    # Drawn twice a frame for each of ten cards: kept while the card, what it shows and the
    # formula's width stay the same.
    shown, formula = scene.neuron_shown(name), _formula(assets, scene, name).get_width()
    key = ("parts", name, tuple(card), shown, formula)
    return assets.memo(key, lambda: _neuron_parts(assets, card, shown, formula))


def _neuron_parts(assets: Assets, card: pygame.Rect, shown: bool, formula_w: int) -> dict:
    px = assets.theme.px
    radius = min(px(40), card.height // 2 - px(8))
    centre = (card.left + px(14) + radius, card.centery)
    x = centre[0] + radius + px(16)
    width = card.right - px(36) - x  # the top right corner keeps room for an answer's mark
    row_h = line_pitch(assets, "tiny")
    gap = px(4)
    if shown:  # the numbers, and the Oui/Non pill under them
        rows = [line_pitch(assets, "small"), row_h + px(10)]
    else:  # the pupil's number, large
        rows = [line_pitch(assets, "large", bold=True)]
    formula_fits = formula_w <= width and row_h + sum(rows) + gap * len(rows) + px(4) <= card.height
    if formula_fits:
        rows.insert(0, row_h)
    y = card.top + (card.height - sum(rows) - gap * (len(rows) - 1)) / 2
    centres = []
    for h in rows:
        centres.append(round(y + h / 2))
        y += h + gap
    formula = centres.pop(0) if formula_fits else None
    return {
        "radius": radius,
        "centre": centre,
        "x": x,
        "width": width,
        "formula": formula,
        "numbers": centres[0],
        "pill": centres[-1],
    }


def _answer_box(assets: Assets, rect: pygame.Rect) -> pygame.Rect:
    """The part of the decision box under its caption."""
    top = rect.top + assets.theme.px(10) + line_pitch(assets, "small") + assets.theme.px(6)
    return pygame.Rect(rect.left, top, rect.width, rect.bottom - top).inflate(
        -assets.theme.px(30), -assets.theme.px(16)
    )


# --- the digit and the decision --------------------------------------------------------------


def _draw_digit_panel(surface, scene: Scene, assets: Assets, regions: Layout):
    """The digit's name with ◀ ▶ to change it, its grid, its bands and their counts."""
    theme, palette = assets.theme, assets.palette
    grid = digit_grid(scene, assets, regions)
    name_y = regions["digit"].top + theme.px(28)
    if scene.digit_hidden:
        rect = pygame.Rect(round(grid.x), round(grid.y), round(grid.width), round(grid.height))
        _draw_secret(surface, assets, rect, "display")
        pygame.draw.rect(surface, palette.ink, rect, theme.px(3), border_radius=theme.px(14))
        tag = assets.text("?", "large", palette.ink, bold=True)
        blit_text(assets, surface, tag, "center", (rect.centerx, name_y))
        return []
    fill = digit_fill(assets, scene.network, scene.digit.label)
    label = assets.text(scene.digit.name, "large", palette.ink, bold=True, ground=fill)
    plate = label.get_rect(center=(round(grid.x + grid.width / 2), name_y))
    plate.inflate_ip(theme.px(36), theme.px(6))
    pygame.draw.rect(surface, fill, plate, border_radius=theme.px(12))
    pygame.draw.rect(surface, palette.ink, plate, theme.px(3), border_radius=theme.px(12))
    blit_text(assets, surface, label, "center", plate.center)
    hotspots = []
    if scene.digit_index is not None:
        for step, arrow, anchor, x in (
            (-1, "◀", "midright", plate.left),
            (1, "▶", "midleft", plate.right),
        ):
            at = (x + step * theme.px(14), name_y)
            rect = draw_pill(
                surface,
                assets,
                arrow,
                at,
                anchor=anchor,
                role="body",
                fill=palette.ink,
                colour=palette.on_dark,
            )
            index = (scene.digit_index + step) % len(scene.digits)
            hotspots.append(Hotspot(rect.inflate(theme.px(16), theme.px(16)), "digit", index=index))
    counts = scene.result.inputs[0] if scene.shown_layers >= 1 else None
    draw_digit_grid(
        surface, assets, scene.network, grid, scene.digit.pixels, counts, scene.language
    )
    return hotspots


# --- the neurons -------------------------------------------------------------------------------


def _draw_input(surface, scene: Scene, assets: Assets, name: str, card: pygame.Rect) -> None:
    """An input neuron's moving parts: its count, and a heavy frame when it is not 0."""
    theme = assets.theme
    index = scene.network.input_names.index(name)
    count = scene.result.inputs[0, index]
    shown = scene.shown_layers >= 1
    if shown and count > 0:
        _active_frame(surface, assets, card)
    x = card_parts(scene, assets, name, card)["x"]
    if station_state(scene, name) == "offline":
        at = (x, card.centery)
        draw_offline_mark(surface, scene, assets, card, at, "bottomleft", short=True)
    label = _number_label(scene, assets, name, count if shown else None, "large")
    blit_text(assets, surface, label, "topleft", (x, card.centery + theme.px(2)))
    _station_marks(surface, scene, assets, name, card)


def _number_label(scene: Scene, assets: Assets, name: str, value, role: str):
    """A neuron's number: ``value`` when the view may show it, else the number its pupil is
    dialling (soft until right), or "?" before they start."""
    palette = assets.palette
    texts = assets.texts(scene.language)
    if value is not None:
        text, colour = texts.number(value), palette.ink
    else:
        station = scene.station(name)
        entry = station.entry
        text = "?" if entry is None else texts.number(entry)
        colour = palette.ink if station.answer == "right" else palette.ink_soft
    return assets.text(text, role, colour, bold=True, ground=palette.card)


def _band_icon(assets: Assets, network, band, cell: int) -> pygame.Surface:
    """A small grid with the band an input neuron counts filled in."""
    palette = assets.palette
    icon = pygame.Surface((network.cols * cell, network.rows * cell), pygame.SRCALPHA)
    for r in range(network.rows):
        for c in range(network.cols):
            inside = band.rows[0] <= r <= band.rows[1] and band.cols[0] <= c <= band.cols[1]
            colour = palette.ink if inside else palette.shade
            pygame.draw.rect(icon, colour, (c * cell, r * cell, cell - 1, cell - 1))
    return icon


def _draw_neuron(surface, scene: Scene, assets: Assets, name: str, card: pygame.Rect) -> None:
    """A hidden or output neuron's moving parts: sum and threshold, Oui/Non, heavy frame."""
    palette = assets.palette
    network, result = scene.network, scene.result
    layer, index = network.locate(name)
    total = (result.hidden_sums if layer == "hidden" else result.output_sums)[0, index]
    value = (result.hidden if layer == "hidden" else result.outputs)[0, index]
    shown = scene.neuron_shown(name)
    if shown and value > 0:
        _active_frame(surface, assets, card)
    parts = card_parts(scene, assets, name, card)
    x = parts["x"]
    offline = station_state(scene, name) == "offline"
    if offline:  # the tag where the formula was, or else where Oui/Non is
        at = (x, parts["formula"] or parts["pill"])
        draw_offline_mark(surface, scene, assets, card, at, "midleft")
    texts = assets.texts(scene.language)
    threshold = texts.number(network.threshold(name))
    if not shown:
        # The pupil's number in large type where the sum and Oui/Non will be.
        label = _number_label(scene, assets, name, None, "large")
        left = blit_text(assets, surface, label, "midleft", (x, parts["numbers"]))
        rule = f"· {texts['screen.threshold']} {threshold}"
        room = parts["width"] - left.width - assets.theme.px(12)
        hint = assets.text(rule, "tiny", palette.ink_soft, ground=palette.card, width=room)
        blit_text(
            assets, surface, hint, "midleft", (left.right + assets.theme.px(12), left.centery)
        )
        _station_marks(surface, scene, assets, name, card)
        return
    numbers = texts.format("screen.network.numbers", sum=texts.number(total), threshold=threshold)
    label = assets.text(numbers, "small", palette.ink, width=parts["width"], ground=palette.card)
    blit_text(assets, surface, label, "midleft", (x, parts["numbers"]))
    if not (offline and parts["formula"] is None):
        draw_yes_no(surface, scene, assets, value, (x, parts["pill"]), role="tiny")
    _station_marks(surface, scene, assets, name, card)


def _draw_answer_mark(surface, scene: Scene, assets: Assets, name: str, card: pygame.Rect):
    """A round ✓ (right) or ✗ (wrong, with a red frame) on the corner of a card whose pupil
    pressed OK, or the number the leader revealed under the card; a wrong card is a hotspot:
    the leader touches it to count the answer right."""
    station = scene.station(name)
    if station.answer is None and station.expected is None:
        return []
    theme, palette = assets.theme, assets.palette
    texts = assets.texts(scene.language)
    if station.expected is not None and station.answer != "right":
        text = f"{texts['workshop.revealed']} {texts.number(station.expected)}"
        at = (card.right - theme.px(10), card.bottom)  # astride the card's bottom edge
        draw_pill(
            surface,
            assets,
            text,
            at,
            anchor="midright",
            role="tiny",
            fill=palette.ink_soft,
            colour=palette.on_dark,
        )
        return []
    right = station.answer == "right"
    fill = palette.ink if right else palette.wrong
    if not right:
        pygame.draw.rect(surface, palette.wrong, card, theme.px(5), border_radius=theme.px(16))
    radius = theme.px(22)
    centre = (card.right - theme.px(6), card.top + theme.px(6))
    pygame.draw.circle(surface, fill, centre, radius)
    mark = assets.text("✓" if right else "✗", "tiny", palette.on_dark, bold=True, ground=fill)
    blit_text(assets, surface, mark, "center", centre)
    return [] if right else [Hotspot(card, "accept", neuron=name)]


def _formula(assets: Assets, scene: Scene, name: str) -> pygame.Surface:
    """The neuron's formula rendered, cached on its weights (they only change by training)."""
    network = scene.network
    layer, index = network.locate(name)
    weights = (network.hidden_weights if layer == "hidden" else network.output_weights)[index]
    key = ("formula", name, weights.tobytes(), scene.language)

    def build() -> pygame.Surface:
        text = formula_text(network, name, assets.texts(scene.language))
        palette = assets.palette
        return assets.text(text, "tiny", palette.ink_soft, ground=palette.card)

    return assets.memo(key, build)


def formula_text(network, name: str, texts) -> str:
    """A neuron's sum as on its workshop card, added terms first: ``COL2 + COL3 − COL1``.

    A weight other than 1 is written before its neuron, as the workshop's conclusion writes
    them: ``2 × COL2 + COL3 − COL1``, ``0,8 × A − 1,2 × B``.
    """
    terms = sorted(network.formula(name), key=lambda term: term[0] < 0)
    parts: list[str] = []
    for weight, source in terms:
        size = abs(weight)
        term = source if size == 1 else f"{texts.number(size)} × {source}"
        if parts:
            parts.append(f"{'−' if weight < 0 else '+'} {term}")
        else:
            parts.append(f"−{term}" if weight < 0 else term)
    return " ".join(parts)


def _active_frame(surface, assets: Assets, card: pygame.Rect) -> None:
    """The heavy ink frame of a neuron passing something on (a ring: fast to blit)."""
    key = ("frame", card.size)
    surface.blit(assets.sprite(key, partial(_frame_sprite, assets, card.size), keyed=True), card)


def _frame_sprite(assets: Assets, size: tuple[int, int]) -> pygame.Surface:
    sprite = pygame.Surface(size, pygame.SRCALPHA)
    radius, width = assets.theme.px(16), assets.theme.px(5)
    pygame.draw.rect(sprite, assets.palette.ink, sprite.get_rect(), width, border_radius=radius)
    return sprite


def _card(surface, assets: Assets, card: pygame.Rect, active: bool) -> None:
    """A neuron's card: white, with a heavy frame while the neuron passes something on."""
    key = ("card", card.size, active)
    sprite = assets.sprite(key, lambda: _card_sprite(assets, card.size, active), keyed=True)
    surface.blit(sprite, card)


def _card_sprite(assets: Assets, size: tuple[int, int], active: bool) -> pygame.Surface:
    theme, palette = assets.theme, assets.palette
    sprite = pygame.Surface(size, pygame.SRCALPHA)
    rect, radius = sprite.get_rect(), theme.px(16)
    pygame.draw.rect(sprite, palette.card, rect, border_radius=radius)
    frame = theme.px(5) if active else theme.px(2)
    pygame.draw.rect(
        sprite, palette.ink if active else palette.rule, rect, frame, border_radius=radius
    )
    return sprite


def _station_marks(surface, scene: Scene, assets: Assets, name: str, card: pygame.Rect) -> None:
    """The pick-up hint astride the card's bottom edge, if its slider is held."""
    pickup = scene.station(name).pickup
    if pickup not in ("up", "down"):
        return
    texts = assets.texts(scene.language)
    palette = assets.palette
    text = texts[f"screen.stations.pickup_{pickup}"]
    at = (card.right - assets.theme.px(8), card.bottom)
    draw_pill(
        surface,
        assets,
        text,
        at,
        anchor="midright",
        role="tiny",
        fill=palette.ink,
        colour=palette.on_dark,
    )


# --- the edges -------------------------------------------------------------------------------


def _draw_edges(
    surface,
    scene: Scene,
    assets: Assets,
    regions: Layout,
    weights: tuple[bytes, bytes],
    only: pygame.Rect | None = None,
) -> None:
    """Every non-zero weight as an edge, thick with the value it carries now (``weights``:
    the network's weights as bytes, what the edges' geometry is kept under).

    A thick line drawn clipped is not the same line cut: pygame draws it between its
    clipped ends, a pixel off here and there. So for ``only`` the edges are drawn whole on
    an overlay, and the part in ``only`` copied; the overlay is kept while the values stay
    (a table of pupils giving numbers one after the other copies from the same one).
    """
    network, result = scene.network, scene.result
    shown = scene.shown_layers
    inputs = result.inputs[0] if shown >= 1 else 0 * result.inputs[0]
    hidden = result.hidden[0] if shown >= 2 else 0 * result.hidden[0]
    values = (inputs, hidden)
    lines = _edge_lines(network, regions, weights, assets)

    def draw(target: pygame.Surface) -> None:
        for layer, start, end, weight, source in lines:
            _edge(target, assets, start, end, weight, weight * values[layer][source])

    if only is None:
        draw(surface)
        return
    key = ("edges", regions, weights, inputs.tobytes(), hidden.tobytes())
    surface.blit(assets.overlay(surface.get_size(), key, draw), only, only)


def _edge_lines(
    network, regions: Layout, weights: tuple[bytes, bytes], assets: Assets
) -> list[tuple]:
    """Each edge's layer (0: inputs → hidden, 1: hidden → outputs), end points, weight and
    source index: worked out once per layout and weights (a ruler's slide changes neither)."""
    geometry = _edge_geometry(network, regions, assets)
    return assets.memo(("edges", regions, weights), lambda: list(geometry))


def _edge_geometry(network, regions: Layout, assets: Assets):
    layers = (
        (network.input_names, network.hidden_names, network.hidden_weights),
        (network.hidden_names, network.output_names, network.output_weights),
    )
    for layer, (sources, targets, weights) in enumerate(layers):
        for t, target in enumerate(targets):
            fan_in = [s for s in range(len(sources)) if weights[t, s] != 0]
            for k, s in enumerate(fan_in):
                fan_out = [u for u in range(len(targets)) if weights[u, s] != 0]
                start = _port(
                    regions[f"card:{sources[s]}"], "right", fan_out.index(t), len(fan_out), assets
                )
                end = _port(regions[f"card:{target}"], "left", k, len(fan_in), assets)
                yield layer, start, end, float(weights[t, s]), s


def _port(card: pygame.Rect, side: str, k: int, n: int, assets: Assets) -> tuple[float, float]:
    """Where the ``k``-th of ``n`` edges meets a card's side: spread out, not all in one point."""
    spread = min(card.height * 0.6, assets.theme.px(16) * (n - 1))
    y = card.centery + (k - (n - 1) / 2) * (spread / max(1, n - 1))
    return (card.right if side == "right" else card.left), y


def _edge(surface, assets: Assets, start, end, weight: float, carried: float) -> None:
    """One edge: solid if its weight is positive, dashed if negative (colour is not enough for
    every eye), as wide as the value it carries (hairline and faded when it carries nothing).

    Plain ``pygame.draw.line``: anti-aliased polygons look a little smoother but cost five
    times as much, and forty edges must redraw every frame while a ruler slides.
    """
    theme, palette = assets.theme, assets.palette
    colour = palette.positive if weight > 0 else palette.negative
    if carried == 0:
        colour = mix_paper(assets, colour, 0.65)
    width = round(theme.px(2) + theme.unit * 1.8 * math.sqrt(abs(carried)))
    if weight > 0:
        pygame.draw.line(surface, colour, start, end, width)
        return
    for p, q in dashes(start, end, theme.px(44), theme.px(18)):
        pygame.draw.line(surface, colour, p, q, width)


@lru_cache(maxsize=256)
def dashes(start: tuple[float, float], end: tuple[float, float], dash: int, gap: int):
    """The ``(from, to)`` points of the dashes of a dashed line (computed once per edge)."""
    length = math.dist(start, end)
    segments = []
    d = 0.0
    while d < length:
        a, b = d / length, min(d + dash, length) / length
        segments.append((_lerp(start, end, a), _lerp(start, end, b)))
        d += dash + gap
    return tuple(segments)


def _lerp(p, q, t: float) -> tuple[float, float]:
    return p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t
