"""The workshop and visitor modes on screen, rendered headless and read back from pixels and
from the frame's log of texts (:mod:`display.audit`).

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
    ConsoleAction,
    LanguageChosen,
    SliderMoved,
    StationStatus,
    StepChosen,
    Tick,
)
from controller.modes import engine
from controller.modes.actors import VisitorState
from controller.modes.rehearsal import play, the_class, the_visitor
from controller.network import load_network
from controller.scene import build_scene
from controller.session import load_mode_settings
from controller.texts import load_texts
from display.assets import Assets
from display.frame import render_scene
from display.panes import Panes
from display.regions import attract_layout, frame_layout
from display.registry import draw_presenter, draw_view, view_panes
from display.ruler import scene_ruler
from display.theme import PALETTE, rgb
from display.views import network, rulers
from display.widgets import condition_text
from display.window import Window

NETWORK = load_network()
LIBRARY = {name: load_digit_set(name) for name in shipped_sets()}
SETTINGS = load_mode_settings()
SIZE = (1920, 1080)


def workshop(step, t=0.0, language="fr"):
    session = mode_session(
        NETWORK, LIBRARY, LIBRARY["grandeur-nature"], language, SETTINGS, "workshop"
    )
    return engine.apply(session, StepChosen(step, t))


def visitor():
    return mode_session(NETWORK, LIBRARY, LIBRARY["grandeur-nature"], "fr", SETTINGS, "visitor")


def count(surface, colour, rect=None):
    rect = pygame.Rect(rect or surface.get_rect())
    pixels = pygame.surfarray.pixels3d(surface.subsurface(rect))
    return int(np.all(pixels == np.array(colour), axis=2).sum())


def drawn(scene, presenter=False):
    """The frame of ``scene`` (class screen or presenter view), its hotspots and its texts."""
    assets = Assets(SIZE)
    surface, hotspots = render_scene(scene, SIZE, assets, presenter=presenter)
    return surface, hotspots, [t.text for t in assets.log.texts]


def ruler_rects(scene, surface):
    regions = rulers.layout(scene, surface)
    return {name.split(":")[1]: regions[name] for name in regions.names("ruler:")}


# --- two audiences: the class screen and the presenter view --------------------------------


def test_the_class_screen_takes_the_whole_screen_and_asks_the_class_in_its_band():
    scene = engine.scene(workshop("learning-green"), 1.0)
    surface, hotspots, texts = drawn(scene)
    sliders = [h for h in hotspots if h.kind == "slider"]
    # Only the ruler taking part can be dragged; the rulers the step is not about are veiled.
    assert [h.neuron for h in sliders] == ["0"]
    assert sliders[0].rect.right > SIZE[0] * 0.4  # the view spans the screen: no step column
    band = frame_layout(SIZE, True)["band"]
    assert count(surface, PALETTE.ink, band) > 50_000
    assert scene.workshop.task in " ".join(texts)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("step", [s.id for s in workshop("introduction").script.steps])
def test_no_leader_note_or_target_reaches_the_class_screen(step, language):
    scene = engine.scene(workshop(step, language=language), 1.0)
    _, _, texts = drawn(scene)
    screen = " ".join(texts)
    texts_of = load_texts(language)
    for point in scene.workshop.points:
        assert point not in screen
    for condition in scene.workshop.conditions:
        if condition.key not in ("always", "recognised_all"):
            assert condition_text(condition, scene, texts_of) not in texts, condition.text
    # The leader's cues are the presenter's.
    assert texts_of["workshop.complete"] not in texts
    assert texts_of.format("workshop.step", index=1, count=scene.workshop.count) not in screen


def test_the_presenter_view_shows_the_leaders_side_of_the_step():
    scene = engine.scene(workshop("learning-green"), 1.0)
    _, hotspots, texts = drawn(scene, presenter=True)
    screen = " ".join(texts)
    fr = load_texts("fr")
    assert "vert\u00a0: seuil 7" in texts  # the target, ticked live
    assert scene.workshop.points[0].split()[0] in screen  # the notes
    assert fr.format("presenter.next", title=scene.workshop.next_title) in screen
    assert "0 min sur 3" in texts  # the time
    steps = [h for h in hotspots if h.kind == "step"]
    assert [h.index for h in steps][:3] == ["introduction", "gn-3", "gn-6"]


def test_the_presenter_ticks_the_conditions_as_they_come_to_hold():
    session = workshop("learning-green")
    before, _, _ = drawn(engine.scene(session, 1.0), presenter=True)
    moved = engine.apply(session, SliderMoved("0", 7, 2.0))
    after, _, texts = drawn(engine.scene(moved, 2.0), presenter=True)
    assert "vert 6 → 7" in texts
    assert count(after, PALETTE.ink) > count(before, PALETTE.ink)  # more boxes filled: ✓


# --- reveal, don't tell --------------------------------------------------------------------


def reveal(session, t=2.0):
    return engine.apply(session, ConsoleAction("reveal", t))


def test_table_all_shows_the_eight_digits_only_once_the_leader_reveals_them():
    session = workshop("table-all")
    _, _, texts = drawn(engine.scene(session, 1.0))
    others = [n for n in LIBRARY["grandeur-nature"].names() if n != "0♦"]
    assert "0♦" in texts and not set(others) & set(texts)
    assert not [t for t in texts if "reconnus" in t]
    assert not engine.scene(session, 1.0).workshop.complete  # the step waits for the reveal
    revealed = engine.scene(reveal(session), 2.0)
    _, _, texts = drawn(revealed)
    assert set(others) <= set(texts)
    assert "8/8 reconnus" in texts and revealed.workshop.complete


def test_the_ninth_digit_lands_on_the_rulers_and_the_question_is_asked_after_the_reveal():
    session = workshop("learning-ninth")
    scene = engine.scene(session, 1.0)
    _, _, texts = drawn(scene)
    assert "6♠" not in texts and scene.workshop.task in " ".join(texts)
    revealed = engine.scene(reveal(session), 2.0)
    _, _, texts = drawn(revealed)
    assert texts.count("6♠") == 10  # on every ruler
    assert revealed.workshop.question in " ".join(texts) and "8/9 reconnus" in texts


def test_the_wrong_side_marks_wait_for_the_reveal():
    session = workshop("learning-green")  # 6♠ is still read as a 0: on green's wrong side
    green = ruler_rects(engine.scene(session, 1.0), pygame.Surface(SIZE))["0"]
    hidden, _, _ = drawn(engine.scene(session, 1.0))
    assert count(hidden, PALETTE.wrong, green) == 0
    shown, _, _ = drawn(engine.scene(reveal(session), 2.0))
    assert count(shown, PALETTE.wrong, green) > 100


def test_after_c_and_d_move_the_output_sums_wait_until_the_class_works_them_out():
    session = workshop("learning-hidden")
    surface = pygame.Surface(SIZE)
    regions = ruler_rects(engine.scene(session, 1.0), surface)
    frame, _, texts = drawn(engine.scene(session, 1.0))
    assert "0♦" in texts  # the hidden rulers keep their chips…
    chips = [*LIBRARY["grandeur-nature"].names(), "3♠"]
    assert texts.count("0♦") == len(NETWORK.hidden_names)  # …the output rulers wait
    assert load_texts("fr")["workshop.to_compute"] in texts
    green = rgb(NETWORK.outputs[0].colour)
    revealed, _, texts = drawn(engine.scene(reveal(session), 2.0))
    assert texts.count("0♦") == len(NETWORK.hidden_names) + len(NETWORK.output_names)
    assert count(revealed, green, regions["0"]) > count(frame, green, regions["0"]) + 500
    assert set(chips) <= set(texts)


def test_output_rulers_are_not_veiled_while_c_and_d_move():
    scene = engine.scene(workshop("learning-hidden"), 1.0)
    assert set(scene.workshop.focus) == {"C", "D", *NETWORK.output_names}
    assert not rulers.veiled(scene, "3") and rulers.veiled(scene, "A")


# --- what the class does, on the class screen ----------------------------------------------


def test_a_hidden_digit_shows_no_pixel_of_it_until_revealed():
    session = workshop("gn-3")
    scene = engine.scene(session, 1.0)
    surface, hotspots, _ = drawn(scene)
    grid = network.digit_grid(scene, Assets(SIZE), network.layout(scene, surface))
    rect = pygame.Rect(round(grid.x), round(grid.y), round(grid.width), round(grid.height))
    inside = rect.inflate(-12, -12)
    assert count(surface, PALETTE.pixel_on, inside) == 0
    assert not [h for h in hotspots if h.kind == "digit"]  # no ◀ ▶ to peek at another digit
    shown, _, _ = drawn(engine.scene(workshop("gn-message"), 1.0))
    assert count(shown, PALETTE.pixel_on, inside) > 1000


def test_a_wrong_answer_is_framed_red_and_the_leader_may_accept_it():
    session = engine.apply_all(
        workshop("gn-3"), [ButtonPressed("COL2", "plus", 1.0), ButtonPressed("COL2", "ok", 1.0)]
    )
    scene = engine.scene(session, 1.0)
    surface, hotspots, _ = drawn(scene)
    regions = network.layout(scene, surface)
    card = regions["card:COL2"]
    assert count(surface, PALETTE.wrong, card) > 500
    assert count(surface, PALETTE.wrong, regions["card:COL1"]) == 0
    accept = [h for h in hotspots if h.kind == "accept"]
    assert [h.neuron for h in accept] == ["COL2"] and accept[0].rect == card
    accepted = engine.scene(engine.apply(session, AnswerAccepted("COL2", 2.0)), 2.0)
    surface, _, _ = drawn(accepted)
    assert count(surface, PALETTE.wrong, card) == 0


def test_a_table_working_its_sum_out_sees_no_chip_on_its_ruler():
    session = workshop("table-compute")
    scene = engine.scene(session, 1.0)
    surface, hotspots, _ = drawn(scene)
    rects = ruler_rects(scene, surface)
    green = rgb(NETWORK.outputs[0].colour)  # the 0♦ chip is green
    assert all(count(surface, green, rects[n]) == 0 for n in NETWORK.hidden_names)
    assert not [h for h in hotspots if h.kind == "digit"]
    t = 1.0
    while engine.scene(session, t).workshop.layer == "hidden":  # the hidden tables answer
        session, _, t = play(session, the_class, rounds=1, t=t)
    surface, _, _ = drawn(engine.scene(session, t))
    assert all(count(surface, green, rects[n]) > 100 for n in NETWORK.hidden_names)
    assert all(count(surface, green, rects[n]) == 0 for n in NETWORK.output_names[1:])


def test_a_move_past_one_step_is_flagged_on_its_ruler_and_on_the_presenter():
    scene = engine.scene(engine.apply(workshop("learning-green"), SliderMoved("0", 9, 1.0)), 1.0)
    surface, _, _ = drawn(scene)
    rects = ruler_rects(scene, surface)
    assert count(surface, PALETTE.wrong, rects["0"]) > 1000  # "un cran seulement !"
    presenter, _, _ = drawn(scene, presenter=True)
    assert count(presenter, PALETTE.wrong) > 1000  # "vert 6 → 7" in red
    fine = engine.scene(engine.apply(workshop("learning-green"), SliderMoved("0", 7, 1.0)), 1.0)
    presenter, _, _ = drawn(fine, presenter=True)
    assert count(presenter, PALETTE.wrong) == 0


def test_conditions_are_worded_in_the_screen_s_language():
    scene = engine.scene(workshop("learning-green"), 1.0)
    fr, en = load_texts("fr"), load_texts("en")
    worded = [condition_text(c, scene, fr) for c in scene.workshop.conditions]
    assert worded == [
        "vert\u00a0: seuil 7",
        "tous les chiffres reconnus",
        "aucune réglette de plus d'un cran",
        "la réponse est révélée",
    ]
    assert condition_text(scene.workshop.conditions[0], scene, en) == "green: threshold 7"


def test_the_conclusion_shows_the_network_with_its_sums_written_out():
    scene = engine.scene(workshop("conclusion"), 1.0)
    assert scene.view == "network"
    _, _, texts = drawn(scene)
    assert "COL2 + COL3 − COL1" in texts  # neuron A's sum, as the network has it


# --- the visitor mode ----------------------------------------------------------------------


def test_the_visitor_attract_loop_invites_a_touch_along_the_bottom():
    surface, _, texts = drawn(engine.scene(visitor(), 1.0))
    bottom = pygame.Rect(0, SIZE[1] - 130, SIZE[0], 130)
    assert count(surface, PALETTE.ink, bottom) > 30_000
    assert load_texts("fr")["visitor.touch"] in texts


def test_a_visitor_chooses_the_language_on_the_attract_screen():
    _, hotspots, texts = drawn(engine.scene(visitor(), 1.0))
    languages = [h for h in hotspots if h.kind == "language"]
    assert {h.index for h in languages} == {"fr", "en"} and "English" in texts
    english = engine.apply(visitor(), LanguageChosen("en", 2.0))
    _, _, texts = drawn(engine.scene(english, 2.0))
    assert engine.scene(english, 2.0).language == "en"
    assert load_texts("en")["screen.network.title"] in texts


def test_the_challenge_keeps_its_own_band_clear_of_the_view():
    session = engine.apply(visitor(), ButtonPressed("COL1", "ok", 1.0))
    scene = engine.scene(session, 1.0)
    assets = Assets(SIZE)
    render_scene(scene, SIZE, assets)
    band = frame_layout(SIZE, True)["band"]
    prompts = [t for t in assets.log.texts if t.region == "band"]
    assert prompts and all(band.contains(t.box) for t in prompts)
    # The view's own words (the answer "ambigu : 0 et 6" included) stay above the band.
    others = [t for t in assets.log.texts if t.region != "band"]
    assert all(t.box[1] + t.box[3] <= band.top for t in others)


def test_a_solved_challenge_is_celebrated_with_confetti_then_not():
    session, _, t = play(visitor(), the_visitor, VisitorState(), rounds=15)
    scene = engine.scene(session, t)
    assert scene.visitor.solved
    _, _, texts = drawn(scene)
    assert load_texts("fr")["visitor.bravo"] in texts
    content = frame_layout(SIZE, True)["content"]

    def moving(session, t):
        """How many pixels of the view change in a third of a second."""
        a, _, _ = drawn(engine.scene(session, t))
        b, _, _ = drawn(engine.scene(session, t + 0.3))
        diff = pygame.surfarray.array3d(a) != pygame.surfarray.array3d(b)
        return int(
            diff[content.left : content.right, content.top : content.bottom].any(axis=2).sum()
        )

    assert moving(session, t) > 5000  # confetti falling
    later = engine.apply(session, Tick(t + 7.0))
    assert not engine.scene(later, t + 7.0).visitor.solved
    _, _, texts = drawn(engine.scene(later, t + 7.0))
    assert load_texts("fr")["visitor.bravo"] not in texts
    assert moving(later, t + 7.0) == 0


def test_the_idle_countdown_shows_in_the_band_in_the_last_seconds():
    session = engine.apply(visitor(), ButtonPressed("COL1", "ok", 1.0))
    band = frame_layout(SIZE, True)["band"]
    early, _, _ = drawn(engine.scene(engine.apply(session, Tick(60.0)), 60.0))
    late, _, texts = drawn(engine.scene(engine.apply(session, Tick(85.0)), 85.0))
    assert count(early, PALETTE.wrong, band) == 0
    assert count(late, PALETTE.wrong, band) > 5000
    assert "Il y a quelqu'un" in " ".join(texts)


def test_a_held_slider_s_hint_sits_beside_its_threshold_s_handle():
    session = engine.apply_all(visitor(), [SliderMoved("A", 12, 0.5), Tick(100.0)])
    session = engine.apply(session, ButtonPressed("COL1", "ok", 101.0))
    scene = replace(engine.scene(session, 101.0), view="rulers")
    assert scene.station("A").pickup == "down"
    assets = Assets(SIZE)
    surface, _ = render_scene(scene, SIZE, assets)
    a = ruler_rects(scene, surface)["A"]
    drawn_in_a = {t.text: pygame.Rect(t.box) for t in assets.log.texts if t.region == "ruler:A"}
    hint, handle = drawn_in_a["◀ descends"], drawn_in_a["seuil 8"]
    assert a.contains(hint) and abs(hint.centery - handle.centery) <= 2  # in the top row…
    gap = min(abs(hint.left - handle.right), abs(handle.left - hint.right))
    assert gap < 60  # …beside the handle
    plain = Assets(SIZE)
    render_scene(replace(scene, stations=()), SIZE, plain)
    assert "◀ descends" not in [t.text for t in plain.log.texts]


# --- the window: the leader's key, the presenter's dots -------------------------------------


@pytest.fixture
def window():
    window = Window(size=(1280, 720), simulation=False)
    pygame.event.clear()
    yield window
    window.close()


def click(rect):
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=rect.center, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=rect.center, button=1))


def test_the_leader_s_key_shows_the_presenter_where_a_dot_jumps_to_a_step(window):
    session = engine.apply_all(
        workshop("gn-3"), [ButtonPressed("COL2", "plus", 1.0), ButtonPressed("COL2", "ok", 1.0)]
    )
    window.show(engine.scene(session, 1.0))
    assert not [h for h in window.hotspots if h.kind == "step"]  # not on the class screen
    click(next(h for h in window.hotspots if h.kind == "accept").rect)
    assert window.poll(2.0) == [AnswerAccepted("COL2", 2.0)]
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_p))
    assert window.poll(2.5) == []
    window.show(engine.scene(session, 2.5))
    click(next(h for h in window.hotspots if h.kind == "step" and h.index == "learning-green").rect)
    assert window.poll(3.0) == [StepChosen("learning-green", 3.0)]


def test_a_re_timed_scene_draws_nothing_until_the_leader_s_key_changes_what_is_shown(window):
    scene = engine.scene(engine.apply(workshop("gn-3"), Tick(1.0)), 1.0)
    window.show(scene)
    presented = window.presented
    window.show(replace(scene, t=1.5))  # the engine re-times a scene that did not change
    assert window.presented == presented
    for shown_after in (presented + 1, presented + 2):  # the presenter view, then back
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_p))
        window.poll(2.0)
        window.show(replace(scene, t=2.0))
        assert window.presented == shown_after
    assert np.array_equal(pixels(window.screen), pixels(render_scene(scene, (1280, 720))[0]))


def test_the_first_scene_warms_every_view_so_a_first_change_of_view_renders_no_new_text(window):
    scene = engine.scene(visitor(), 1.0)  # the attract view
    window.show(scene)
    rendered = len(window.assets.cache)
    for view in ("network", "rulers", "decision"):
        draw_view(pygame.Surface(window.view_rect.size), replace(scene, view=view), window.assets)
    assert len(window.assets.cache) == rendered


def test_the_first_scene_warms_the_network_views_layer_at_each_layer_the_signal_reaches(
    window, monkeypatch
):
    scene = engine.scene(workshop("introduction"), 1.0)
    window.show(scene)
    built = []
    static = network._draw_static
    monkeypatch.setattr(network, "_draw_static", lambda *a: built.append(a) or static(*a))
    surface = pygame.Surface(window.view_rect.size)
    for signal in (0, 1, 2, None):  # a grandeur nature run, the signal reaching each layer
        draw_view(surface, replace(scene, view="network", signal_layers=signal), window.assets)
    assert built == []


def pixels(surface):
    return pygame.surfarray.array3d(surface)


def test_the_window_draws_only_what_changed_and_shows_what_a_full_redraw_would(window):
    session = workshop("gn-3")
    window.show(engine.scene(engine.apply(session, Tick(1.0)), 1.0))
    presented, hotspots = window.presented, window.hotspots
    window.show(engine.scene(engine.apply(session, Tick(1.5)), 1.5))
    assert window.presented == presented  # nothing changed: nothing drawn, nothing presented
    assert window.hotspots == hotspots  # a touch still finds what the screen shows
    for rounds in (1, 3):  # the class moves: what the screen presents is the whole picture
        moved, _, t = play(session, the_class, rounds=rounds, t=2.0)
        scene = engine.scene(engine.apply(moved, Tick(t)), t)
        window.show(scene)
        assert window.presented == presented + 1
        presented = window.presented
        assert np.array_equal(pixels(window.screen), pixels(render_scene(scene, (1280, 720))[0]))


def test_pupils_dialling_and_giving_numbers_redraw_only_their_column_as_the_whole_view_would():
    session = engine.apply(workshop("gn-3"), Tick(1.0))
    for neuron in ("COL2", "COL3", "LIG1"):  # their stations are heard (the whole view shows them)
        session = engine.apply(session, StationStatus(neuron, True, 1.0))
    surface = pygame.Surface((1280, 720))
    assets, panes = Assets((1280, 720)), Panes()
    panes.draw(surface, view_panes(surface.get_rect(), engine.scene(session, 1.0), assets))
    regions = network.layout_of(engine.scene(session, 1.0), (1280, 720))
    around = network.card_surroundings(engine.scene(session, 1.0), assets, regions)
    inputs = around["COL1"].unionall([around[n] for n in NETWORK.input_names])
    presses = (
        (2.0, [("COL2", "plus")]),
        (2.5, [("COL2", "plus"), ("LIG1", "plus")]),  # two tables at once: one redraw
        (3.0, [("LIG1", "plus")]),
        (3.5, [("LIG1", "ok")]),  # a wrong answer
    )
    for t, pressed in presses:
        for neuron, button in pressed:
            session = engine.apply(session, ButtonPressed(neuron, button, t))
        scene = engine.scene(session, t)
        drawn = panes.draw(surface, view_panes(surface.get_rect(), scene, assets))
        assert drawn == [inputs.clip(surface.get_rect())]
        assert np.array_equal(pixels(surface), pixels(render_scene(scene, (1280, 720))[0]))
    assert scene.station("LIG1").answer == "wrong"
    accept = [h for h in panes.hotspots() if h.kind == "accept"]
    assert [(h.neuron, h.rect) for h in accept] == [("LIG1", regions["card:LIG1"])]
    assert sorted(panes.hotspots(), key=repr) == sorted(
        render_scene(scene, (1280, 720))[1], key=repr
    )
    session = engine.apply(session, StationStatus("COL3", False, 4.0))  # the header's banner
    drawn = panes.draw(surface, view_panes(surface.get_rect(), engine.scene(session, 4.0), assets))
    assert drawn[0] == surface.get_rect()


def test_a_column_redraw_draws_the_edges_once_for_the_values_shown(monkeypatch):
    session = engine.apply(workshop("gn-3"), Tick(1.0))
    for neuron in ("COL2", "LIG1"):  # heard: their presses redraw their column alone
        session = engine.apply(session, StationStatus(neuron, True, 1.0))
    surface = pygame.Surface((1280, 720))
    assets, panes = Assets((1280, 720)), Panes()
    panes.draw(surface, view_panes(surface.get_rect(), engine.scene(session, 1.0), assets))
    edges, edge = [], network._edge
    monkeypatch.setattr(network, "_edge", lambda *a: edges.append(a) or edge(*a))
    drawn = []
    for t, event, signal in (
        (2.0, ButtonPressed("COL2", "plus", 2.0), None),  # its column's edges: all drawn
        (2.5, ButtonPressed("COL2", "plus", 2.5), None),  # the same values: copied, none drawn
        (3.0, ButtonPressed("LIG1", "plus", 3.0), None),
        (3.5, Tick(3.5), 1),  # the signal reaches the inputs: the whole view, edges and all
        (4.0, ButtonPressed("COL2", "minus", 4.0), 1),  # new values: all drawn again, once
        (4.5, ButtonPressed("COL2", "plus", 4.5), 1),
    ):
        session = engine.apply(session, event)
        scene = engine.scene(session, t)
        if signal is not None:
            scene = replace(scene, signal_layers=signal)
        edges.clear()
        panes.draw(surface, view_panes(surface.get_rect(), scene, assets))
        drawn.append(len(edges))
    lines = drawn[0]
    assert lines >= 30 and drawn == [lines, 0, 0, lines, lines, 0]
    session = engine.apply(session, ButtonPressed("LIG1", "plus", 5.0))
    scene = replace(engine.scene(session, 5.0), signal_layers=1)
    panes.draw(surface, view_panes(surface.get_rect(), scene, assets))
    assert np.array_equal(pixels(surface), pixels(render_scene(scene, (1280, 720))[0]))


def test_a_slid_threshold_redraws_only_the_rulers_it_moves_as_the_whole_view_would():
    digits = LIBRARY["grandeur-nature"]
    surface = pygame.Surface((1280, 720))
    assets, panes = Assets((1280, 720)), Panes()
    scene = build_scene(NETWORK, digits, view="rulers")
    panes.draw(surface, view_panes(surface.get_rect(), scene, assets))
    regions = rulers.layout_of(scene, (1280, 720))
    box = {n: regions[f"ruler:{n}"] for n in NETWORK.hidden_names + NETWORK.output_names}
    for neuron, moved in (("0", 0.5), ("A", 0.5)):  # an output, then a hidden neuron
        network = scene.network.with_thresholds({neuron: scene.network.threshold(neuron) + moved})
        before, scene = scene, build_scene(network, digits, view="rulers")
        assert rulers.score_text(scene) == rulers.score_text(before)  # the frame stays
        drawn = panes.draw(surface, view_panes(surface.get_rect(), scene, assets))
        changed = [n for n in box if scene_ruler(scene, n) != scene_ruler(before, n)]
        assert neuron in changed and [n for n in box if box[n].collidelist(drawn) >= 0] == changed
        assert np.array_equal(pixels(surface), pixels(render_scene(scene, (1280, 720))[0]))
        expected = render_scene(scene, (1280, 720))[1]
        assert sorted(panes.hotspots(), key=repr) == sorted(expected, key=repr)
    assert len(changed) > 1  # a hidden threshold moves the output rulers' sums too


def test_the_presenter_view_is_drawn_again_as_its_clock_moves_and_the_class_screen_is_not():
    session = workshop("gn-3")
    surface = pygame.Surface((1280, 720))
    assets, panes = Assets((1280, 720)), Panes()
    for t, presenting, redrawn in (
        (1.0, False, True),
        (59.0, False, False),  # the class screen has no clock
        (59.0, True, True),  # the leader's key: the presenter view
        (61.0, True, True),  # its clock moved on
        (65.0, True, False),  # counted in minutes, looked at every ten seconds
    ):
        scene = engine.scene(engine.apply(session, Tick(t)), t)
        shown = view_panes(surface.get_rect(), scene, assets, presenting=presenting)
        assert bool(panes.draw(surface, shown)) == redrawn, (t, presenting)
    expected = pygame.Surface((1280, 720))
    draw_presenter(expected, scene, Assets((1280, 720)))
    assert np.array_equal(pixels(surface), pixels(expected))


def test_render_draws_the_workshop_at_a_step_after_the_class_s_moves(tmp_path, capsys):
    out = tmp_path / "gn.png"
    argv = ["render", "--mode", "workshop", "--step", "gn-3", "--moves", "5", "--out", str(out)]
    assert main([*argv, "--size", "1280x720"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    session, _, t = play(workshop("gn-3"), the_class, rounds=5)
    expected, _ = render_scene(engine.scene(engine.apply(session, Tick(t)), t), (1280, 720))
    written = pygame.image.load(str(out))
    assert np.array_equal(pygame.surfarray.array3d(written), pygame.surfarray.array3d(expected))


def test_render_presenter_draws_the_leader_s_view(tmp_path, capsys):
    out = tmp_path / "presenter.png"
    argv = ["render", "presenter", "--mode", "workshop", "--step", "learning-green"]
    assert main([*argv, "--out", str(out)]) == 0
    expected, _ = render_scene(engine.scene(workshop("learning-green"), 0.0), SIZE, presenter=True)
    written = pygame.image.load(str(out))
    assert np.array_equal(pygame.surfarray.array3d(written), pygame.surfarray.array3d(expected))


def test_render_names_an_unknown_step(tmp_path, capsys):
    assert (
        main(["render", "--mode", "workshop", "--step", "nap", "--out", str(tmp_path / "x")]) == 2
    )
    assert "gn-3" in capsys.readouterr().err


def test_the_engine_re_times_the_last_scene_while_the_session_does_not_change():
    rules = engine.Engine()
    session = engine.apply(workshop("gn-3"), Tick(1.0))
    first = rules.scene(session, 1.0)
    again = rules.scene(engine.apply(session, Tick(2.0)), 2.0)  # a tick that changes nothing
    assert again.t == 2.0 and again.workshop is first.workshop and again.result is first.result
    pressed = engine.apply(session, ButtonPressed("COL2", "plus", 2.5))
    after = rules.scene(pressed, 3.0)
    assert after.workshop is not first.workshop and after.stations != first.stations
    built = engine.scene(pressed, 3.0)
    assert after.stations == built.stations and after.workshop == built.workshop
    idle = engine.apply(visitor(), ButtonPressed("A", "plus", 0.5))  # the idle countdown runs
    assert rules.scene(idle, 1.0).visitor != rules.scene(idle, 5.0).visitor


def test_a_view_that_moves_with_the_time_is_drawn_again_twenty_times_a_second():
    scene = engine.scene(visitor(), 0.0)  # the attract view: its example moves
    assert scene.view == "attract"
    surface = pygame.Surface((1280, 720))
    assets, panes = Assets((1280, 720)), Panes()
    drawn = [
        bool(panes.draw(surface, view_panes(surface.get_rect(), replace(scene, t=t), assets)))
        for t in (10.0, 10.02, 10.04, 10.05, 10.08, 10.1)
    ]
    assert drawn == [True, False, False, True, False, True]


def test_the_attract_view_draws_again_only_its_stage_and_its_breathing_band():
    scene = engine.scene(visitor(), 0.0)
    surface = pygame.Surface((1280, 720))
    assets, panes = Assets((1280, 720)), Panes()
    first = panes.draw(surface, view_panes(surface.get_rect(), replace(scene, t=10.0), assets))
    assert first[0] == surface.get_rect()
    regions = attract_layout((1280, 720), band=True)
    for t in (10.05, 11.3, 13.1):  # the arrow's pulse, the band's breath, the next digit
        moving = replace(scene, t=t)
        drawn = panes.draw(surface, view_panes(surface.get_rect(), moving, assets))
        assert drawn == [regions["stage"], regions["band"]]  # those alone
        assert np.array_equal(pixels(surface), pixels(render_scene(moving, (1280, 720))[0]))
    assert panes.hotspots() == render_scene(moving, (1280, 720))[1]  # the languages still


def test_a_visitor_at_play_redraws_for_what_changes_and_the_countdown_s_seconds_only():
    idle = engine.apply(visitor(), ButtonPressed("A", "plus", 0.5))  # a visitor plays
    surface = pygame.Surface((1280, 720))
    assets, panes = Assets((1280, 720)), Panes()
    timeout = engine.scene(idle, 1.0).visitor.timeout_s
    counting = 0.5 + timeout - 10  # ten seconds before the time-out: the countdown runs
    drawn = []
    for t in (1.0, 1.5, 2.0, counting, counting + 0.3, counting + 0.6, counting + 1.1):
        scene = engine.scene(idle, t)
        drawn.append(bool(panes.draw(surface, view_panes(surface.get_rect(), scene, assets))))
    assert scene.visitor.phase == "play" and not scene.visitor.solved
    assert drawn == [True, False, False, True, False, False, True]
    assert np.array_equal(pixels(surface), pixels(render_scene(scene, (1280, 720))[0]))
