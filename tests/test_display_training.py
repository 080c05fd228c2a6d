"""The training view shows the page asked for: read back from the frame's pixels at places
computed from that page's own network and loss."""

import math

import numpy as np
import pygame
import pytest

from controller.cli import main
from controller.digits import load_digit_set
from controller.network import forward, load_network
from controller.scene import TrainingView, build_scene
from controller.training import WORKSHOP_SNAPSHOTS, progress_of, start_progress, train
from display.assets import Assets
from display.frame import render_scene
from display.ruler import ruler_geometry, ruler_model
from display.theme import PALETTE, rgb
from display.views.training import curve_plot, curve_scales, layout
from display.widgets import chip_size

NETWORK = load_network()
TRAINING = load_digit_set("training")
PROGRESS = progress_of(train(NETWORK, TRAINING), 50_000)
FULL_HD = (1920, 1080)


def pages(progress):
    return TrainingView(progress=progress).pages()


def render_page(page, language="fr", progress=PROGRESS, size=FULL_HD):
    training = TrainingView(run=1, progress=progress, page=page)
    scene = build_scene(NETWORK, TRAINING, view="training", training=training, language=language)
    assets = Assets(size)
    surface, _ = render_scene(scene, size, assets)
    return surface, assets


def pixel(surface, x, y):
    return tuple(surface.get_at((round(x), round(y))))[:3]


def rulers(surface, network, layer):
    """``(rect, neuron)`` of the page's rulers, from the view's layout."""
    scene = build_scene(NETWORK, TRAINING, view="training")
    regions = layout(scene, surface, layer, network)
    names = network.hidden_names if layer == "hidden" else network.output_names
    return [(regions[f"ruler:{n}"], n) for n in names]


def chip_far_from_threshold(surface, assets, network, rect, neuron):
    """Where the chip farthest from the threshold must be; its colour and the colour there."""
    result = forward(network, TRAINING.grids())
    model = ruler_model(network, TRAINING, result, neuron)
    box = (rect.x, rect.y, rect.w, rect.h)
    geometry = ruler_geometry(model, box, chip_size(assets), assets.theme.px)
    i = int(np.argmax([abs(s - model.threshold) for s in model.sums]))
    (x, bottom), (w, h) = geometry.chips[i], geometry.chip
    expected = rgb(next(o.colour for o in network.outputs if o.label == model.labels[i]))
    inside = assets.theme.px(5)  # inside the frame, left of the digit's name
    return expected, pixel(surface, x - w / 2 + inside, bottom - h / 2)


@pytest.mark.parametrize("page", range(len(WORKSHOP_SNAPSHOTS)))
def test_each_snapshot_page_shows_its_networks_output_rulers_and_its_point_on_the_curve(page):
    snapshot, layer = pages(PROGRESS)[page]
    assert layer == "output" and snapshot.iteration == WORKSHOP_SNAPSHOTS[page]
    surface, assets = render_page(page)
    cells = rulers(surface, snapshot.network, "output")
    for rect, neuron in cells:
        expected, seen = chip_far_from_threshold(surface, assets, snapshot.network, rect, neuron)
        assert seen == expected, (snapshot.iteration, neuron)
    # The red point of the curve sits at this snapshot's iteration and loss, and not at the
    # other snapshots'.
    scene = build_scene(NETWORK, TRAINING, view="training")
    curve = layout(scene, surface, "output", NETWORK)["curve"]
    xs, ys = curve_scales(PROGRESS, curve_plot(assets, curve))
    for other in PROGRESS.snapshots:
        at = (xs.x(math.log10(1 + other.iteration)), ys.x(other.loss))
        is_red = pixel(surface, *at) == PALETTE.wrong
        assert is_red == (other.iteration == snapshot.iteration), other.iteration


def test_the_last_page_shows_the_six_hidden_rulers_of_the_trained_network():
    page = len(pages(PROGRESS)) - 1
    snapshot, layer = pages(PROGRESS)[page]
    assert layer == "hidden" and snapshot.iteration == 50_000
    surface, assets = render_page(page)
    scene = build_scene(NETWORK, TRAINING, view="training")
    assert "curve" not in layout(scene, surface, "hidden", NETWORK)  # the rulers have it all
    cells = rulers(surface, snapshot.network, "hidden")
    for rect, neuron in cells:
        expected, seen = chip_far_from_threshold(surface, assets, snapshot.network, rect, neuron)
        assert seen == expected, neuron


def test_before_learning_the_view_shows_the_workshop_network_at_iteration_zero():
    training = TrainingView(progress=start_progress(NETWORK, TRAINING))
    scene = build_scene(NETWORK, TRAINING, view="training", training=training)
    assets = Assets(FULL_HD)
    surface, hotspots = render_scene(scene, FULL_HD, assets)
    assert hotspots == []
    for rect, neuron in rulers(surface, NETWORK, "output"):
        expected, seen = chip_far_from_threshold(surface, assets, NETWORK, rect, neuron)
        assert seen == expected, neuron


def test_french_and_english_pages_differ_only_in_words():
    french, _ = render_page(2, "fr")
    english, _ = render_page(2, "en")
    a, b = pygame.surfarray.array3d(french), pygame.surfarray.array3d(english)
    changed = np.any(a != b, axis=2)
    assert changed.sum() > 500
    assert changed.mean() < 0.2


@pytest.mark.parametrize("size", [(1280, 720), (1024, 600)])
def test_every_page_renders_at_smaller_screens(size):
    for page in (None, 0, len(pages(PROGRESS)) - 1):
        surface, _ = render_page(page, size=size)
        assert len(np.unique(pygame.surfarray.pixels2d(surface))) > 20


def test_render_training_at_an_iteration_draws_that_page(tmp_path, capsys):
    out = tmp_path / "training-5000.png"
    assert main(["render", "training", "--iteration", "5000", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    written = pygame.surfarray.array3d(pygame.image.load(str(out)))
    expected, _ = render_page(WORKSHOP_SNAPSHOTS.index(5000))
    assert np.array_equal(written, pygame.surfarray.array3d(expected))


def test_render_training_refuses_an_iteration_that_is_not_a_snapshot(tmp_path, capsys):
    out = tmp_path / "x.png"
    assert main(["render", "training", "--iteration", "300", "--out", str(out)]) == 2
    assert "1000" in capsys.readouterr().err and not out.exists()
