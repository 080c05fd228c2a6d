"""The workshop network: bands of pixels → hidden neurons → output neurons, in NumPy.

A digit is a grid of black (1) and white (0) pixels. Each *input* neuron counts the black pixels
of one band of the grid. Each *hidden* and *output* neuron adds up the values of the layer
before with its weights, and passes on how far past its threshold that sum is::

    value = max(0, sum - threshold)

On a workshop ruler a value right of the threshold is "Oui", left is "Non". The network
*decides* from its outputs: none above 0 → not recognised; exactly one → that digit; several →
ambiguous.

Everything here is pure: a :class:`Network` is plain data loaded from ``data/network.toml``, and
:func:`forward` computes a whole batch of grids at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np

from controller.datafile import DATA_DIR, DataError, Field, check_keys, hex_colour

#: The network the workshop uses, shipped with the installation.
DEFAULT_NETWORK = DATA_DIR / "network.toml"

#: The largest weight a file may give, either sign: the workshop's are ±1, a trained network's a
#: few units; a weight past this is a typo, and its sums would overflow the screen's drawings.
MAX_WEIGHT = 100.0
#: The largest threshold, either sign: far past any sum a digit can give with such weights.
MAX_THRESHOLD = 1_000_000.0

#: A layer of the network.
Layer = Literal["input", "hidden", "output"]

#: The network's layers, in the order the signal travels (pupils answer layer by layer).
LAYERS: tuple[Layer, ...] = ("input", "hidden", "output")


@dataclass(frozen=True)
class Band:
    """An input neuron: the grid rectangle whose black pixels it counts (0-based, inclusive)."""

    name: str
    rows: tuple[int, int]
    cols: tuple[int, int]


@dataclass(frozen=True)
class Output:
    """What an output neuron stands for: its digit, its workshop colour and that colour's names."""

    label: int
    colour: str
    colour_name: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Network:
    """A three-layer threshold network, as plain arrays.

    ``hidden_weights[h, i]`` is the weight of input ``i`` in hidden neuron ``h``;
    ``output_weights[o, h]`` the weight of hidden neuron ``h`` in output ``o``. Weights and
    thresholds may be real numbers (training makes them so).
    """

    name: str
    rows: int
    cols: int
    bands: tuple[Band, ...]
    hidden_names: tuple[str, ...]
    output_names: tuple[str, ...]
    hidden_weights: np.ndarray
    hidden_thresholds: np.ndarray
    output_weights: np.ndarray
    output_thresholds: np.ndarray
    outputs: tuple[Output, ...]
    band_matrix: np.ndarray  # (pixels, inputs): 1 where a pixel lies in a band

    @classmethod
    def empty(cls) -> Network:
        """A network without a neuron, on a one-pixel grid: what a scene stands on when no
        network could be read (the fault screen, :func:`controller.scene.fault_scene`)."""
        none = np.zeros((0, 0))
        return cls(
            name="",
            rows=1,
            cols=1,
            bands=(),
            hidden_names=(),
            output_names=(),
            hidden_weights=none,
            hidden_thresholds=np.zeros(0),
            output_weights=none,
            output_thresholds=np.zeros(0),
            outputs=(),
            band_matrix=np.zeros((1, 0)),
        )

    @cached_property
    def input_names(self) -> tuple[str, ...]:
        """The input neurons' names, in file order (kept: the screen asks for them often)."""
        return tuple(b.name for b in self.bands)

    def layers(self) -> dict[Layer, tuple[str, ...]]:
        """Each layer's neurons, by the layer names of :data:`LAYERS`."""
        return {"input": self.input_names, "hidden": self.hidden_names, "output": self.output_names}

    @property
    def labels(self) -> tuple[int, ...]:
        """The digit each output neuron recognises, in output order."""
        return tuple(o.label for o in self.outputs)

    def threshold(self, neuron: str) -> float:
        """The threshold of a hidden or output neuron, by name."""
        layer, index = self.locate(neuron)
        thresholds = self.hidden_thresholds if layer == "hidden" else self.output_thresholds
        return float(thresholds[index])

    def locate(self, neuron: str) -> tuple[str, int]:
        """``("hidden" | "output", index)`` of a thresholded neuron; KeyError if unknown."""
        if neuron in self.hidden_names:
            return "hidden", self.hidden_names.index(neuron)
        if neuron in self.output_names:
            return "output", self.output_names.index(neuron)
        known = ", ".join(self.hidden_names + self.output_names)
        raise KeyError(f"unknown neuron {neuron!r} (known: {known})")

    def layer_of(self, neuron: str) -> Layer:
        """The layer of ``neuron``: ``"input"``, ``"hidden"`` or ``"output"``; KeyError if
        unknown."""
        if neuron in self.input_names:
            return "input"
        layer, _ = self.locate(neuron)
        return "hidden" if layer == "hidden" else "output"

    def with_thresholds(self, overrides: dict[str, float]) -> Network:
        """A copy of this network with some thresholds replaced, by neuron name."""
        if not overrides:
            return self
        hidden = self.hidden_thresholds.copy()
        output = self.output_thresholds.copy()
        for neuron, value in overrides.items():
            layer, index = self.locate(neuron)
            (hidden if layer == "hidden" else output)[index] = float(value)
        return replace(self, hidden_thresholds=hidden, output_thresholds=output)

    def with_parameters(
        self,
        hidden_weights: np.ndarray,
        hidden_thresholds: np.ndarray,
        output_weights: np.ndarray,
        output_thresholds: np.ndarray,
    ) -> Network:
        """A copy of this network with new weights and thresholds (same shapes)."""
        return replace(
            self,
            hidden_weights=np.array(hidden_weights, dtype=float),
            hidden_thresholds=np.array(hidden_thresholds, dtype=float),
            output_weights=np.array(output_weights, dtype=float),
            output_thresholds=np.array(output_thresholds, dtype=float),
        )

    def thresholds(self) -> dict[str, float]:
        """Every hidden and output threshold by neuron name."""
        names = self.hidden_names + self.output_names
        values = np.concatenate([self.hidden_thresholds, self.output_thresholds]).tolist()
        return dict(zip(names, values, strict=True))

    def formula(self, neuron: str) -> list[tuple[float, str]]:
        """The non-zero ``(weight, source)`` terms of a neuron's sum, as on its workshop card."""
        layer, index = self.locate(neuron)
        if layer == "hidden":
            weights, sources = self.hidden_weights[index], self.input_names
        else:
            weights, sources = self.output_weights[index], self.hidden_names
        return [(float(w), s) for w, s in zip(weights, sources, strict=True) if w != 0]


