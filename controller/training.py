"""Learning by gradient descent: the workshop network trained on the finale's 16 digits.

The workshop ends where the tabletop learning left off. By hand the pupils moved thresholds by
one step at a time; the computer moves *every* weight and threshold, by real amounts, in many
small steps, each step in the direction that lowers an error. That is all this module does.

**The network**, for one digit whose band counts are ``x`` (docs/design.md §2)::

    z1 = W1·x − t1        hidden margins: each hidden neuron's sum minus its threshold
    h  = max(0, z1)       hidden values
    z2 = W2·h − t2        output margins: each output neuron's sum minus its threshold

An output neuron says "Oui" when its margin is above 0.

**The error (loss).** For each digit and each output neuron let ``y = +1`` if the neuron should
say Oui (it is the digit's own neuron) and ``y = −1`` otherwise. The loss is the *hinge*::

    loss = mean over digits of  Σ over outputs  max(0, m − y·z2)

It is 0 when every right output is at least ``m`` (the margin, 1 by default) past its threshold
and every other output at least ``m`` short of it, and grows by one for each unit an output is
on the wrong side of that. A loss of 0 means every digit is recognised, with room to spare.

Why on the margin ``z2`` and not on the output ``max(0, z2)``? Because ``max(0, ·)`` is flat
below the threshold: its gradient there is 0. An output neuron that stays silent for its own
digit (the 10th digit's blue neuron) would get no signal at all and never learn to say Oui.
The margin keeps its slope on both sides of the threshold, so a silent neuron learns too.
(The hidden layer keeps its ``max(0, ·)``: it is part of what the network computes.)

**The gradient** (backpropagation, the chain rule applied layer by layer from the error back)::

    ∂loss/∂z2 = −y / n     where the hinge is active (y·z2 < m), else 0   (n digits)
    ∂loss/∂W2 = ∂z2 · hᵀ,   ∂loss/∂t2 = −Σ ∂z2
    ∂loss/∂h  = W2ᵀ · ∂z2
    ∂loss/∂z1 = ∂loss/∂h  where z1 > 0, else 0
    ∂loss/∂W1 = ∂z1 · xᵀ,   ∂loss/∂t1 = −Σ ∂z1

**One iteration** of full-batch gradient descent computes this on all the digits at once and
moves every parameter a little against its gradient::

    parameter ← parameter − learning_rate × ∂loss/∂parameter

By default only the workshop's connections learn: a weight that is 0 in the workshop network
(no arrow on the floor mat) stays 0, so the trained network still fits on the mat. With
``all_connections`` every weight may change.

There is no randomness: the descent starts from the workshop network, so the same options give
the same network, iteration for iteration.

**Speed.** 50,000 iterations must take well under half a second (docs/design.md §6), so the loop
below does the formulas above on preallocated arrays, in place, with nothing else per
iteration: the band counts are computed once (they never change), a threshold is a weight on
a constant input of −1 (so each layer is one matrix product), and loss and accuracy are worked
out afterwards, a thousand iterations at a time, from the output margins the loop records.
Once the loss is exactly 0 the gradient is too, and the descent stops moving: the iterations
left are recorded without being computed (:attr:`Descent.at_rest`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from controller.digits import DigitSet
from controller.network import Network, forward

#: The iterations after which the workshop shows the rulers (slides 60–66).
WORKSHOP_SNAPSHOTS = (100, 1000, 5000, 20000, 50000)

#: How many iterations the loop runs between two bookkeeping passes (loss, accuracy).
CHUNK = 1000


@dataclass(frozen=True)
class Options:
    """How to train: step size, margin, and whether absent connections may appear."""

    learning_rate: float = 0.0005
    margin: float = 1.0
    all_connections: bool = False


@dataclass(frozen=True, eq=False)
class Gradient:
    """∂loss/∂parameter for every weight and threshold, in the :class:`Network`'s layout."""

    hidden_weights: np.ndarray  # (hidden, inputs)
    hidden_thresholds: np.ndarray  # (hidden,)
    output_weights: np.ndarray  # (outputs, hidden)
    output_thresholds: np.ndarray  # (outputs,)


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The network after ``iteration`` iterations, with its loss and how many digits it gets."""

    iteration: int
    loss: float
    correct: int
    total: int
    network: Network


def hinge_loss(network: Network, digits: DigitSet, margin: float = 1.0) -> float:
    """The training loss of ``network`` on ``digits``, computed with the ordinary forward pass.

    The descent computes the same number its own way; this independent version is what a
    snapshot reports and what the tests hold the descent to.
    """
    result = forward(network, digits.grids())
    z2 = result.output_sums - network.output_thresholds
    y = _targets(network, digits).T
    return float(np.maximum(0.0, margin - y * z2).sum() / len(digits))


def _targets(network: Network, digits: DigitSet) -> np.ndarray:
    """``y``: +1 where an output neuron should say Oui for a digit, −1 elsewhere (outputs × n)."""
    labels = digits.labels()
    if (labels < 0).any():
        unlabelled = [d.name for d in digits.digits if d.label is None]
        raise ValueError(f"training needs labelled digits; no label: {', '.join(unlabelled)}")
    own = np.asarray(network.labels)[:, None] == labels[None, :]
    return np.where(own, 1.0, -1.0)


class Descent:
    """Full-batch gradient descent on one network and one digit set, iteration by iteration.

    :param network: where the descent starts (the workshop network); its names, bands and
        colours are kept, its weights and thresholds are what learns.
    :param digits: the labelled digits to learn (the ``training`` set).
    :param options: learning rate, margin, which connections learn.
    :param snapshots: the iterations after which to keep the whole network (:attr:`snapshots`).

    ``advance(n)`` runs ``n`` more iterations; :attr:`losses` and :attr:`correct` hold the loss
    and the number of digits recognised after each iteration so far (index 0: the start), and
    :meth:`network` is the network reached. Run it all at once with :func:`train`, or a few
    hundred iterations per frame on the screen (:class:`controller.modes.finale.Trainer`).
    """

    def __init__(
        self,
        network: Network,
        digits: DigitSet,
        options: Options = Options(),
        snapshots: Sequence[int] = (),
    ) -> None:
        self.start = network
        self.digits = digits
        self.options = options
        self.iteration = 0
        self.planned = tuple(sorted(set(snapshots)))
        if self.planned and self.planned[0] < 0:
            raise ValueError("snapshots must be iterations (0 or more)")
        self.snapshots: list[Snapshot] = []
        n = len(digits)
        # The band counts never change: computed once, with a row of −1 for the thresholds.
        counts = forward(network, digits.grids()).inputs.T  # (inputs, n)
        self._x = np.vstack([counts, -np.ones((1, n))])
        self._y = _targets(network, digits)  # (outputs, n)
        # Every parameter in one flat vector; each layer is a view of it: [weights | threshold].
        hidden, inputs = network.hidden_weights.shape
        outputs = len(network.output_thresholds)
        self._split = hidden * (inputs + 1)
        self._theta = np.concatenate(
            [
                np.column_stack([network.hidden_weights, network.hidden_thresholds]).ravel(),
                np.column_stack([network.output_weights, network.output_thresholds]).ravel(),
            ]
        )
        self._layer1 = self._theta[: self._split].reshape(hidden, inputs + 1)
        self._layer2 = self._theta[self._split :].reshape(outputs, hidden + 1)
        self._grad = np.zeros_like(self._theta)
        # The learning rate of each parameter: 0 for an absent connection that must stay so.
        kept = np.concatenate(
            [
                np.column_stack([network.hidden_weights != 0, np.ones(hidden, bool)]).ravel(),
                np.column_stack([network.output_weights != 0, np.ones(outputs, bool)]).ravel(),
            ]
        )
        if options.all_connections:
            kept[:] = True
        self._rate = options.learning_rate * kept.astype(float)
        self._margins = np.empty((CHUNK, outputs, n))  # the output margins of each iteration
        self._backprop = self._backpropagation()
        losses, correct = self._score(self._margins_now()[None])
        self._losses, self._correct = [losses], [correct]
        self._keep_snapshot()

    # --- the algorithm ---------------------------------------------------------------------

    def _backpropagation(self) -> Callable[[np.ndarray], None]:
        """The forward and backward pass on every digit at once, in place (see the module doc).

        Returns a function that fills ``self._grad`` with ∂loss/∂parameters at the current
        parameters and writes the output margins z2 into the array it is given.
        """
        x, xT, y = self._x, self._x.T, self._y
        n, margin = x.shape[1], self.options.margin
        layer1, layer2 = self._layer1, self._layer2
        hidden = len(layer1)
        w2T = layer2[:, :hidden].T  # the output weights without the threshold column
        grad1 = self._grad[: self._split].reshape(layer1.shape)
        grad2 = self._grad[self._split :].reshape(layer2.shape)
        z1 = np.empty((hidden, n))
        h = np.empty((hidden + 1, n))
        h[hidden] = -1.0  # the constant input each output threshold weighs
        h_values, hT = h[:hidden], h.T
        zeros, margins = np.zeros_like(z1), np.full(y.shape, margin)
        minus_y_over_n, no_room = -y / n, np.zeros(y.shape)
        yz2, room, active, dz2 = (np.empty(y.shape) for _ in range(4))
        dh, slope, dz1 = np.empty_like(z1), np.empty_like(z1), np.empty_like(z1)
        dot, maximum, multiply, subtract = np.dot, np.maximum, np.multiply, np.subtract
        heaviside, sign = np.heaviside, np.sign

        def backprop(z2: np.ndarray) -> None:
            dot(layer1, x, out=z1)  # z1 = W1·x − t1
            maximum(z1, zeros, out=h_values)  # h = max(0, z1)
            dot(layer2, h, out=z2)  # z2 = W2·h − t2
            multiply(y, z2, out=yz2)
            subtract(margins, yz2, out=room)  # the hinge is max(0, room)
            # 1.0 where it is not flat (room > 0), else 0.0: floats, as a mask of booleans
            # would cost a conversion in the product below.
            heaviside(room, no_room, out=active)
            multiply(active, minus_y_over_n, out=dz2)  # ∂loss/∂z2
            dot(dz2, hT, out=grad2)  # ∂loss/∂[W2 | t2]
            dot(w2T, dz2, out=dh)  # ∂loss/∂h
            sign(h_values, out=slope)  # max(0, ·)'s slope: 1 where z1 > 0, else 0
            multiply(dh, slope, out=dz1)  # ∂loss/∂z1
            dot(dz1, xT, out=grad1)  # ∂loss/∂[W1 | t1]

        return backprop

    def advance(self, iterations: int) -> None:
        """Run ``iterations`` more iterations of gradient descent, keeping the planned snapshots."""
        theta, grad, rate, backprop = self._theta, self._grad, self._rate, self._backprop
        multiply, subtract = np.multiply, np.subtract
        while iterations > 0:
            upcoming = [p - self.iteration for p in self.planned if p > self.iteration]
            count = min(iterations, CHUNK, *upcoming)
            if self.at_rest:
                losses = np.full(count, self._losses[-1][-1])
                correct = np.full(count, self._correct[-1][-1])
            else:
                margins = self._margins[:count]
                for z2 in margins:  # one iteration: gradient, then a step against it
                    backprop(z2)
                    multiply(grad, rate, out=grad)
                    subtract(theta, grad, out=theta)
                # margins[k] belongs to the parameters before step k: scores of iterations
                # i+0 … i+count−1 are known already; shift by one and add the state reached.
                margins = np.concatenate([margins[1:], self._margins_now()[None]])
                losses, correct = self._score(margins)
            self._losses.append(losses)
            self._correct.append(correct)
            self.iteration += count
            iterations -= count
            self._keep_snapshot()

    @property
    def at_rest(self) -> bool:
        """True once the loss is exactly 0: every later iteration leaves the network as it is.

        A loss of 0 means every output is past its margin on the right side, so no hinge is
        active, every ∂loss/∂z2 is 0, and so is the whole gradient: a step changes nothing.
        The descent then stops computing and records the same loss and score for the
        iterations still asked of it. (The workshop network gets there after about 34,000 of
        its 50,000 iterations.)
        """
        return self.loss == 0.0

    def _keep_snapshot(self) -> None:
        if self.iteration in self.planned:
            self.snapshots.append(self.snapshot())

    def _margins_now(self) -> np.ndarray:
        """The output margins z2 at the current parameters (outputs × n)."""
        z2 = np.empty(self._y.shape)
        self._backprop(z2)
        return z2

    def _score(self, margins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Loss and digits recognised for a stack of output margins (iterations × outputs × n)."""
        n = self._y.shape[1]
        loss = np.maximum(0.0, self.options.margin - self._y * margins).sum(axis=(1, 2)) / n
        right = (margins > 0) == (self._y > 0)  # each output says Oui exactly when it should
        return loss, right.all(axis=1).sum(axis=1)

    # --- what it has reached -------------------------------------------------------------------

    @property
    def losses(self) -> np.ndarray:
        """The loss after each iteration so far (index 0: before the first)."""
        return np.concatenate(self._losses)

    @property
    def correct(self) -> np.ndarray:
        """How many digits were recognised after each iteration so far (index 0: the start)."""
        return np.concatenate(self._correct)

    @property
    def loss(self) -> float:
        """The loss now."""
        return float(self._losses[-1][-1])

    @property
    def correct_now(self) -> int:
        """How many digits are recognised now."""
        return int(self._correct[-1][-1])

    def gradient(self) -> Gradient:
        """∂loss/∂parameter at the current parameters, exactly as the descent computes it."""
        self._margins_now()
        hidden = len(self._layer1)
        grad1 = self._grad[: self._split].reshape(self._layer1.shape)
        grad2 = self._grad[self._split :].reshape(self._layer2.shape)
        return Gradient(
            hidden_weights=grad1[:, :-1].copy(),
            hidden_thresholds=grad1[:, -1].copy(),
            output_weights=grad2[:, :hidden].copy(),
            output_thresholds=grad2[:, -1].copy(),
        )

    def first_all_right(self) -> int | None:
        """The first iteration after which every digit is recognised, None if none yet."""
        hits = np.flatnonzero(self.correct == len(self.digits))
        return int(hits[0]) if len(hits) else None

    def network(self) -> Network:
        """The network with the weights and thresholds reached (a copy: it will not change)."""
        return self.start.with_parameters(
            self._layer1[:, :-1], self._layer1[:, -1], self._layer2[:, :-1], self._layer2[:, -1]
        )

    def snapshot(self) -> Snapshot:
        """The network now, with its loss and score."""
        return Snapshot(
            self.iteration, self.loss, self.correct_now, len(self.digits), self.network()
        )


