"""The screen's views, rendered headless and checked as a person would check them: by looking.

Every assertion reads pixels of a rendered frame at places computed independently (the
network's own forward pass, the ruler's scale), so a view that draws the wrong thing in the
right place, or the right thing in the wrong place, fails.
"""

import tomllib

import numpy as np
import pygame
import pytest

from controller.digits import DigitSet, load_digit_set
from controller.network import forward, load_network
from controller.scene import StationView, build_scene
from controller.texts import TEXTS_DIR, load_texts
from display.assets import Assets
from display.frame import render_scene
from display.registry import VIEWS
from display.ruler import ruler_geometry, scene_ruler
from display.theme import PALETTE, rgb
from display.views import network, rulers
from display.widgets import chip_size, decision_text

NETWORK = load_network()
WORKSHOP = load_digit_set("grandeur-nature")
LEARNING = load_digit_set("learning")
FULL_HD = (1920, 1080)


def scene_of(view, digits=WORKSHOP, index=0, network=NETWORK, **fields):
    return build_scene(network, digits, digit_index=index, view=view, **fields)


def ruler_rects(scene, surface):
    """``(rect, neuron)`` of every ruler of the rulers view, from its layout."""
    regions = rulers.layout(scene, surface)
    return [(regions[name], name.split(":")[1]) for name in regions.names("ruler:")]


def box(rect):
    return rect.x, rect.y, rect.w, rect.h


def pixel(surface, x, y):
    return tuple(surface.get_at((round(x), round(y))))[:3]


def count_colour(surface, colour, rect=None):
    """How many pixels of exactly ``colour`` are in ``rect`` (default: the whole surface)."""
    rect = pygame.Rect(rect or surface.get_rect())
    pixels = pygame.surfarray.pixels3d(surface.subsurface(rect))
    return int(np.all(pixels == np.array(colour), axis=2).sum())


@pytest.mark.parametrize("size", [FULL_HD, (1280, 720), (1024, 600)])
@pytest.mark.parametrize("view", list(VIEWS))
def test_every_view_renders_at_every_screen_size(view, size):
    surface, _ = render_scene(scene_of(view, index=1), size)
    assert surface.get_size() == size
    colours = pygame.surfarray.pixels2d(surface)
    assert len(np.unique(colours)) > 20  # drawn, not a blank fill


def test_the_threshold_marker_moves_with_the_threshold():
    one = DigitSet("one", (WORKSHOP.find("3♥"),))  # its chip on A sits at 12, clear of 8 and 11

    def marker_at(threshold):
        network = NETWORK.with_thresholds({"A": threshold})
        scene = scene_of("rulers", digits=one, network=network)
        assets = Assets(FULL_HD)
        surface, _ = render_scene(scene, FULL_HD, assets)
        rect, _ = next(cell for cell in ruler_rects(scene, surface) if cell[1] == "A")
        model = scene_ruler(scene, "A")
        geometry = ruler_geometry(model, box(rect), chip_size(assets), assets.theme.px)
        # A row across the ruler between its Non/Oui labels and the chip: only the marker is ink.
        y = geometry.top + assets.theme.px(40)
        xs = range(round(geometry.scale.x0), round(geometry.scale.x1))
        ink = [x for x in xs if pixel(surface, x, y) == PALETTE.ink]
        return np.mean(ink), geometry.scale

    at_8, scale = marker_at(8)
    at_11, _ = marker_at(11)
    assert abs(at_8 - scale.x(8)) <= 2
    assert abs(at_11 - scale.x(11)) <= 2
    assert at_11 - at_8 > 40  # moved right, visibly