@dataclass(frozen=True)
class Decision:
    """What the network says about one grid: ``status`` is none, clear or ambiguous."""

    status: str
    digits: tuple[int, ...]

    def as_dict(self) -> dict:
        """The JSON form: ``{"status": ..., "digits": [...]}``."""
        return {"status": self.status, "digits": list(self.digits)}


@dataclass(frozen=True, eq=False)
class Forward:
    """Every neuron's value for a batch of grids (one row per grid)."""

    inputs: np.ndarray  # (batch, inputs)   black-pixel counts
    hidden_sums: np.ndarray  # (batch, hidden)
    hidden: np.ndarray  # (batch, hidden)   max(0, sum - threshold)
    output_sums: np.ndarray  # (batch, outputs)
    outputs: np.ndarray  # (batch, outputs)
    labels: tuple[int, ...]  # the digit of each output neuron

    def __len__(self) -> int:
        return len(self.inputs)

    def decision(self, i: int) -> Decision:
        """The network's decision for grid ``i``."""
        fired = tuple(self.labels[o] for o in np.flatnonzero(self.outputs[i] > 0))
        if not fired:
            return Decision("none", ())
        return Decision("clear" if len(fired) == 1 else "ambiguous", fired)

    def decisions(self) -> list[Decision]:
        """The decision for every grid of the batch."""
        return [self.decision(i) for i in range(len(self))]

    def recognised(self, labels: np.ndarray) -> np.ndarray:
        """For each grid, whether exactly the output of its expected label fired (vectorised)."""
        fired = self.outputs > 0
        expected = np.asarray(labels)[:, None] == np.asarray(self.labels)[None, :]
        return np.all(fired == expected, axis=1)


