"""The parts every view is made of: header, badges, chips, the digit grid, paragraphs.

Each function draws one thing at a given place, from plain values, and caches whatever does
not change (chips and badges are sprites, text is rendered once). Sizes are in design pixels
(1920×1080) through ``assets.theme.px``.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pygame
import pygame.gfxdraw

from controller.network import Network
from controller.scene import Scene
from controller.texts import Texts
from display.assets import Assets
from display.geometry import Grid
from display.hotspot import Hotspot
from display.theme import Colour, mix

#: Design height of the header strip every view starts with.
HEADER_HEIGHT = 100


# --- text ----------------------------------------------------------------------------------


def blit_text(
    surface: pygame.Surface, text: pygame.Surface, anchor: str, at: tuple[float, float]
) -> pygame.Rect:
    """Blit a rendered text with one of its rect's points (``"center"``, ``"midleft"``…) at ``at``.

    Returns where it went.
    """
    rect = text.get_rect(**{anchor: (round(at[0]), round(at[1]))})
    surface.blit(text, rect)
    return rect


def wrap(assets: Assets, text: str, role: str, width: int, bold: bool = False) -> list[str]:
    """Split ``text`` into lines that fit ``width`` pixels in font ``role`` (newlines kept)."""
    font = assets.cache.font(assets.theme.font_size(role), "bold" if bold else "regular")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}".strip()
            if line and font.size(candidate)[0] > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def draw_paragraph(
    surface: pygame.Surface,
    assets: Assets,
    text: str,
    rect: pygame.Rect,
    role: str = "body",
    colour: Colour | None = None,
    *,
    bold: bool = False,
    align: str = "left",
    spacing: float = 1.25,
    ground: Colour | None = None,
) -> int:
    """Draw ``text`` wrapped to ``rect``'s width from its top; return the y below the last line."""
    line_height = round(assets.theme.font_size(role) * spacing)
    y = rect.top
    for line in wrap(assets, text, role, rect.width, bold):
        if line:
            rendered = assets.text(line, role, colour, bold=bold, width=rect.width, ground=ground)
            anchor = {"left": "topleft", "center": "midtop", "right": "topright"}[align]
            x = {"left": rect.left, "center": rect.centerx, "right": rect.right}[align]
            blit_text(surface, rendered, anchor, (x, y))
        y += line_height
    return y


# --- header and banners --------------------------------------------------------------------


def draw_header(
    surface: pygame.Surface,
    scene: Scene,
    assets: Assets,
    title: str,
    subtitle: str | None = None,
    *,
    subtitle_role: str = "body",
) -> pygame.Rect:
    """The strip at the top of a view: its title, a subtitle, the mode, offline stations.

    The subtitle (a score, a hint) takes the room between the title and the right-hand badges
    and shrinks to fit it; views that cache the strip in a static layer draw it apart with
    :func:`draw_subtitle`. Returns the rectangle left for the view's content below the strip.
    """
    theme, palette = assets.theme, assets.palette
    width = surface.get_width()
    bar, margin = theme.px(HEADER_HEIGHT), theme.px(48)
    middle = bar / 2
    blit_text(surface, assets.text(title, "title", bold=True), "midleft", (margin, middle))
    right = width - margin
    banner = _offline_banner(scene, assets)
    if banner is not None:
        right = blit_text(surface, banner, "midright", (right, middle)).left
    mode = _mode_label(scene, assets)
    if mode is not None:
        blit_text(surface, mode, "midright", (right - theme.px(24), middle))
    if subtitle:
        draw_subtitle(surface, scene, assets, title, subtitle, subtitle_role)
    pygame.draw.line(surface, palette.rule, (margin, bar), (width - margin, bar), theme.px(2))
    return header_content(surface, assets)


def header_content(surface: pygame.Surface, assets: Assets) -> pygame.Rect:
    """The rectangle below the header strip."""
    width, height = surface.get_size()
    bar = assets.theme.px(HEADER_HEIGHT)
    return pygame.Rect(0, bar, width, height - bar)


def header_key(scene: Scene, title: str) -> tuple:
    """Everything the header strip (without subtitle) depends on, for a static layer's key."""
    return (title, scene.language, scene.mode, tuple(scene.offline()))


