"""The session: what the installation is showing now, changed only by events.

A :class:`Session` is an immutable value. :meth:`Session.apply` returns the session after one
event; :meth:`Session.scene` freezes it into the :class:`~controller.scene.Scene` the screen and
the floor draw. Nothing here reads a clock, a port or a file after start-up, so every behaviour
can be tested by feeding events with made-up times::

    session = Session.start(load_network(), load_digit_set("grandeur-nature"))
    session = session.apply(SliderMoved("0", 7, t=1.0))
    session.scene(now=1.0).decision

Free play (until the workshop script drives it): station −/+ on an input neuron picks the
previous/next digit, on a hidden or output neuron nudges its threshold by one; the console's
previous/next pick digits, *reveal* shows the decision, *reset* restores the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from controller.digits import Digit, DigitSet, parse_pixels
from controller.events import (
    ButtonPressed,
    ConsoleAction,
    DiagnosisUpdated,
    DigitChosen,
    DrawingAdded,
    DrawingChanged,
    Event,
    KeyTurned,
    LanguageChosen,
    SliderMoved,
    StationStatus,
    ThresholdSet,
    ViewChosen,
)
from controller.network import Network
from controller.scene import Scene, StationView, build_scene

#: The views the screen knows, in the order the view key cycles through them.
VIEWS = ("network", "rulers", "decision", "draw", "attract")
#: The view the key's technician position shows (not in the cycle: only the key reaches it).
TECHNICIAN_VIEW = "technician"


@dataclass(frozen=True)
class Session:
    """Everything that decides what is shown; change it with :meth:`apply`."""

    defaults: Network  # the network as loaded: its thresholds are the safe defaults
    digits: DigitSet
    library: dict[str, DigitSet] = field(default_factory=dict)  # sets the screen may switch to
    thresholds: dict[str, float] = field(default_factory=dict)  # overrides of the defaults
    digit_index: int = 0
    drawing: Digit | None = None
    view: str = "network"
    language: str = "fr"
    mode: str = "visitor"
    stations: dict[str, StationView] = field(default_factory=dict)
    changed_at: float = 0.0
    diagnosis: object | None = None  # the technician's figures (controller.diagnostics)

    @classmethod
    def start(cls, network: Network, digits: DigitSet, **fields) -> Session:
        """A fresh session showing the first digit of ``digits`` with default thresholds."""
        return cls(defaults=network, digits=digits, **fields)

    @property
    def network(self) -> Network:
        """The network with the session's thresholds applied."""
        return self.defaults.with_thresholds(self.thresholds)

    def apply(self, event: Event) -> Session:
        """The session after ``event``; unknown neurons or views leave it unchanged."""
        handler = _HANDLERS.get(type(event))
        return handler(self, event) if handler else self

    def apply_all(self, events: list[Event]) -> Session:
        """The session after each of ``events`` in turn."""
        session = self
        for event in events:
            session = session.apply(event)
        return session

    def scene(self, now: float) -> Scene:
        """Freeze the session into the scene shown at time ``now``."""
        return build_scene(
            self.network,
            self.digits,
            digit_index=self.digit_index,
            drawing=self.drawing,
            t=now,
            stations=tuple(self.stations.values()),
            mode=self.mode,
            view=self.view,
            language=self.language,
            changed_at=self.changed_at,
            extras={} if self.diagnosis is None else {"diagnosis": self.diagnosis},
        )

    # --- changes, each returning a new session ---------------------------------------------

    def with_threshold(self, neuron: str, value: float, t: float) -> Session:
        """Set one threshold (ignored for a neuron that has none)."""
        if neuron not in self.defaults.thresholds() or self.threshold(neuron) == value:
            return self
        return replace(self, thresholds={**self.thresholds, neuron: value}, changed_at=t)

    def threshold(self, neuron: str) -> float:
        """The current threshold of a hidden or output neuron."""
        return self.thresholds.get(neuron, self.defaults.threshold(neuron))

    def with_digit(self, index: int, t: float) -> Session:
        """Show digit ``index`` of the set (wrapping around)."""
        return replace(self, digit_index=index % len(self.digits), drawing=None, changed_at=t)

    def reset(self, t: float) -> Session:
        """Back to the defaults: default thresholds, first digit, network view."""
        return replace(
            self, thresholds={}, digit_index=0, drawing=None, view="network", changed_at=t
        )


