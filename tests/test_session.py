"""The session changes only through events, and its scene shows the network's verdict."""

from controller.digits import load_digit_set
from controller.events import (
    ButtonPressed,
    ConsoleAction,
    DigitChosen,
    DrawingAdded,
    DrawingChanged,
    KeyTurned,
    LanguageChosen,
    SliderMoved,
    StationStatus,
    ViewChosen,
)
from controller.modes import engine
from controller.network import load_network
from controller.session import Session

NETWORK = load_network()
LIBRARY = {name: load_digit_set(name) for name in ("grandeur-nature", "learning")}


def start(**fields):
    return Session.start(NETWORK, LIBRARY["grandeur-nature"], library=LIBRARY, **fields)


def test_a_slider_moves_the_threshold_and_the_decision_follows():
    session = engine.apply(start(), DigitChosen(0, 0.0, digit_set="learning"))
    assert engine.scene(session, 0.0).decision.digits == (0, 6)
    session = engine.apply(session, SliderMoved("0", 7, t=1.5))
    scene = engine.scene(session, 2.0)
    assert scene.thresholds["0"] == 7
    assert scene.decision.status == "clear" and scene.decision.digits == (6,)
    assert scene.changed_at == 1.5


def test_plus_on_a_hidden_station_nudges_its_threshold_by_one():
    session = engine.apply_all(
        start(), [ButtonPressed("C", "plus", 1.0), ButtonPressed("C", "plus", 2)]
    )
    assert session.threshold("C") == 19


def test_minus_on_an_input_station_shows_the_previous_digit_wrapping_around():
    session = engine.apply(start(), ButtonPressed("COL1", "minus", 1.0))
    assert engine.scene(session, 1.0).digit.name == "9♦"


def test_console_next_reveal_and_reset_to_the_attract_loop_with_defaults():
    session = engine.apply_all(start(), [ConsoleAction("next", 1), SliderMoved("A", 3, 2)])
    assert engine.scene(session, 2).digit.name == "3♥"
    session = engine.apply(session, ConsoleAction("reveal", 3))
    assert session.view == "decision"
    session = engine.apply(session, ConsoleAction("reset", 4))
    scene = engine.scene(session, 4)
    assert scene.digit.name == "0♥" and scene.thresholds["A"] == 8 and scene.view == "attract"


def test_an_offline_station_returns_its_neuron_to_the_default_threshold():
    session = engine.apply_all(start(), [SliderMoved("B", 12, 1), StationStatus("B", False, 2)])
    scene = engine.scene(session, 2)
    assert scene.thresholds["B"] == 7
    assert scene.offline() == ["B"]
    session = engine.apply(session, StationStatus("B", True, 3))
    assert engine.scene(session, 3).offline() == []


def test_an_offline_stations_slider_is_ignored_in_every_mode_until_it_returns():
    for mode in ("visitor", "workshop", "technician"):
        session = engine.apply_all(start(), [KeyTurned(mode, 0), StationStatus("B", False, 1)])
        session = engine.apply(session, SliderMoved("B", 15, 2))
        assert session.threshold("B") == 7 and "B" not in session.pickup.physical, mode
    session = engine.apply_all(session, [StationStatus("B", True, 3), KeyTurned("visitor", 3)])
    session = engine.apply(session, SliderMoved("B", 15, 4))
    assert session.threshold("B") == 15


def test_key_view_and_language_are_recorded_unknown_views_ignored():
    session = engine.apply_all(start(), [KeyTurned("workshop", 1), LanguageChosen("en", 1)])
    session = engine.apply_all(session, [ViewChosen("rulers", 1), ViewChosen("nonsense", 2)])
    scene = engine.scene(session, 2)
    assert (scene.mode, scene.language, scene.view) == ("workshop", "en", "rulers")


def test_a_visitor_drawing_is_classified_and_can_join_the_rulers():
    rows = tuple(LIBRARY["grandeur-nature"].find("0♦").rows)
    session = engine.apply(start(), DrawingChanged(rows, 1))
    scene = engine.scene(session, 1)
    assert scene.digit_index is None and scene.digit.rows == list(rows)
    assert scene.decision.digits == (0,)
    session = engine.apply(session, DrawingAdded(0, 2))
    scene = engine.scene(session, 2)
    assert len(scene.digits) == 9 and scene.digit.name == "✎1" and scene.recognised()[-1]


def test_unknown_digit_set_is_ignored():
    assert (
        engine.apply(start(), DigitChosen(0, 1, digit_set="nope")).digits.name == "grandeur-nature"
    )
