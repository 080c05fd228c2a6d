"""The guided workshop on an injected clock: leader controls, answers layer by layer, the ±1 rule.

Every right number is computed here from the network's own forward pass on the step's digit,
never written down, so a change in the network or the digits cannot pass unnoticed.
"""

import pytest

from controller.answers import Answers, expected
from controller.challenges import load_challenges
from controller.digits import load_digit_set, shipped_sets
from controller.events import (
    AnswerAccepted,
    ButtonPressed,
    ConsoleAction,
    DigitChosen,
    KeyTurned,
    SliderMoved,
    StepChosen,
    Tick,
)
from controller.modes import engine
from controller.network import forward, load_network
from controller.scene import VIEWS
from controller.script import load_script
from controller.session import Session

NETWORK = load_network()
LIBRARY = {name: load_digit_set(name) for name in shipped_sets()}
SCRIPT = load_script(NETWORK, LIBRARY, VIEWS)
LAYERS = (NETWORK.input_names, NETWORK.hidden_names, NETWORK.output_names)


def workshop(t=0.0):
    session = Session.start(
        NETWORK,
        LIBRARY["grandeur-nature"],
        library=LIBRARY,
        script=SCRIPT,
        challenges=load_challenges(NETWORK, LIBRARY),
    )
    return engine.begin(session, "workshop", t)


def at(step_id, t=1.0):
    return engine.apply(workshop(), StepChosen(step_id, t))


def right_numbers(session):
    digit = session.digits.digits[session.digit_index]
    return expected(session.network, forward(session.network, digit.pixels))


def dial(session, neuron, number, t):
    """A pupil presses + or − until ``number`` shows, then OK."""
    press = "plus" if number > 0 else "minus"
    for _ in range(abs(int(number))):
        session = engine.apply(session, ButtonPressed(neuron, press, t))
    return engine.apply(session, ButtonPressed(neuron, "ok", t))


def answer_layer(session, names, t, wrong=()):
    right = right_numbers(session)
    for name in names:
        session = dial(session, name, right[name] + (1 if name in wrong else 0), t)
    return session


# --- moving through the script -----------------------------------------------------------------


def test_the_workshop_starts_at_the_script_s_first_step():
    scene = engine.scene(workshop(), 0.0)
    assert scene.mode == "workshop"
    assert scene.workshop.step == SCRIPT.steps[0].id and scene.workshop.index == 0
    assert scene.workshop.count == len(SCRIPT)
    assert scene.workshop.title == SCRIPT.steps[0].texts["fr"].title
    assert scene.workshop.points == SCRIPT.steps[0].texts["fr"].points
    assert scene.view == SCRIPT.steps[0].view


def test_next_and_previous_walk_the_script_and_stop_at_its_ends():
    session = engine.apply(workshop(), ConsoleAction("previous", 1.0))
    assert engine.scene(session, 1.0).workshop.index == 0
    for i in range(1, len(SCRIPT)):
        session = engine.apply(session, ConsoleAction("next", float(i)))
        scene = engine.scene(session, float(i))
        assert scene.workshop.step == SCRIPT.steps[i].id and scene.view == SCRIPT.steps[i].view
    session = engine.apply(session, ConsoleAction("next", 50.0))
    assert engine.scene(session, 50.0).workshop.finished
    assert engine.apply(session, ConsoleAction("next", 51.0)) == session  # nothing after the end
    session = engine.apply(session, ConsoleAction("previous", 52.0))
    scene = engine.scene(session, 52.0)
    assert not scene.workshop.finished and scene.workshop.index == len(SCRIPT) - 1
    scene = engine.scene(engine.apply(session, ConsoleAction("previous", 53.0)), 53.0)
    assert scene.workshop.index == len(SCRIPT) - 2


def test_a_step_puts_its_digits_thresholds_and_view_on_show():
    scene = engine.scene(at("learning-hidden"), 1.0)
    assert scene.view == "rulers" and scene.digit.name == "3♠"
    assert scene.digits.names()[-2:] == ["6♠", "3♠"]
    assert {n: scene.thresholds[n] for n in ("0", "3", "9")} == {"0": 7, "3": 5, "9": 5}
    assert scene.thresholds["C"] == 17 and scene.floor_mode == "dim"


