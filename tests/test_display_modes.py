"""The workshop and visitor modes on screen, rendered headless and read back from pixels.

Scenes come from the real session (the script, the challenges, the scripted class); places are
computed from the layouts the views use, so a mark drawn in the wrong place fails.
"""

from dataclasses import replace

import numpy as np
import pygame
import pytest

from controller.cli import main
from controller.commands.run import mode_session
from controller.digits import load_digit_set, shipped_sets
from controller.events import (
    AnswerAccepted,
    ButtonPressed,
    SliderMoved,
    StepChosen,
    Tick,
)
from controller.modes import engine
from controller.modes.actors import VisitorState
from controller.modes.rehearsal import play, the_class, the_visitor
from controller.network import load_network
from controller.session import load_mode_settings
from controller.texts import load_texts
from display.assets import Assets
from display.frame import render_scene
from display.ruler import ruler_geometry, scene_ruler
from display.theme import PALETTE, rgb
from display.views.network import network_layout
from display.views.rulers import ruler_rects
from display.views.workshop import COLUMN_SHARE, condition_text
from display.widgets import chip_size, header_content
from display.window import Window

NETWORK = load_network()
LIBRARY = {name: load_digit_set(name) for name in shipped_sets()}
SIZE = (1920, 1080)
SETTINGS = load_mode_settings()


def workshop(step, t=0.0):
    session = mode_session(NETWORK, LIBRARY, LIBRARY["grandeur-nature"], "fr", SETTINGS, "workshop")
    return engine.apply(session, StepChosen(step, t))


def visitor():
    return mode_session(NETWORK, LIBRARY, LIBRARY["grandeur-nature"], "fr", SETTINGS, "visitor")


def count(surface, colour, rect=None):
    rect = pygame.Rect(rect or surface.get_rect())
    pixels = pygame.surfarray.pixels3d(surface.subsurface(rect))
    return int(np.all(pixels == np.array(colour), axis=2).sum())


def view_part(size=SIZE):
    """Where the step's view is drawn in workshop mode, and the assets it is drawn with."""
    width = size[0] - round(size[0] * COLUMN_SHARE)
    rect = pygame.Rect(0, 0, width, size[1])
    return rect, Assets(rect.size)


def test_the_workshop_gives_the_step_a_column_and_the_view_the_rest():
    surface, hotspots = render_scene(engine.scene(workshop("learning-green"), 1.0), SIZE)
    left, _ = view_part()
    column = pygame.Rect(left.right, 0, SIZE[0] - left.width, SIZE[1])
    assert count(surface, PALETTE.card, column) > 20_000  # the task's white card
    sliders = [h for h in hotspots if h.kind == "slider"]
    # Only the ruler taking part can be dragged; the others are veiled.
    assert [h.neuron for h in sliders] == ["0"] and left.contains(sliders[0].rect)
    steps = [h for h in hotspots if h.kind == "step"]
    assert [h.index for h in steps][:3] == ["introduction", "gn-3", "gn-6"]
    assert all(column.contains(h.rect) for h in steps)


def test_a_hidden_digit_shows_no_pixel_of_it_until_revealed():
    session = workshop("gn-3")
    surface, hotspots = render_scene(engine.scene(session, 1.0), SIZE)
    left, assets = view_part()
    layout = network_layout(
        engine.scene(session, 1.0), assets, header_content(surface.subsurface(left), assets)
    )
    grid = pygame.Rect(
        round(layout.grid.x),
        round(layout.grid.y),
        round(layout.grid.width),
        round(layout.grid.height),
    ).inflate(-12, -12)  # inside the frame
    assert count(surface, PALETTE.pixel_on, grid) == 0
    assert not [h for h in hotspots if h.kind == "digit"]  # no ◀ ▶ to peek at another digit
    shown, _ = render_scene(engine.scene(workshop("gn-message"), 1.0), SIZE)
    assert count(shown, PALETTE.pixel_on, grid) > 1000


