"""One LED frame per scene: paint, cap, gamma, limit — computed once, shown everywhere.

:class:`FloorRenderer` holds what is built once from the layout (index arrays, the gamma
table, the power zones); :meth:`FloorRenderer.frame` turns a scene into a :class:`FloorFrame`,
the bytes every LED output sends. Its :attr:`FloorFrame.view` is what the on-screen floor
draws (``Scene.floor``): plain positions and colours, no hardware object::

    renderer = FloorRenderer(layout, network)
    frame = renderer.frame(scene)          # mapping + gamma + limiter, well under a millisecond
    renderer.frame(later) is frame         # while the floor stands still: nothing redone
    ddp_output.send(frame)
    scene = dataclasses.replace(scene, floor=frame.view)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from controller.floor.colour import ColourPipeline
from controller.floor.mat import FloorLayout
from controller.floor.paint import FloorMap, at_rest, moving, paint, picture_key
from controller.floor.patterns import LED_PATTERNS, paint_pattern, pattern_at
from controller.network import Network
from controller.scene import FloorView, RingMark, Scene


@dataclass(frozen=True, eq=False)
class FloorFrame:
    """The bytes of one frame for every LED, in the floor's order, and the power they draw."""

    t: float
    rgb: np.ndarray  # (leds, 3) uint8, R G B (each output applies its own order)
    current_ma: np.ndarray  # (zones,) estimated
    limited: np.ndarray  # (zones,) bool
    pattern: str | None
    view: FloorView


class FloorRenderer:
    """Turns scenes into LED frames for one layout (index arrays built once).

    :param layout: the floor, as loaded by :func:`controller.floor.mat.load_floor`.
    :param network: the network the layout was checked against.
    """

    def __init__(self, layout: FloorLayout, network: Network) -> None:
        self.layout = layout
        self.map = FloorMap.build(layout, network)
        self.pipeline = ColourPipeline.for_layout(layout)
        self.rings = tuple(
            RingMark(r.neuron, r.centre, layout.ring_radius(r)) for r in layout.rings
        )
        self.zone_names = tuple(z.name for z in layout.zones)
        self.period = 1.0 / layout.settings.fps  # the LEDs' own rate
        self._key: tuple | None = None  # what the last frame shows (paint.picture_key)
        self._last: FloorFrame | None = None

    def levels(self, scene: Scene, pattern: str | None = None) -> tuple[np.ndarray, str | None]:
        """The levels of every LED (0–1) and the test pattern playing, if any.

        ``pattern`` holds one test pattern; otherwise technician mode cycles through them all.
        Outside opening hours (the scene asleep) the floor shows its still picture
        (:func:`~controller.floor.paint.at_rest`) with every level scaled to the schedule's
        ``floor_level`` (0: dark); the brightness cap, gamma and limiter then apply as ever, so
        a dimmed floor is never brighter than the cap. A test pattern asked for on the command
        line (a technician on site) is shown whatever the hour.
        """
        if pattern is not None:
            if pattern not in LED_PATTERNS:
                raise ValueError(f"no LED pattern {pattern!r} (have: {', '.join(LED_PATTERNS)})")
            return paint_pattern(self.map, pattern, scene.t), pattern
        if scene.hours is not None and scene.asleep:
            level = scene.hours.floor_level
            if level <= 0:
                return np.zeros((self.map.led_count, 3), dtype=np.float32), None
            return paint(self.map, at_rest(self.map, scene)) * level, None
        if scene.mode == "technician":
            name, since = pattern_at(self.map, scene.t)
            return paint_pattern(self.map, name, since), name
        return paint(self.map, scene), None

    def frame(self, scene: Scene, pattern: str | None = None) -> FloorFrame:
        """The LED frame for ``scene``: painted, capped, gamma-corrected and limited.

        The floor's cost follows what changes on it, not the loop's rate. While it stands still
        (the same values and weights, every pulse and flash of the last change over) this is
        the last frame itself, neither painted nor encoded again, so the outputs can tell that
        nothing changed; while it moves, a new frame is made at the LEDs' own rate (``[floor]
        fps``), and at once when what it shows changes.
        """
        key = None
        if pattern is None and scene.asleep and scene.hours is not None:
            # Asleep, the floor is still (dark, or its still picture dimmed): made once, kept.
            key = (
                "asleep",
                scene.hours.floor_level,
                picture_key(self.map, at_rest(self.map, scene)),
            )
            if key == self._key and self._last is not None:
                return self._last
        elif pattern is None and scene.mode != "technician":
            key = picture_key(self.map, scene)
            if key == self._key and self._last is not None and self._recent(scene):
                return self._last
        self._last = self.render(scene, pattern)
        self._key = key
        return self._last

    def _recent(self, scene: Scene) -> bool:
        """Whether the last frame still shows ``scene``: the floor stands still, or it moves
        and the last frame is less than most of a period old (as the window's pacing: a
        loop's jitter loses no frame)."""
        if self._last is None:
            return False
        age = scene.t - self._last.t
        return not moving(self.map, scene) or 0 <= age < 0.75 * self.period

    def render(self, scene: Scene, pattern: str | None = None) -> FloorFrame:
        """A new LED frame for ``scene``, always painted and encoded (what :meth:`frame` saves)."""
        levels, playing = self.levels(scene, pattern)
        limited = self.pipeline.encode(levels)
        settings = self.layout.settings
        view = FloorView(
            size_m=settings.size_m,
            positions=self.layout.positions,
            colours=limited.rgb,
            rings=self.rings,
            pitch_m=settings.pitch_m,
            brightness=settings.brightness,
            gamma=settings.gamma,
            pattern=playing,
            limited=tuple(
                z for z, hit in zip(self.zone_names, limited.limited, strict=True) if hit
            ),
        )
        return FloorFrame(scene.t, limited.rgb, limited.current_ma, limited.limited, playing, view)


__all__ = ["FloorFrame", "FloorRenderer"]
