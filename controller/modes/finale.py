"""The training finale on the installation: what the session keeps of it and how the leader
steps through it.

The workshop's conclusion shows the computer learning (docs/design.md §3, phase 4): the training
runs live on the screen, then the leader shows the rulers after 100, 1000, 5000, 20000 and
50000 iterations, and the hidden rulers at the end, as the workshop's slides 60–66 do.

- The :class:`Trainer`, a part of the frame loop, runs the iterations between frames and sends
  :class:`~controller.events.TrainingProgressed`; the session keeps the latest progress of the
  run it asked for (:func:`progressed`), in a :class:`~controller.scene.TrainingView`.
- Entering a step restarts the training (:func:`restart`): a new run number, no progress,
  starting from the network on show (in the workshop, the class's: the thresholds it found);
  while the training view shows, the scene shows the run's start until the trainer reports
  (:func:`shown_training`).
- While the training view is shown the console's next/previous turn its *pages*
  (:func:`turn_page`, :meth:`~controller.scene.TrainingView.pages`): the live run, then each
  snapshot's output rulers, then the last snapshot's hidden rulers. Past either end they go on
  to the workshop's next or previous step.

All pure but the trainer: functions of the session and an event, returning the new session.

The trainer is both a sink and a source of the loop (:class:`controller.loop.Installation`).
Fifty thousand iterations take a fraction of a second here and about a second on a Raspberry
Pi; done in one go they would freeze the screen, and the class would not *see* the network
learn. So as a **sink** it watches each scene: is the training view shown, which run does the
session ask for, from which network, on which digits; as a **source** it runs a few iterations
each frame, never more than a time budget allows, and reports how far it has got.

The run is paced by the clock, not by the frame rate: it lasts about half a minute
(:class:`Pace`), long enough for a class to watch the error fall, and the iterations grow
geometrically with the time, so the first hundred last as long on screen as the last thirty
thousand: the early changes, where most happens, can be watched, and each snapshot of the
workshop (100, 1000, 5000, 20000, 50000) shows up in turn. The network reached does not depend
on the pace: every iteration is the same full-batch step (:mod:`controller.training`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from controller.digits import DigitSet
from controller.events import ConsoleAction, Event, TrainingProgressed
from controller.network import Network
from controller.scene import Scene, TrainingView, View
from controller.session import Session
from controller.training import (
    WORKSHOP_SNAPSHOTS,
    Descent,
    Options,
    Progress,
    progress_of,
    start_progress,
)

#: The view that shows the training.
TRAINING_VIEW: View = "training"


def progressed(session: Session, e: TrainingProgressed) -> Session:
    """Keep the trainer's latest progress, if it belongs to the run the session asked for."""
    training = session.training
    if e.run != training.run:
        return session
    return replace(session, training=replace(training, progress=e.progress))


def shown_training(session: Session) -> TrainingView:
    """The training as the scene shows it: the trainer's latest progress, or before its first
    iterations the run's start, iteration 0 of a run from ``training.start`` (else the network
    on show) on the labelled digits on show (computed once per run and start)."""
    training = session.training
    if session.view != TRAINING_VIEW or training.progress is not None:
        return training
    overrides = () if training.start else tuple(sorted(session.thresholds.items()))
    start = _start(training.run, training.start or session.defaults, overrides, session.digits)
    return replace(training, progress=start)


@lru_cache(maxsize=8)
def _start(
    run: int, network: Network, overrides: tuple[tuple[str, float], ...], digits: DigitSet
) -> Progress | None:
    """The start of run ``run`` from ``network`` with ``overrides`` (pure: kept per run)."""
    return start_progress(network.with_thresholds(dict(overrides)), digits)


def restart(session: Session) -> Session:
    """Ask for a fresh training run from the network on show: the workshop network with the
    thresholds the class found (the trainer starts it when the training view shows)."""
    run = session.training.run + 1
    origin = "class" if session.thresholds else "workshop"
    return replace(session, training=TrainingView(run=run, start=session.network, origin=origin))


def turn_page(session: Session, e: ConsoleAction) -> Session | None:
    """Next/previous while the training view is shown: the next or previous page.

    Returns None when the action is not a page turn (another view, another action, or past
    either end of the pages), so the mode handles it as usual (the workshop's next step).
    """
    training = session.training
    if session.view != TRAINING_VIEW or e.action not in ("next", "previous"):
        return None
    available = training.pages()
    page = training.page
    if e.action == "next":
        if page is None:
            target = 0 if available else None
        elif page + 1 < len(available):
            target = page + 1
        elif training.progress is not None and training.progress.finished:
            return None  # the last page: on to the workshop's next step
        else:
            return session  # later pages are still being learnt: stay
        if target is None:
            return None
    else:
        if page is None:
            return None
        target = None if page == 0 else page - 1
    return replace(session, training=replace(training, page=target))