def test_a_wrong_answer_is_framed_red_and_the_leader_may_accept_it():
    session = engine.apply_all(
        workshop("gn-3"), [ButtonPressed("COL2", "plus", 1.0), ButtonPressed("COL2", "ok", 1.0)]
    )
    scene = engine.scene(session, 1.0)
    surface, hotspots = render_scene(scene, SIZE)
    left, assets = view_part()
    layout = network_layout(scene, assets, header_content(surface.subsurface(left), assets))
    card = layout.cards["COL2"]
    assert count(surface, PALETTE.wrong, card) > 500
    assert count(surface, PALETTE.wrong, layout.cards["COL1"]) == 0
    accept = [h for h in hotspots if h.kind == "accept"]
    assert [h.neuron for h in accept] == ["COL2"] and accept[0].rect == card
    accepted = engine.scene(engine.apply(session, AnswerAccepted("COL2", 2.0)), 2.0)
    surface, _ = render_scene(accepted, SIZE)
    assert count(surface, PALETTE.wrong, card) == 0


def test_a_table_working_its_sum_out_sees_no_chip_on_its_ruler():
    session = workshop("table-compute")
    scene = engine.scene(session, 1.0)
    surface, hotspots = render_scene(scene, SIZE)
    left, assets = view_part()
    rects = dict((n, r) for r, n in ruler_rects(scene, assets, surface.subsurface(left)))
    green = rgb(NETWORK.outputs[0].colour)  # the 0♦ chip is green
    assert all(count(surface, green, rects[n]) == 0 for n in NETWORK.hidden_names)
    assert not [h for h in hotspots if h.kind == "digit"]
    t = 1.0
    while (
        engine.scene(session, t).workshop.layer == "hidden"
    ):  # the class answers the hidden tables
        session, _, t = play(session, the_class, rounds=1, t=t)
    surface, _ = render_scene(engine.scene(session, t), SIZE)
    assert all(count(surface, green, rects[n]) > 100 for n in NETWORK.hidden_names)
    assert all(count(surface, green, rects[n]) == 0 for n in NETWORK.output_names[1:])


def test_a_move_past_one_step_is_flagged_on_its_ruler_and_in_the_column():
    scene = engine.scene(engine.apply(workshop("learning-green"), SliderMoved("0", 9, 1.0)), 1.0)
    surface, _ = render_scene(scene, SIZE)
    left, assets = view_part()
    rects = dict((n, r) for r, n in ruler_rects(scene, assets, surface.subsurface(left)))
    assert count(surface, PALETTE.wrong, rects["0"]) > 1000  # "un cran seulement !"
    column = pygame.Rect(left.right, 0, SIZE[0] - left.width, SIZE[1])
    assert count(surface, PALETTE.wrong, column) > 1000  # "vert 6 → 7" in red
    fine = engine.scene(engine.apply(workshop("learning-green"), SliderMoved("0", 7, 1.0)), 1.0)
    surface, _ = render_scene(fine, SIZE)
    assert count(surface, PALETTE.wrong, column) == 0


def test_conditions_are_worded_in_the_screen_s_language():
    scene = engine.scene(workshop("learning-green"), 1.0)
    fr, en = load_texts("fr"), load_texts("en")
    worded = [condition_text(c, scene, fr) for c in scene.workshop.conditions]
    assert worded == [
        "vert : seuil 7",
        "tous les chiffres reconnus",
        "aucune réglette de plus d'un cran",
    ]
    assert condition_text(scene.workshop.conditions[0], scene, en) == "green: threshold 7"


def test_the_visitor_attract_loop_invites_a_touch_along_the_bottom():
    surface, _ = render_scene(engine.scene(visitor(), 1.0), SIZE)
    bottom = pygame.Rect(0, SIZE[1] - 130, SIZE[0], 130)
    assert count(surface, PALETTE.ink, bottom) > 30_000


