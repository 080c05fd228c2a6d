"""The layout audit: every text of every screen, read from the back of the room.

``neurones render … --audit`` lists every text a frame drew with its box, font, audience and
region (:mod:`display.audit`). These tests render every view, every workshop step (the class
screen and the presenter view) and the visitor's states, in French and English, at 1920×1080,
and fail on any overlap, any text leaving its region or the screen, and any class text in a
font under 24 px.
"""

import json

import pygame
import pytest

from controller.cli import main
from controller.commands.run import mode_session
from controller.digits import load_digit_set, shipped_sets
from controller.events import ButtonPressed, ConsoleAction, StepChosen, Tick
from controller.modes import engine
from controller.modes.actors import VisitorState
from controller.modes.rehearsal import play, the_class, the_visitor
from controller.network import load_network
from controller.scene import StationView, build_scene
from controller.session import load_mode_settings
from display.assets import Assets
from display.audit import MIN_CLASS_FONT_PX, DrawLog, audit
from display.frame import render_scene
from display.registry import VIEWS

NETWORK = load_network()
LIBRARY = {name: load_digit_set(name) for name in shipped_sets()}
SETTINGS = load_mode_settings()
SIZE = (1920, 1080)
LANGUAGES = ("fr", "en")
SCRIPT = mode_session(
    NETWORK, LIBRARY, LIBRARY["grandeur-nature"], "fr", SETTINGS, "workshop"
).script
STEPS = [s.id for s in SCRIPT.steps]


def audited(scene, presenter=False):
    assets = Assets(SIZE)
    render_scene(scene, SIZE, assets, presenter=presenter)
    return audit(assets.log)


def passes(report):
    assert report["problems"] == [], report["problems"][:5]
    assert report["texts"], "nothing drawn"


def session_in(mode, language):
    return mode_session(NETWORK, LIBRARY, LIBRARY["grandeur-nature"], language, SETTINGS, mode)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("view", list(VIEWS))
def test_every_view_passes_the_audit(view, language):
    digits = LIBRARY["training" if view == "training" else "grandeur-nature"]
    scene = build_scene(NETWORK, digits, view=view, language=language)
    passes(audited(scene))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("view", ["network", "rulers", "decision"])
def test_offline_stations_pass_the_audit(view, language):
    offline = tuple(StationView(n, online=False) for n in ("C", "3", "COL1"))
    scene = build_scene(NETWORK, LIBRARY["grandeur-nature"], view=view, stations=offline)
    passes(audited(scene))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("step", STEPS)
def test_every_workshop_step_passes_the_audit_before_and_after_the_class_plays(step, language):
    session = engine.apply(session_in("workshop", language), StepChosen(step, 0.0))
    for presenter in (False, True):
        passes(audited(engine.scene(session, 1.0), presenter))
    session, _, t = play(session, the_class, rounds=40)
    session = engine.apply_all(session, [ConsoleAction("reveal", t), Tick(t)])
    scene = engine.scene(session, t)
    if scene.workshop.step == step:  # the class may have finished the step and moved on
        for presenter in (False, True):
            passes(audited(scene, presenter))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_visitor_states_pass_the_audit(language):
    session = session_in("visitor", language)
    states = {"attract": (session, 1.0)}
    awake = engine.apply(session, ButtonPressed("COL1", "ok", 1.0))
    states["challenge"] = (awake, 2.0)
    states["countdown"] = (engine.apply(awake, Tick(85.0)), 85.0)
    solved, _, t = play(session, the_visitor, VisitorState(), rounds=15)
    states["solved"] = (solved, t)
    assert engine.scene(solved, t).visitor.solved
    for name, (state, t) in states.items():
        report = audited(engine.scene(state, t))
        assert report["problems"] == [], (name, report["problems"][:5])