# --- the trainer: the run between frames ------------------------------------------------------


@dataclass(frozen=True)
class Pace:
    """How far a run should have got ``elapsed`` seconds after it started: it lasts
    ``duration_s``, and the iterations reached grow geometrically with the time.

    With the defaults the first iteration shows after a blink, the hundredth after about 11 s,
    the thousandth after 17 s, and the fifty thousandth at 25 s: a class sees the error fall.
    ``budget_s`` caps the time a frame may spend learning, so the screen keeps its rate on a
    slow machine (the run then simply takes longer).
    """

    duration_s: float = 25.0
    budget_s: float = 0.006
    slice: int = 50  # iterations between two looks at the clock

    def target(self, elapsed: float, iterations: int) -> int:
        """The iterations a run of ``iterations`` should have done ``elapsed`` s after its start."""
        if elapsed >= self.duration_s:
            return iterations
        return min(iterations, int((1 + iterations) ** (max(0.0, elapsed) / self.duration_s)))


class Trainer:
    """Trains the network on screen in chunks between frames (see the module doc).

    :param options: the learning rate and the rest, as for ``neurones train`` (default: its
        defaults).
    :param iterations: how many iterations a run does.
    :param snapshots: the iterations whose networks the leader can step through.
    :param pace: how fast the run goes on screen (its time is the loop's ``now``).
    :param clock: seconds, for the time budget of a frame (injected in tests).
    """

    def __init__(
        self,
        options: Options | None = None,
        iterations: int = WORKSHOP_SNAPSHOTS[-1],
        snapshots: Sequence[int] = WORKSHOP_SNAPSHOTS,
        pace: Pace = Pace(),
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.options = options or Options()
        self.iterations = iterations
        self.snapshots = tuple(s for s in snapshots if s <= iterations)
        self.pace = pace
        self.clock = clock
        self.descent: Descent | None = None
        self.run: int | None = None  # the run ``descent`` belongs to
        self.started_at: float | None = None  # when it started (the loop's time)
        self._paused_at: float | None = None  # when the view went away (the run waits)
        self._wanted: tuple[int, Network, DigitSet] | None = None  # shown: run, network, digits
        self._reported = False  # the finished run's last progress has been sent

    def show(self, scene: Scene) -> None:
        """Note whether the training view is on, and which run on which network and digits."""
        if scene.view != TRAINING_VIEW:
            self._wanted = None
            return
        start = scene.training.start or scene.network  # the workshop network, in the workshop
        self._wanted = (scene.training.run, start, scene.digits)

    def poll(self, now: float) -> list[Event]:
        """Run this frame's iterations of the run on show; report how far it has got."""
        if self._wanted is None:  # not on screen: the run waits where it is
            if self._paused_at is None:
                self._paused_at = now
            return []
        if self._paused_at is not None and self.started_at is not None:
            self.started_at += now - self._paused_at  # its pace takes up where it was
        self._paused_at = None
        run, network, digits = self._wanted
        if run != self.run:
            self._start(run, network, digits)
            self.started_at = now
        descent = self.descent
        if descent is None:
            return []  # no labelled digit on show: nothing to learn
        if descent.iteration >= self.iterations:
            if self._reported:
                return []
            self._reported = True
        else:
            started = now if self.started_at is None else self.started_at
            target = self.pace.target(now - started, self.iterations)
            if target <= descent.iteration:
                return []
            self._step(descent, target)
        return [TrainingProgressed(run, progress_of(descent, self.iterations), now)]

    def _start(self, run: int, network: Network, digits: DigitSet) -> None:
        """A new run from ``network`` on the labelled digits on show (none: no run)."""
        labelled = tuple(d for d in digits.digits if d.label is not None)
        self.run = run
        self._reported = False
        self.descent = None
        if labelled:
            learnt = DigitSet(digits.name, labelled)
            self.descent = Descent(network, learnt, self.options, self.snapshots)

    def _step(self, descent: Descent, target: int) -> None:
        """Up to ``target`` iterations, in slices, stopping when the time budget is spent."""
        pace = self.pace
        left = target - descent.iteration
        start = self.clock()
        while left > 0:
            count = min(left, pace.slice)
            descent.advance(count)
            left -= count
            if self.clock() - start > pace.budget_s:
                break

    def close(self) -> None:
        """Nothing to release."""
