"""The parts every view is made of: header, band, badges, chips, the digit grid, paragraphs.

Each function draws one thing at a given place, from plain values, and caches whatever does
not change (chips and badges are sprites, text is rendered once). Sizes are in design pixels
(1920×1080) through ``assets.theme.px``. Every text placed on the screen goes through
:func:`blit_text` (or a widget that notes the text of its sprite), so the frame's log
(:mod:`display.audit`) holds every text drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial

import numpy as np
import pygame
import pygame.gfxdraw

from controller.network import Network
from controller.scene import ConditionView, Scene
from controller.texts import Texts
from display.assets import Assets
from display.geometry import Grid
from display.regions import Layout, frame_layout
from display.theme import Colour, mix

# --- text ----------------------------------------------------------------------------------


def blit_text(
    assets: Assets,
    surface: pygame.Surface,
    text: pygame.Surface,
    anchor: str,
    at: tuple[float, float],
) -> pygame.Rect:
    """Blit a rendered text (from :meth:`Assets.text`) with one of its rect's points
    (``"center"``, ``"midleft"``…) at ``at``; it is noted in the frame's log when ``surface``
    is the screen's (not a sprite's). Returns where it went.
    """
    rect = text.get_rect(**{anchor: (round(at[0]), round(at[1]))})
    surface.blit(text, rect)
    if assets.log.notes:
        note_text(assets, surface, text, rect)
    return rect


def note_text(
    assets: Assets, surface: pygame.Surface, label: pygame.Surface, box: pygame.Rect
) -> None:
    """Note in the frame's log a text drawn inside a sprite placed on ``surface``, where its
    ``label`` (from :meth:`Assets.text`) lies: ``box``."""
    described = assets.described(label)
    if described is not None:
        assets.log.text(surface, described[0], described[1], box)


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
    line_height = line_pitch(assets, role, bold, spacing)
    y = rect.top
    for line in wrap(assets, text, role, rect.width, bold):
        if line:
            rendered = assets.text(line, role, colour, bold=bold, width=rect.width, ground=ground)
            anchor = {"left": "topleft", "center": "midtop", "right": "topright"}[align]
            x = {"left": rect.left, "center": rect.centerx, "right": rect.right}[align]
            blit_text(assets, surface, rendered, anchor, (x, y))
        y += line_height
    return y


# --- header and band -----------------------------------------------------------------------

#: Seconds before the visitor mode's idle time-out from which the band counts down.
COUNTDOWN_S = 15.0


def has_band(scene: Scene) -> bool:
    """Whether the scene's screen keeps the band at the bottom for what it has to say: the
    workshop's question, a visitor's challenge, a warning (:func:`band_message`)."""
    return scene.workshop is not None or scene.visitor is not None or bool(scene.message)


def scene_frame(scene: Scene, surface: pygame.Surface):
    """The frame regions (header, content, band) of ``scene`` on ``surface``."""
    return frame_layout(surface.get_size(), has_band(scene))


def header_title(scene: Scene, title: str) -> str:
    """The header's title: in the workshop the step's own, else the view's ``title``."""
    return scene.workshop.title if scene.workshop is not None else title


def draw_header(
    surface: pygame.Surface,
    scene: Scene,
    assets: Assets,
    title: str,
    subtitle: str | None = None,
    *,
    subtitle_role: str = "body",
    frame: Layout | None = None,
) -> pygame.Rect:
    """The strip at the top of a view: its title (the step's in the workshop), a subtitle, and
    on the right the badges: the mode, offline stations, a visitor's challenge.

    The subtitle (a score, a hint) takes the room between the title and the badges; views
    that cache the strip (:func:`blit_header`) draw it apart with :func:`draw_subtitle`.
    Returns the rectangle left for the view's content (above the band, if the scene has one).
    ``frame`` is the view's frame when ``surface`` is not the whole view (the cached strip).
    """
    theme, palette = assets.theme, assets.palette
    frame = frame or scene_frame(scene, surface)
    header = frame["header"]
    margin = theme.px(48)
    with assets.log.region("header", header, surface):
        label = _title_label(scene, assets, title, header.width)
        blit_text(assets, surface, label, "midleft", (margin, header.centery))
        right = header.right - margin
        for text, fill, colour in header_badges(scene, assets):
            at = (right, header.centery)
            if fill is None:
                badge = assets.text(text, "small", colour)
                right = blit_text(assets, surface, badge, "midright", at).left
            else:
                pill = draw_pill(
                    surface, assets, text, at, anchor="midright", fill=fill, colour=colour
                )
                right = pill.left
            right -= theme.px(24)
        if subtitle:
            draw_subtitle(surface, scene, assets, title, subtitle, subtitle_role)
    y = header.bottom
    pygame.draw.line(surface, palette.rule, (margin, y), (header.right - margin, y), theme.px(2))
    return frame["content"]