def test_no_class_text_is_smaller_than_24_px_at_full_hd():
    session = engine.apply(session_in("workshop", "fr"), StepChosen("learning-green", 0.0))
    report = audited(engine.scene(session, 1.0))
    sizes = [t["font_px"] for t in report["texts"] if t["audience"] == "class"]
    assert min(sizes) >= MIN_CLASS_FONT_PX
    heights = [t["height_px"] for t in report["texts"] if t["audience"] == "class"]
    assert min(heights) >= 28  # the rendered line of a 24 px font


def test_the_audit_flags_overlaps_texts_outside_and_small_class_texts():
    screen = pygame.Surface((200, 100))
    log = DrawLog(screen)
    with log.region("left", (0, 0, 100, 100)):
        log.text(screen, "one", 24, pygame.Rect(10, 10, 50, 28))
        log.text(screen, "two", 24, pygame.Rect(40, 20, 50, 28))  # over "one"
        log.text(screen, "out", 24, pygame.Rect(90, 60, 50, 28))  # past the region's edge
        log.text(screen, "tiny", 12, pygame.Rect(10, 60, 30, 14))
    with log.region("notes", (100, 0, 100, 100), audience="leader"):
        log.text(screen, "small but the leader's", 12, pygame.Rect(110, 10, 80, 14))
    report = audit(log)
    entries = {t["text"]: t for t in report["texts"]}
    assert entries["one"]["overlaps"] == [1] and entries["two"]["overlaps"] == [0]
    assert entries["out"]["outside"] and not entries["one"]["outside"]
    assert [p for p in report["problems"] if "tiny" in p]
    assert not [p for p in report["problems"] if "leader" in p]
    assert len(report["problems"]) == 3


def test_a_text_under_an_opaque_overlay_is_no_longer_counted():
    screen = pygame.Surface((200, 100))
    log = DrawLog(screen)
    log.text(screen, "under", 24, pygame.Rect(10, 10, 50, 28))
    log.cover(screen, pygame.Rect(0, 0, 100, 100))
    log.text(screen, "over", 24, pygame.Rect(10, 10, 50, 28))
    assert [t.text for t in log.texts] == ["over"]


def test_a_cached_layer_s_texts_are_logged_every_frame_it_is_shown():
    scene = build_scene(NETWORK, LIBRARY["grandeur-nature"], view="rulers")
    assets = Assets(SIZE)
    first = render_scene(scene, SIZE, assets)[0]
    texts = [(t.text, t.box) for t in assets.log.texts]
    render_scene(scene, SIZE, assets)  # the static layer is reused now
    assert [(t.text, t.box) for t in assets.log.texts] == texts
    assert first.get_size() == SIZE


def test_render_audit_prints_the_json_of_every_text(tmp_path, capsys):
    out = tmp_path / "lg.png"
    argv = ["render", "--mode", "workshop", "--step", "learning-green", "--audit"]
    assert main([*argv, "--out", str(out)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["problems"] == [] and out.exists()
    entry = report["texts"][0]
    assert set(entry) >= {"text", "box", "font_px", "height_px", "overlaps", "outside", "audience"}
    assert {t["audience"] for t in report["texts"]} == {"class"}
    assert "ruler:0" in report["regions"] and "band" in report["regions"]
    argv = ["render", "presenter", "--mode", "workshop", "--step", "learning-green", "--audit"]
    assert main([*argv, "--out", str(out)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {t["audience"] for t in report["texts"]} == {"leader"}


@pytest.mark.parametrize("view", list(VIEWS))
def test_the_window_s_quiet_log_draws_the_same_picture_and_notes_nothing(view):
    digits = LIBRARY["training" if view == "training" else "grandeur-nature"]
    scene = build_scene(NETWORK, digits, view=view, language="fr")
    audited_assets, quiet = Assets(SIZE), Assets(SIZE, audited=False)
    for _ in range(2):  # the second frame blits the cached layers the first one built
        noted, _ = render_scene(scene, SIZE, audited_assets)
        drawn, _ = render_scene(scene, SIZE, quiet)
        assert pygame.image.tobytes(drawn, "RGB") == pygame.image.tobytes(noted, "RGB")
    assert audited_assets.log.texts and not quiet.log.texts