def draw_subtitle(
    surface: pygame.Surface, scene: Scene, assets: Assets, title: str, subtitle: str, role: str
) -> None:
    """The header's subtitle, in the room between the title and the badges on the right."""
    theme, palette = assets.theme, assets.palette
    margin, middle = theme.px(48), theme.px(HEADER_HEIGHT) / 2
    left = margin + assets.text(title, "title", bold=True).get_width() + theme.px(60)
    right = surface.get_width() - margin
    for badge in (_offline_banner(scene, assets), _mode_label(scene, assets)):
        if badge is not None:
            right -= badge.get_width() + theme.px(24)
    room = right - left - theme.px(40)
    label = assets.text(subtitle, role, palette.ink_soft, bold=role != "body", width=room)
    blit_text(surface, label, "midleft", (left, middle))


def _mode_label(scene: Scene, assets: Assets) -> pygame.Surface | None:
    if scene.mode == "visitor":
        return None
    texts = assets.texts(scene.language)
    return assets.text(texts[f"screen.mode.{scene.mode}"], "small", assets.palette.ink_soft)


def _offline_banner(scene: Scene, assets: Assets) -> pygame.Surface | None:
    """The red "⚠ hors ligne : A, 3" pill, or None if every station is online."""
    offline = scene.offline()
    if not offline:
        return None
    texts = assets.texts(scene.language)
    message = texts.format("screen.stations.offline_banner", names=", ".join(offline))
    palette = assets.palette
    pill = partial(_pill_sprite, assets, message, "body", palette.offline, palette.on_dark, None)
    return assets.sprite(("banner", message), pill, keyed=True)


def draw_offline_banner(
    surface: pygame.Surface, scene: Scene, assets: Assets, midright: tuple[float, float]
) -> float:
    """The red "⚠ hors ligne : A, 3" pill ending at ``midright`` if any station is offline.

    Returns the x left of it (``midright``'s x when nothing is offline).
    """
    banner = _offline_banner(scene, assets)
    if banner is None:
        return midright[0]
    return blit_text(surface, banner, "midright", midright).left


def draw_message(surface: pygame.Surface, scene: Scene, assets: Assets) -> None:
    """The scene's message (a challenge, a hint) as a banner along the bottom, if any."""
    if not scene.message:
        return
    texts = assets.texts(scene.language)
    try:
        message = texts[scene.message]
    except KeyError:
        message = scene.message  # a script may pass a sentence of its own
    theme, palette = assets.theme, assets.palette
    width, height = surface.get_size()
    band = pygame.Rect(0, height - theme.px(96), width, theme.px(96))
    pygame.draw.rect(surface, palette.ink, band)
    room = width - theme.px(96)
    label = assets.text(
        message, "large", palette.on_dark, bold=True, width=room, ground=palette.ink
    )
    blit_text(surface, label, "center", band.center)


def draw_pill(
    surface: pygame.Surface,
    assets: Assets,
    text: str,
    at: tuple[float, float],
    *,
    anchor: str = "center",
    role: str = "small",
    fill: Colour | None = None,
    colour: Colour | None = None,
    outline: Colour | None = None,
) -> pygame.Rect:
    """A rounded label (a tag, a Oui/Non badge, a button); returns its rectangle."""
    key = ("pill", text, role, fill, colour, outline)
    sprite = assets.sprite(
        key, partial(_pill_sprite, assets, text, role, fill, colour, outline), keyed=True
    )
    rect = sprite.get_rect(**{anchor: (round(at[0]), round(at[1]))})
    surface.blit(sprite, rect)
    return rect