def forward(network: Network, grids: np.ndarray) -> Forward:
    """Compute the network on a batch of grids, shape ``(batch, rows, cols)`` or ``(rows, cols)``.

    Grids hold 0 (white) and 1 (black). The whole batch is a handful of matrix products.
    """
    grids = np.asarray(grids)
    if grids.ndim == 2:
        grids = grids[None]
    if grids.shape[1:] != (network.rows, network.cols):
        raise ValueError(f"grids must be {network.rows}×{network.cols}, got {grids.shape[1:]}")
    pixels = grids.reshape(len(grids), -1).astype(np.float64, copy=False)
    inputs = pixels @ network.band_matrix
    hidden_sums = inputs @ network.hidden_weights.T
    hidden = np.maximum(hidden_sums - network.hidden_thresholds, 0.0)
    output_sums = hidden @ network.output_weights.T
    outputs = np.maximum(output_sums - network.output_thresholds, 0.0)
    return Forward(inputs, hidden_sums, hidden, output_sums, outputs, network.labels)


# --- loading -------------------------------------------------------------------------------


def load_network(path: str | Path = DEFAULT_NETWORK) -> Network:
    """Load and validate a network file.

    :raises DataError: naming the file and the field, for anything malformed.
    """
    root = Field.load(path)
    check_keys(root.table(), ("name", "grid", "inputs", "hidden", "outputs"))
    grid = root["grid"]
    check_keys(grid.table(), ("rows", "cols"))
    rows = grid["rows"].integer(minimum=1, maximum=64)
    cols = grid["cols"].integer(minimum=1, maximum=64)
    bands = tuple(_band(f, rows, cols) for f in root["inputs"].list(min_length=1))
    input_names = _unique_names(root["inputs"], [b.name for b in bands])
    hidden = root["hidden"].list(min_length=1)
    hidden_names = _unique_names(root["hidden"], [f["name"].text() for f in hidden])
    outputs = root["outputs"].list(min_length=1)
    output_names = _unique_names(root["outputs"], [f["name"].text() for f in outputs])
    clash = set(input_names + hidden_names) & set(output_names) | set(input_names) & set(
        hidden_names
    )
    if clash:
        raise root.error(f"neuron names must be unique across layers: {', '.join(sorted(clash))}")
    hw, ht = _layer(hidden, input_names)
    ow, ot = _layer(outputs, hidden_names, ("label", "colour", "colour_name"))
    return Network(
        name=root.get("name", "network").text(),
        rows=rows,
        cols=cols,
        bands=bands,
        hidden_names=tuple(hidden_names),
        output_names=tuple(output_names),
        hidden_weights=hw,
        hidden_thresholds=ht,
        output_weights=ow,
        output_thresholds=ot,
        outputs=tuple(_output(f) for f in outputs),
        band_matrix=_band_matrix(bands, rows, cols),
    )


