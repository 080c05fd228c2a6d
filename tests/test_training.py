"""The training finale's engine: gradient descent that learns the 16 digits (docs/design.md §2)."""

import numpy as np
import pytest

from controller.digits import load_digit_set
from controller.network import forward, load_network
from controller.training import (
    WORKSHOP_SNAPSHOTS,
    Descent,
    Options,
    hinge_loss,
    train,
)

NETWORK = load_network()
TRAINING = load_digit_set("training")
PARAMETERS = ("hidden_weights", "hidden_thresholds", "output_weights", "output_thresholds")


def parameters(network):
    return {name: getattr(network, name).copy() for name in PARAMETERS}


def nudged(network, seed=1, scale=0.3):
    """The workshop network with every weight and threshold moved a little, off the kinks.

    Integer weights put many margins exactly on the hinge's or max(0, ·)'s corner, where the
    derivative is one-sided; small random moves put every one clear of them.
    """
    rng = np.random.default_rng(seed)
    moved = {
        k: v + rng.uniform(-scale, scale, v.shape) * (v != 0)
        for k, v in parameters(network).items()
    }
    moved["hidden_thresholds"] = network.hidden_thresholds + rng.uniform(-scale, scale, 6)
    moved["output_thresholds"] = network.output_thresholds + rng.uniform(-scale, scale, 4)
    return network.with_parameters(**moved)


def finite_difference(network, name, index, eps=1e-6):
    def loss_with(delta):
        values = parameters(network)
        values[name][index] += delta
        return hinge_loss(network.with_parameters(**values), TRAINING)

    return (loss_with(eps) - loss_with(-eps)) / (2 * eps)


@pytest.mark.parametrize("start", ["nudged", "trained"])
def test_the_gradient_matches_finite_differences_of_the_loss(start):
    network = nudged(NETWORK)
    if start == "trained":  # somewhere along the way, where other margins are active
        descent = Descent(network, TRAINING, Options(all_connections=True))
        descent.advance(3000)
        network = descent.network()
    gradient = Descent(network, TRAINING, Options(all_connections=True)).gradient()
    checked = 0
    for name in PARAMETERS:
        computed = getattr(gradient, name)
        for index in np.ndindex(computed.shape):
            expected = finite_difference(network, name, index)
            assert computed[index] == pytest.approx(expected, abs=1e-6), (name, index)
            checked += 1
    assert checked == 6 * 6 + 6 + 4 * 6 + 4
    assert np.abs(gradient.output_thresholds).sum() > 0  # not a trivially flat point


def test_one_iteration_moves_each_parameter_against_its_gradient_times_the_rate():
    network = nudged(NETWORK, seed=2)
    options = Options(learning_rate=0.01)
    descent = Descent(network, TRAINING, options)
    gradient = descent.gradient()
    descent.advance(1)
    after = descent.network()
    for name in PARAMETERS:
        kept = 1.0 if name.endswith("thresholds") else getattr(network, name) != 0
        expected = getattr(network, name) - 0.01 * kept * getattr(gradient, name)
        np.testing.assert_allclose(getattr(after, name), expected, atol=1e-12, err_msg=name)


def test_the_workshops_absent_connections_stay_absent_by_default():
    descent = Descent(NETWORK, TRAINING)
    descent.advance(5000)
    trained = descent.network()
    for name in ("hidden_weights", "output_weights"):
        absent = getattr(NETWORK, name) == 0
        assert absent.any()
        assert np.all(getattr(trained, name)[absent] == 0), name
        present = ~absent
        assert np.any(getattr(trained, name)[present] != getattr(NETWORK, name)[present]), name


def test_with_all_connections_absent_ones_may_grow():
    descent = Descent(NETWORK, TRAINING, Options(all_connections=True))
    descent.advance(2000)
    trained = descent.network()
    grown = (NETWORK.hidden_weights == 0) & (trained.hidden_weights != 0)
    assert grown.any()