def _pill_sprite(assets: Assets, text, role, fill, colour, outline) -> pygame.Surface:
    theme = assets.theme
    label = assets.text(text, role, colour, bold=True, ground=fill or assets.palette.paper)
    rect = label.get_rect().inflate(theme.px(28), theme.px(10))
    sprite = pygame.Surface(rect.size, pygame.SRCALPHA)
    rect.topleft = (0, 0)
    if fill is not None:
        pygame.draw.rect(sprite, fill, rect, border_radius=rect.height // 2)
    if outline is not None:
        pygame.draw.rect(sprite, outline, rect, theme.px(3), border_radius=rect.height // 2)
    blit_text(sprite, label, "center", rect.center)
    return sprite


def draw_yes_no(
    surface: pygame.Surface,
    scene: Scene,
    assets: Assets,
    value: float,
    at: tuple[float, float],
    anchor: str = "midleft",
) -> pygame.Rect:
    """The Oui/Non badge of a neuron: filled "Oui +4" when past its threshold, hollow "Non"."""
    texts = assets.texts(scene.language)
    palette = assets.palette
    if value > 0:
        text = f"{texts['screen.yes']} +{format_number(value)}"
        return draw_pill(
            surface, assets, text, at, anchor=anchor, fill=palette.ink, colour=palette.on_dark
        )
    no = texts["screen.no"]
    return draw_pill(
        surface, assets, no, at, anchor=anchor, colour=palette.ink_soft, outline=palette.ink_soft
    )


def format_number(x: float) -> str:
    """A whole number as such, anything else with one decimal: ``4``, ``3.5``, ``−2``."""
    x = float(x)
    text = str(round(x)) if abs(x - round(x)) < 1e-9 else f"{x:.1f}"
    return text.replace("-", "−")


# --- neurons -------------------------------------------------------------------------------


def neuron_fill(assets: Assets, network: Network, neuron: str) -> Colour:
    """A neuron's badge colour: its workshop colour for an output, ink otherwise."""
    if neuron in network.output_names:
        return assets.theme.output_colour(
            network, network.outputs[network.output_names.index(neuron)].label
        )
    return assets.palette.ink


def draw_neuron_badge(
    surface: pygame.Surface,
    assets: Assets,
    network: Network,
    neuron: str,
    centre: tuple[float, float],
    radius: int,
) -> None:
    """The round badge of a neuron with its name, as painted on the floor mat."""
    fill = neuron_fill(assets, network, neuron)
    palette = assets.palette
    ink = palette.on_dark if fill == palette.ink else palette.ink

    def build() -> pygame.Surface:
        size = 2 * radius + 4
        sprite = pygame.Surface((size, size), pygame.SRCALPHA)
        c = size // 2
        pygame.gfxdraw.aacircle(sprite, c, c, radius, palette.ink)
        pygame.gfxdraw.filled_circle(sprite, c, c, radius, palette.ink)
        if fill != palette.ink:  # a light fill inside an ink rim, so yellow holds on paper
            inner = radius - assets.theme.px(4)
            pygame.gfxdraw.aacircle(sprite, c, c, inner, fill)
            pygame.gfxdraw.filled_circle(sprite, c, c, inner, fill)
        role = "large" if len(neuron) <= 2 else "small"
        label = assets.text(neuron, role, ink, bold=True, width=round(radius * 1.6), ground=fill)
        blit_text(sprite, label, "center", (c, c))
        return sprite

    sprite = assets.sprite(("badge", neuron, radius, fill), build, keyed=True)
    blit_text(surface, sprite, "center", centre)


def station_state(scene: Scene, neuron: str) -> str:
    """``"online"``, ``"offline"`` or ``"none"`` (no station known for this neuron)."""
    online = scene.station(neuron).online
    return "none" if online is None else ("online" if online else "offline")


def draw_offline_mark(
    surface: pygame.Surface,
    scene: Scene,
    assets: Assets,
    rect: pygame.Rect,
    tag_at: tuple[float, float],
    anchor: str = "midleft",
) -> pygame.Rect:
    """Mark ``rect`` as an offline station's: red hatching and frame, and a "⚠ hors ligne" tag
    placed with its ``anchor`` at ``tag_at``. Returns the tag's rectangle."""
    theme, palette = assets.theme, assets.palette
    hatch = assets.sprite(("hatch", rect.size), lambda: _hatching(assets, rect.size))
    surface.blit(hatch, rect)
    pygame.draw.rect(surface, palette.offline, rect, theme.px(5), border_radius=theme.px(14))
    texts = assets.texts(scene.language)
    tag = f"⚠ {texts['screen.stations.offline']}"
    return draw_pill(
        surface,
        assets,
        tag,
        tag_at,
        anchor=anchor,
        role="tiny",
        fill=palette.offline,
        colour=palette.on_dark,
    )


def _hatching(assets: Assets, size: tuple[int, int]) -> pygame.Surface:
    sprite = pygame.Surface(size, pygame.SRCALPHA)
    step = assets.theme.px(18)
    colour = (*assets.palette.offline, 70)
    w, h = size
    for x in range(-h, w, step):
        pygame.draw.line(sprite, colour, (x, h), (x + h, 0), assets.theme.px(4))
    return sprite


def draw_pickup(surface, scene: Scene, assets: Assets, neuron: str, at, anchor="midleft"):
    """If ``neuron``'s slider must be moved to catch the software threshold, say which way."""
    pickup = scene.station(neuron).pickup
    if pickup not in ("up", "down"):
        return None
    texts = assets.texts(scene.language)
    text = texts[f"screen.stations.pickup_{pickup}"]
    return draw_pill(
        surface,
        assets,
        text,
        at,
        anchor=anchor,
        role="small",
        fill=assets.palette.ink,
        colour=assets.palette.on_dark,
    )


# --- chips (the digit cards on the rulers) -------------------------------------------------


def chip_size(assets: Assets) -> tuple[int, int]:
    """Width and height of a digit chip in window pixels."""
    return assets.theme.px(64), assets.theme.px(38)


def draw_chip(
    surface: pygame.Surface,
    assets: Assets,
    name: str,
    fill: Colour,
    midbottom: tuple[float, float],
    *,
    current: bool = False,
    wrong: bool = False,
    size: tuple[int, int] | None = None,
) -> pygame.Rect:
    """A digit's chip, as the workshop's cards: glyph and suit in ink on the digit's colour.

    ``current`` (the digit on show) gets a heavy frame; ``wrong`` (on the wrong side of its
    ruler) a red ✗ corner. ``size`` overrides :func:`chip_size`. Returns the chip's rectangle.
    """
    w, h = size or chip_size(assets)
    sprite = assets.sprite(
        ("chip", name, fill, current, wrong, w, h),
        lambda: _chip_sprite(assets, name, fill, current, wrong, (w, h)),
        keyed=True,
    )
    pad = assets.theme.px(12)
    x, y = round(midbottom[0]), round(midbottom[1])
    surface.blit(sprite, (x - w // 2 - pad, y - h - pad))
    return pygame.Rect(x - w // 2, y - h, w, h)


def _chip_sprite(assets, name, fill, current, wrong, size) -> pygame.Surface:
    theme, palette = assets.theme, assets.palette
    w, h = size
    pad = theme.px(12)
    sprite = pygame.Surface((w + 2 * pad, h + 2 * pad), pygame.SRCALPHA)
    body = pygame.Rect(pad, pad, w, h)
    radius = theme.px(10)
    pygame.draw.rect(sprite, fill, body, border_radius=radius)
    frame = theme.px(5) if current else theme.px(2)
    pygame.draw.rect(sprite, palette.ink, body.inflate(frame, frame), frame, border_radius=radius)
    role = "small" if h >= theme.px(34) else "tiny"
    label = assets.text(name, role, palette.ink, bold=True, width=w - theme.px(8), ground=fill)
    blit_text(sprite, label, "center", body.center)
    if wrong:
        r = theme.px(14)
        cx, cy = body.right - theme.px(2), body.top + theme.px(2)
        pygame.gfxdraw.filled_circle(sprite, cx, cy, r, palette.wrong)
        pygame.gfxdraw.aacircle(sprite, cx, cy, r, palette.wrong)
        cross = assets.text("✗", "tiny", palette.on_dark, bold=True, ground=palette.wrong)
        blit_text(sprite, cross, "center", (cx, cy))
    return sprite


def digit_fill(assets: Assets, network: Network, label: int | None) -> Colour:
    """A digit chip's colour: the colour of the output neuron that should recognise it."""
    return assets.theme.output_colour(network, label)


# --- the digit grid ------------------------------------------------------------------------


def draw_digit_grid(
    surface: pygame.Surface,
    assets: Assets,
    network: Network,
    grid: Grid,
    pixels: np.ndarray,
    counts: np.ndarray | None = None,
) -> None:
    """A digit's pixels with its bands outlined and, given ``counts``, each band's count.

    Column bands (spanning every row) are labelled under the grid, row bands (spanning every
    column) to its right, as the workshop cuts the paper digit into strips.
    """
    pad = assets.theme.px(5)
    key = ("grid", pixels.tobytes(), pixels.shape, grid.cell, network.bands)
    sprite = assets.sprite(key, lambda: _grid_sprite(assets, network, grid, pixels, pad), True)
    surface.blit(sprite, (round(grid.x) - pad, round(grid.y) - pad))
    if counts is not None:
        _draw_band_counts(surface, assets, network, grid, counts)


def _grid_sprite(assets: Assets, network: Network, grid: Grid, pixels, pad: int):
    """The grid drawn once at the origin (plus ``pad`` for the thick band lines)."""
    theme, palette = assets.theme, assets.palette
    size = (round(grid.width) + 2 * pad, round(grid.height) + 2 * pad)
    sprite = pygame.Surface(size, pygame.SRCALPHA)
    grid = Grid(pad, pad, grid.rows, grid.cols, grid.cell)
    for r in range(grid.rows):
        for c in range(grid.cols):
            x, y, w, h = grid.cell_rect(r, c)
            colour = palette.pixel_on if pixels[r, c] else palette.pixel_off
            pygame.draw.rect(sprite, colour, (round(x), round(y), round(w) + 1, round(h) + 1))
    for r in range(grid.rows + 1):
        y = round(grid.y + r * grid.cell)
        pygame.draw.line(sprite, palette.rule, (grid.x, y), (grid.x + grid.width, y))
    for c in range(grid.cols + 1):
        x = round(grid.x + c * grid.cell)
        pygame.draw.line(sprite, palette.rule, (x, grid.y), (x, grid.y + grid.height))
    thick = theme.px(5)
    for band in network.bands:
        if _spans_rows(band, grid):  # a column band: vertical boundaries
            for c in (band.cols[0], band.cols[1] + 1):
                x = round(grid.x + c * grid.cell)
                pygame.draw.line(sprite, palette.ink, (x, grid.y), (x, grid.y + grid.height), thick)
        if _spans_cols(band, grid):  # a row band: horizontal boundaries
            for r in (band.rows[0], band.rows[1] + 1):
                y = round(grid.y + r * grid.cell)
                pygame.draw.line(sprite, palette.ink, (grid.x, y), (grid.x + grid.width, y), thick)
    return sprite


def _spans_rows(band, grid: Grid) -> bool:
    return band.rows == (0, grid.rows - 1)


def _spans_cols(band, grid: Grid) -> bool:
    return band.cols == (0, grid.cols - 1) and not _spans_rows(band, grid)


def _draw_band_counts(surface, assets, network, grid: Grid, counts) -> None:
    theme, palette = assets.theme, assets.palette
    gap = theme.px(14)
    for band, count in zip(network.bands, counts, strict=True):
        name = assets.text(band.name, "tiny", palette.ink_soft)
        value = assets.text(format_number(count), "large", palette.ink, bold=True)
        if _spans_rows(band, grid):
            x = grid.x + (band.cols[0] + band.cols[1] + 1) / 2 * grid.cell
            top = blit_text(surface, value, "midtop", (x, grid.y + grid.height + gap))
            blit_text(surface, name, "midtop", (x, top.bottom))
        else:
            y = grid.y + (band.rows[0] + band.rows[1] + 1) / 2 * grid.cell
            left = blit_text(surface, value, "midleft", (grid.x + grid.width + gap * 1.5, y))
            blit_text(surface, name, "midleft", (left.right + gap / 2, y))


def band_counts_size(assets: Assets) -> tuple[int, int]:
    """Room the band counts need: right of the grid and below it, in window pixels."""
    return assets.theme.px(150), assets.theme.px(96)


def mix_paper(assets: Assets, colour: Colour, t: float) -> Colour:
    """``colour`` faded ``t`` of the way to the paper colour (for quiet tints)."""
    return mix(colour, assets.palette.paper, t)


# --- the digit strip (every digit of the set, recognised or not) ---------------------------


def draw_digit_strip(
    surface: pygame.Surface, scene: Scene, assets: Assets, rect: pygame.Rect
) -> list:
    """Every digit of the set as a chip with ✓ (recognised) or ✗ under it, in rows.

    The digit on show is framed; pressing a chip shows that digit. Returns the hotspots.
    """
    theme, palette = assets.theme, assets.palette
    w, h = chip_size(assets)
    pitch_x, pitch_y = w + theme.px(22), h + theme.px(62)
    per_row = max(1, (rect.width + theme.px(22)) // pitch_x)
    recognised = scene.recognised()
    hotspots = []
    for i, digit in enumerate(scene.digits.digits):
        row, col = divmod(i, per_row)
        x = rect.left + col * pitch_x + w // 2
        bottom = rect.top + row * pitch_y + h + theme.px(6)
        if bottom + theme.px(50) > rect.bottom:
            break  # more digits than room: the strip shows the first ones
        fill = digit_fill(assets, scene.network, digit.label)
        chip = draw_chip(
            surface, assets, digit.name, fill, (x, bottom), current=i == scene.digit_index
        )
        if digit.label is not None:
            mark, colour = ("✓", palette.ink) if recognised[i] else ("✗", palette.wrong)
            label = assets.text(mark, "body", colour, bold=True)
            blit_text(surface, label, "midtop", (x, chip.bottom + theme.px(4)))
        hotspots.append(Hotspot(chip.inflate(theme.px(12), theme.px(12)), "digit", index=i))
    return hotspots


# --- the decision --------------------------------------------------------------------------


def decision_text(scene: Scene, texts: Texts) -> str:
    """The network's answer on the digit on show, worded: ``"3"``, ``"pas reconnu"``, …"""
    decision = scene.decision
    return texts.decision(decision.status, decision.digits)


def draw_answer(
    surface: pygame.Surface,
    scene: Scene,
    assets: Assets,
    rect: pygame.Rect,
    ground: Colour | None = None,
) -> None:
    """The network's answer filling ``rect``: the digit on a tile of its colour (with the
    colour's name), "pas reconnu" in words, or "ambigu : 0 et 6" with both tiles."""
    palette = assets.palette
    texts = assets.texts(scene.language)
    decision = scene.decision
    sentence = decision_text(scene, texts)
    if decision.status == "none":
        role = "display" if rect.height > assets.theme.px(300) else "large"
        lines = wrap(assets, sentence, role, rect.width, bold=True)
        height = len(lines) * assets.theme.font_size(role) * 1.2
        box = pygame.Rect(rect.left, round(rect.centery - height / 2), rect.width, round(height))
        draw_paragraph(
            surface,
            assets,
            sentence,
            box,
            role,
            bold=True,
            align="center",
            spacing=1.2,
            ground=ground,
        )
        return
    caption_role = "body" if decision.status == "clear" else "large"
    caption_h = assets.theme.font_size(caption_role) * 1.6
    n = len(decision.digits)
    gap = assets.theme.px(24)
    size = round(min(rect.height - caption_h, (rect.width - gap * (n - 1)) / n))
    total = n * size + (n - 1) * gap
    x = rect.centerx - total // 2
    top = round(rect.centery - (size + caption_h) / 2)
    for digit in decision.digits:
        draw_digit_tile(surface, assets, scene.network, digit, pygame.Rect(x, top, size, size))
        x += size + gap
    if decision.status == "clear":
        output = next(o for o in scene.network.outputs if o.label == decision.digits[0])
        caption = output.colour_name.get(scene.language, "")
        colour = palette.ink_soft
    else:
        caption, colour = sentence, palette.wrong
    label = assets.text(caption, caption_role, colour, bold=True, width=rect.width, ground=ground)
    blit_text(surface, label, "midtop", (rect.centerx, top + size + assets.theme.px(10)))


def draw_digit_tile(
    surface, assets: Assets, network: Network, digit: int, tile: pygame.Rect
) -> None:
    """A square tile in the colour of ``digit``'s output neuron with the digit, large, in ink."""
    theme, palette = assets.theme, assets.palette
    radius = max(4, tile.width // 8)
    pygame.draw.rect(
        surface, assets.theme.output_colour(network, digit), tile, border_radius=radius
    )
    pygame.draw.rect(surface, palette.ink, tile, theme.px(4), border_radius=radius)
    role = next(
        r for r in ("huge", "display", "title", "large") if theme.font_size(r) < tile.height * 0.85
    )
    fill = assets.theme.output_colour(network, digit)
    glyph = assets.text(str(digit), role, palette.ink, bold=True, ground=fill)
    blit_text(surface, glyph, "center", tile.center)
