"""The visitor mode on an injected clock: attract, wake, challenges, celebration, idle restore."""

import numpy as np
import pytest

from controller import scene as scene_module
from controller import session as session_module
from controller.challenges import load_challenges
from controller.datafile import DataError
from controller.digits import load_digit_set, shipped_sets
from controller.events import (
    ButtonHeld,
    ButtonPressed,
    ConsoleAction,
    KeyTurned,
    SliderMoved,
    Tick,
)
from controller.modes import engine
from controller.network import forward, load_network
from controller.session import ModeSettings, Session, load_mode_settings

NETWORK = load_network()
LIBRARY = {name: load_digit_set(name) for name in shipped_sets()}
CHALLENGES = load_challenges(NETWORK, LIBRARY)


def visitor(settings=None, t=0.0):
    session = Session.start(
        NETWORK,
        LIBRARY["grandeur-nature"],
        library=LIBRARY,
        challenges=CHALLENGES,
        settings=settings or ModeSettings(),
        languages=("fr", "en"),
    )
    return engine.begin(session, "visitor", t)


def test_the_visitor_mode_starts_in_its_attract_loop_with_default_thresholds():
    scene = engine.scene(visitor(), 0.0)
    assert scene.visitor.phase == "attract"
    assert scene.view == "attract" and scene.floor_mode == "attract"
    assert scene.thresholds == NETWORK.thresholds()
    assert scene.visitor.challenge is None and scene.message is None


@pytest.mark.parametrize(
    "touch",
    [
        ButtonPressed("COL1", "ok", 5.0),
        ButtonPressed("COL1", "plus", 5.0),
        ButtonPressed("A", "minus", 5.0),
        ConsoleAction("next", 5.0),
    ],
)
def test_any_press_wakes_it_and_offers_the_first_challenge_untouched(touch):
    scene = engine.scene(engine.apply(visitor(), touch), 5.0)
    assert scene.visitor.phase == "play"
    assert scene.visitor.challenge == "six" and scene.visitor.number == 1
    assert scene.message == "challenge.six.prompt"
    # The waking press only wakes: the challenge's digit and thresholds are as offered.
    assert scene.digit.name == "6♠"
    assert scene.thresholds == NETWORK.thresholds()
    assert scene.decision.digits == (0, 6)  # the story: this 6 is read as 0 and 6


def test_a_slider_that_wakes_it_acts_at_once():
    scene = engine.scene(engine.apply(visitor(), SliderMoved("0", 7, 3.0)), 3.0)
    assert scene.visitor.phase == "play"
    assert scene.thresholds["0"] == 7
    assert scene.visitor.solved  # green 6 → 7 is the solution of the first challenge


def test_a_new_threshold_computes_the_network_once_on_the_set_the_challenge_judges(monkeypatch):
    """The challenge's conditions and the scene ask for the network on the same set in the same
    turn: it is computed once, and once more on the digit shown."""
    session = engine.apply(visitor(), ButtonPressed("COL1", "ok", 1.0))
    batches = []

    def counted(network, grids):
        batches.append(1 if np.ndim(grids) == 2 else len(grids))
        return forward(network, grids)

    monkeypatch.setattr(scene_module, "forward", counted)
    monkeypatch.setattr(session_module, "forward", counted, raising=False)
    session = engine.apply(session, SliderMoved("A", 12.625, 2.0))  # a threshold nobody had
    scene = engine.scene(session, 2.0)
    assert scene.thresholds["A"] == 12.625
    assert sorted(batches) == [1, len(scene.digits.digits)]


def test_a_solved_challenge_is_celebrated_then_the_next_is_offered():
    session = engine.apply(visitor(), ButtonPressed("COL1", "ok", 1.0))
    session = engine.apply(session, SliderMoved("0", 7, 2.0))
    scene = engine.scene(session, 2.0)
    assert scene.visitor.solved and scene.visitor.solved_at == 2.0
    assert scene.message == "challenge.six.solved"
    assert all(c.holds for c in scene.visitor.conditions)
    session = engine.apply(session, Tick(7.9))
    assert engine.scene(session, 7.9).visitor.challenge == "six"  # still celebrating (6 s)
    scene = engine.scene(engine.apply(session, Tick(8.0)), 8.0)
    assert scene.visitor.challenge == "three" and not scene.visitor.solved
    assert scene.digit.name == "3♠" and scene.thresholds["0"] == 7  # the challenge's start
    assert scene.decision.status == "none"


def test_moving_two_sliders_does_not_solve_the_one_slider_challenge():
    session = engine.apply(visitor(), ButtonPressed("COL1", "ok", 1.0))
    session = engine.apply_all(session, [SliderMoved("A", 9, 2.0), SliderMoved("0", 7, 3.0)])
    scene = engine.scene(session, 3.0)
    assert scene.decision.digits == (6,)
    assert not scene.visitor.solved
    assert [c.holds for c in scene.visitor.conditions] == [True, False]


def test_ok_offers_the_next_challenge_and_after_the_last_plays_freely():
    session = engine.apply(visitor(), ButtonPressed("COL1", "ok", 1.0))
    session = engine.apply(session, ButtonPressed("B", "ok", 2.0))
    assert engine.scene(session, 2.0).visitor.challenge == "three"
    scene = engine.scene(engine.apply(session, ButtonPressed("B", "ok", 3.0)), 3.0)
    assert scene.visitor.phase == "play" and scene.visitor.challenge is None
    assert scene.message is None


