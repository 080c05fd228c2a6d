"""What the LED floor costs, for ``neurones bench``: a scene turned into an LED frame, and the
Pico LED driver's frame rate over its USB link."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np

from controller.bench import timed
from controller.digits import load_digit_set
from controller.floor.frame import FloorRenderer
from controller.floor.mat import LATCH_TIME_S, LED_TIME_S, load_floor
from controller.floor.pico import PicoLedOutput
from controller.network import load_network
from controller.scene import build_scene
from controller.stations.emulation import LedDriverEmulator


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
        times.append(timed(partial(renderer.render, moment)))
    return {"led_frame_median_ms": 1000 * float(np.median(times[frames // 10 :]))}


# --- the LED link: the Pico driver's frame rate ---------------------------------------------

#: How much slower an RP2040 runs MicroPython than this project's development machine, by the
#: same benchmark on both (Pystone 1.2, the one of CPython's Lib/test/pystone.py and of
#: micropython-lib's pystone_lowmem): 1,219 pystones/s on a Raspberry Pi Pico W at 125 MHz
#: (pystone_lowmem, 500 passes in 410 ms, MicroPython; published in Dan McCreary's "Learning
#: MicroPython", github.com/dmccreary/learning-micropython, its upip page), and about 57,500
#: pystones/s in the unix port here (best of three, 50,000 passes; n-body 28–34 s).
RP2040_PYSTONES = 1219
HERE_PYSTONES = 57_500
RP2040_SLOWER = HERE_PYSTONES / RP2040_PYSTONES
#: What MicroPython reads through a Pico's USB serial stdin, host to board: reported at about
#: 165 KiB/s (micropython-lib PR #558, its usb-device-cdc) to 177–190 KB/s (a stdin test on
#: another port, andrewleech/micropython PR #29): this estimate takes 150 KB/s.
USB_BYTES_PER_S = 150_000


def measure_led_link(frames: int = 200) -> dict[str, float]:
    """The LED driver's frame rate over its USB link, the shipped floor dark and lit.

    The real driver firmware, in MicroPython's unix port (the emulated driver, firmware/sim/),
    deframes, checks, decodes and shows the frame's wire bytes (as the Pico output writes them)
    ``frames`` times: its time per frame here gives the keys ``led_link_fps_*_unix``. On an
    RP2040 (keys ``led_link_fps_dark``, ``led_link_fps_lit``): that time × :data:`RP2040_SLOWER`,
    plus the frame's bytes read from USB at :data:`USB_BYTES_PER_S`, and never faster than its
    longest strip shifts out (30 µs a LED and the 280 µs latch; the strips shift in parallel,
    by DMA, while the next frame is read).
    """
    network = load_network()
    floor = load_floor(network)
    if floor is None:
        return {}
    renderer = FloorRenderer(floor, network)
    scene = build_scene(network, load_digit_set("grandeur-nature"), digit_index=1)
    lit = renderer.frame(replace(scene, t=2.0))
    dark = replace(lit, rgb=np.zeros_like(lit.rgb))
    strips = [(s.offset, s.leds) for s in floor.strips]
    longest = max(s.leds for s in floor.strips) * LED_TIME_S + LATCH_TIME_S
    figures: dict[str, float] = {}
    with LedDriverEmulator("E6600000000000FE", [s.leds for s in floor.strips]) as emulator:
        emulator.wait_ready()
        output = PicoLedOutput(emulator.ports()[0].device, strips)
        try:
            for name, frame in (("dark", dark), ("lit", lit)):
                data = output.frame_bytes(frame)
                here = min(emulator.time_frame(data, frames) for _ in range(3))
                rp2040 = max(here * RP2040_SLOWER + len(data) / USB_BYTES_PER_S, longest)
                figures[f"led_link_fps_{name}"] = 1 / rp2040
                figures[f"led_link_fps_{name}_unix"] = 1 / here
                figures[f"led_link_bytes_{name}"] = float(len(data))
        finally:
            output.close()
    return figures
