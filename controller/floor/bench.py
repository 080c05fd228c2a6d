"""What the LED floor costs, for ``neurones bench``: a scene turned into an LED frame."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np

from controller.bench import timed
from controller.digits import load_digit_set
from controller.floor.frame import FloorRenderer
from controller.floor.mat import load_floor
from controller.network import load_network
from controller.scene import build_scene


def measure_leds(frames: int = 600) -> dict[str, float]:
    """Median time to turn a scene into an LED frame: mapping, cap and gamma, limiter.

    On the shipped floor (2,123 LEDs, a little over the bar's 2,000), mid-pulse in network
    mode, the time advancing each frame as in the installation.
    """
    network = load_network()
    floor = load_floor(network)
    if floor is None:
        return {}  # an installation without LEDs has no LED frame to measure
    renderer = FloorRenderer(floor, network)
    scene = build_scene(network, load_digit_set("grandeur-nature"), digit_index=1)
    times = []
    for i in range(frames):
        moment = replace(scene, t=2.0 + i / 40)
        times.append(timed(partial(renderer.frame, moment)))
    return {"led_frame_median_ms": 1000 * float(np.median(times[frames // 10 :]))}
