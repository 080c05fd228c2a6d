"""Rehearsals: a scripted class plays the whole workshop, a scripted visitor the visitor mode.

The end-to-end tests run ``neurones run --headless … --report FILE`` itself (on its simulated
clock) and read the report it writes.
"""

import json

from controller.answers import expected
from controller.challenges import load_challenges
from controller.cli import main
from controller.digits import load_digit_set, shipped_sets
from controller.events import (
    ButtonPressed,
    ConsoleAction,
    KeyTurned,
    QuitRequested,
    SliderMoved,
    StepChosen,
    ThresholdSet,
)
from controller.modes import engine
from controller.modes.actors import (
    Console,
    Press,
    SetSlider,
    TurnKey,
    VisitorState,
    class_next,
    visitor_next,
)
from controller.modes.rehearsal import (
    ActorDriver,
    SimulatedClock,
    play,
    the_class,
    to_events,
    workshop_finished,
    workshop_report,
)
from controller.network import forward, load_network
from controller.scene import VIEWS
from controller.script import load_script
from controller.session import Session

NETWORK = load_network()
LIBRARY = {name: load_digit_set(name) for name in shipped_sets()}
SCRIPT = load_script(NETWORK, LIBRARY, VIEWS)


def session(mode="workshop"):
    s = Session.start(
        NETWORK,
        LIBRARY["grandeur-nature"],
        library=LIBRARY,
        script=SCRIPT,
        challenges=load_challenges(NETWORK, LIBRARY),
    )
    return engine.begin(s, mode, 0.0)


# --- the class, a pure function of the scene -------------------------------------------------


def test_outside_the_workshop_the_class_turns_the_key():
    assert class_next(engine.scene(session("visitor"), 0.0)) == (TurnKey("workshop"),)


def test_each_pupil_of_the_asked_layer_dials_towards_the_right_number():
    s = engine.apply(session(), StepChosen("gn-3", 1.0))
    counts = forward(NETWORK, LIBRARY["grandeur-nature"].find("3♥").pixels).inputs[0]
    actions = class_next(engine.scene(s, 1.0))
    assert {a.neuron for a in actions} == set(NETWORK.input_names)
    for action, count in zip(actions, counts, strict=True):
        assert action == Press(action.neuron, "plus" if count > 0 else "ok")
    s = engine.apply_all(s, [ButtonPressed("COL1", "plus", 2.0)] * int(counts[0]))
    assert Press("COL1", "ok") in class_next(engine.scene(s, 2.0))


def test_a_pupil_told_wrong_dials_back_to_the_right_number():
    s = engine.apply(session(), StepChosen("gn-3", 1.0))
    s = engine.apply_all(
        s, [ButtonPressed("COL2", "plus", 1.0)] * 12 + [ButtonPressed("COL2", "ok", 1)]
    )
    assert engine.scene(s, 1.0).station("COL2").answer == "wrong"
    assert Press("COL2", "minus") in class_next(engine.scene(s, 1.0))


def test_the_leader_reveals_when_only_that_is_missing_then_moves_on():
    s = engine.apply(session(), StepChosen("gn-3", 1.0))
    s, _, t = play(s, the_class, rounds=60, t=1.0)
    scene = engine.scene(s, t)
    assert scene.workshop.step != "gn-3" or scene.workshop.revealed
    assert [r.step for r in s.guide.records][-1] == "gn-3"
    assert s.guide.records[-1].outcome == "passed"


def test_in_a_learning_step_the_pupil_moves_one_allowed_step():
    s = engine.apply(session(), StepChosen("learning-hidden", 1.0))
    assert set(class_next(engine.scene(s, 1.0))) == {SetSlider("C", 18), SetSlider("D", 6)}


def test_a_held_slider_is_first_brought_to_its_threshold():
    s = engine.apply_all(session(), [StepChosen("learning-tenth", 1.0), SliderMoved("0", 9, 1.5)])
    s = engine.apply(s, StepChosen("learning-green", 2.0))
    assert engine.scene(s, 2.0).station("0").pickup == "down"
    assert class_next(engine.scene(s, 2.0)) == (SetSlider("0", 6),)
    s = engine.apply(s, SliderMoved("0", 6, 2.5))
    assert class_next(engine.scene(s, 2.5)) == (SetSlider("0", 7),)


def test_the_leader_presses_next_once_a_step_is_complete_and_has_been_shown():
    s = session()
    assert class_next(engine.scene(s, 0.5)) == ()  # complete ("always"), shown only half a second
    assert class_next(engine.scene(s, 2.0)) == (Console("next"),)


def test_a_step_the_class_cannot_complete_is_left_after_the_leader_s_patience():
    s = engine.apply(session(), StepChosen("learning-tenth", 1.0))
    s = engine.apply(
        s, ThresholdSet("0", 6, 1.5)
    )  # software undid green's move: 6♠ is read 0 and 6
    assert not engine.scene(s, 2.0).workshop.complete
    assert class_next(engine.scene(s, 2.0), patience_s=10.0) == ()  # nothing the class can do
    assert class_next(engine.scene(s, 11.0), patience_s=10.0) == (Console("next"),)


def test_the_class_is_done_when_the_workshop_is_finished():
    s = engine.apply_all(session(), [StepChosen("training", 1.0), ConsoleAction("next", 2.0)])
    assert engine.scene(s, 2.0).workshop.finished and class_next(engine.scene(s, 2.0)) == ()


def test_actions_become_the_events_the_stations_and_console_would_send():
    actions = (SetSlider("A", 9), Press("B", "ok"), Console("reveal"), TurnKey("visitor"))
    assert to_events(actions, 3.0) == [
        SliderMoved("A", 9, 3.0),
        ButtonPressed("B", "ok", 3.0),
        ConsoleAction("reveal", 3.0),
        KeyTurned("visitor", 3.0),
    ]