def test_a_solved_challenge_is_celebrated_with_confetti_then_not():
    session, _, t = play(visitor(), the_visitor, VisitorState(), rounds=15)
    scene = engine.scene(session, t)
    assert scene.visitor.solved
    surface, _ = render_scene(scene, SIZE)
    pink = rgb(NETWORK.outputs[2].colour)
    yellow = rgb(NETWORK.outputs[3].colour)
    top = pygame.Rect(0, 0, SIZE[0], 100)  # the header: no yellow or pink there but confetti
    assert count(surface, yellow, top) + count(surface, pink, top) > 50
    later = engine.scene(engine.apply(session, Tick(t + 7.0)), t + 7.0)
    assert not later.visitor.solved
    surface, _ = render_scene(later, SIZE)
    assert count(surface, yellow, top) + count(surface, pink, top) == 0


def test_the_idle_countdown_shows_in_the_last_seconds():
    session = engine.apply(visitor(), ButtonPressed("COL1", "ok", 1.0))
    band = pygame.Rect(0, 100, SIZE[0], 70)
    early, _ = render_scene(engine.scene(engine.apply(session, Tick(60.0)), 60.0), SIZE)
    late, _ = render_scene(engine.scene(engine.apply(session, Tick(85.0)), 85.0), SIZE)
    assert count(early, PALETTE.wrong, band) == 0
    assert count(late, PALETTE.wrong, band) > 5000


def test_a_held_slider_s_hint_sits_beside_its_threshold_on_the_slider_s_side():
    session = engine.apply_all(visitor(), [SliderMoved("A", 12, 0.5), Tick(100.0)])
    session = engine.apply(session, ButtonPressed("COL1", "ok", 101.0))
    scene = engine.scene(session, 101.0)
    assert scene.station("A").pickup == "down"
    rulers = replace(scene, view="rulers")
    surface, _ = render_scene(rulers, SIZE)
    assets = Assets(SIZE)
    rects = dict((n, r) for r, n in ruler_rects(rulers, assets, surface))
    plain, _ = render_scene(replace(rulers, stations=()), SIZE)
    diff = pygame.surfarray.array3d(surface) != pygame.surfarray.array3d(plain)
    a = rects["A"]
    changed = np.argwhere(diff[a.left : a.right, a.top : a.bottom].any(axis=2))
    assert len(changed) > 1000
    geometry = ruler_geometry(
        scene_ruler(rulers, "A"), tuple(a), chip_size(assets), assets.theme.px
    )
    marker = geometry.scale.x(8)
    assert changed[:, 0].min() + a.left > marker  # the slider is above 8: the hint is right of it


@pytest.fixture
def window():
    window = Window(size=(1280, 720), simulation=False)
    pygame.event.clear()
    yield window
    window.close()


def test_touching_a_step_dot_jumps_and_a_wrong_answer_accepts_it(window):
    session = engine.apply_all(
        workshop("gn-3"), [ButtonPressed("COL2", "plus", 1.0), ButtonPressed("COL2", "ok", 1.0)]
    )
    window.show(engine.scene(session, 1.0))
    dot = next(h for h in window.hotspots if h.kind == "step" and h.index == "learning-green")
    wrong = next(h for h in window.hotspots if h.kind == "accept")
    for rect in (dot.rect, wrong.rect):
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=rect.center, button=1))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=rect.center, button=1))
    events = window.poll(2.0)
    assert events == [StepChosen("learning-green", 2.0), AnswerAccepted("COL2", 2.0)]


def test_render_draws_the_workshop_at_a_step_after_the_class_s_moves(tmp_path, capsys):
    out = tmp_path / "gn.png"
    argv = ["render", "--mode", "workshop", "--step", "gn-3", "--moves", "5", "--out", str(out)]
    assert main([*argv, "--size", "1280x720"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    session, _, t = play(workshop("gn-3"), the_class, rounds=5)
    expected, _ = render_scene(engine.scene(engine.apply(session, Tick(t)), t), (1280, 720))
    written = pygame.image.load(str(out))
    assert np.array_equal(pygame.surfarray.array3d(written), pygame.surfarray.array3d(expected))


def test_render_names_an_unknown_step(tmp_path, capsys):
    assert (
        main(["render", "--mode", "workshop", "--step", "nap", "--out", str(tmp_path / "x")]) == 2
    )
    assert "gn-3" in capsys.readouterr().err