def test_idle_for_the_timeout_goes_back_to_attract_with_defaults_restored():
    session = engine.apply(visitor(), ButtonPressed("COL1", "ok", 1.0))
    session = engine.apply_all(session, [SliderMoved("0", 7, 2.0), SliderMoved("C", 20, 10.0)])
    session = engine.apply(session, Tick(99.9))
    assert engine.scene(session, 99.9).visitor.phase == "play"  # last touch at 10 s, 90 s default
    scene = engine.scene(engine.apply(session, Tick(100.0)), 100.0)
    assert scene.visitor.phase == "attract" and scene.view == "attract"
    assert scene.thresholds == NETWORK.thresholds()
    assert scene.digits.name == "grandeur-nature" and scene.digit_index == 0
    # The sliders the visitor left are held, each showing which way to bring it back.
    assert scene.station("0").pickup == "down" and scene.station("C").pickup == "down"


def test_a_touch_restarts_the_idle_clock():
    session = engine.apply(visitor(), ButtonPressed("COL1", "ok", 1.0))
    session = engine.apply_all(session, [Tick(80.0), ButtonPressed("A", "plus", 80.0), Tick(169.0)])
    assert engine.scene(session, 169.0).visitor.phase == "play"
    assert engine.scene(engine.apply(session, Tick(170.0)), 170.0).visitor.phase == "attract"


def test_the_idle_timeout_comes_from_the_installation_file(tmp_path):
    path = tmp_path / "installation.toml"
    path.write_text("[modes]\nidle_timeout_s = 30\nsliders = 'jump'\n")
    settings = load_mode_settings(path)
    assert settings.idle_timeout_s == 30 and settings.sliders == "jump"
    session = engine.apply(visitor(settings), ButtonPressed("COL1", "ok", 1.0))
    assert engine.scene(engine.apply(session, Tick(30.5)), 30.5).visitor.phase == "play"
    assert engine.scene(engine.apply(session, Tick(31.0)), 31.0).visitor.phase == "attract"
    assert engine.scene(session, 31.0).visitor.timeout_s == 30


def test_the_shipped_installation_file_gives_90_seconds_and_pickup():
    settings = load_mode_settings()
    assert settings.idle_timeout_s == 90 and settings.sliders == "pickup"
    assert settings.start == "visitor"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("[modes]\nidle_timeout_s = 0\n", "modes.idle_timeout_s"),
        ("[modes]\nidle_timeout_s = 'long'\n", "modes.idle_timeout_s"),
        ("[modes]\nsliders = 'glide'\n", "modes.sliders"),
        ("[modes]\nstart = 'museum'\n", "modes.start"),
        ("[modes]\nidle_timout_s = 60\n", "modes.idle_timout_s"),
    ],
)
def test_bad_mode_settings_name_the_file_and_field(tmp_path, text, field):
    path = tmp_path / "installation.toml"
    path.write_text(text)
    with pytest.raises(DataError) as error:
        load_mode_settings(path)
    assert error.value.source == str(path) and error.value.field == field


def test_the_console_reset_goes_back_to_attract_without_waking():
    session = engine.apply_all(
        visitor(), [ButtonPressed("COL1", "ok", 1.0), SliderMoved("A", 3, 2.0)]
    )
    scene = engine.scene(engine.apply(session, ConsoleAction("reset", 3.0)), 3.0)
    assert scene.visitor.phase == "attract" and scene.thresholds == NETWORK.thresholds()
    scene = engine.scene(engine.apply(visitor(), ConsoleAction("reset", 1.0)), 1.0)
    assert scene.visitor.phase == "attract"


def test_turning_the_key_back_to_visitor_restores_the_attract_loop():
    session = engine.apply_all(visitor(), [KeyTurned("workshop", 1.0), SliderMoved("B", 9, 2.0)])
    scene = engine.scene(engine.apply(session, KeyTurned("visitor", 3.0)), 3.0)
    assert scene.mode == "visitor" and scene.visitor.phase == "attract"
    assert scene.thresholds == NETWORK.thresholds()


def test_a_visitor_holding_ok_at_the_attract_loop_changes_the_language_and_skips_nothing():
    session = engine.apply(visitor(), ButtonPressed("C", "ok", 5.0))  # wakes: challenge 1
    session = engine.apply(session, ButtonHeld("C", "ok", 7.0))
    scene = engine.scene(session, 7.0)
    assert scene.language == "en"
    assert scene.visitor.phase == "play" and scene.visitor.number == 1
    session = engine.apply(session, ButtonHeld("C", "ok", 12.0))  # held again: back round
    assert engine.scene(session, 12.0).language == "fr"


def test_holding_another_button_or_holding_ok_in_the_workshop_keeps_the_language():
    session = engine.apply(visitor(), ButtonHeld("C", "plus", 7.0))
    assert engine.scene(session, 7.0).language == "fr"
    workshop = engine.apply(visitor(), KeyTurned("workshop", 8.0))
    workshop = engine.apply(workshop, ButtonHeld("C", "ok", 9.0))
    assert engine.scene(workshop, 9.0).language == "fr"
