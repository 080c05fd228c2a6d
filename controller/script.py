"""The workshop script: the guided mode's ordered steps, read from ``data/workshop.toml``.

A workshop leader edits the script without touching code. Each ``[[step]]`` says what the
screen and the floor show, which stations take part, what the class must do, the leader's
talking points (French first, English too) and the conditions that complete it::

    [[step]]
    id = "learning-green"
    phase = 3
    view = "rulers"
    show = ["grandeur-nature", "6♠"]      # digit sets and single digits on show
    digit = "6♠"                          # the one shown first
    stations = ["0"]                      # "all", "none", a layer, or neuron names
    max_move = 1                          # the learning rule: moves of one step only
    reveal = ["marks", "score"]           # what stays hidden until the leader's "reveal"
    complete_when = ["threshold 0 = 7", "recognised all", "revealed"]
    [step.fr]
    title = "Apprentissage : le seuil du vert"     # for the class (the projected screen)
    task = "Neurone vert : déplace ton seuil d'un cran"
    question = "Le 6 est-il reconnu ? Et les autres ?"   # the class, once revealed
    points = ["…", "…"]                   # for the leader only (the presenter view)

Two audiences read a step: the class reads the projected screen (``title``, ``task``, and
``question`` once the leader has revealed what the step hides), the leader reads the
presenter view (``points``, the conditions of ``complete_when`` with their targets, what
``reveal`` will show, the next step). Nothing meant for the leader reaches the class screen.

:func:`load_script` checks every name (views, digits, neurons, layers) against the network and
the digit sets, and a mistake comes back as one :class:`~controller.datafile.DataError` naming
the file and the field (``data/workshop.toml: step[10].complete_when[0]: unknown neuron 'Z'``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from controller.answers import Answers
from controller.conditions import Condition, parse_condition
from controller.datafile import DATA_DIR, DataError, Field, check_keys
from controller.digits import DigitSet, compose_set
from controller.network import LAYERS, Layer, Network
from controller.scene import FLOOR_MODES, ConditionView, FloorMode, View
from controller.texts import languages, typeset

#: The script shipped with the installation.
DEFAULT_SCRIPT = DATA_DIR / "workshop.toml"

#: The reference language: every step must have its texts in it.
REFERENCE_LANGUAGE = "fr"

#: What a step may keep from the class screen until the leader presses *reveal*:
#: ``digit`` the digit on show (the class guesses it), ``new digits`` the chips of the digits
#: new in this step (not on show in the step before: the class places them first),
#: ``output sums`` the output rulers' chips (the class works them out again), ``marks`` the
#: ✓/✗ of digits on the wrong side, ``score`` the recognised count, ``decision`` the network's
#: answer.
SECRETS = ("digit", "new digits", "output sums", "marks", "score", "decision")


@dataclass(frozen=True)
class StepText:
    """A step's words in one language."""

    title: str  # for the class
    task: str  # what the class must do (or is asked), on the class screen
    points: tuple[str, ...]  # what the leader says: the presenter view only
    question: str | None = None  # what the class screen asks once the leader has revealed


@dataclass(frozen=True)
class Step:
    """One step of the workshop, as data."""

    id: str
    phase: int  # 1 introduction, 2 grandeur nature, 3 tabletop, 4 conclusion
    view: View
    digits: DigitSet  # what ``show`` puts on show
    digit: str
    floor: FloorMode
    stations: tuple[str, ...]  # the neurons whose stations take part
    complete_when: tuple[Condition, ...]
    texts: Mapping[str, StepText]
    answers: tuple[Layer, ...] = ()  # layers whose pupils enter their numbers, in order
    thresholds: Mapping[str, float] = field(default_factory=dict)  # set at the step's start
    max_move: float | None = None
    reveal: tuple[str, ...] = ()  # what the class screen keeps back until "reveal" (SECRETS)
    reveal_view: View | None = None  # the view "reveal" switches to (None: the step's own)
    minutes: float | None = None
    optional: bool = False  # "time permitting": a leader may skip it
    new_digits: tuple[str, ...] = ()  # on show here but not in the step before

    def text(self, language: str) -> StepText:
        """The step's words in ``language``, French if it has none in that language."""
        return self.texts.get(language, self.texts[REFERENCE_LANGUAGE])


