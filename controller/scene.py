"""The scene snapshot: one immutable value holding everything the screen and the floor show.

Data flows one way: events → session state → network forward pass → :class:`Scene` → the
display draws it and the LED mapper turns it into pixels. Neither of those looks anywhere else,
so a scene can be rendered headless, replayed, or compared in a test.

:func:`build_scene` is pure: give it the network, the digits and the state, get a scene.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Literal

import numpy as np

from controller.digits import Digit, DigitSet, blank_set
from controller.network import LAYERS, Decision, Forward, Layer, Network, forward
from controller.opening_hours import HoursState
from controller.training import Progress, Snapshot

#: The installation's modes: the positions of the leader console's key.
Mode = Literal["visitor", "workshop", "technician"]
MODES: tuple[Mode, ...] = ("visitor", "workshop", "technician")

#: The screen's views: those a session may show, in the order the view key cycles through them
#: (:data:`VIEWS`), and the technician's, which only the key's technician position shows.
View = Literal[
    "network", "rulers", "decision", "draw", "attract", "training", "technician", "fault"
]
VIEWS: tuple[View, ...] = ("network", "rulers", "decision", "draw", "attract", "training")

#: What the LED floor plays: the live values, the signal travelling layer by layer, the idle
#: loop, or dimmed while the class is away from the mat.
FloorMode = Literal["network", "signal", "attract", "dim"]
FLOOR_MODES: tuple[FloorMode, ...] = ("network", "signal", "attract", "dim")

#: Which way a held slider must move to catch its threshold (pickup).
Direction = Literal["up", "down"]
#: A pupil's number, checked.
Answer = Literal["right", "wrong"]
#: The visitor mode: nobody there (the attract loop), or someone playing.
VisitPhase = Literal["attract", "play"]


@dataclass(frozen=True)
class StationView:
    """What the screen and the station's LED ring show about one neuron's station.

    ``online`` is None when the neuron has no station (e.g. simulation without hardware).
    ``pickup`` is "up"/"down" when the physical slider must be moved that way to catch the
    software threshold, else None.
    ``answer`` is "right"/"wrong" once a pupil has pressed OK on a number (grandeur nature),
    ``entry`` the number being dialled with −/+ (the station has no digits: the screen shows
    it), ``expected`` the right number once the leader has revealed it.
    ``too_far`` says the slider is past the one step a learning move may take (the threshold
    stops at the allowed value); ``active`` is False for a station not taking part in the
    workshop's current step (its ring stays quiet, its controls do nothing).
    """

    neuron: str
    online: bool | None = None
    pickup: Direction | None = None
    answer: Answer | None = None
    entry: int | None = None
    expected: float | None = None
    too_far: bool = False
    active: bool = True


@dataclass(frozen=True)
class FaultView:
    """A data file the installation could not load, as the technician's screen shows it: the
    file, the key path in it (``hidden[0].threshhold``; empty for the whole file), the line
    where the parser stopped if it says, and what is wrong."""

    file: str
    field: str
    message: str
    line: int | None = None


@dataclass(frozen=True)
class ConditionView:
    """One of a step's (or a challenge's) completion conditions, as written, and if it holds.

    ``key`` and ``values`` let the screen word it in the scene's language: the text
    ``condition.KEY`` of ``data/texts`` with ``values`` (``neuron``, ``value``, ``digit``,
    ``count``) filled in; ``text`` is the sentence as the data file wrote it.
    """

    text: str
    holds: bool
    key: str = ""
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MoveView:
    """A threshold moved during a learning step: from its value at the step's start to now."""

    neuron: str
    start: float
    now: float
    too_far: bool  # the pupil's slider is past what the step allows


