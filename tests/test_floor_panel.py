"""The on-screen floor: LEDs drawn where they lie, in the colours the floor shows."""

from dataclasses import replace

import numpy as np
import pygame

from controller.cli import main
from controller.digits import load_digit_set
from controller.floor.frame import FloorRenderer
from controller.floor.mat import load_floor
from controller.network import load_network
from controller.scene import FloorView, RingMark, build_scene
from display.assets import Assets
from display.floor_panel import UNLIT, draw_floor, led_dots, screen_table
from display.frame import headless
from display.panel import draw_panel

NETWORK = load_network()
LAYOUT = load_floor(NETWORK)
RENDERER = FloorRenderer(LAYOUT, NETWORK)
DIGITS = load_digit_set("grandeur-nature")
MAT = (16, 19, 24)


def canvas(size=(400, 400)):
    headless()
    surface = pygame.Surface(size)
    surface.fill(MAT)
    return surface


def pixel_of(rect, view, index):
    xs, ys, _ = led_dots(rect, view)
    return int(xs[index]), int(ys[index])


def test_each_led_is_drawn_at_its_place_in_the_colour_it_shows():
    view = FloorView(
        size_m=(2.0, 1.0),
        positions=np.array([[0.5, 0.5], [1.5, 0.5]]),
        colours=np.array([[102, 0, 0], [0, 0, 0]], dtype=np.uint8),
        rings=(RingMark("COL1", (0.5, 0.5), 0.2),),
        pitch_m=0.05,
        brightness=0.4,
        gamma=2.6,
    )
    surface = canvas()
    rect = pygame.Rect(0, 0, 400, 400)
    draw_floor(surface, rect, view)
    lit = surface.get_at(pixel_of(rect, view, 0))[:3]
    dark = surface.get_at(pixel_of(rect, view, 1))[:3]
    assert lit == (255, 0, 0)  # full red at the cap: shown as full red
    assert dark == UNLIT  # an unlit LED still shows where the strip runs
    assert surface.get_at((2, 2))[:3] == MAT


def test_the_screen_undoes_the_cap_and_gamma_so_colours_look_as_meant():
    table = screen_table(0.4, 2.6)
    assert table[0] == 0 and table[102] == 255
    assert np.all(np.diff(table.astype(int)) >= 0)


def test_the_recognised_output_is_drawn_in_its_colour_on_the_screen_floor():
    scene = build_scene(NETWORK, DIGITS, digit_index=1, t=100.0)
    view = RENDERER.frame(scene).view
    surface = canvas((600, 600))
    rect = pygame.Rect(0, 0, 600, 600)
    draw_floor(surface, rect, view)
    blue = [
        surface.get_at(pixel_of(rect, view, i))[:3] for i in LAYOUT.ring_indices(LAYOUT.ring("3"))
    ]
    assert all(b > max(r, g) for r, g, b in blue)
    green = [
        surface.get_at(pixel_of(rect, view, i))[:3] for i in LAYOUT.ring_indices(LAYOUT.ring("0"))
    ]
    assert max(sum(c) for c in green) < min(sum(c) for c in blue)


def test_the_simulation_panel_shows_the_floor_when_the_scene_carries_it():
    scene = build_scene(NETWORK, DIGITS, digit_index=1, t=100.0)
    assets = Assets((1280, 720))
    without = canvas((280, 720))
    draw_panel(without, scene, assets)
    with_floor = canvas((280, 720))
    draw_panel(with_floor, replace(scene, floor=RENDERER.frame(scene).view), assets)
    before = pygame.surfarray.array3d(without)
    after = pygame.surfarray.array3d(with_floor)
    top = after[:, 40:200]
    assert not np.array_equal(before[:, 40:200], top)
    bright_blue = (top[..., 2] > 150) & (top[..., 0] < 120)
    assert bright_blue.sum() > 10  # the blue output's ring


def test_render_floor_writes_a_strip_of_frames(tmp_path, capsys):
    out = tmp_path / "floor.png"
    argv = ["render", "floor", "--digit", "3♥", "--frames", "4", "--every", "1.5"]
    assert main([*argv, "--size", "1200x500", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    image = pygame.image.load(str(out))
    assert image.get_size() == (1200, 500)