def _slider(session: Session, e: SliderMoved | ThresholdSet) -> Session:
    return session.with_threshold(e.neuron, float(e.value), e.t)


def _button(session: Session, e: ButtonPressed) -> Session:
    step = {"minus": -1, "plus": +1}.get(e.button)
    if step is None:
        return session
    if e.neuron in session.defaults.input_names:
        return session.with_digit(session.digit_index + step, e.t)
    if e.neuron in session.defaults.thresholds():
        return session.with_threshold(e.neuron, session.threshold(e.neuron) + step, e.t)
    return session


def _console(session: Session, e: ConsoleAction) -> Session:
    if e.action == "reset":
        return session.reset(e.t)
    if e.action == "reveal":
        return replace(session, view="decision")
    step = {"previous": -1, "next": +1}.get(e.action)
    return session.with_digit(session.digit_index + step, e.t) if step else session


def _key(session: Session, e: KeyTurned) -> Session:
    if e.position == "technician":
        return replace(session, mode=e.position, view=TECHNICIAN_VIEW)
    view = "network" if session.view == TECHNICIAN_VIEW else session.view
    return replace(session, mode=e.position, view=view, diagnosis=None)


def _diagnosis(session: Session, e: DiagnosisUpdated) -> Session:
    return replace(session, diagnosis=e.diagnosis)


def _station(session: Session, e: StationStatus) -> Session:
    view = session.stations.get(e.neuron, StationView(e.neuron))
    stations = {**session.stations, e.neuron: replace(view, online=e.online)}
    session = replace(session, stations=stations)
    if not e.online and e.neuron in session.thresholds:
        # An unplugged station must not leave its neuron at a stray value: back to default.
        thresholds = {n: v for n, v in session.thresholds.items() if n != e.neuron}
        session = replace(session, thresholds=thresholds, changed_at=e.t)
    return session


def _view(session: Session, e: ViewChosen) -> Session:
    return replace(session, view=e.view) if e.view in VIEWS else session


def _language(session: Session, e: LanguageChosen) -> Session:
    return replace(session, language=e.language)


def _digit(session: Session, e: DigitChosen) -> Session:
    if e.digit_set is not None:
        if e.digit_set not in session.library:
            return session
        session = replace(session, digits=session.library[e.digit_set])
    return session.with_digit(e.index, e.t)


def _drawing(session: Session, e: DrawingChanged) -> Session:
    shape = (session.defaults.rows, session.defaults.cols)
    drawing = Digit("✎", None, parse_pixels(list(e.rows), shape))
    return replace(session, drawing=drawing, changed_at=e.t)


def _drawing_added(session: Session, e: DrawingAdded) -> Session:
    if session.drawing is None:
        return session
    number = sum(d.name.startswith("✎") for d in session.digits.digits) + 1
    added = Digit(f"✎{number}", e.label, session.drawing.pixels)
    digits = DigitSet(session.digits.name, (*session.digits.digits, added))
    return replace(
        session, digits=digits, drawing=None, digit_index=len(digits) - 1, changed_at=e.t
    )


_HANDLERS = {
    SliderMoved: _slider,
    ThresholdSet: _slider,
    ButtonPressed: _button,
    ConsoleAction: _console,
    KeyTurned: _key,
    StationStatus: _station,
    ViewChosen: _view,
    LanguageChosen: _language,
    DigitChosen: _digit,
    DrawingChanged: _drawing,
    DrawingAdded: _drawing_added,
    DiagnosisUpdated: _diagnosis,
}