@dataclass(frozen=True)
class WorkshopView:
    """The guided workshop's current step, as the class screen and the presenter view show it.

    Texts are already in the scene's language. Two audiences: the class screen shows the
    ``title``, the ``task`` (and the ``question`` once revealed) and keeps back what ``secret``
    names; the presenter view shows the leader everything else (the ``points``, the
    ``conditions`` with their targets, the moves, the ``next_title``, the time). ``layer`` is
    the layer whose pupils are entering their numbers ("input", "hidden", "output"), None when
    no layer is waiting.
    """

    step: str  # the step's id in data/workshop.toml
    index: int  # 0-based position in the script
    count: int  # number of steps in the script
    phase: int  # the workshop's phase (1 introduction … 4 conclusion, docs/design.md §3)
    title: str
    task: str  # what the class must do now (or is asked)
    points: tuple[str, ...]  # the leader's talking points
    stations: tuple[str, ...]  # the neurons whose stations take part
    conditions: tuple[ConditionView, ...]
    complete: bool  # every condition holds: the leader may move on
    started_at: float
    revealed: bool = False  # the leader pressed reveal
    layer: Layer | None = None
    max_move: float | None = None  # the learning rule: thresholds move by at most this
    moves: tuple[MoveView, ...] = ()
    finished: bool = False  # the leader went past the last step
    steps: tuple[str, ...] = ()  # every step's id, in order (the leader may jump to one)
    minutes: float | None = None  # how long the step usually takes
    question: str | None = None  # what the class screen asks once revealed
    reveal: tuple[str, ...] = ()  # what the step keeps back until revealed (script.SECRETS)
    secret: frozenset[str] = frozenset()  # what the class screen keeps back now
    new_digits: tuple[str, ...] = ()  # the digits new in this step (their chips: "new digits")
    focus: tuple[str, ...] = ()  # rulers a learning step is about: taking part or affected
    next_title: str | None = None  # the next step's title, for the leader
    workshop_started_at: float | None = None  # when the first step began (the leader's clock)

    @property
    def class_text(self) -> str:
        """What the class screen's band says: the question once revealed, else the task."""
        if self.revealed and self.question:
            return self.question
        return self.task


@dataclass(frozen=True)
class VisitorView:
    """The unattended visitor mode: attract loop or play, and the challenge on offer."""

    phase: VisitPhase
    idle_s: float  # seconds since the last touch
    timeout_s: float  # after this long untouched, back to attract with defaults
    challenge: str | None = None  # the challenge's id in data/visitor.toml
    number: int = 0  # 1-based number of the challenge on offer, 0 when none
    count: int = 0  # how many challenges there are
    solved: bool = False
    solved_at: float | None = None  # when it was solved: the celebration starts then
    conditions: tuple[ConditionView, ...] = ()


@dataclass(frozen=True)
class TrainingView:
    """The training finale as the screen shows it (:mod:`controller.modes.finale`).

    ``run`` is the training the session asks for (a restart asks for a new one),
    ``progress`` how far it has got (iteration 0 before the first iterations; None while the
    training view has not been shown, or when no digit on show is labelled), ``page`` what the
    leader stepped to with next/previous: None for the live run, else an index into
    :meth:`pages`, and ``start`` the network a run starts from (in the workshop, the class's:
    the workshop network with the thresholds the class found; None: the network on show).
    ``origin`` says which, for the screen to say it plainly: ``"class"`` (thresholds the class
    moved), ``"workshop"`` (the workshop network as it was at the start).
    """

    run: int = 0
    progress: Progress | None = None
    page: int | None = None
    start: Network | None = None  # where a run starts (None: the network on show)
    origin: str = "workshop"

    def pages(self) -> list[tuple[Snapshot, Layer]]:
        """What next/previous step through: ``(snapshot, "output")`` for each snapshot reached,
        then ``(last snapshot, "hidden")`` once the run has kept all its snapshots."""
        progress = self.progress
        if progress is None:
            return []
        pages: list[tuple[Snapshot, Layer]] = [(s, "output") for s in progress.snapshots]
        if progress.snapshots and len(progress.snapshots) == len(progress.planned):
            pages.append((progress.snapshots[-1], "hidden"))
        return pages

    @property
    def snapshot(self) -> Snapshot | None:
        """The snapshot on the page shown; None on the live run."""
        pages = self.pages()
        return None if self.page is None or self.page >= len(pages) else pages[self.page][0]

    @property
    def layer(self) -> Layer:
        """Whose rulers the page shows: ``"output"``, or ``"hidden"`` on the last page."""
        pages = self.pages()
        return "output" if self.page is None or self.page >= len(pages) else pages[self.page][1]

    @property
    def network(self) -> Network | None:
        """The network of the page shown (the run's latest on the live run)."""
        snapshot = self.snapshot
        if snapshot is not None:
            return snapshot.network
        return None if self.progress is None else self.progress.network

    @property
    def iteration(self) -> int:
        """The iteration of the page shown."""
        snapshot = self.snapshot
        if snapshot is not None:
            return snapshot.iteration
        return 0 if self.progress is None else self.progress.iteration

    @property
    def correct(self) -> int:
        """How many of the digits learnt the page's network recognises."""
        snapshot = self.snapshot
        if snapshot is not None:
            return snapshot.correct
        return 0 if self.progress is None else self.progress.correct

    @cached_property
    def result(self) -> Forward | None:
        """The page's network on the digits learnt: where their chips sit on its rulers."""
        if self.progress is None or self.network is None:
            return None
        return forward(self.network, self.progress.digits.grids())