def train(
    network: Network,
    digits: DigitSet,
    iterations: int = WORKSHOP_SNAPSHOTS[-1],
    snapshots: Sequence[int] = WORKSHOP_SNAPSHOTS,
    options: Options = Options(),
    progress: Callable[[Descent], None] | None = None,
) -> Descent:
    """Train ``network`` on ``digits`` for ``iterations`` iterations, keeping ``snapshots``.

    Returns the finished :class:`Descent`: its losses, scores, snapshots and final network.
    ``progress`` (if given) is called after every :data:`CHUNK` iterations, for a progress bar.

    :raises ValueError: for a snapshot outside ``0 … iterations`` or an unlabelled digit.
    """
    if snapshots and not 0 <= min(snapshots) <= max(snapshots) <= iterations:
        raise ValueError(f"snapshots must be between 0 and {iterations} iterations")
    descent = Descent(network, digits, options, snapshots)
    while descent.iteration < iterations:
        descent.advance(min(CHUNK, iterations - descent.iteration))
        if progress is not None:
            progress(descent)
    return descent


@dataclass(frozen=True, eq=False)
class Progress:
    """How far a training run has got, as plain values for the screen (it never changes).

    ``curve`` holds ``(iteration, loss)`` pairs from 0 to now, about evenly spaced on a
    logarithmic scale of iterations (what the screen's curve needs, not all 50,000).
    """

    iteration: int
    iterations: int  # how many the run will do
    loss: float
    correct: int
    total: int
    network: Network  # the weights and thresholds now
    start: Network  # … and at iteration 0
    digits: DigitSet  # what it learns
    curve: np.ndarray  # (points, 2)
    snapshots: tuple[Snapshot, ...]  # those reached so far
    planned: tuple[int, ...]  # every snapshot the run will keep

    @property
    def finished(self) -> bool:
        """Whether the run has done all its iterations."""
        return self.iteration >= self.iterations


