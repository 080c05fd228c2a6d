"""The training finale on the installation: it learns live between frames, without stalling
the screen, and the leader steps through its snapshots with next/previous."""

import numpy as np
import pytest

from controller.digits import load_digit_set, shipped_sets
from controller.events import (
    ConsoleAction,
    SliderMoved,
    StepChosen,
    TrainingProgressed,
    ViewChosen,
)
from controller.loop import Installation
from controller.modes import engine
from controller.modes.finale import Pace, Trainer
from controller.network import load_network
from controller.scene import VIEWS, TrainingView
from controller.script import load_script
from controller.session import Session
from controller.training import WORKSHOP_SNAPSHOTS, Descent, progress_of, train

NETWORK = load_network()
LIBRARY = {name: load_digit_set(name) for name in shipped_sets()}
SCRIPT = load_script(NETWORK, LIBRARY, VIEWS)
#: What the class learnt in the workshop: the finale's computer starts from it.
LEARNT = {"0": 7, "3": 5, "9": 5, "C": 18, "D": 6}
FINISHED = progress_of(train(NETWORK.with_thresholds(LEARNT), LIBRARY["training"]), 50_000)


def at_the_finale():
    session = Session.start(NETWORK, LIBRARY["grandeur-nature"], library=LIBRARY, script=SCRIPT)
    session = engine.begin(session, "workshop", 0.0)
    return engine.apply(session, StepChosen("training", 1.0))


def frozen_clock():
    return 0.0  # the time budget is never spent: each frame catches up with the pace


class Ticking:
    """The loop's clock, moved on a frame at a time (60 frames a second)."""

    def __init__(self, start: float = 1.0) -> None:
        self.t = start

    def __call__(self) -> float:
        self.t += 1 / 60
        return self.t


def test_the_workshops_last_step_is_the_finale_on_the_sixteen_digits():
    step = SCRIPT.steps[-1]
    assert step.id == "training" and step.phase == 4 and step.view == "training"
    assert SCRIPT.steps[-2].id == "conclusion"
    assert step.digits.names() == LIBRARY["training"].names()
    assert step.text("fr").title and step.text("en").title


def test_the_class_watches_the_run_for_half_a_minute_and_it_ends_where_neurones_train_does():
    trainer = Trainer(clock=frozen_clock)
    clock = Ticking()
    installation = Installation(
        at_the_finale(), engine, sources=[trainer], sinks=[trainer], clock=clock
    )
    reached: dict[int, float] = {}  # iteration → when the screen showed it
    for _ in range(60 * 40):
        scene = installation.step()
        progress = scene.training.progress
        if progress is not None:
            reached.setdefault(progress.iteration, clock.t)
            if progress.finished:
                break
    start, end = min(reached.values()), max(reached.values())
    assert 20 <= end - start <= 30  # the class sees the error fall, not a blink
    # The first hundred iterations get as much of the screen's time as the last thirty
    # thousand: the early learning, where most happens, can be watched.
    first_100 = min(t for i, t in reached.items() if i >= 100) - start
    assert 5 <= first_100 <= 15
    final = installation.scene.training.progress
    assert installation.scene.thresholds["0"] == 7  # the stations keep what the class learnt…
    assert final.start.threshold("0") == 7 and final.correct == 16  # …and the computer too
    assert installation.scene.training.origin == "class"
    assert [s.iteration for s in final.snapshots] == list(WORKSHOP_SNAPSHOTS)
    assert final.correct == 16
    # Learning in chunks changes nothing: the very network neurones train reaches.
    assert np.array_equal(final.network.hidden_weights, FINISHED.network.hidden_weights)
    assert np.array_equal(final.network.output_thresholds, FINISHED.network.output_thresholds)


def test_before_its_first_iterations_the_finale_shows_the_class_s_network_at_the_start():
    scene = engine.scene(at_the_finale(), 1.0)
    assert scene.thresholds["C"] == 18  # the stations show what the class learnt
    start = scene.training.progress
    assert start.iteration == 0 and start.correct == 11  # the computer starts from it too
    assert start.network.threshold("C") == 18


def test_a_frame_stops_learning_when_its_time_budget_is_spent():
    ticks = iter(range(10_000))
    pace = Pace(budget_s=0.5, slice=40)
    trainer = Trainer(pace=pace, clock=lambda: next(ticks))
    session = at_the_finale()
    trainer.show(engine.scene(session, 1.0))
    session = engine.apply_all(session, trainer.poll(1.0))
    for _ in range(200):  # long past the run's end: the pace asks for everything at once
        session = engine.apply_all(session, trainer.poll(60.0))
    # Each frame: one slice, then the clock says the budget is gone.
    assert session.training.progress.iteration <= 1 + 200 * 40
    assert session.training.progress.iteration > 2000


