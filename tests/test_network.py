"""The forward pass computes exactly the workshop network of docs/design.md §2."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from controller.network import forward, load_network

# docs/design.md §2, written out independently of data/network.toml.
BANDS = {
    "COL1": [(r, c) for r in range(9) for c in (0, 1)],
    "COL2": [(r, c) for r in range(9) for c in (2, 3)],
    "COL3": [(r, c) for r in range(9) for c in (4, 5)],
    "LIG1": [(r, c) for r in range(0, 3) for c in range(6)],
    "LIG2": [(r, c) for r in range(3, 6) for c in range(6)],
    "LIG3": [(r, c) for r in range(6, 9) for c in range(6)],
}
HIDDEN = {
    "A": ({"COL2": 1, "COL3": 1, "COL1": -1}, 8),
    "B": ({"COL2": 1, "LIG2": 1, "LIG3": -1}, 7),
    "C": ({"COL3": 1, "LIG1": 1, "LIG2": 1}, 17),
    "D": ({"COL2": 1, "LIG3": 1, "LIG1": -1}, 7),
    "E": ({"COL1": 1, "LIG2": 1, "LIG3": 1}, 16),
    "F": ({"LIG1": 1, "LIG3": 1, "LIG2": -1}, 5),
}
OUTPUTS = {
    0: ({"C": 1, "E": 1, "F": 1, "A": -1, "B": -1, "D": -1}, 6),
    3: ({"A": 1, "B": 1, "D": 1, "C": -1, "E": -1}, 6),
    6: ({"B": 1, "D": 1, "E": 1, "A": -1, "C": -1, "F": -1}, 7),
    9: ({"A": 1, "B": 1, "C": 1, "D": -1, "E": -1}, 4),
}


def plain_python(grid, thresholds):
    """The workshop's computation by hand: count, add, subtract the threshold, decide."""
    counts = {name: sum(grid[r][c] for r, c in cells) for name, cells in BANDS.items()}
    hidden = {}
    for name, (weights, threshold) in HIDDEN.items():
        total = sum(w * counts[src] for src, w in weights.items())
        hidden[name] = max(0, total - thresholds.get(name, threshold))
    outputs = {}
    for digit, (weights, threshold) in OUTPUTS.items():
        total = sum(w * hidden[src] for src, w in weights.items())
        outputs[digit] = max(0, total - thresholds.get(str(digit), threshold))
    fired = [d for d, v in outputs.items() if v > 0]
    status = "none" if not fired else "clear" if len(fired) == 1 else "ambiguous"
    return counts, hidden, outputs, (status, tuple(fired))


def test_forward_matches_plain_python_on_thousands_of_random_grids_and_thresholds():
    network = load_network()
    rng = np.random.default_rng(2026)
    names = list(HIDDEN) + [str(d) for d in OUTPUTS]
    for _ in range(40):
        thresholds = {n: int(rng.integers(-5, 30)) for n in names if rng.random() < 0.5}
        grids = (rng.random((100, 9, 6)) < rng.uniform(0.1, 0.7)).astype(np.uint8)
        result = forward(network.with_thresholds(thresholds), grids)
        for i, grid in enumerate(grids):
            counts, hidden, outputs, decision = plain_python(grid.tolist(), thresholds)
            assert result.inputs[i].tolist() == list(counts.values())
            assert result.hidden[i].tolist() == list(hidden.values())
            assert result.outputs[i].tolist() == list(outputs.values())
            d = result.decision(i)
            assert (d.status, d.digits) == decision


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 1), min_size=54, max_size=54),
    st.floats(-10, 30, allow_nan=False),
    st.sampled_from([*HIDDEN, "0", "3", "6", "9"]),
)
def test_real_valued_thresholds_give_the_plain_python_values(pixels, threshold, neuron):
    grid = np.array(pixels, dtype=np.uint8).reshape(9, 6)
    result = forward(load_network().with_thresholds({neuron: threshold}), grid)
    _, hidden, outputs, _ = plain_python(grid.tolist(), {neuron: threshold})
    np.testing.assert_allclose(result.hidden[0], list(hidden.values()))
    np.testing.assert_allclose(result.outputs[0], list(outputs.values()))


def test_with_thresholds_leaves_the_original_network_unchanged():
    network = load_network()
    changed = network.with_thresholds({"0": 7, "C": 18.5})
    assert network.threshold("0") == 6 and changed.threshold("0") == 7
    assert changed.threshold("C") == 18.5


def test_unknown_neuron_in_an_override_is_refused_with_the_known_names():
    with pytest.raises(KeyError, match="known: A, B, C, D, E, F, 0, 3, 6, 9"):
        load_network().with_thresholds({"Z": 1})


def test_formula_reads_like_the_workshop_card():
    assert load_network().formula("A") == [(-1.0, "COL1"), (1.0, "COL2"), (1.0, "COL3")]


def test_a_grid_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="9×6"):
        forward(load_network(), np.zeros((8, 6)))
