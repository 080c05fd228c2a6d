"""Grandeur nature with checking: pupils enter their neuron's number, the controller checks it.

In the workshop's first part each pupil *is* a neuron. At their station they dial a number with
− and + and confirm it with OK: an input neuron the black pixels of its band, a hidden or output
neuron its sum. The controller compares it with the network and the station's ring says right
or wrong. The signal goes layer by layer: only the layer being computed may answer, and once
all its pupils are right the next layer's turn comes (the floor lights the way). The leader may
*reveal* a stuck layer's numbers, or *accept* an answer (a miscount forgiven).

:class:`Answers` is that bookkeeping, pure: it is given the right numbers (:func:`expected`)
and returns new values::

    answers = Answers.start(network, ("input", "hidden", "output"))
    answers = answers.dial("COL1", +1).dial("COL1", +1).confirm("COL1", right)
    answers.answer("COL1")  # "right" or "wrong"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from controller.network import Forward, Layer, Network
from controller.scene import Answer


def expected(network: Network, result: Forward) -> dict[str, float]:
    """The number each neuron's pupil should enter for the grid of ``result`` (batch of one).

    Input neurons count their band's black pixels; hidden and output neurons give their sum
    (before the threshold: applying it is what they pass on, and the floor shows that).
    """
    values = zip(
        (network.input_names, network.hidden_names, network.output_names),
        (result.inputs[0], result.hidden_sums[0], result.output_sums[0]),
        strict=True,
    )
    return {name: float(v) for names, row in values for name, v in zip(names, row, strict=True)}


@dataclass(frozen=True)
class Answers:
    """The pupils' numbers during one run of the network, layer by layer."""

    layers: tuple[Layer, ...]  # the answering layers, in the signal's order
    groups: tuple[tuple[str, ...], ...]  # each answering layer's neurons
    done: int = 0  # how many answering layers are complete
    entries: Mapping[str, int] = field(default_factory=dict)  # dialled, maybe not confirmed
    given: Mapping[str, int] = field(default_factory=dict)  # confirmed with OK
    right: frozenset[str] = frozenset()  # confirmed right, or accepted by the leader
    revealed: frozenset[str] = frozenset()  # the leader showed the right number

    @classmethod
    def start(cls, network: Network, layers: tuple[Layer, ...]) -> Answers:
        """Nobody has answered yet; ``layers`` answer in this order."""
        neurons = network.layers()
        return cls(tuple(layers), tuple(neurons[layer] for layer in layers))

    @property
    def layer(self) -> Layer | None:
        """The layer whose pupils answer now, None once every layer is done."""
        return self.layers[self.done] if self.done < len(self.layers) else None

    @property
    def waiting(self) -> tuple[str, ...]:
        """The neurons that may answer now (the current layer's)."""
        return self.groups[self.done] if self.done < len(self.groups) else ()

    @property
    def complete(self) -> bool:
        """Whether every answering layer is done (right, accepted or revealed)."""
        return self.done == len(self.layers)

    @property
    def all_right(self) -> bool:
        """Whether every layer is done and nobody's number had to be revealed."""
        return self.complete and not self.revealed

    def dial(self, neuron: str, step: int) -> Answers:
        """A pupil pressed − (``step=-1``) or + (``+1``): the number being dialled changes.

        A wrong answer is forgotten as the pupil dials again (the ring stops saying "wrong"
        while they try another number). Ignored for a neuron whose layer is not answering, or
        already right.
        """
        if neuron not in self.waiting or neuron in self.right:
            return self
        value = self.entries.get(neuron, 0) + step
        given = {n: v for n, v in self.given.items() if n != neuron}
        return replace(self, entries={**self.entries, neuron: value}, given=given)

    def confirm(self, neuron: str, right: Mapping[str, float]) -> Answers:
        """A pupil pressed OK: their dialled number is checked against ``right``."""
        if neuron not in self.waiting or neuron in self.right:
            return self
        value = self.entries.get(neuron, 0)
        answers = replace(self, given={**self.given, neuron: value})
        if value == round(right[neuron]):
            answers = replace(answers, right=answers.right | {neuron})
        return answers._advanced()

    def accept(self, neuron: str) -> Answers:
        """The leader counts a pupil's answer as right (the ring turns to right)."""
        if neuron not in self.waiting:
            return self
        return replace(self, right=self.right | {neuron})._advanced()

    def reveal(self) -> Answers:
        """The leader shows the current layer's numbers: that layer is done, the signal goes on."""
        missing = frozenset(n for n in self.waiting if n not in self.right)
        return replace(self, revealed=self.revealed | missing)._advanced()

    def _advanced(self) -> Answers:
        """Move on past every layer whose neurons are all right or revealed."""
        answers = self
        while answers.waiting and all(
            n in answers.right or n in answers.revealed for n in answers.waiting
        ):
            answers = replace(answers, done=answers.done + 1)
        return answers

    def answer(self, neuron: str) -> Answer | None:
        """What the station's ring shows: "right", "wrong" (confirmed, not right) or None."""
        if neuron in self.right:
            return "right"
        if neuron in self.given and neuron not in self.revealed:
            return "wrong"
        return None