def test_jumping_to_a_step_by_its_id_and_unknown_ids_are_ignored():
    session = engine.apply(workshop(), StepChosen("learning-green", 2.0))
    assert engine.scene(session, 2.0).workshop.step == "learning-green"
    assert engine.apply(session, StepChosen("no-such-step", 3.0)) == session


def test_every_step_left_is_recorded_with_its_outcome_and_duration():
    session = engine.apply_all(
        workshop(), [ConsoleAction("next", 10.0), StepChosen("learning-green", 25.0)]
    )
    session = engine.apply_all(
        session,
        [SliderMoved("0", 7, 30.0), ConsoleAction("reveal", 35.0), ConsoleAction("next", 42.0)],
    )
    records = session.guide.records
    assert [r.step for r in records] == ["introduction", "gn-3", "learning-green"]
    assert [r.outcome for r in records] == ["passed", "left", "passed"]
    assert [r.duration_s for r in records] == [10.0, 15.0, 17.0]
    green = records[-1]
    assert green.thresholds["0"] == 7 and all(green.recognised.values())
    assert [c.holds for c in records[1].conditions] == [False, False]


def test_reset_restarts_the_step_with_its_thresholds_and_blank_answers():
    session = engine.apply(at("learning-green"), SliderMoved("0", 7, 2.0))
    scene = engine.scene(engine.apply(session, ConsoleAction("reset", 3.0)), 3.0)
    assert scene.thresholds["0"] == 6 and scene.workshop.started_at == 3.0
    assert scene.station("0").pickup == "down"  # the slider stayed at 7: held until brought back
    session = at("gn-3")
    session = answer_layer(session, NETWORK.input_names, 2.0)
    scene = engine.scene(engine.apply(session, ConsoleAction("reset", 3.0)), 3.0)
    assert scene.workshop.layer == "input" and scene.signal_layers == 0


def test_the_key_to_technician_and_back_resumes_the_step():
    session = engine.apply(at("learning-green"), SliderMoved("0", 7, 2.0))
    session = engine.apply(session, KeyTurned("technician", 3.0))
    assert engine.scene(session, 3.0).view == "technician"
    scene = engine.scene(engine.apply(session, KeyTurned("workshop", 4.0)), 4.0)
    assert scene.workshop.step == "learning-green" and scene.thresholds["0"] == 7


def test_the_key_from_visitor_starts_a_new_class_at_the_first_step():
    session = engine.apply(at("learning-green"), KeyTurned("visitor", 2.0))
    scene = engine.scene(engine.apply(session, KeyTurned("workshop", 3.0)), 3.0)
    assert scene.workshop.index == 0 and scene.workshop.started_at == 3.0


# --- grandeur nature: answers checked layer by layer --------------------------------------------


def test_only_the_layer_being_asked_may_answer():
    session = at("gn-3")
    right = right_numbers(session)
    session = dial(session, "A", right["A"], 2.0)
    scene = engine.scene(session, 2.0)
    assert scene.station("A").answer is None and scene.station("A").entry is None
    assert scene.workshop.layer == "input" and scene.signal_layers == 0


def test_input_neurons_enter_their_band_s_pixel_count():
    session = at("gn-3")
    digit = session.digits.find("3♥")
    counts = forward(NETWORK, digit.pixels).inputs[0]
    session = dial(session, "COL2", counts[1], 2.0)
    assert engine.scene(session, 2.0).station("COL2").answer == "right"
    session = dial(session, "LIG1", counts[3] - 1, 2.0)
    scene = engine.scene(session, 2.0)
    assert scene.station("LIG1").answer == "wrong" and scene.station("LIG1").entry == counts[3] - 1


