"""`neurones render VIEW` draws the very frame the window would show, to a PNG, headless."""

import numpy as np
import pygame

from controller.cli import main
from controller.digits import load_digit_set
from controller.network import load_network
from controller.scene import StationView, build_scene
from display.frame import render_scene
from display.window import window_split


def test_render_writes_the_frame_of_the_options(tmp_path, capsys):
    out = tmp_path / "rulers.png"
    argv = ["render", "rulers", "--out", str(out), "--size", "1024x600", "--dataset", "learning"]
    argv += ["--digit", "3♠", "--set", "0=7", "--set", "C=18", "--lang", "en", "--offline", "D"]
    assert main(argv) == 0
    assert capsys.readouterr().out.strip() == str(out)
    written = pygame.surfarray.array3d(pygame.image.load(str(out)))
    network = load_network().with_thresholds({"0": 7, "C": 18})
    digits = load_digit_set("learning")
    scene = build_scene(
        network,
        digits,
        digit_index=digits.names().index("3♠"),
        view="rulers",
        language="en",
        stations=(StationView("D", online=False),),
    )
    expected, _ = render_scene(scene, (1024, 600))
    assert np.array_equal(written, pygame.surfarray.array3d(expected))


def test_render_names_a_digit_that_is_not_in_the_set(tmp_path, capsys):
    assert main(["render", "network", "--digit", "7♣", "--out", str(tmp_path / "x.png")]) == 2
    error = capsys.readouterr().err
    assert "7♣" in error and "0♥" in error
    assert not (tmp_path / "x.png").exists()


def test_render_window_draws_the_view_beside_the_stations_and_the_lit_floor(tmp_path):
    out = tmp_path / "window.png"
    argv = ["render", "network", "--window", "--size", "1280x720", "--out", str(out)]
    assert main([*argv, "--time", "3"]) == 0
    pixels = pygame.surfarray.array3d(pygame.image.load(str(out)))
    view, panel = window_split((1280, 720))
    # The view part is the network view itself, as the window draws it beside the panel.
    network, digits = load_network(), load_digit_set("grandeur-nature")
    scene = build_scene(network, digits, t=3.0, view="network")
    expected, _ = render_scene(scene, view.size)
    assert np.array_equal(pixels[: view.width], pygame.surfarray.array3d(expected))
    # At the top of the panel, the floor: the dark mat (not the panel's paper), LEDs lit on it.
    floor = pixels[panel.left + 20 : panel.right - 20, panel.width * 15 // 100 : panel.width // 2]
    brightness = floor.max(axis=2)
    assert (brightness < 40).mean() > 0.6
    assert (brightness > 150).sum() > 300
