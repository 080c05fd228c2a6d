"""The screen's look: palette and sizes, scaled to the window.

Everything is designed on a 1920×1080 canvas (a projector) and scaled by :class:`Theme` to the
actual window, so the same layout fits 1280×720 and a 1024×600 touch screen.

Why dark ink on warm paper? A projector cannot show black: in a lit classroom or museum hall its
"black" is the wall lit by the room, so light text on a dark background turns to grey on grey.
Dark text on a light background keeps its contrast however washed-out the image, and it echoes
the workshop's paper cards and rulers. The four output colours are then used as *fills* under
dark ink (yellow text on white would vanish; dark ink on yellow reads at 13:1), and nothing is
told apart by colour alone: digits carry their glyph and card suit, Oui/Non are words and
filled/empty badges, negative edges are dashed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

Colour = tuple[int, int, int]

#: The design canvas every size is given on.
DESIGN_SIZE = (1920, 1080)


@cache
def rgb(hex_colour: str) -> Colour:
    """``"#2fb344"`` → ``(47, 179, 68)``."""
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


@lru_cache(maxsize=512)
def mix(a: Colour, b: Colour, t: float) -> Colour:
    """The colour ``t`` of the way from ``a`` to ``b`` (0 → a, 1 → b); kept, for a screen mixes
    the same few colours every frame."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


class Palette:
    """The screen's colours (sRGB), as class constants. Contrast ratios are against ``paper``."""

    paper: Colour = rgb("#f4efe6")  # warm off-white background
    card: Colour = rgb("#ffffff")  # neuron cards, panels
    ink: Colour = rgb("#14181f")  # text and outlines: 16:1
    ink_soft: Colour = rgb("#4a5261")  # secondary text: 7:1
    rule: Colour = rgb("#c9c1b2")  # hairlines, ticks
    shade: Colour = rgb("#e6dfd2")  # quiet fills (bands, Non side of a ruler)
    positive: Colour = rgb("#2b3340")  # an edge with a positive weight: solid, dark
    negative: Colour = rgb("#d1462f")  # an edge with a negative weight: dashed, vermilion
    wrong: Colour = rgb("#c0262d")  # a chip on the wrong side of its ruler
    offline: Colour = rgb("#b3261e")  # an offline station: red band, white text, hatched
    on_dark: Colour = rgb("#ffffff")  # text on ink or red
    unlabelled: Colour = rgb("#d9d4ca")  # a visitor's drawing with no label yet
    pixel_on: Colour = rgb("#14181f")  # a black pixel of a digit
    pixel_off: Colour = rgb("#ffffff")
    floor: Colour = rgb("#101318")  # the LED floor's mat (dark, as in the room)


PALETTE = Palette()

#: Font sizes in design pixels (1920×1080). ``body`` 32 px is ~5 cm high on a 3 m-wide image;
#: the smallest, ``tiny``, is the least a text for the class may have (24 px, a line 28 px
#: high): readable from the back of a classroom. The layout audit checks it
#: (:mod:`display.audit`).
FONT_SIZES = {
    "huge": 360,
    "display": 120,
    "title": 60,
    "large": 44,
    "body": 32,
    "small": 26,
    "tiny": 24,
}


@dataclass(frozen=True)
class Theme:
    """Sizes for one window: :meth:`px` turns design pixels into window pixels."""

    width: int
    height: int
    palette: Palette = PALETTE

    @cached_property
    def unit(self) -> float:
        """Window pixels per design pixel (the smaller of the two axes' ratios)."""
        return min(self.width / DESIGN_SIZE[0], self.height / DESIGN_SIZE[1])

    def px(self, design: float) -> int:
        """A length given in design pixels, in window pixels (at least 1)."""
        return max(1, round(design * self.unit))

    def font_size(self, role: str) -> int:
        """The pixel size of a font role (``"body"``, ``"title"``, …) in this window."""
        return max(9, round(FONT_SIZES[role] * self.unit))

    def output_colour(self, network, label: int | None) -> Colour:
        """The workshop colour of the output neuron recognising ``label`` (grey if none)."""
        for output in network.outputs:
            if output.label == label:
                return rgb(output.colour)
        return self.palette.unlabelled