def test_the_driver_acts_at_its_pace_and_asks_to_stop_when_finished():
    driver = ActorDriver(the_class, finished=workshop_finished, pace_s=1.0)
    assert driver.poll(0.0) == []  # no scene seen yet
    s = session()
    driver.show(engine.scene(s, 5.0))
    assert driver.poll(5.0) == [ConsoleAction("next", 5.0)]
    assert driver.poll(5.5) == []
    done = engine.apply_all(s, [StepChosen("training", 6.0), ConsoleAction("next", 7.0)])
    driver.show(engine.scene(done, 7.0))
    assert driver.poll(7.0) == [QuitRequested(7.0)]


def test_the_simulated_clock_moves_only_when_slept():
    clock = SimulatedClock(10.0)
    clock.sleep(0.5)
    clock.sleep(-1.0)
    assert clock.now() == 10.5


def test_a_pure_playthrough_passes_every_step():
    s, _, _ = play(session(), the_class, rounds=1500)
    report = workshop_report(s)
    assert report["passed"] and report["finished"]
    assert [step["id"] for step in report["steps"]] == [step.id for step in SCRIPT.steps]


# --- the visitor ---------------------------------------------------------------------------------


def test_the_visitor_watches_the_attract_loop_before_pressing():
    s = session("visitor")
    actions, state = visitor_next(engine.scene(s, 0.0), VisitorState())
    assert actions == () and state.beat == "arrive"
    actions, state = visitor_next(engine.scene(s, 3.0), state)
    assert actions == (Press("COL1", "ok"),) and state.beat == "solve"


def test_the_visitor_tries_sliders_and_puts_back_what_does_not_help():
    s = engine.apply(session("visitor"), ButtonPressed("COL1", "ok", 1.0))
    s = engine.apply(s, ButtonPressed("COL1", "ok", 1.5))  # skip to the second challenge
    state = VisitorState(beat="solve", since=1.5)
    actions, state = visitor_next(engine.scene(s, 2.0), state)
    assert actions == (SetSlider("0", 8),)  # this challenge starts with green at 7
    s = engine.apply_all(s, to_events(actions, 2.0))
    actions, state = visitor_next(engine.scene(s, 2.5), state)
    assert actions == (SetSlider("0", 7),)  # not solved: put back


# --- end to end: `neurones run` with a report -----------------------------------------------


def run_report(tmp_path, *options):
    path = tmp_path / "report.json"
    argv = ["run", "--headless", "--health-port", "-1", *options, "--report", str(path)]
    status = main(argv)
    return status, json.loads(path.read_text(encoding="utf-8"))


def test_the_autoplayed_workshop_passes_every_step_and_tells_the_story(tmp_path):
    status, report = run_report(tmp_path, "--workshop", "--autoplay")
    workshop = report["workshop"]
    assert status == 0 and workshop["passed"]
    steps = {step["id"]: step for step in workshop["steps"]}
    assert list(steps) == [step.id for step in SCRIPT.steps]
    for step in workshop["steps"]:
        assert step["outcome"] == "passed", step["id"]
        assert all(c["holds"] for c in step["conditions"])
        assert step["duration_s"] > 0
    # Green at 7 fixed the 9th digit and kept the eight.
    green = steps["learning-green"]
    assert green["thresholds"]["0"] == 7 and all(green["recognised"].values())
    # Blue and yellow by one were not enough for the 10th digit …
    outputs = steps["learning-outputs"]
    assert outputs["thresholds"]["3"] == 5 and outputs["thresholds"]["9"] == 5
    assert outputs["recognised"]["3♠"] is False
    # … C and D by one as well recognise it, and every earlier digit still is.
    hidden = steps["learning-hidden"]
    assert hidden["thresholds"]["C"] == 18 and hidden["thresholds"]["D"] == 6
    assert hidden["recognised"]["3♠"] is True
    assert len(hidden["recognised"]) == 10 and all(hidden["recognised"].values())
    # The workshop ends with what was learnt.
    assert workshop["final_thresholds"]["0"] == 7
    for step in workshop["steps"]:
        answers = [c for c in step["conditions"] if c["text"] == "answers right"]
        assert not answers or answers[0]["holds"]


def test_the_scripted_visitor_goes_round_the_visitor_mode(tmp_path):
    status, report = run_report(tmp_path, "--visitor")
    visitor = report["visitor"]
    assert status == 0 and visitor["passed"]
    names = [phase["name"] for phase in visitor["phases"]]
    assert names[:3] == ["attract", "play", "solved"]
    attract_again = next(p for p in visitor["phases"][1:] if p["name"] == "attract")
    assert attract_again["t"] >= visitor["idle_timeout_s"]
    assert attract_again["thresholds"] == NETWORK.thresholds()  # defaults restored
    assert attract_again["held"] == {"0": "down"}  # the slider the visitor left, held
    notes = visitor["notes"]
    assert notes["threshold after nudge"] == notes["threshold before nudge"] == 6
    assert notes["still held"] is True and notes["follows again"] is True
    assert all(visitor["checks"].values())


def test_a_rehearsal_that_fails_exits_1(tmp_path):
    # Two seconds are not enough for a workshop: the report says so, and so does the status.
    status, report = run_report(tmp_path, "--workshop", "--autoplay", "--for", "2")
    assert status == 1 and not report["workshop"]["passed"]
    assert not report["workshop"]["finished"]


def test_expected_numbers_are_the_network_s_own():
    digit = LIBRARY["grandeur-nature"].find("6♥")
    result = forward(NETWORK, digit.pixels)
    numbers = expected(NETWORK, result)
    assert [numbers[n] for n in NETWORK.input_names] == list(result.inputs[0])