def test_a_wrong_pupil_dials_again_and_gets_it_right():
    session = answer_layer(at("gn-3"), ["COL1"], 2.0, wrong={"COL1"})
    assert engine.scene(session, 2.0).station("COL1").answer == "wrong"
    session = engine.apply(session, ButtonPressed("COL1", "minus", 3.0))
    assert engine.scene(session, 3.0).station("COL1").answer is None  # dialling again
    session = engine.apply(session, ButtonPressed("COL1", "ok", 4.0))
    assert engine.scene(session, 4.0).station("COL1").answer == "right"


def test_a_complete_layer_sends_the_signal_to_the_next_one():
    session = at("gn-3")
    session = answer_layer(session, NETWORK.input_names, 2.0)
    scene = engine.scene(session, 2.0)
    assert scene.workshop.layer == "hidden" and scene.signal_layers == 1
    assert scene.changed_at == 2.0  # the floor's pulse starts as the signal goes on
    session = answer_layer(session, NETWORK.hidden_names, 3.0)
    assert engine.scene(session, 3.0).signal_layers == 2
    session = answer_layer(session, NETWORK.output_names, 4.0)
    scene = engine.scene(session, 4.0)
    assert scene.workshop.layer is None and scene.signal_layers == 3
    assert [c.holds for c in scene.workshop.conditions] == [True, False]  # not revealed yet
    scene = engine.scene(engine.apply(session, ConsoleAction("reveal", 5.0)), 5.0)
    assert scene.view == "decision" and scene.workshop.complete
    assert not scene.digit_hidden and scene.decision.digits == (3,)


def test_hidden_and_output_neurons_enter_their_sum_before_the_threshold():
    session = answer_layer(at("gn-6"), NETWORK.input_names, 2.0)
    result = forward(session.network, session.digits.find("6♥").pixels)
    for i, name in enumerate(NETWORK.hidden_names):
        assert right_numbers(session)[name] == result.hidden_sums[0, i]
    session = answer_layer(session, NETWORK.hidden_names, 3.0)
    for i, name in enumerate(NETWORK.output_names):
        assert right_numbers(session)[name] == result.output_sums[0, i]
    assert any(result.output_sums[0] < 0)  # some outputs are negative: − goes below 0


def test_one_wrong_pupil_holds_the_layer_until_right_or_accepted():
    session = answer_layer(at("gn-3"), NETWORK.input_names, 2.0, wrong={"LIG3"})
    scene = engine.scene(session, 2.0)
    assert scene.workshop.layer == "input" and scene.station("LIG3").answer == "wrong"
    scene = engine.scene(engine.apply(session, AnswerAccepted("LIG3", 3.0)), 3.0)
    assert scene.station("LIG3").answer == "right" and scene.workshop.layer == "hidden"


def test_reveal_gives_a_stuck_layer_its_numbers_and_the_step_is_not_all_right():
    session = answer_layer(at("gn-3"), ["COL1", "COL2"], 2.0)
    session = engine.apply(session, ConsoleAction("reveal", 3.0))
    scene = engine.scene(session, 3.0)
    right = right_numbers(session)
    assert scene.workshop.layer == "hidden" and scene.view == "network"
    assert scene.station("COL3").expected == right["COL3"]
    assert scene.station("COL1").expected is None and scene.station("COL1").answer == "right"
    session = answer_layer(session, NETWORK.hidden_names, 4.0)
    session = answer_layer(session, NETWORK.output_names, 4.0)
    session = engine.apply(session, ConsoleAction("reveal", 5.0))
    assert not engine.scene(
        session, 5.0
    ).workshop.complete  # "answers right" fails: a layer revealed


def test_the_tabletop_computation_asks_the_hidden_then_the_output_tables():
    session = at("table-compute")
    scene = engine.scene(session, 1.0)
    assert scene.workshop.layer == "hidden" and scene.digit.name == "0♦"
    assert scene.signal_layers == 1  # the inputs are given (on the back of the card)
    session = answer_layer(session, NETWORK.hidden_names, 2.0)
    session = answer_layer(session, NETWORK.output_names, 3.0)
    scene = engine.scene(session, 3.0)
    assert scene.secret("score") and not scene.workshop.complete  # the leader reveals it
    scene = engine.scene(reveal(session, 4.0), 4.0)
    assert scene.workshop.complete and not scene.secret("score") and scene.view == "rulers"


