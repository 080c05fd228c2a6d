"""What a frame drew, where: every text on the screen, its box, its size, its region.

A projected screen is read from the back of a classroom, so its layout is checked, not hoped
for. While a view draws, every text it places is noted in the frame's :class:`DrawLog`: the
string, its box on the screen, the font's pixel size and the rendered line's height, the
*region* of the layout it was drawn in (``header``, ``band``, ``ruler:A``… see
:mod:`display.regions`) and who it is for (``"class"``, the projected screen, or ``"leader"``,
the presenter view and the technician's). :func:`audit` then says, for each text, which others
it overlaps and whether it leaves the screen or its region; ``neurones render … --audit``
prints that as JSON and the tests fail on any overlap, any text outside, and any class text in
a font under :data:`MIN_CLASS_FONT_PX` at 1920×1080.

How texts get into the log: :func:`display.widgets.blit_text` (and the widgets that place a
sprite with text in it: pills, chips, badges) call :meth:`DrawLog.text` with the surface they
draw on. Texts drawn into a small sprite are not the screen's and are ignored (the sprite's
placement notes them); texts drawn into a cached full-screen layer are captured when the layer
is built and noted again every frame it is shown (:meth:`DrawLog.capture`,
:meth:`DrawLog.replay`), so the log of any frame is complete, cached or not.

The log is also the hook for redrawing only what changed: two frames whose texts in a region
are equal (:meth:`DrawLog.region_texts`) drew the same words there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

import pygame

#: The smallest font a class text may use at 1920×1080 (a rendered line about 28 px high):
#: readable from the back of a classroom on a projected image about 3 m wide.
MIN_CLASS_FONT_PX = 24

Box = tuple[int, int, int, int]


class DrawnText(NamedTuple):
    """One text drawn on the screen (coordinates of the whole screen). A named tuple: a frame
    notes a few hundred of them, so they must cost next to nothing to make."""

    text: str
    box: Box  # x, y, w, h of the rendered line
    font_px: int
    region: str
    audience: str  # "class" or "leader"

    @property
    def height_px(self) -> int:
        """The rendered line's height."""
        return self.box[3]


@dataclass
class Capture:
    """Texts and regions drawn into a cached layer while it is built."""

    layer: pygame.Surface
    offset: tuple[int, int]  # where the layer is shown on the screen
    texts: list[DrawnText] = field(default_factory=list)
    regions: dict[str, tuple[Box, str]] = field(default_factory=dict)


