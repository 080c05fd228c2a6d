"""Slider pickup: a slider the software overtook acts again only once it crosses the value."""

from hypothesis import given
from hypothesis import strategies as st

from controller.digits import load_digit_set
from controller.events import ButtonPressed, SliderMoved, StationStatus, ThresholdSet
from controller.modes import engine
from controller.network import load_network
from controller.pickup import Pickup
from controller.session import ModeSettings, Session

NETWORK = load_network()
DIGITS = load_digit_set("grandeur-nature")


def test_a_slider_never_seen_is_trusted_at_once():
    pickup, follows = Pickup().moved("A", 12, software=8)
    assert follows and pickup.direction("A", 8) is None


def test_a_slider_left_away_from_a_software_value_is_held_until_it_crosses_it():
    pickup = Pickup().moved("A", 12, software=8)[0].overtaken({"A": 8, "B": 7})
    assert pickup.direction("A", 8) == "down"
    pickup, follows = pickup.moved("A", 10, software=8)
    assert not follows and pickup.direction("A", 8) == "down"
    pickup, follows = pickup.moved("A", 7, software=8)  # crossed 8 between two readings
    assert follows and pickup.direction("A", 8) is None
    pickup, follows = pickup.moved("A", 9, software=7)
    assert follows


def test_a_held_slider_below_the_value_is_asked_up_and_caught_on_reaching_it():
    pickup = Pickup().moved("C", 12, software=17)[0].overtaken({"C": 17})
    assert pickup.direction("C", 17) == "up"
    assert pickup.moved("C", 16, software=17)[1] is False
    assert pickup.moved("C", 17, software=17)[1] is True


def test_a_slider_already_at_the_software_value_is_not_held():
    pickup = Pickup().moved("A", 8, software=8)[0].overtaken({"A": 8})
    assert pickup.held == frozenset()


def test_jump_mode_never_holds():
    pickup = Pickup(jump=True).moved("A", 12, software=8)[0].overtaken({"A": 8})
    assert pickup.direction("A", 8) is None
    assert pickup.moved("A", 11, software=8)[1] is True
    assert Pickup(jump=True).ignored("A", 3, software=8).held == frozenset()


@given(
    st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=30),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=30),
)
def test_a_held_slider_never_moves_the_value_before_it_reaches_it(path, start, software):
    """Whatever the slider does, it follows from the first reading at or past the value."""
    pickup = Pickup().moved("A", start, software=software)[0].overtaken({"A": software})
    before = start
    for value in path:
        held = "A" in pickup.held
        pickup, follows = pickup.moved("A", value, software=software)
        crossed = min(before, value) <= software <= max(before, value)
        assert follows == (not held or crossed)
        if follows:
            break
        before = value


def session(**settings):
    s = Session.start(NETWORK, DIGITS, settings=ModeSettings(**settings))
    return engine.begin(s, "workshop", 0.0)  # no script: free play, the leader drives by hand


def test_through_the_session_a_held_slider_has_no_effect_until_it_crosses():
    s = engine.apply(session(), SliderMoved("A", 12, 1.0))
    assert s.threshold("A") == 12
    s = engine.apply(s, ThresholdSet("A", 8, 2.0))  # software sets it back (a preset, a reset)
    scene = engine.scene(s, 2.0)
    assert scene.thresholds["A"] == 8 and scene.station("A").pickup == "down"
    s = engine.apply_all(s, [SliderMoved("A", 11, 3.0), SliderMoved("A", 9, 4.0)])
    assert s.threshold("A") == 8 and engine.scene(s, 4.0).station("A").pickup == "down"
    s = engine.apply(s, SliderMoved("A", 8, 5.0))
    assert engine.scene(s, 5.0).station("A").pickup is None
    s = engine.apply(s, SliderMoved("A", 6, 6.0))
    assert s.threshold("A") == 6


def test_jump_mode_through_the_session_follows_at_once():
    s = engine.apply_all(
        session(sliders="jump"), [SliderMoved("A", 12, 1.0), ThresholdSet("A", 8, 2)]
    )
    assert engine.scene(s, 2.0).station("A").pickup is None
    assert engine.apply(s, SliderMoved("A", 11, 3.0)).threshold("A") == 11


def test_a_station_button_nudge_is_software_so_the_slider_must_catch_it():
    s = engine.apply_all(session(), [SliderMoved("B", 7, 1.0), ButtonPressed("B", "plus", 2.0)])
    assert s.threshold("B") == 8 and engine.scene(s, 2.0).station("B").pickup == "up"


def test_a_replugged_station_is_trusted_again():
    s = engine.apply_all(session(), [SliderMoved("A", 12, 1.0), ThresholdSet("A", 8, 2.0)])
    s = engine.apply_all(s, [StationStatus("A", False, 3.0), StationStatus("A", True, 4.0)])
    assert engine.scene(s, 4.0).station("A").pickup is None
    assert engine.apply(s, SliderMoved("A", 11, 5.0)).threshold("A") == 11
