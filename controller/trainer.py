"""The trainer: runs the training finale between the installation's frames.

Fifty thousand iterations take a fraction of a second here and about a second on a Raspberry
Pi; done in one go they would freeze the screen, and the class would not *see* the network
learn. So the trainer is a part of the frame loop (:class:`controller.app.Installation`), both
a sink and a source:

- as a **sink** it watches each scene: is the training view shown, which run does the session
  ask for (:class:`controller.scene.TrainingView`), from which network, on which digits;
- as a **source** it runs a few iterations each frame, never more than a time budget allows,
  and reports how far it has got with a :class:`~controller.events.TrainingProgressed`.

The pace grows with the iteration, so the 100 first iterations last as long on screen as the
last 30,000: the early changes, where most happens, can be watched, and each snapshot of the
workshop (100, 1000, 5000, 20000, 50000) shows up in turn. The network reached does not depend
on the pace: every iteration is the same full-batch step (:mod:`controller.training`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from controller.digits import DigitSet
from controller.events import Event, TrainingProgressed
from controller.modes.finale import TRAINING_VIEW
from controller.network import Network
from controller.scene import Scene
from controller.training import WORKSHOP_SNAPSHOTS, Descent, Options, progress_of


@dataclass(frozen=True)
class Pace:
    """How many iterations a frame runs: ``growth`` × the iterations done, within bounds.

    With ``growth`` 0.03 the run multiplies its iteration count by 1.03 each frame: from 100 to
    50,000 iterations takes about 210 frames, about four seconds at 60 frames a second.
    ``budget_s`` caps the time a frame may spend learning, so the screen keeps its rate on a
    slow machine (the run then simply takes longer).
    """

    growth: float = 0.03
    least: int = 2
    most: int = 2000
    budget_s: float = 0.006
    slice: int = 50  # iterations between two looks at the clock

    def iterations(self, done: int) -> int:
        """The iterations to run in the next frame after ``done`` of them."""
        return max(self.least, min(self.most, round(done * self.growth)))


class Trainer:
    """Trains the network on screen in chunks between frames (see the module doc).

    :param options: the learning rate and the rest, as for ``neurones train`` (default: its
        defaults).
    :param iterations: how many iterations a run does.
    :param snapshots: the iterations whose networks the leader can step through.
    :param pace: how fast the run goes on screen.
    :param clock: seconds, for the time budget (injected in tests).
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
        if self._wanted is None:
            return []  # not on screen: the run waits where it is
        run, network, digits = self._wanted
        if run != self.run:
            self._start(run, network, digits)
        descent = self.descent
        if descent is None:
            return []  # no labelled digit on show: nothing to learn
        if descent.iteration >= self.iterations:
            if self._reported:
                return []
            self._reported = True
        else:
            self._step(descent)
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

    def _step(self, descent: Descent) -> None:
        """Up to the pace's iterations, in slices, stopping when the time budget is spent."""
        pace = self.pace
        left = min(pace.iterations(descent.iteration), self.iterations - descent.iteration)
        start = self.clock()
        while left > 0:
            count = min(left, pace.slice)
            descent.advance(count)
            left -= count
            if self.clock() - start > pace.budget_s:
                break

    def close(self) -> None:
        """Nothing to release."""
