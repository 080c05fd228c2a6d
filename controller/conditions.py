"""The little language that says when a workshop step, or a visitor challenge, is done.

A leader writes conditions in ``data/workshop.toml`` (and a museum in ``data/visitor.toml``)
as short sentences, all of which must hold::

    complete_when = ["threshold 0 = 7", "recognised all"]

=========================  ================================================================
``always``                 the leader decides (an introduction, a discussion)
``revealed``               the leader has pressed *reveal*
``answers right``          every pupil of every answering layer has entered the right number
``threshold N = V``        neuron N's threshold is V
``recognised D``           digit D (by name, e.g. ``3♠``) is read as its label
``recognised all``         every digit on show is read as its label
``not recognised D``       digit D is not (yet) read as its label
``at most K moved``        at most K thresholds differ from the step's (challenge's) start
``no move too far``        no slider is past the move the learning rule allows
=========================  ================================================================

:func:`parse_condition` turns a sentence into a :class:`Condition`, checking neuron and digit
names; :meth:`Condition.holds` judges it on a :class:`Situation`, a plain snapshot of what the
network does now. Both are pure.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from controller.scene import ConditionView

#: Two thresholds closer than this are equal (thresholds may be real numbers after training).
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Situation:
    """What the conditions look at: the network's state now, as plain values."""

    thresholds: Mapping[str, float]
    recognised: Mapping[str, bool]  # for each digit on show (by name): read as its label?
    baseline: Mapping[str, float] = field(default_factory=dict)  # thresholds at the start
    answers_right: bool = False
    revealed: bool = False
    too_far: bool = False

    def moved(self) -> int:
        """How many thresholds differ from the baseline."""
        return sum(
            abs(value - self.baseline.get(neuron, value)) > TOLERANCE
            for neuron, value in self.thresholds.items()
        )


@dataclass(frozen=True)
class Condition:
    """One condition, as written in the data file, and the test it stands for.

    ``key`` names its form (``"threshold"``, ``"recognised_all"``…) and ``values`` the words
    it was given (``{"neuron": "0", "value": "7"}``): the screen words it from the texts
    (``condition.threshold`` in ``data/texts``), in the scene's language.
    """

    text: str
    key: str
    values: tuple[tuple[str, str], ...]
    test: Callable[[Situation], bool] = field(compare=False, repr=False)

    def holds(self, situation: Situation) -> bool:
        """Whether the condition holds in ``situation``."""
        return bool(self.test(situation))


def judge(conditions: Iterable[Condition], situation: Situation) -> tuple[ConditionView, ...]:
    """Each condition judged on ``situation``, as the scene shows it."""
    return tuple(ConditionView(c.text, c.holds(situation), c.key, c.values) for c in conditions)


def parse_condition(text: str, neurons: Collection[str], digits: Collection[str]) -> Condition:
    """Read one condition sentence; ``neurons`` and ``digits`` are the names it may use.

    :raises ValueError: saying what is wrong and what would be right, for the data file's error.
    """
    words = text.split()
    for shape, key, build in _GRAMMAR:
        values = _matches(words, shape)
        if values is not None:
            test = build(values, neurons, digits)
            return Condition(" ".join(words), key, tuple(values.items()), test)
    raise ValueError(f"cannot read condition {text!r}; write one of: {', '.join(FORMS)}")


#: The forms a condition may take, for error messages and the data files' comments.
FORMS = (
    "always",
    "revealed",
    "answers right",
    "threshold N = V",
    "recognised D",
    "recognised all",
    "not recognised D",
    "at most K moved",
    "no move too far",
)


def _always(values, neurons, digits):
    return lambda s: True


def _revealed(values, neurons, digits):
    return lambda s: s.revealed


def _answers_right(values, neurons, digits):
    return lambda s: s.answers_right


def _threshold(values, neurons, digits):
    neuron, value = _neuron(values["neuron"], neurons), _number(values["value"])
    return lambda s: abs(s.thresholds[neuron] - value) <= TOLERANCE


def _recognised_all(values, neurons, digits):
    return lambda s: all(s.recognised.values())


def _recognised(values, neurons, digits):
    digit = _digit(values["digit"], digits)
    return lambda s: s.recognised[digit]


def _not_recognised(values, neurons, digits):
    digit = _digit(values["digit"], digits)
    return lambda s: not s.recognised[digit]


def _at_most_moved(values, neurons, digits):
    limit = _number(values["count"])
    return lambda s: s.moved() <= limit


def _no_move_too_far(values, neurons, digits):
    return lambda s: not s.too_far


# Each form: its words ("{name}" takes any word, "=" also accepts "=="), its key, its builder.
_GRAMMAR: tuple[tuple[tuple[str, ...], str, Callable], ...] = (
    (("always",), "always", _always),
    (("revealed",), "revealed", _revealed),
    (("answers", "right"), "answers_right", _answers_right),
    (("threshold", "{neuron}", "=", "{value}"), "threshold", _threshold),
    (("recognised", "all"), "recognised_all", _recognised_all),
    (("recognised", "{digit}"), "recognised", _recognised),
    (("not", "recognised", "{digit}"), "not_recognised", _not_recognised),
    (("at", "most", "{count}", "moved"), "at_most_moved", _at_most_moved),
    (("no", "move", "too", "far"), "no_move_too_far", _no_move_too_far),
)


def _matches(words: list[str], shape: tuple[str, ...]) -> dict[str, str] | None:
    """The words standing in ``shape``'s placeholders if ``words`` has that shape, else None."""
    if len(words) != len(shape):
        return None
    values = {}
    for word, expected in zip(words, shape, strict=True):
        if expected.startswith("{"):
            values[expected.strip("{}")] = word
        elif expected == "=" and word in ("=", "=="):
            continue
        elif word.lower() != expected:
            return None
    return values


def _neuron(name: str, neurons: Collection[str]) -> str:
    if name not in neurons:
        raise ValueError(f"unknown neuron {name!r} (known: {', '.join(neurons)})")
    return name


def _digit(name: str, digits: Collection[str]) -> str:
    if name not in digits:
        raise ValueError(f"digit {name!r} is not on show (on show: {', '.join(digits)})")
    return name


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"expected a number, got {text!r}") from None