def _title_label(scene: Scene, assets: Assets, title: str, width: int) -> pygame.Surface:
    """The header's title, at most half the strip wide."""
    return assets.text(header_title(scene, title), "title", bold=True, width=width // 2)


def header_badges(scene: Scene, assets: Assets) -> list[tuple[str, Colour | None, Colour]]:
    """The header's badges, right to left, as ``(text, fill, colour)``: the offline stations
    (a red pill), the mode (plain text, not in the visitor mode), the visitor's challenge."""
    texts = assets.texts(scene.language)
    palette = assets.palette
    badges: list[tuple[str, Colour | None, Colour]] = []
    offline = scene.offline()
    if offline:
        message = texts.format("screen.stations.offline_banner", names=", ".join(offline))
        badges.append((message, palette.offline, palette.on_dark))
    if scene.mode != "visitor":
        badges.append((texts[f"screen.mode.{scene.mode}"], None, palette.ink_soft))
    visit = scene.visitor
    if visit is not None and visit.phase == "play" and visit.challenge is not None:
        label = texts.format("visitor.challenge", number=visit.number, count=visit.count)
        if not visit.solved:
            label = f"{label} · {texts['visitor.next']}"
        badges.append((label, palette.ink, palette.on_dark))
    return badges


def header_key(scene: Scene, title: str) -> tuple:
    """Everything the header strip (without subtitle) depends on, for its cache's key."""
    return (header_title(scene, title), *frame_key(scene))


def frame_key(scene: Scene) -> tuple:
    """What a view's static layer may depend on besides its own content: the language, the
    mode, the offline stations, a visitor's challenge (not the header's title: a workshop step
    changes it, and :func:`blit_header` keeps the strip apart for that)."""
    visit = scene.visitor
    challenge = None if visit is None else (visit.phase, visit.number, visit.solved)
    return (scene.language, scene.mode, tuple(scene.offline()), challenge)


def blit_header(surface: pygame.Surface, scene: Scene, assets: Assets, title: str) -> None:
    """:func:`draw_header` without subtitle, drawn once per title and badges and kept.

    The strip is cached apart from the view's static layer, so that a new workshop step (a new
    title) draws a strip, not a whole screen.
    """
    frame = scene_frame(scene, surface)
    header = frame["header"]
    # Down to the rule under the header, which straddles its bottom edge.
    size = (header.width, header.bottom + assets.theme.px(2))

    def build(strip: pygame.Surface) -> None:
        strip.fill(assets.palette.paper)
        draw_header(strip, scene, assets, title, frame=frame)

    assets.blit_cached(surface, ("header", header_key(scene, title)), size, build)


def draw_subtitle(
    surface: pygame.Surface, scene: Scene, assets: Assets, title: str, subtitle: str, role: str
) -> None:
    """The header's subtitle, in the room between the title and the badges on the right."""
    theme, palette = assets.theme, assets.palette
    header = scene_frame(scene, surface)["header"]
    margin = theme.px(48)
    left = margin + _title_label(scene, assets, title, header.width).get_width() + theme.px(48)
    right = header.right - margin
    for text, fill, colour in header_badges(scene, assets):
        if fill is None:
            right -= assets.text(text, "small", colour).get_width() + theme.px(24)
        else:
            right -= _pill_size(assets, text, "small")[0] + theme.px(24)
    room = right - left - theme.px(24)
    label = assets.text(subtitle, role, palette.ink_soft, bold=role != "body", width=room)
    with assets.log.region("header", header, surface):
        blit_text(assets, surface, label, "midleft", (left, header.centery))


def breathes(scene: Scene) -> bool:
    """Whether the band shows the visitor's invitation, a pill that breathes with the clock."""
    said = band_message(scene)
    return said is not None and said[1] == "invite" and has_band(scene)


def band_message(scene: Scene) -> tuple[str, str] | None:
    """What the band says and in which tone (``"ink"``, ``"warning"``, ``"invite"``): the
    visitor's idle countdown, the invitation to touch, a warning or challenge (the scene's
    message), the workshop's task or question; None when there is nothing to say."""
    from controller.texts import load_texts

    texts = load_texts(scene.language)
    visit = scene.visitor
    if visit is not None:
        left = visit.timeout_s - visit.idle_s
        if visit.phase == "attract":
            return texts["visitor.touch"], "invite"
        if 0 < left <= COUNTDOWN_S:
            return texts.format("visitor.idle", seconds=math.ceil(left)), "warning"
    if scene.message:
        try:
            message = texts[scene.message]
        except KeyError:
            message = scene.message  # a script may pass a sentence of its own
        return message, "warning" if scene.message.startswith("workshop.") else "ink"
    if scene.workshop is not None:
        return scene.workshop.class_text, "ink"
    return None


def draw_band(surface: pygame.Surface, scene: Scene, assets: Assets) -> None:
    """The band at the bottom: one sentence, as large as it fits in up to three lines."""
    said = band_message(scene)
    if said is None or not has_band(scene):
        return
    text, tone = said
    theme, palette = assets.theme, assets.palette
    band = scene_frame(scene, surface)["band"]
    fill = {"warning": palette.wrong, "ink": palette.ink, "invite": palette.ink}[tone]
    pygame.draw.rect(surface, palette.paper, band)
    inner = band.inflate(-2 * theme.px(40), -2 * theme.px(10))
    if tone == "invite":  # a pill that breathes with the scene's clock
        grow = 0.5 + 0.5 * math.sin(scene.t * math.pi / 1.5)
        with assets.log.region("band", band, surface):
            pill = draw_pill(
                surface,
                assets,
                text,
                band.center,
                role="large",
                fill=palette.ink,
                colour=palette.on_dark,
            )
        ring = pill.inflate(theme.px(8 + 16 * grow), theme.px(8 + 16 * grow))
        pygame.draw.rect(surface, palette.ink, ring, theme.px(3), border_radius=ring.height // 2)
        return
    pygame.draw.rect(
        surface, fill, band.inflate(-theme.px(24), -theme.px(12)), border_radius=theme.px(16)
    )
    role, lines = _band_lines(assets, text, inner)
    line_h = line_pitch(assets, role, bold=True)
    y = inner.centery - len(lines) * line_h / 2
    with assets.log.region("band", band, surface):
        for line in lines:
            label = assets.text(line, role, palette.on_dark, bold=True, ground=fill)
            blit_text(assets, surface, label, "midtop", (inner.centerx, y))
            y += line_h


def _band_lines(assets: Assets, text: str, inner: pygame.Rect) -> tuple[str, list[str]]:
    """The largest role (and its lines) in which ``text`` fits the band's inner rectangle
    (worked out once for each text and size: the band is drawn with every frame's view)."""

    def fit() -> tuple[str, list[str]]:
        role = fitting_role(assets, text, inner, ("large", "body", "small", "tiny"), bold=True)
        return role, wrap(assets, text, role, inner.width, bold=True)

    return assets.memo(("band", text, tuple(inner)), fit)


def fitting_role(
    assets: Assets, text: str, rect: pygame.Rect, roles: tuple[str, ...], bold: bool = False
) -> str:
    """The first of ``roles`` (largest first) in which ``text``, wrapped, fits ``rect``; the
    last if none does."""
    for role in roles:
        lines = wrap(assets, text, role, rect.width, bold=bold)
        if len(lines) * line_pitch(assets, role, bold=bold) <= rect.height:
            return role
    return roles[-1]


def line_pitch(assets: Assets, role: str, bold: bool = False, spacing: float = 1.0) -> int:
    """The height between two lines of ``role`` text: never less than a rendered line."""
    font = assets.cache.font(assets.theme.font_size(role), "bold" if bold else "regular")
    return max(round(assets.theme.font_size(role) * spacing), font.get_linesize())


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
    label = assets.text(text, role, colour, bold=True, ground=fill or assets.palette.paper)
    note_text(assets, surface, label, label.get_rect(center=rect.center))
    return rect


def _pill_size(assets: Assets, text: str, role: str) -> tuple[int, int]:
    """The size of :func:`draw_pill`'s pill for ``text`` in ``role``."""
    label = assets.text(text, role, bold=True)
    return label.get_rect().inflate(assets.theme.px(28), assets.theme.px(10)).size


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
    blit_text(assets, sprite, label, "center", rect.center)
    return sprite


def draw_yes_no(
    surface: pygame.Surface,
    scene: Scene,
    assets: Assets,
    value: float,
    at: tuple[float, float],
    anchor: str = "midleft",
    role: str = "small",
) -> pygame.Rect:
    """The Oui/Non badge of a neuron: filled "Oui +4" when past its threshold, hollow "Non"."""
    texts = assets.texts(scene.language)
    palette = assets.palette
    if value > 0:
        text = f"{texts['screen.yes']} +{texts.number(value)}"
        return draw_pill(
            surface,
            assets,
            text,
            at,
            anchor=anchor,
            role=role,
            fill=palette.ink,
            colour=palette.on_dark,
        )
    no = texts["screen.no"]
    return draw_pill(
        surface,
        assets,
        no,
        at,
        anchor=anchor,
        role=role,
        colour=palette.ink_soft,
        outline=palette.ink_soft,
    )


# --- neurons -------------------------------------------------------------------------------


def neuron_name(network: Network, neuron: str, language: str) -> str:
    """How people call a neuron: an output by its colour ("vert"), the others by name."""
    if neuron not in network.output_names:
        return neuron
    output = network.outputs[network.output_names.index(neuron)]
    return output.colour_name.get(language, neuron)


def condition_text(condition: ConditionView, scene: Scene, texts: Texts) -> str:
    """A condition worded in the scene's language (the data file's sentence if no text)."""
    key = f"condition.{condition.key}"
    if key not in texts.entries:
        return condition.text
    values = dict(condition.values)
    if "neuron" in values:
        values["neuron"] = neuron_name(scene.network, values["neuron"], texts.language)
    if "value" in values:
        values["value"] = texts.number(float(values["value"]))
    try:
        return texts.format(key, **values)
    except (KeyError, ValueError):
        return condition.text


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
        blit_text(assets, sprite, label, "center", (c, c))
        return sprite

    sprite = assets.sprite(("badge", neuron, radius, fill), build, keyed=True)
    surface.blit(sprite, sprite.get_rect(center=(round(centre[0]), round(centre[1]))))
    role = "large" if len(neuron) <= 2 else "small"
    label = assets.text(neuron, role, ink, bold=True, width=round(radius * 1.6), ground=fill)
    note_text(assets, surface, label, label.get_rect(center=(round(centre[0]), round(centre[1]))))


def station_state(scene: Scene, neuron: str) -> str:
    """``"online"``, ``"offline"`` or ``"none"`` (no station known for this neuron)."""
    online = scene.station(neuron).online
    return "none" if online is None else ("online" if online else "offline")


def draw_offline_mark(
    surface: pygame.Surface,
    scene: Scene,
    assets: Assets,
    rect: pygame.Rect,
    tag_at: tuple[float, float] | None,
    anchor: str = "midleft",
    *,
    short: bool = False,
) -> pygame.Rect | None:
    """Mark ``rect`` as an offline station's: red hatching and frame, and a "⚠ hors ligne" tag
    (``short``: "⚠" alone, on a small card) placed with its ``anchor`` at ``tag_at`` (None:
    no tag, the caller says it elsewhere). Returns the tag's rectangle."""
    theme, palette = assets.theme, assets.palette
    hatch = assets.sprite(("hatch", rect.size), lambda: _hatching(assets, rect.size))
    surface.blit(hatch, rect)
    pygame.draw.rect(surface, palette.offline, rect, theme.px(5), border_radius=theme.px(14))
    if tag_at is None:
        return None
    tag = "⚠" if short else offline_tag(scene, assets)
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


def offline_tag(scene: Scene, assets: Assets) -> str:
    """ "⚠ hors ligne": what an offline station's neuron is tagged with."""
    return f"⚠ {assets.texts(scene.language)['screen.stations.offline']}"


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


#: A digit's chip to draw: name, fill, midbottom, whether it is on show, whether it is wrong.
Chip = tuple[str, Colour, tuple[float, float], bool, bool]


def chip_size(assets: Assets) -> tuple[int, int]:
    """Width and height of a digit chip in window pixels: its name ("6♠") in the smallest
    class font, 24 px at 1920×1080, with a little room around."""
    return assets.theme.px(50), assets.theme.px(32)


def draw_chips(
    surface: pygame.Surface,
    assets: Assets,
    chips: Sequence[Chip],
    size: tuple[int, int] | None = None,
) -> None:
    """Digits' chips, as the workshop's cards: glyph and suit in ink on the digit's colour,
    drawn in the order given (a chip drawn later covers an earlier one).

    A :data:`Chip` is ``(name, fill, midbottom, current, wrong)``: ``current`` (the digit on
    show) gets a heavy frame, ``wrong`` (on the wrong side of its ruler) a red corner with a
    white cross. ``size`` overrides :func:`chip_size`. A ruler shows sixteen chips, every
    frame its threshold moves: they go to the surface in one call.
    """
    w, h = size or chip_size(assets)
    pad = assets.theme.px(12)
    placed = []
    for name, fill, (x, y), current, wrong in chips:
        sprite = assets.sprite(
            ("chip", name, fill, current, wrong, w, h),
            partial(_chip_sprite, assets, name, fill, current, wrong, (w, h)),
            keyed=True,
        )
        placed.append((sprite, (round(x) - w // 2 - pad, round(y) - h - pad)))
    surface.blits(placed, doreturn=False)
    if assets.log.notes:  # the labels are looked up only to note them for the layout audit
        for name, fill, (x, y), *_ in chips:
            body = pygame.Rect(round(x) - w // 2, round(y) - h, w, h)
            label = _chip_label(assets, name, fill, w)
            note_text(assets, surface, label, label.get_rect(center=body.center))


def _chip_label(assets: Assets, name: str, fill: Colour, width: int) -> pygame.Surface:
    return assets.text(
        name, "tiny", assets.palette.ink, bold=True, width=width - assets.theme.px(4), ground=fill
    )


def _chip_sprite(assets, name, fill, current, wrong, size) -> pygame.Surface:
    theme, palette = assets.theme, assets.palette
    w, h = size
    pad = theme.px(12)
    sprite = pygame.Surface((w + 2 * pad, h + 2 * pad), pygame.SRCALPHA)
    body = pygame.Rect(pad, pad, w, h)
    radius = theme.px(8)
    pygame.draw.rect(sprite, fill, body, border_radius=radius)
    frame = theme.px(5) if current else theme.px(2)
    pygame.draw.rect(sprite, palette.ink, body.inflate(frame, frame), frame, border_radius=radius)
    label = _chip_label(assets, name, fill, w)
    sprite.blit(label, label.get_rect(center=body.center))
    if wrong:  # a drawn cross, not a glyph: it stays clear of the name
        r = theme.px(10)
        cx, cy = body.right + theme.px(1), body.top - theme.px(1)
        pygame.gfxdraw.filled_circle(sprite, cx, cy, r, palette.wrong)
        pygame.gfxdraw.aacircle(sprite, cx, cy, r, palette.wrong)
        arm, width = theme.px(5), max(2, theme.px(3))
        for dx in (-arm, arm):
            pygame.draw.line(
                sprite, palette.on_dark, (cx - dx, cy - arm), (cx + dx, cy + arm), width
            )
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
    language: str = "fr",
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
        _draw_band_counts(surface, assets, network, grid, counts, assets.texts(language))


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


def _draw_band_counts(surface, assets, network, grid: Grid, counts, texts: Texts) -> None:
    """Each band's count beside it, and its name where there is room for it (a small grid's
    column bands are narrower than "COL1": the count alone then)."""
    theme, palette = assets.theme, assets.palette
    gap = theme.px(14)
    for band, count in zip(network.bands, counts, strict=True):
        name = assets.text(band.name, "tiny", palette.ink_soft)
        value = assets.text(texts.number(count), "large", palette.ink, bold=True)
        if _spans_rows(band, grid):
            x = grid.x + (band.cols[0] + band.cols[1] + 1) / 2 * grid.cell
            top = blit_text(assets, surface, value, "midtop", (x, grid.y + grid.height + gap))
            width = (band.cols[1] - band.cols[0] + 1) * grid.cell
            if name.get_width() + theme.px(8) <= width:
                blit_text(assets, surface, name, "midtop", (x, top.bottom))
        else:
            y = grid.y + (band.rows[0] + band.rows[1] + 1) / 2 * grid.cell
            at = (grid.x + grid.width + gap * 1.5, y)
            left = blit_text(assets, surface, value, "midleft", at)
            blit_text(assets, surface, name, "midleft", (left.right + gap / 2, y))


def mix_paper(assets: Assets, colour: Colour, t: float) -> Colour:
    """``colour`` faded ``t`` of the way to the paper colour (for quiet tints)."""
    return mix(colour, assets.palette.paper, t)


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
    blit_text(assets, surface, label, "midtop", (rect.centerx, top + size + assets.theme.px(10)))


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
    blit_text(assets, surface, glyph, "center", tile.center)