@dataclass(frozen=True)
class RingMark:
    """A neuron's circle on the mat, for the on-screen floor to outline."""

    neuron: str
    centre: tuple[float, float]
    radius: float


@dataclass(frozen=True, eq=False)
class FloorView:
    """What the on-screen floor draws: where each LED lies and the bytes it is sent (the LED
    floor computes it, :class:`controller.floor.frame.FloorFrame`, and puts it in the scene).

    ``colours`` are the LED bytes (R, G, B), after the brightness cap, gamma and limiter: the
    screen undoes cap and gamma (see ``display.floor_panel``) to show what the eye would see.
    """

    size_m: tuple[float, float]
    positions: np.ndarray  # (leds, 2) metres
    colours: np.ndarray  # (leds, 3) uint8
    rings: tuple[RingMark, ...]
    pitch_m: float
    brightness: float
    gamma: float
    pattern: str | None = None  # the test pattern playing, if any
    limited: tuple[str, ...] = ()  # the power zones the limiter is dimming


@dataclass(frozen=True, eq=False)
class Scene:
    """Everything drawn at one instant. Build it with :func:`build_scene`."""

    t: float
    network: Network  # with the current thresholds applied
    digits: DigitSet  # the current set (its chips sit on the rulers)
    digit_index: int | None  # which digit of the set is shown, None for a drawing
    digit: Digit  # the digit shown on the network view
    result: Forward  # the network on ``digit`` (batch of one)
    set_result: Forward  # the network on every digit of ``digits``
    stations: tuple[StationView, ...] = ()
    mode: Mode = "visitor"
    view: View = "network"
    step: str | None = None  # the workshop script's step id, if any
    language: str = "fr"
    changed_at: float = 0.0  # when the shown values last changed (the floor's pulse starts then)
    message: str | None = None  # a key into the texts, for a banner (challenge, hint)
    floor: FloorView | None = None  # the LED frame for the screen
    # What the floor plays; "signal" lights it layer by layer up to ``signal_layers``.
    floor_mode: FloorMode = "network"
    # How many layers the signal has reached (grandeur nature: 1 once the inputs are counted,
    # 2 once the hidden neurons are done, 3 at the outputs); None: the whole network is live.
    signal_layers: int | None = None
    workshop: WorkshopView | None = None
    visitor: VisitorView | None = None
    training: TrainingView = TrainingView()
    extras: dict = field(default_factory=dict)  # view-specific plain data (training curve…)
    fault: FaultView | None = None  # a data file the installation waits to see fixed
    hours: HoursState | None = None  # the opening hours' state (None: no schedule, always open)

    @property
    def asleep(self) -> bool:
        """Whether the installation sleeps (outside opening hours, not woken): the floor dims
        and the screen goes black."""
        return self.hours is not None and not self.hours.awake

    @property
    def decision(self) -> Decision:
        """The network's decision on the shown digit."""
        return self.result.decision(0)

    @property
    def thresholds(self) -> dict[str, float]:
        """Every hidden and output threshold, by neuron name."""
        return self.network.thresholds()

    @property
    def shown_layers(self) -> int:
        """How many layers' numbers may be shown: all three, or in a grandeur nature run only
        those the signal has reached (the class works out the others)."""
        return len(LAYERS) if self.signal_layers is None else self.signal_layers

    def neuron_shown(self, neuron: str) -> bool:
        """Whether ``neuron``'s numbers may be shown: the signal has reached its layer."""
        return self.shown_layers > LAYERS.index(self.network.layer_of(neuron))

    def secret(self, item: str) -> bool:
        """Whether the class screen keeps ``item`` back now (a workshop step's "reveal", not
        yet pressed): ``digit``, ``new digits``, ``output sums``, ``marks``, ``score``,
        ``decision`` (:data:`controller.script.SECRETS`)."""
        return self.workshop is not None and item in self.workshop.secret

    @property
    def digit_hidden(self) -> bool:
        """Whether the workshop keeps the digit secret (until the class guesses it and the
        leader reveals it)."""
        return self.secret("digit")

    def chip_shown(self, name: str) -> bool:
        """Whether digit ``name``'s chip may be shown on the rulers (not a new digit the class
        has still to place)."""
        step = self.workshop
        return not (step is not None and "new digits" in step.secret and name in step.new_digits)

    def sums_shown(self, neuron: str) -> bool:
        """Whether ``neuron``'s ruler may show its chips: the signal has reached its layer, and
        in a step where the class works the output sums out again, not before the reveal."""
        if not self.neuron_shown(neuron):
            return False
        return not (self.secret("output sums") and neuron in self.network.output_names)

    def station(self, neuron: str) -> StationView:
        """The station view of ``neuron`` (a default one if the neuron has no station)."""
        for s in self.stations:
            if s.neuron == neuron:
                return s
        return StationView(neuron)

    def offline(self) -> list[str]:
        """The neurons whose station is known to be offline."""
        return [s.neuron for s in self.stations if s.online is False]

    def recognised(self) -> np.ndarray:
        """For each digit of the set, whether the network reads it as its label."""
        return self.set_result.recognised(self.digits.labels())