@dataclass(frozen=True)
class Script:
    """The workshop: its steps in order."""

    name: str
    steps: tuple[Step, ...]

    def __len__(self) -> int:
        return len(self.steps)

    def index(self, step_id: str) -> int | None:
        """The position of the step called ``step_id``, None if there is none."""
        return next((i for i, s in enumerate(self.steps) if s.id == step_id), None)


def load_script(
    network: Network,
    library: Mapping[str, DigitSet],
    views: Sequence[View],
    path: str | Path = DEFAULT_SCRIPT,
) -> Script:
    """Load and check a workshop script against the network, digit sets and screen views.

    :raises DataError: naming the file and the field, for anything malformed.
    """
    root = Field.load(path)
    check_keys(root.table(), ("name", "step"))
    names = Names(network, dict(library), tuple(views))
    steps = _with_new_digits(tuple(_named_step(f, names) for f in root["step"].list(min_length=1)))
    seen: set[str] = set()
    for f, step in zip(root["step"].list(), steps, strict=True):
        if step.id in seen:
            raise f["id"].error(f"two steps are called {step.id!r}")
        seen.add(step.id)
    return Script(root.get("name", Path(path).stem).text(), steps)


def _with_new_digits(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """Each step with the digits it puts on show that the step before did not."""
    before: set[str] = set()
    out = []
    for step in steps:
        names = step.digits.names()
        out.append(replace(step, new_digits=tuple(n for n in names if n not in before)))
        before = set(names)
    return tuple(out)


@dataclass(frozen=True)
class Names:
    """What a script (or a challenge file) may name: the network, digit sets, views."""

    network: Network
    library: dict[str, DigitSet]
    views: tuple[View, ...]

    def shown(self, f: Field) -> DigitSet:
        """The digits a ``show`` list puts on show, checked."""
        parts = [p.text() for p in f.list(min_length=1)]
        try:
            return compose_set("+".join(parts), parts, self.library)
        except KeyError as exc:
            raise f.error(exc.args[0]) from None

    def thresholds(self, f: Field) -> dict[str, float]:
        """A table of thresholds by neuron name, checked."""
        known = self.network.thresholds()
        for neuron, value in f.items():
            if neuron not in known:
                raise value.error(f"unknown neuron {neuron!r} (known: {', '.join(known)})")
        return {neuron: value.number() for neuron, value in f.items()}

    def conditions(self, f: Field, shown: DigitSet) -> tuple[Condition, ...]:
        """A list of condition sentences, checked against the network and the digits on show."""
        neurons = tuple(self.network.thresholds())
        conditions = []
        for item in f.list(min_length=1):
            try:
                conditions.append(parse_condition(item.text(), neurons, shown.names()))
            except ValueError as exc:
                raise item.error(str(exc)) from None
        return tuple(conditions)

    def digit(self, f: Field, shown: DigitSet) -> str:
        """The name of a digit on show (the first one if the field is absent)."""
        if f.value is None:
            return shown.digits[0].name
        name = f.text()
        if name not in shown.names():
            raise f.error(f"digit {name!r} is not on show ({', '.join(shown.names())})")
        return name

    def view(self, f: Field) -> View:
        """A screen view's name, checked."""
        return f.choice(self.views)

    def stations(self, f: Field) -> tuple[str, ...]:
        """Which neurons take part: ``"all"``, ``"none"``, a layer, or a list of those/names."""
        groups = self.groups()
        items = [f] if isinstance(f.value, str) else f.list()
        neurons: list[str] = []
        for item in items:
            name = item.text()
            if name not in groups and name not in groups["all"]:
                known = ", ".join([*groups, *groups["all"]])
                raise item.error(f"unknown station {name!r} (use {known})")
            neurons.extend(groups.get(name, (name,)))
        return tuple(dict.fromkeys(neurons))

    def groups(self) -> dict[str, tuple[str, ...]]:
        """The names that stand for several stations at once."""
        layers = self.network.layers()
        groups: dict[str, tuple[str, ...]] = {"all": sum(layers.values(), ()), "none": ()}
        for layer, neurons in layers.items():
            groups[layer] = neurons
        return groups


#: The fields a step may have, besides one table of texts per language.
STEP_FIELDS = (
    "id", "phase", "minutes", "optional", "view", "show", "digit", "reveal", "reveal_view",
    "floor", "stations", "answers", "thresholds", "max_move", "complete_when",
)  # fmt: skip


def _named_step(f: Field, names: Names) -> Step:
    """Read one step; an error in it also names the step's id, which the leader knows it by.

    ``data/workshop.toml: step[10] (learning-green).complete_when[0]: unknown neuron 'Z'``
    """
    try:
        return _step(f, names)
    except DataError as exc:
        step_id = f.table().value.get("id")
        if not isinstance(step_id, str) or not exc.field.startswith(f.path):
            raise
        field = f"{f.path} ({step_id}){exc.field[len(f.path) :]}"
        raise DataError(exc.source, field, exc.message) from None


def _step(f: Field, names: Names) -> Step:
    check_keys(f.table(), (*STEP_FIELDS, *languages()))
    shown = names.shown(f["show"])
    answers = tuple(a.choice(LAYERS) for a in f.get("answers", []).list())
    if list(answers) != sorted(answers, key=LAYERS.index):
        raise f["answers"].error(f"layers must follow the signal: {', '.join(LAYERS)}")
    stations = names.stations(f.get("stations", "none"))
    for layer in answers:
        missing = [n for n in names.groups()[layer] if n not in stations]
        if missing:
            raise f["answers"].error(
                f"the {layer} layer answers but its stations {', '.join(missing)} do not "
                "take part (add them to stations)"
            )
    minutes = f.get("minutes")
    max_move = f.get("max_move")
    reveal_view = f.get("reveal_view")
    return Step(
        id=f["id"].text(),
        phase=f["phase"].integer(minimum=1, maximum=4),
        view=names.view(f["view"]),
        digits=shown,
        digit=names.digit(f.get("digit"), shown),
        floor=f.get("floor", "network").choice(FLOOR_MODES),
        stations=stations,
        complete_when=names.conditions(f["complete_when"], shown),
        texts=_texts(f),
        answers=answers,
        thresholds=names.thresholds(f.get("thresholds", {})),
        max_move=None if max_move.value is None else max_move.number(minimum=0),
        reveal=tuple(dict.fromkeys(r.text(choices=SECRETS) for r in f.get("reveal", []).list())),
        reveal_view=None if reveal_view.value is None else names.view(reveal_view),
        minutes=None if minutes.value is None else minutes.number(minimum=0),
        optional=f.get("optional", False).boolean(),
    )


def _texts(f: Field) -> dict[str, StepText]:
    """The step's words by language: a ``[step.LANG]`` table for each, French required."""
    f[REFERENCE_LANGUAGE]  # raises "missing" naming the step's French table
    texts = {}
    for language in languages():
        if language in f:
            table = f[language]
            check_keys(table.table(), ("title", "task", "question", "points"))
            points = tuple(typeset(p.text(), language) for p in table.get("points", []).list())
            question = table.get("question")
            texts[language] = StepText(
                typeset(table["title"].text(), language),
                typeset(table["task"].text(), language),
                points,
                None if question.value is None else typeset(question.text(), language),
            )
    return texts


# --- where a class is in the script ------------------------------------------------------------


@dataclass(frozen=True)
class StepRecord:
    """A step the class went through: when, for how long, and whether it was completed."""

    step: str
    started_at: float
    ended_at: float
    outcome: str  # "passed" (complete when left) or "left" (the leader moved on before)
    conditions: tuple[ConditionView, ...] = ()
    thresholds: Mapping[str, float] = field(default_factory=dict)  # when it was left
    recognised: Mapping[str, bool] = field(default_factory=dict)  # each digit on show, then

    @property
    def duration_s(self) -> float:
        """How long the class spent on the step."""
        return self.ended_at - self.started_at


@dataclass(frozen=True)
class Guide:
    """Where the workshop is: the step, its state, and the steps already gone through."""

    index: int = 0
    started_at: float = 0.0
    answers: Answers | None = None  # the pupils' numbers, in a step where they answer
    baseline: Mapping[str, float] = field(default_factory=dict)  # thresholds at the start
    revealed: bool = False
    finished: bool = False  # the leader went past the last step
    records: tuple[StepRecord, ...] = ()