@pytest.mark.parametrize("name", ["3♥", "6♦", "0♥"])
def test_a_digits_chip_sits_at_its_computed_sum_on_its_own_side_of_the_threshold(name):
    digit = WORKSHOP.find(name)
    one = DigitSet("one", (digit,))
    scene = scene_of("rulers", digits=one)
    assets = Assets(FULL_HD)
    surface, _ = render_scene(scene, FULL_HD, assets)
    fill = rgb(NETWORK.outputs[NETWORK.labels.index(digit.label)].colour)
    sums = forward(NETWORK, digit.pixels)
    for rect, neuron in ruler_rects(scene, surface):
        layer, index = NETWORK.locate(neuron)
        total = (sums.hidden_sums if layer == "hidden" else sums.output_sums)[0, index]
        model = scene_ruler(scene, neuron)
        geometry = ruler_geometry(model, box(rect), chip_size(assets), assets.theme.px)
        x, bottom = geometry.chips[0]
        w, h = geometry.chip
        # At its value, or beside it when the value is on the threshold's line: the chip is
        # wholly on its own side (Oui right of the line, Non left of it).
        assert abs(x - geometry.scale.x(total)) <= w / 2 + assets.theme.px(4), neuron
        marker = geometry.scale.x(NETWORK.threshold(neuron))
        if total > NETWORK.threshold(neuron):
            assert x - w / 2 > marker, neuron
        else:
            assert x + w / 2 < marker, neuron
        # The chip's colour shows just inside its left and right edges.
        inside = assets.theme.px(5)
        assert pixel(surface, x - w / 2 + inside, bottom - h / 2) == fill, neuron
        assert pixel(surface, x + w / 2 - inside, bottom - h / 2) == fill, neuron
        assert pixel(surface, x - w / 2 - 3 * inside, bottom - h / 2) != fill, neuron


@pytest.mark.parametrize(
    ("digits", "name", "expected"),
    [
        (WORKSHOP, "3♥", {"fr": "3", "en": "3"}),
        (LEARNING, "6♠", {"fr": "ambigu\u00a0: 0 et 6", "en": "ambiguous: 0 and 6"}),
        (LEARNING, "3♠", {"fr": "pas reconnu", "en": "not recognised"}),
    ],
)
def test_the_decision_text_matches_the_network(digits, name, expected):
    index = digits.names().index(name)
    decision = forward(NETWORK, digits.digits[index].pixels).decision(0)
    for language, sentence in expected.items():
        scene = scene_of("decision", digits=digits, index=index, language=language)
        assert decision_text(scene, load_texts(language)) == sentence
        assert scene.decision == decision


def output_colours_in_answer(view_scene):
    """Which output colours fill the decision view's answer area."""
    surface, _ = render_scene(view_scene, FULL_HD)
    w, h = FULL_HD
    answer = pygame.Rect(round(w * 0.35), round(h * 0.15), round(w * 0.6), round(h * 0.45))
    shown = set()
    for output in NETWORK.outputs:
        if count_colour(surface, rgb(output.colour), answer) > 5000:
            shown.add(output.label)
    return shown


def test_the_decision_view_shows_the_recognised_digits_tile_and_nothing_else():
    assert output_colours_in_answer(scene_of("decision", index=1)) == {3}
    ambiguous = LEARNING.names().index("6♠")
    assert output_colours_in_answer(scene_of("decision", LEARNING, ambiguous)) == {0, 6}
    missed = LEARNING.names().index("3♠")
    assert output_colours_in_answer(scene_of("decision", LEARNING, missed)) == set()


@pytest.mark.parametrize("view", list(VIEWS))
def test_an_offline_station_shows_in_red_on_every_view(view):
    offline = (StationView("C", online=False), StationView("A", online=True))
    top = pygame.Rect(0, 0, FULL_HD[0], round(FULL_HD[1] * 0.1))
    online_frame, _ = render_scene(scene_of(view, stations=offline[1:]), FULL_HD)
    offline_frame, _ = render_scene(scene_of(view, stations=offline), FULL_HD)
    assert count_colour(online_frame, PALETTE.offline) == 0
    assert count_colour(offline_frame, PALETTE.offline, top) > 2000


def test_an_offline_neurons_card_is_framed_in_red_on_the_network_view():
    assets = Assets(FULL_HD)
    scene = scene_of("network", stations=(StationView("C", online=False),))
    surface, _ = render_scene(scene, FULL_HD, assets)
    regions = network.layout(scene, surface)
    for name in regions.names("card:"):
        neuron, card = name.split(":")[1], regions[name]
        frame = pixel(surface, card.left + 1, card.centery)
        assert (frame == PALETTE.offline) == (neuron == "C"), neuron


