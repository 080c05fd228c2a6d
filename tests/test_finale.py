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
FINISHED = progress_of(train(NETWORK, LIBRARY["training"]), 50_000)


def at_the_finale():
    session = Session.start(NETWORK, LIBRARY["grandeur-nature"], library=LIBRARY, script=SCRIPT)
    session = engine.begin(session, "workshop", 0.0)
    return engine.apply(session, StepChosen("training", 1.0))


def frozen_clock():
    return 0.0  # the time budget is never spent: each frame runs the pace's iterations


def test_the_workshops_last_step_is_the_finale_on_the_sixteen_digits():
    step = SCRIPT.steps[-1]
    assert step.id == "training" and step.phase == 4 and step.view == "training"
    assert SCRIPT.steps[-2].id == "conclusion"
    assert step.digits.names() == LIBRARY["training"].names()
    assert step.text("fr").title and step.text("en").title


def test_the_installation_learns_in_small_chunks_and_ends_where_neurones_train_does():
    trainer = Trainer(clock=frozen_clock)
    installation = Installation(at_the_finale(), engine, sources=[trainer], sinks=[trainer])
    reached = [0]
    for _ in range(2000):
        scene = installation.step()
        progress = scene.training.progress
        if progress is not None:
            reached.append(progress.iteration)
            if progress.finished:
                break
    steps = np.diff(reached)
    assert reached[-1] == 50_000
    assert len(reached) > 100  # the class watches it learn over many frames…
    assert steps.max() <= Pace().most  # …and no frame stalls on a long stretch of learning
    final = installation.scene.training.progress
    assert installation.scene.thresholds["0"] == 7  # the stations keep what the class learnt…
    assert final.start is NETWORK and final.correct == 16  # …the computer starts afresh
    assert [s.iteration for s in final.snapshots] == list(WORKSHOP_SNAPSHOTS)
    assert final.correct == 16
    # Learning in chunks changes nothing: the very network neurones train reaches.
    assert np.array_equal(final.network.hidden_weights, FINISHED.network.hidden_weights)
    assert np.array_equal(final.network.output_thresholds, FINISHED.network.output_thresholds)


def test_before_its_first_iterations_the_finale_shows_the_workshop_network_at_the_start():
    scene = engine.scene(at_the_finale(), 1.0)
    assert scene.thresholds["C"] == 18  # the stations show what the class learnt
    start = scene.training.progress
    assert start.iteration == 0 and start.correct == 9  # the computer starts from the workshop's
    assert start.network.threshold("C") == NETWORK.threshold("C") == 17


def test_a_frame_stops_learning_when_its_time_budget_is_spent():
    ticks = iter(range(10_000))
    pace = Pace(budget_s=0.5, slice=40, most=2000)
    trainer = Trainer(pace=pace, clock=lambda: next(ticks))
    session = at_the_finale()
    trainer.show(engine.scene(session, 1.0))
    for _ in range(200):
        session = engine.apply_all(session, trainer.poll(2.0))
    # Each frame: one slice, then the clock says the budget is gone.
    assert session.training.progress.iteration <= 200 * 40
    assert session.training.progress.iteration > 2000


def test_the_trainer_waits_while_another_view_is_shown():
    trainer = Trainer(clock=frozen_clock)
    session = at_the_finale()
    trainer.show(engine.scene(session, 1.0))
    session = engine.apply_all(session, trainer.poll(1.1))
    reached = session.training.progress.iteration
    trainer.show(engine.scene(engine.apply(session, ViewChosen("rulers", 1.2)), 1.2))
    assert trainer.poll(1.3) == []
    trainer.show(engine.scene(session, 1.4))
    session = engine.apply_all(session, trainer.poll(1.5))
    assert session.training.progress.iteration > reached


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
    assert session.view == "rulers" and engine.scene(session, 7).step == "conclusion"


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
    assert 0 < session.training.progress.iteration < 100


def test_in_free_play_the_training_view_learns_the_labelled_digits_on_show():
    session = Session.start(NETWORK, LIBRARY["grandeur-nature"], library=LIBRARY)
    session = engine.apply_all(session, [ViewChosen("training", 1.0), SliderMoved("A", 9, 1.0)])
    trainer = Trainer(clock=frozen_clock)  # no start given: the network on show
    trainer.show(engine.scene(session, 1.0))
    session = engine.apply_all(session, trainer.poll(1.1))
    assert session.training.progress.total == 8
    assert session.training.progress.start.threshold("A") == 9
    assert engine.scene(session, 1.1).training.progress is session.training.progress


@pytest.mark.parametrize("done", [0, 10, 1000, 40_000])
def test_the_pace_grows_with_the_iterations_within_its_bounds(done):
    pace = Pace()
    assert pace.least <= pace.iterations(done) <= pace.most
    assert pace.iterations(done) >= pace.iterations(done // 2)
