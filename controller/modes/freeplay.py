"""Free play: what stations, screen and console do when no script leads.

The visitor mode plays this way once someone has woken it (adding its attract loop, idle
time-out and challenges, :mod:`controller.modes.visitor`), and so does the workshop mode when no
script is loaded. A station's slider sets its neuron's threshold (unless it is being picked
up, :mod:`controller.pickup`); −/+ on an input station picks the previous/next digit, on a
hidden or output station nudges its threshold by one; the console's previous/next pick digits
and *reveal* shows the decision. The screen may choose views, digits, the language, or a
drawing of the visitor's own.

Each handler takes the session and one event and returns the new session: pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from controller.digits import Digit, DigitSet, parse_pixels
from controller.events import (
    ButtonPressed,
    ConsoleAction,
    DiagnosisUpdated,
    DigitChosen,
    DrawingAdded,
    DrawingChanged,
    LanguageChosen,
    SliderMoved,
    StationStatus,
    ThresholdSet,
    ViewChosen,
)
from controller.scene import VIEWS, StationView
from controller.session import Session


def slider(session: Session, e: SliderMoved) -> Session:
    """A slider moved: its threshold follows, unless the slider is still being picked up."""
    session, follows = session.slider_moved(e.neuron, float(e.value))
    return session.with_threshold(e.neuron, float(e.value), e.t) if follows else session


def threshold_set(session: Session, e: ThresholdSet) -> Session:
    """Software (a preset, a trained network) set a threshold: the slider must catch it."""
    if e.neuron not in session.defaults.thresholds():
        return session
    return session.set_thresholds({**session.thresholds, e.neuron: float(e.value)}, e.t)


def button(session: Session, e: ButtonPressed) -> Session:
    """−/+ pick a digit at an input station, nudge the threshold at the others; OK: nothing."""
    step = {"minus": -1, "plus": +1}.get(e.button)
    if step is None:
        return session
    if e.neuron in session.defaults.input_names:
        return session.with_digit(session.digit_index + step, e.t)
    if e.neuron in session.defaults.thresholds():
        nudged = {**session.thresholds, e.neuron: session.threshold(e.neuron) + step}
        return session.set_thresholds(nudged, e.t)
    return session


def console(session: Session, e: ConsoleAction) -> Session:
    """Previous/next digit, *reveal* the decision, *reset* to the defaults."""
    if e.action == "reset":
        return session.reset(e.t)
    if e.action == "reveal":
        return replace(session, view="decision")
    step = {"previous": -1, "next": +1}.get(e.action)
    return session.with_digit(session.digit_index + step, e.t) if step else session


def diagnosis(session: Session, e: DiagnosisUpdated) -> Session:
    """Fresh technician figures, kept for the technician view."""
    return replace(session, diagnosis=e.diagnosis)


def station(session: Session, e: StationStatus) -> Session:
    """A station came or went; a station gone leaves its neuron at the safe default."""
    known = session.stations.get(e.neuron, StationView(e.neuron))
    stations = {**session.stations, e.neuron: replace(known, online=e.online)}
    session = replace(session, stations=stations)
    if e.online:
        return session
    # An unplugged station must not leave its neuron at a stray value: back to default, and
    # its slider is trusted again when it comes back (where it is then is where it is).
    session = replace(session, pickup=session.pickup.forget(e.neuron))
    if e.neuron not in session.thresholds:
        return session
    thresholds = {n: v for n, v in session.thresholds.items() if n != e.neuron}
    return replace(session, thresholds=thresholds, changed_at=e.t)


def view(session: Session, e: ViewChosen) -> Session:
    """Show another view (unknown names are ignored)."""
    return replace(session, view=e.view) if e.view in VIEWS else session


def language(session: Session, e: LanguageChosen) -> Session:
    """Switch the texts' language."""
    return replace(session, language=e.language)


def digit(session: Session, e: DigitChosen) -> Session:
    """Show another digit of the set, or of another set of the library."""
    if e.digit_set is not None:
        if e.digit_set not in session.library:
            return session
        session = replace(session, digits=session.library[e.digit_set])
    return session.with_digit(e.index, e.t)


def drawing(session: Session, e: DrawingChanged) -> Session:
    """A visitor's own drawing is shown (and classified) instead of the set's digit."""
    shape = (session.defaults.rows, session.defaults.cols)
    drawn = Digit("✎", None, parse_pixels(list(e.rows), shape))
    return replace(session, drawing=drawn, changed_at=e.t)


def drawing_added(session: Session, e: DrawingAdded) -> Session:
    """The drawing joins the set, labelled, so its chip sits on the rulers."""
    if session.drawing is None:
        return session
    number = sum(d.name.startswith("✎") for d in session.digits.digits) + 1
    added = Digit(f"✎{number}", e.label, session.drawing.pixels)
    digits = DigitSet(session.digits.name, (*session.digits.digits, added))
    return replace(
        session, digits=digits, drawing=None, digit_index=len(digits) - 1, changed_at=e.t
    )


#: Free play's handler for each kind of event.
HANDLERS: dict[type, Callable] = {
    SliderMoved: slider,
    ThresholdSet: threshold_set,
    ButtonPressed: button,
    ConsoleAction: console,
    StationStatus: station,
    ViewChosen: view,
    LanguageChosen: language,
    DigitChosen: digit,
    DrawingChanged: drawing,
    DrawingAdded: drawing_added,
    DiagnosisUpdated: diagnosis,
}