def test_a_station_not_taking_part_does_nothing():
    session = at("learning-outputs")
    session = engine.apply_all(
        session, [ButtonPressed("3", "plus", 2.0), SliderMoved("C", 18, 2.0)]
    )
    scene = engine.scene(session, 2.0)
    assert scene.thresholds == session.network.thresholds() and scene.thresholds["C"] == 17
    assert not scene.station("C").active and scene.station("3").active
    assert scene.station("C").pickup == "down"  # the pupil sees where to put it back


def test_the_digit_cannot_change_while_pupils_work_out_its_numbers():
    session = at("gn-3")
    assert engine.apply(session, DigitChosen(5, 2.0)) == session
    scene = engine.scene(engine.apply(at("table-all"), DigitChosen(5, 2.0)), 2.0)
    assert scene.digit_index == 5


def test_answers_ignore_presses_outside_the_waiting_layer_pure():
    answers = Answers.start(NETWORK, ("hidden", "output"))
    right = {n: 1.0 for n in NETWORK.hidden_names + NETWORK.output_names}
    assert answers.dial("COL1", 1) == answers and answers.confirm("0", right) == answers
    for name in NETWORK.hidden_names:
        answers = answers.dial(name, 1).confirm(name, right)
    assert answers.layer == "output" and answers.done == 1
    assert answers.dial("A", 1) == answers  # a right answer stays right


# --- the learning steps and the ±1 rule ----------------------------------------------------------


def reveal(session, t):
    """The leader presses *reveal*."""
    return engine.apply(session, ConsoleAction("reveal", t))


def test_green_moved_by_one_fixes_the_ninth_digit_and_keeps_the_others():
    session = at("learning-green")
    scene = engine.scene(session, 1.0)
    assert scene.decision.digits == (0, 6)
    assert not scene.workshop.complete
    session = engine.apply(session, SliderMoved("0", 7, 2.0))
    scene = engine.scene(session, 2.0)
    assert scene.decision.digits == (6,) and bool(scene.recognised().all())
    assert not scene.workshop.complete and scene.secret("score")  # until the leader reveals
    scene = engine.scene(reveal(session, 3.0), 3.0)
    assert scene.workshop.complete
    assert scene.workshop.moves[0].neuron == "0" and scene.workshop.moves[0].now == 7


def test_a_larger_move_is_flagged_and_the_threshold_stops_at_the_allowed_value():
    session = engine.apply(at("learning-green"), SliderMoved("0", 9, 2.0))
    scene = engine.scene(session, 2.0)
    assert scene.thresholds["0"] == 7  # stopped one step from 6
    assert scene.station("0").too_far and scene.message == "workshop.too_far"
    assert scene.workshop.moves[0].too_far
    assert not scene.workshop.complete  # "no move too far" fails while it is there
    session = engine.apply(session, SliderMoved("0", 4, 3.0))
    assert session.threshold("0") == 5 and engine.scene(session, 3.0).station("0").too_far
    session = reveal(engine.apply(session, SliderMoved("0", 7, 4.0)), 4.0)
    scene = engine.scene(session, 4.0)
    assert not scene.station("0").too_far and scene.message is None
    assert scene.workshop.complete


def test_blue_and_yellow_by_one_are_not_enough_for_the_tenth_digit():
    session = at("learning-outputs")
    assert not engine.scene(session, 1.0).recognised()[-1]
    session = engine.apply_all(session, [SliderMoved("3", 5, 2.0), SliderMoved("9", 5, 3.0)])
    session = reveal(session, 3.0)
    scene = engine.scene(session, 3.0)
    assert scene.workshop.complete  # the step's point: still not recognised
    assert scene.digit.name == "3♠" and scene.decision.status == "none"
    session = engine.apply(session, SliderMoved("3", 3, 4.0))  # a pupil tries harder: not allowed
    assert session.threshold("3") == 5 and not engine.scene(session, 4.0).workshop.complete