def build_scene(
    network: Network,
    digits: DigitSet,
    *,
    digit_index: int | None = 0,
    drawing: Digit | None = None,
    t: float = 0.0,
    **state,
) -> Scene:
    """Compute the network on the shown digit and the whole set, and freeze it all in a scene.

    ``drawing`` (a visitor's own digit) is shown instead of ``digits[digit_index]`` when given.
    Any other keyword is a :class:`Scene` field (stations, mode, view, step, …).
    """
    digit = drawing if drawing is not None else digits.digits[digit_index or 0]
    if drawing is not None:
        digit_index = None
    return Scene(
        t=t,
        network=network,
        digits=digits,
        digit_index=digit_index,
        digit=digit,
        result=_forward_digit(network, digit),
        set_result=forward_set(network, digits),
        **state,
    )


# A scene is built every frame, and the network and digits rarely change between two: the
# results are kept for the last few (network, digit) pairs, all immutable, so never stale.
@lru_cache(maxsize=8)
def _forward_digit(network: Network, digit: Digit) -> Forward:
    return forward(network, digit.pixels)


@lru_cache(maxsize=8)
def forward_set(network: Network, digits: DigitSet) -> Forward:
    """The network on every digit of ``digits``, kept for the last few pairs: the scene shows
    it, and the conditions of steps and challenges judge it on the same set in the same turn
    (:meth:`controller.session.Session.recognised`), so a new threshold computes it once."""
    return forward(network, digits.grids())


def fault_scene(fault: FaultView, t: float = 0.0, language: str = "fr") -> Scene:
    """The scene of an installation waiting for a data file to be fixed: the fault view and
    nothing else. It stands on an empty network, since the file at fault may be the network."""
    return build_scene(
        Network.empty(), blank_set(), t=t, view="fault", language=language, fault=fault
    )