class DrawLog:
    """The texts and regions of one frame drawn on ``root`` (a whole screen surface).

    Regions nest: a text belongs to the innermost region open when it is drawn, and takes
    that region's audience. Outside any region a text belongs to ``"screen"``.
    """

    #: Whether texts are noted: widgets skip looking up what a sprite says when not.
    notes = True

    def __init__(self, root: pygame.Surface, audience: str = "class") -> None:
        self.root = root
        self.texts: list[DrawnText] = []
        width, height = root.get_size()
        self.regions: dict[str, tuple[Box, str]] = {"screen": ((0, 0, width, height), audience)}
        self._stack: list[str] = ["screen"]
        self._capture: Capture | None = None

    # --- where a surface is on the screen ---------------------------------------------------

    def _offset(self, surface: pygame.Surface) -> tuple[int, int] | None:
        """Where ``surface``'s origin is on the screen; None for a sprite (not the screen's)."""
        parent = surface.get_abs_parent()
        x, y = surface.get_abs_offset()
        if parent is self.root:
            return x, y
        capture = self._capture
        if capture is not None and parent is capture.layer:
            return capture.offset[0] + x, capture.offset[1] + y
        return None

    # --- regions ----------------------------------------------------------------------------

    @contextmanager
    def region(
        self,
        name: str,
        rect: pygame.Rect | Box,
        surface: pygame.Surface | None = None,
        audience: str | None = None,
    ) -> Iterator[None]:
        """Draw the block's texts in the region ``name``, ``rect`` on ``surface`` (default: the
        screen); its audience is ``audience`` or the enclosing region's."""
        offset = self._offset(surface if surface is not None else self.root) or (0, 0)
        x, y, w, h = pygame.Rect(rect)
        box = (x + offset[0], y + offset[1], w, h)
        audience = audience or self.regions[self._stack[-1]][1]
        self.regions[name] = (box, audience)
        if self._capture is not None:
            self._capture.regions[name] = (box, audience)
        self._stack.append(name)
        try:
            yield
        finally:
            self._stack.pop()

    @property
    def audience(self) -> str:
        """Who the region being drawn is for."""
        return self.regions[self._stack[-1]][1]

    # --- texts ------------------------------------------------------------------------------

    def text(self, surface: pygame.Surface, text: str, font_px: int, box: pygame.Rect) -> None:
        """Note ``text`` drawn in ``box`` (``surface`` coordinates) in a ``font_px`` font."""
        offset = self._offset(surface)
        if offset is None or not text.strip():
            return
        name = self._stack[-1]
        drawn = DrawnText(
            text,
            (box.x + offset[0], box.y + offset[1], box.width, box.height),
            font_px,
            name,
            self.regions[name][1],
        )
        self.texts.append(drawn)
        capture = self._capture
        if capture is not None and surface.get_abs_parent() is capture.layer:
            capture.texts.append(drawn)

    def cover(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """Something opaque was drawn over ``rect``: the texts beneath it are hidden."""
        offset = self._offset(surface)
        if offset is None:
            return
        covered = pygame.Rect(rect).move(offset)
        self.texts = [t for t in self.texts if not covered.colliderect(t.box)]

    # --- cached layers ----------------------------------------------------------------------

    @contextmanager
    def capture(self, layer: pygame.Surface, target: pygame.Surface) -> Iterator[Capture]:
        """Note the texts drawn into ``layer`` while it is built, for it is shown on
        ``target``'s origin; keep the capture to :meth:`replay` it when the layer is reused."""
        offset = self._offset(target) or (0, 0)
        outer, self._capture = self._capture, Capture(layer, offset)
        try:
            yield self._capture
        finally:
            self._capture = outer

    def replay(self, capture: Capture, target: pygame.Surface) -> None:
        """Note again the texts of a cached layer shown on ``target``."""
        offset = self._offset(target)
        if offset is None:
            return
        dx, dy = offset[0] - capture.offset[0], offset[1] - capture.offset[1]
        for name, ((x, y, w, h), audience) in capture.regions.items():
            self.regions.setdefault(name, ((x + dx, y + dy, w, h), audience))
        for t in capture.texts:
            x, y, w, h = t.box
            self.texts.append(
                DrawnText(t.text, (x + dx, y + dy, w, h), t.font_px, t.region, t.audience)
            )

    # --- for a redraw of what changed -------------------------------------------------------

    def region_texts(self, name: str) -> tuple[tuple[str, Box], ...]:
        """The texts drawn in region ``name``, with their boxes, in drawing order."""
        return tuple((t.text, t.box) for t in self.texts if t.region == name)


class QuietLog(DrawLog):
    """The log of a frame nobody audits (the window's): it notes nothing, so drawing pays
    nothing for it. Seventy texts a frame, each looked up, offset and kept, cost a tenth of a
    full redraw, which a Raspberry Pi's loop cannot spare while a ruler slides."""

    notes = False

    @contextmanager
    def region(
        self,
        name: str,
        rect: pygame.Rect | Box,
        surface: pygame.Surface | None = None,
        audience: str | None = None,
    ) -> Iterator[None]:
        """No region is noted."""
        yield

    def text(self, surface: pygame.Surface, text: str, font_px: int, box: pygame.Rect) -> None:
        """No text is noted."""

    def cover(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """Nothing is noted, so nothing is covered."""

    @contextmanager
    def capture(self, layer: pygame.Surface, target: pygame.Surface) -> Iterator[Capture]:
        """An empty capture: the layer's texts are not noted."""
        yield Capture(layer, (0, 0))

    def replay(self, capture: Capture, target: pygame.Surface) -> None:
        """Nothing to note again."""


def audit(log: DrawLog, min_class_px: int = MIN_CLASS_FONT_PX) -> dict:
    """The layout audit of a frame, as plain data (``neurones render --audit`` prints it).

    ``texts``: one entry per text drawn, ``{"text", "box", "font_px", "height_px",
    "overlaps", "outside", "audience", "region"}``: ``overlaps`` the indexes of the texts
    whose boxes it overlaps, ``outside`` whether it leaves the screen or its region.
    ``regions``: each named region's box and audience. ``problems``: each overlap, text
    outside, and class text in a font under ``min_class_px``, in words (empty: the layout
    passes).
    """
    texts = log.texts
    rects = [pygame.Rect(t.box) for t in texts]
    screen = pygame.Rect(log.regions["screen"][0])
    entries, problems = [], []
    for i, (t, rect) in enumerate(zip(texts, rects, strict=True)):
        overlaps = [j for j in rect.collidelistall(rects) if j != i]
        region = pygame.Rect(log.regions[t.region][0])
        outside = not (screen.contains(rect) and region.contains(rect))
        entries.append(
            {
                "text": t.text,
                "box": list(t.box),
                "font_px": t.font_px,
                "height_px": t.height_px,
                "overlaps": overlaps,
                "outside": outside,
                "audience": t.audience,
                "region": t.region,
            }
        )
        problems += [
            f"{t.text!r} overlaps {texts[j].text!r} ({t.region}, {texts[j].region})"
            for j in overlaps
            if j > i
        ]
        if outside:
            problems.append(f"{t.text!r} leaves its region {t.region} {list(region)}: {t.box}")
        if t.audience == "class" and t.font_px < min_class_px:
            problems.append(f"{t.text!r} is a class text at {t.font_px} px (under {min_class_px})")
    regions = {
        name: {"box": list(box), "audience": who} for name, (box, who) in log.regions.items()
    }
    return {"texts": entries, "regions": regions, "problems": problems}