def test_c_and_d_by_one_as_well_recognise_the_tenth_and_every_earlier_digit():
    session = at("learning-hidden")
    session = engine.apply(session, SliderMoved("C", 18, 2.0))
    scene = engine.scene(session, 2.0)
    assert not scene.workshop.complete and scene.decision.status == "none"
    session = engine.apply(session, SliderMoved("D", 6, 3.0))
    scene = engine.scene(session, 3.0)
    assert scene.decision.digits == (3,)
    assert bool(scene.recognised().all()) and len(scene.digits) == 10
    assert scene.secret("output sums")  # the output tables work their sums out again first
    scene = engine.scene(reveal(session, 4.0), 4.0)
    assert scene.workshop.complete and not scene.secret("output sums")


def test_the_wrong_way_does_not_complete_a_learning_step():
    session = engine.apply_all(
        at("learning-hidden"), [SliderMoved("C", 16, 2.0), SliderMoved("D", 8, 3.0)]
    )
    scene = engine.scene(session, 3.0)
    assert not scene.workshop.complete and not scene.recognised()[-1]


def test_a_slider_left_off_its_value_must_be_picked_up_before_a_learning_move():
    session = engine.apply(at("learning-tenth"), SliderMoved("C", 20, 2.0))  # fiddling, not in play
    session = engine.apply_all(session, [ConsoleAction("next", 3.0), ConsoleAction("next", 4.0)])
    scene = engine.scene(session, 4.0)
    assert scene.workshop.step == "learning-hidden"
    assert scene.station("C").pickup == "down" and not scene.station("C").too_far
    assert scene.workshop.moves == () and scene.message is None
    session = engine.apply(session, SliderMoved("C", 19, 5.0))
    assert session.threshold("C") == 17  # held: no effect
    session = engine.apply_all(session, [SliderMoved("C", 17, 6.0), SliderMoved("C", 18, 7.0)])
    assert session.threshold("C") == 18


def test_the_conclusion_keeps_what_was_learnt():
    scene = engine.scene(at("conclusion"), 1.0)
    assert scene.thresholds["0"] == 7
    assert {n: scene.thresholds[n] for n in ("3", "9", "C", "D")} == {
        "3": 5,
        "9": 5,
        "C": 18,
        "D": 6,
    }
    assert bool(scene.recognised().all())


# --- the mode engine -----------------------------------------------------------------------------

STATION_EVENTS = [
    *(ButtonPressed(n, b, 1.0) for n in ("COL1", "A", "0") for b in ("minus", "plus", "ok")),
    *(SliderMoved(n, v, 1.0) for n in ("A", "0") for v in (0, 50)),
    *(ConsoleAction(a, 1.0) for a in ("previous", "next", "reveal", "reset")),
    Tick(500.0),
]


@pytest.mark.parametrize("mode", ["visitor", "workshop"])
def test_no_station_or_console_event_reaches_technician_mode(mode):
    session = engine.begin(workshop(), mode, 0.0)
    for event in STATION_EVENTS * 3:
        session = engine.apply(session, event)
        assert session.mode == mode


def test_the_key_alone_changes_the_mode_and_the_same_position_changes_nothing():
    session = workshop()
    assert engine.apply(session, KeyTurned("workshop", 1.0)) == session
    assert engine.apply(session, KeyTurned("upside-down", 1.0)) == session
    for position in ("technician", "visitor", "workshop", "technician"):
        session = engine.apply(session, KeyTurned(position, 2.0))
        assert session.mode == position


def test_in_technician_mode_station_buttons_and_console_do_nothing():
    session = engine.apply(at("gn-3"), KeyTurned("technician", 2.0))
    after = engine.apply_all(
        session, [ButtonPressed("COL1", "plus", 3.0), ConsoleAction("next", 3.0), Tick(3.0)]
    )
    assert after == session
    after = engine.apply(
        session, SliderMoved("A", 3, 4.0)
    )  # calibration sweeps: no threshold moves
    assert after.threshold("A") == 8 and after.mode == "technician"