def test_the_trainer_waits_while_another_view_is_shown():
    trainer = Trainer(clock=frozen_clock)
    session = at_the_finale()
    trainer.show(engine.scene(session, 1.0))
    session = engine.apply_all(session, trainer.poll(1.1) + trainer.poll(5.0))
    reached = session.training.progress.iteration
    trainer.show(engine.scene(engine.apply(session, ViewChosen("rulers", 5.1)), 5.1))
    assert trainer.poll(5.2) == []
    assert trainer.poll(60.0) == []
    trainer.show(engine.scene(session, 60.0))
    session = engine.apply_all(session, trainer.poll(61.0) + trainer.poll(65.0))
    # It takes up where it was: the minute away did not count.
    assert reached < session.training.progress.iteration < 100


def shown(training):
    """The snapshot on show (None: the live run) and whose rulers."""
    return training.snapshot, training.layer


def pages(progress):
    return TrainingView(progress=progress).pages()


def finished_run(session):
    return engine.apply(session, TrainingProgressed(session.training.run, FINISHED, 2.0))


def test_next_turns_the_pages_snapshot_by_snapshot_then_the_hidden_rulers_then_ends():
    session = finished_run(at_the_finale())
    seen = [shown(session.training)]
    for t in range(3, 9):
        session = engine.apply(session, ConsoleAction("next", t))
        seen.append(shown(session.training))
    assert [(None if s is None else s.iteration, layer) for s, layer in seen] == [
        (None, "output"),  # the live run, at its end
        (100, "output"),
        (1000, "output"),
        (5000, "output"),
        (20000, "output"),
        (50000, "output"),
        (50000, "hidden"),
    ]
    assert not session.guide.finished
    session = engine.apply(
        session, ConsoleAction("next", 10)
    )  # past the last page: the workshop ends
    assert session.guide.finished


def test_previous_turns_back_to_the_live_run_then_to_the_conclusion():
    session = finished_run(at_the_finale())
    session = engine.apply_all(session, [ConsoleAction("next", 3), ConsoleAction("next", 4)])
    assert shown(session.training)[0].iteration == 1000
    session = engine.apply(session, ConsoleAction("previous", 5))
    assert shown(session.training)[0].iteration == 100
    session = engine.apply(session, ConsoleAction("previous", 6))
    assert session.training.page is None and session.view == "training"
    session = engine.apply(session, ConsoleAction("previous", 7))
    assert session.view == "network" and engine.scene(session, 7).step == "conclusion"


def test_while_it_learns_next_waits_at_the_last_snapshot_reached():
    session = at_the_finale()
    descent = Descent(NETWORK, LIBRARY["training"], snapshots=WORKSHOP_SNAPSHOTS)
    descent.advance(3000)
    session = engine.apply(
        session, TrainingProgressed(session.training.run, progress_of(descent, 50_000), 2)
    )
    assert len(pages(session.training.progress)) == 2  # 100 and 1000, no hidden page yet
    for t in (3, 4, 5, 6):
        session = engine.apply(session, ConsoleAction("next", t))
    assert shown(session.training)[0].iteration == 1000
    assert engine.scene(session, 6).step == "training"


def test_reset_restarts_the_run_and_progress_of_the_old_run_is_ignored():
    session = finished_run(at_the_finale())
    old = session.training.run
    session = engine.apply(session, ConsoleAction("reset", 3))
    assert session.training.run == old + 1 and session.training.progress is None
    session = engine.apply(session, TrainingProgressed(old, FINISHED, 4))
    assert session.training.progress is None
    trainer = Trainer(clock=frozen_clock)
    trainer.show(engine.scene(session, 5))
    session = engine.apply_all(session, trainer.poll(5))
    session = engine.apply_all(session, trainer.poll(8))
    assert 0 < session.training.progress.iteration < 100


def test_in_free_play_the_training_view_learns_the_labelled_digits_on_show():
    session = Session.start(NETWORK, LIBRARY["grandeur-nature"], library=LIBRARY)
    session = engine.apply_all(session, [ViewChosen("training", 1.0), SliderMoved("A", 9, 1.0)])
    trainer = Trainer(clock=frozen_clock)  # no start given: the network on show
    trainer.show(engine.scene(session, 1.0))
    session = engine.apply_all(session, trainer.poll(1.1))
    session = engine.apply_all(session, trainer.poll(5.0))
    assert session.training.progress.total == 8
    assert session.training.progress.start.threshold("A") == 9
    assert engine.scene(session, 1.1).training.progress is session.training.progress


@pytest.mark.parametrize("elapsed", [0.0, 1.0, 5.0, 12.0, 20.0, 24.9])
def test_the_pace_grows_geometrically_with_the_time_and_ends_on_time(elapsed):
    pace = Pace(duration_s=25.0)
    now, later = pace.target(elapsed, 50_000), pace.target(elapsed + 5, 50_000)
    assert 0 <= now <= later <= 50_000
    assert pace.target(25.0, 50_000) == pace.target(99.0, 50_000) == 50_000
    if 5 <= elapsed <= 15:  # ten times more every ~5 seconds
        assert 5 * max(1, now) <= later <= 20 * max(1, now)