def network_document(network: Network) -> dict:
    """The network as the table :func:`load_network` reads (``data/network.toml``'s format).

    Write it with ``tomli_w`` to get a network file the installation loads with ``--network``
    (a trained network, say). A weight of 0 is left out: an absent connection, as on the mat.
    Whole numbers stay whole (``8``, not ``8.0``) so the file reads like the workshop's.
    """

    def neuron(name: str, threshold: float, weights: np.ndarray, sources) -> dict:
        terms = {s: _number(w) for s, w in zip(sources, weights, strict=True) if w != 0}
        return {"name": name, "threshold": _number(threshold), "weights": terms}

    hidden = [
        neuron(n, t, w, network.input_names)
        for n, t, w in zip(
            network.hidden_names, network.hidden_thresholds, network.hidden_weights, strict=True
        )
    ]
    outputs = []
    for n, t, w, o in zip(
        network.output_names,
        network.output_thresholds,
        network.output_weights,
        network.outputs,
        strict=True,
    ):
        table = {"name": n, "label": o.label, "colour": o.colour}
        if o.colour_name:
            table["colour_name"] = dict(o.colour_name)
        outputs.append({**table, **neuron(n, t, w, network.hidden_names)})
    return {
        "name": network.name,
        "grid": {"rows": network.rows, "cols": network.cols},
        "inputs": [
            {
                "name": b.name,
                "rows": [b.rows[0] + 1, b.rows[1] + 1],
                "cols": [b.cols[0] + 1, b.cols[1] + 1],
            }
            for b in network.bands
        ],
        "hidden": hidden,
        "outputs": outputs,
    }


def _number(x: float) -> int | float:
    x = float(x)
    return int(x) if x.is_integer() else x


def _band(f: Field, rows: int, cols: int) -> Band:
    check_keys(f.table(), ("name", "rows", "cols"))
    name = f["name"].text()
    r = _span(f["rows"], rows, "row")
    c = _span(f["cols"], cols, "column")
    return Band(name, r, c)


def _span(f: Field, size: int, what: str) -> tuple[int, int]:
    first, last = (x.integer() for x in f.list(length=2))
    if not 1 <= first <= last <= size:
        raise f.error(f"band outside the grid: {what}s {first}..{last} not within 1..{size}")
    return first - 1, last - 1


def _band_matrix(bands: tuple[Band, ...], rows: int, cols: int) -> np.ndarray:
    matrix = np.zeros((rows, cols, len(bands)))
    for i, b in enumerate(bands):
        matrix[b.rows[0] : b.rows[1] + 1, b.cols[0] : b.cols[1] + 1, i] = 1.0
    return matrix.reshape(rows * cols, len(bands))


def _unique_names(layer: Field, names: list[str]) -> list[str]:
    seen = set()
    for i, name in enumerate(names):
        if name in seen:
            raise layer.list()[i]["name"].error(f"duplicate neuron name {name!r}")
        seen.add(name)
    return names


def _layer(
    neurons: list[Field], sources: list[str], keys: tuple[str, ...] = ()
) -> tuple[np.ndarray, np.ndarray]:
    weights = np.zeros((len(neurons), len(sources)))
    thresholds = np.zeros(len(neurons))
    for i, f in enumerate(neurons):
        check_keys(f.table(), ("name", "threshold", "weights", *keys))
        thresholds[i] = f["threshold"].number(
            minimum=-MAX_THRESHOLD, maximum=MAX_THRESHOLD, why="far past any sum a digit gives"
        )
        for source, w in f["weights"].items():
            if source not in sources:
                raise w.error(
                    f"unknown neuron {source!r} (the layer before has {', '.join(sources)})"
                )
            weights[i, sources.index(source)] = w.number(
                minimum=-MAX_WEIGHT, maximum=MAX_WEIGHT, why="a weight past ±100 is a typo"
            )
    return weights, thresholds


def _output(f: Field) -> Output:
    colour = hex_colour(f["colour"])
    names = {lang: v.text() for lang, v in f.get("colour_name", {}).items()}
    return Output(f["label"].integer(minimum=0), colour, names)


__all__ = [
    "DEFAULT_NETWORK",
    "Band",
    "DataError",
    "Decision",
    "Forward",
    "Network",
    "Output",
    "forward",
    "load_network",
    "network_document",
]