@pytest.mark.parametrize("view", list(VIEWS))
def test_french_and_english_frames_differ_only_in_words(view):
    french, _ = render_scene(scene_of(view, language="fr"), FULL_HD)
    english, _ = render_scene(scene_of(view, language="en"), FULL_HD)
    a, b = pygame.surfarray.array3d(french), pygame.surfarray.array3d(english)
    changed = np.any(a != b, axis=2)
    assert changed.sum() > 500  # the words differ…
    assert changed.mean() < 0.2  # …and the picture around them is the same


def keys(table, prefix=""):
    for key, value in table.items():
        yield from keys(value, f"{prefix}{key}.") if isinstance(value, dict) else [prefix + key]


def test_every_screen_text_is_translated_not_left_to_the_french_fallback():
    french, english = (
        tomllib.loads((TEXTS_DIR / f"{lang}.toml").read_text()) for lang in ["fr", "en"]
    )
    assert set(keys(french["screen"])) == set(keys(english["screen"]))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_technician_view_says_how_to_get_stations_before_any_is_heard(language):
    assets = Assets(FULL_HD)
    render_scene(scene_of("technician", language=language), FULL_HD, assets)
    drawn = " ".join(key[0] for key in assets.cache._surfaces if isinstance(key[0], str))
    assert "--emulate-stations 16" in drawn


def test_cached_layers_hold_at_most_their_screens_worth_of_pixels_the_oldest_going_first():
    assets, target = Assets((64, 48), layers=2), pygame.Surface((64, 48))
    built = []

    def layer(name):
        def build(surface):
            built.append(name)
            surface.fill((10, 20, 30))

        assets.blit_layer(target, name, build)

    for name in ("step 1", "step 2", "step 2", "step 3", "step 1", "step 3"):
        layer(name)
    assert built == ["step 1", "step 2", "step 3", "step 1"]  # two screens kept: 1 went first
    assert target.get_at((5, 5))[:3] == (10, 20, 30)


def test_a_new_layer_past_the_budget_is_drawn_on_a_dropped_ones_surface_cleared_first():
    assets, target = Assets((64, 48), layers=1), pygame.Surface((64, 48))
    made = []

    def layer(name, rect):
        def build(surface):
            made.append(surface)
            surface.fill((200, 100, 50), rect)

        assets.blit_layer(target, name, build)

    layer("whole", pygame.Rect(0, 0, 64, 48))
    layer("corner", pygame.Rect(0, 0, 8, 8))
    assert made[1] is made[0]  # no new screen's worth of memory to touch
    assert target.get_at((4, 4))[:3] == (200, 100, 50)
    assert target.get_at((30, 30))[:3] == (0, 0, 0)  # nothing left of the dropped layer
    layer("whole", pygame.Rect(0, 0, 64, 48))
    assert len(made) == 3 and target.get_at((30, 30))[:3] == (200, 100, 50)


@pytest.mark.parametrize(
    ("view", "first", "then"),
    [(network, "gn-3", "gn-6"), (rulers, "table-all", "table-interpret")],
)
def test_a_new_workshop_step_draws_its_header_strip_not_the_views_whole_layer(
    view, first, then, monkeypatch
):
    from controller.commands.run import mode_session
    from controller.digits import shipped_sets
    from controller.events import StepChosen
    from controller.modes import engine
    from controller.session import load_mode_settings

    library = {name: load_digit_set(name) for name in shipped_sets()}
    settings = load_mode_settings()
    start = mode_session(NETWORK, library, WORKSHOP, "fr", settings, "workshop")

    def step(name):
        return engine.scene(engine.apply(start, StepChosen(name, 0.0)), 1.0)

    assets = Assets(FULL_HD)
    before, _ = render_scene(step(first), FULL_HD, assets)
    drawn = []
    static = view._draw_static
    monkeypatch.setattr(view, "_draw_static", lambda *a: drawn.append(a) or static(*a))
    scene = step(then)
    assert scene.workshop.title != step(first).workshop.title
    cached, _ = render_scene(scene, FULL_HD, assets)
    assert drawn == []  # the view's layer is the one already drawn
    fresh, _ = render_scene(scene, FULL_HD, Assets(FULL_HD))
    assert pygame.image.tobytes(cached, "RGB") == pygame.image.tobytes(fresh, "RGB")
    header = pygame.Rect(0, 0, FULL_HD[0], 100)
    assert (
        before.subsurface(header).get_view("2").raw != cached.subsurface(header).get_view("2").raw
    )  # the title did change