def test_the_descent_is_deterministic_and_does_not_depend_on_how_it_is_chunked():
    whole = Descent(NETWORK, TRAINING)
    whole.advance(3000)
    pieces = Descent(NETWORK, TRAINING)
    for size in (1, 99, 250, 1650, 1000):  # bits across the bookkeeping boundaries
        pieces.advance(size)
    assert pieces.iteration == whole.iteration == 3000
    for name in PARAMETERS:
        assert np.array_equal(getattr(pieces.network(), name), getattr(whole.network(), name))
    assert np.array_equal(pieces.losses, whole.losses)
    assert np.array_equal(pieces.correct, whole.correct)


def test_the_recorded_loss_and_score_are_those_of_the_network_at_each_iteration():
    descent = Descent(NETWORK, TRAINING)
    for stop in (0, 1, 7, 1000, 1234):
        descent.advance(stop - descent.iteration)
        network = descent.network()
        recognised = forward(network, TRAINING.grids()).recognised(TRAINING.labels())
        assert descent.losses[stop] == pytest.approx(hinge_loss(network, TRAINING), abs=1e-9)
        assert descent.correct[stop] == recognised.sum()
    assert len(descent.losses) == len(descent.correct) == 1235


def test_once_the_loss_is_zero_the_descent_is_at_rest_and_later_iterations_repeat_it():
    descent = Descent(NETWORK, TRAINING)
    while not descent.at_rest:
        descent.advance(1000)
        assert descent.iteration <= 50_000, "the workshop network reaches a loss of 0"
    resting = parameters(descent.network())
    gradient = descent.gradient()
    assert all(not getattr(gradient, name).any() for name in PARAMETERS)  # a step moves nothing
    descent.advance(1500)
    assert all(np.array_equal(parameters(descent.network())[k], v) for k, v in resting.items())
    assert (descent.losses[-1500:] == 0).all()
    recognised = forward(descent.network(), TRAINING.grids()).recognised(TRAINING.labels())
    assert (descent.correct[-1500:] == recognised.sum()).all()
    assert hinge_loss(descent.network(), TRAINING) == 0


def test_training_starts_at_the_workshop_network_and_reaches_sixteen_of_sixteen():
    result = train(NETWORK, TRAINING)
    assert result.correct[0] == 9  # the workshop network gets 9 of the 16
    assert result.iteration == 50_000
    assert result.correct_now == 16
    reached = result.first_all_right()
    assert reached is not None and reached <= 50_000
    assert result.losses[-1] < result.losses[0]
    assert [s.iteration for s in result.snapshots] == list(WORKSHOP_SNAPSHOTS)
    scores = [s.correct for s in result.snapshots]
    assert scores == sorted(scores)  # in the workshop's slides it only gets better
    for snapshot in result.snapshots:
        network = snapshot.network
        assert snapshot.loss == pytest.approx(hinge_loss(network, TRAINING), abs=1e-9)
        assert snapshot.correct == result.correct[snapshot.iteration]


def test_snapshots_outside_the_run_are_refused():
    with pytest.raises(ValueError, match="between 0 and 100"):
        train(NETWORK, TRAINING, iterations=100, snapshots=(50, 200))


def test_a_descent_stops_on_its_way_at_each_planned_snapshot():
    descent = Descent(NETWORK, TRAINING, snapshots=(0, 5, 130, 2000))
    descent.advance(120)
    descent.advance(1500)  # 130 lies inside this call
    assert [s.iteration for s in descent.snapshots] == [0, 5, 130]
    descent.advance(1000)
    assert [s.iteration for s in descent.snapshots] == [0, 5, 130, 2000]
    assert np.array_equal(descent.snapshots[0].network.hidden_weights, NETWORK.hidden_weights)
    again = Descent(NETWORK, TRAINING)
    again.advance(130)
    assert np.array_equal(
        descent.snapshots[2].network.output_weights, again.network().output_weights
    )


def test_unlabelled_digits_cannot_be_learnt():
    from controller.digits import Digit, DigitSet

    digits = DigitSet("x", (Digit("?", None, TRAINING.digits[0].pixels),))
    with pytest.raises(ValueError, match="no label: \\?"):
        Descent(NETWORK, digits)