def progress_of(descent: Descent, iterations: int, points: int = 240) -> Progress:
    """What ``descent`` has reached, on its way to ``iterations``, for the screen."""
    losses = descent.losses
    spread = np.geomspace(1, len(losses), points).round().astype(int) - 1
    kept = [s for s in descent.planned if s <= descent.iteration]  # the curve passes by them
    marks = np.unique(np.concatenate([spread, kept]).astype(int))
    return Progress(
        iteration=descent.iteration,
        iterations=iterations,
        loss=descent.loss,
        correct=descent.correct_now,
        total=len(descent.digits),
        network=descent.network(),
        start=descent.start,
        digits=descent.digits,
        curve=np.column_stack([marks, losses[marks]]),
        snapshots=tuple(descent.snapshots),
        planned=descent.planned,
    )


def start_progress(network: Network, digits: DigitSet) -> Progress | None:
    """Iteration 0 of a run from ``network`` on the labelled digits of ``digits``, on its way to
    the workshop's snapshots (what the screen shows before the first iterations); None when no
    digit of the set is labelled, so there is nothing to learn."""
    labelled = tuple(d for d in digits.digits if d.label is not None)
    if not labelled:
        return None
    descent = Descent(network, DigitSet(digits.name, labelled))
    progress = progress_of(descent, WORKSHOP_SNAPSHOTS[-1])
    return replace(progress, planned=WORKSHOP_SNAPSHOTS)


__all__ = [
    "CHUNK",
    "WORKSHOP_SNAPSHOTS",
    "Descent",
    "Gradient",
    "Options",
    "Progress",
    "Snapshot",
    "hinge_loss",
    "progress_of",
    "start_progress",
    "train",
]
