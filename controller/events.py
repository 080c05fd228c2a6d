"""What happens at the edges, as plain values the pure core consumes.

Station links, the on-screen simulation, the leader console and scripted runs all turn what they
see into these events; the session logic never asks where an event came from. Times are
``time.monotonic()`` seconds, supplied by the edge so the core can be tested with any clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from controller.diagnosis import Diagnosis
from controller.scene import Mode, View
from controller.training import Progress

#: Station buttons, in the order of their bits on the wire.
STATION_BUTTONS = ("minus", "plus", "ok")

#: Leader console actions, and the positions of its key.
CONSOLE_ACTIONS = ("previous", "next", "reveal", "reset")
KEY_POSITIONS = ("visitor", "workshop", "technician")

#: Seconds a station button must stay down to count as held (:class:`ButtonHeld`): long enough
#: that no ordinary press does it, short enough that a visitor told "hold OK" keeps holding.
HOLD_S = 2.0


@dataclass(frozen=True)
class SliderMoved:
    """Where a neuron's physical ruler slider now points, in threshold units.

    The link has already filtered, calibrated and quantised the reading; the session decides
    whether it moves the threshold (it may not, while the slider is being "picked up").
    The on-screen simulation's ruler drag produces the same event.
    """

    neuron: str
    value: float
    t: float


@dataclass(frozen=True)
class ThresholdSet:
    """A threshold set by software (script, preset, trained network), not by a slider."""

    neuron: str
    value: float
    t: float


@dataclass(frozen=True)
class ButtonPressed:
    """A station button pressed (debounced on the station): one of :data:`STATION_BUTTONS`."""

    neuron: str
    button: str
    t: float


@dataclass(frozen=True)
class ButtonHeld:
    """A station button kept down for :data:`HOLD_S` (once per hold, after its
    :class:`ButtonPressed`): a visitor holds OK to change the language."""

    neuron: str
    button: str
    t: float


@dataclass(frozen=True)
class ConsoleAction:
    """A leader console button: one of :data:`CONSOLE_ACTIONS`."""

    action: str
    t: float


@dataclass(frozen=True)
class KeyTurned:
    """The console's three-position key: one of :data:`KEY_POSITIONS`."""

    position: Mode
    t: float


@dataclass(frozen=True)
class StationStatus:
    """A station came online or went offline."""

    neuron: str
    online: bool
    t: float


@dataclass(frozen=True)
class ViewChosen:
    """The screen asked to show another view (network, rulers, decision, draw, …)."""

    view: View
    t: float


@dataclass(frozen=True)
class LanguageChosen:
    """The texts' language switched (``"fr"``, ``"en"``)."""

    language: str
    t: float


@dataclass(frozen=True)
class DigitChosen:
    """Another digit of the current set shown (by index), or the set itself changed."""

    index: int
    t: float
    digit_set: str | None = None


@dataclass(frozen=True)
class DrawingChanged:
    """A visitor's own drawing on the 9×6 grid: ``rows`` of ``#`` and ``.``."""

    rows: tuple[str, ...]
    t: float


@dataclass(frozen=True)
class DrawingAdded:
    """The visitor's drawing is added to the current set, so its chip joins the rulers."""

    label: int | None
    t: float


@dataclass(frozen=True)
class DiagnosisUpdated:
    """Fresh technician figures, a few per second.

    Sent only in technician mode, by the technician desk, for the technician screen.
    """

    diagnosis: Diagnosis
    t: float


@dataclass(frozen=True)
class StepChosen:
    """The leader jumps to a step of the workshop script, by its id (``"learning-green"``)."""

    step: str
    t: float


@dataclass(frozen=True)
class AnswerAccepted:
    """The leader overrides a pupil's answer: it counts as right (a miscount forgiven)."""

    neuron: str
    t: float


@dataclass(frozen=True)
class TrainingProgressed:
    """The training finale has got further (:class:`controller.training.Progress`).

    Sent by the trainer between frames while the training view is shown; ``run`` says which
    training it belongs to, so progress of a run the session has since restarted is ignored.
    """

    run: int
    progress: Progress
    t: float


@dataclass(frozen=True)
class Tick:
    """Time has passed; sent once per frame after the frame's other events.

    Nothing happens in the museum for minutes at a time, yet the visitor mode must fall back to
    its attract loop: time-outs fire on this event, so the session stays a pure function of
    events (a test sends ``Tick(95.0)`` instead of waiting).
    """

    t: float


@dataclass(frozen=True)
class QuitRequested:
    """Someone asked the installation to stop (window closed, Escape, signal)."""

    t: float


Event = (
    SliderMoved
    | ThresholdSet
    | ButtonPressed
    | ButtonHeld
    | ConsoleAction
    | KeyTurned
    | StationStatus
    | ViewChosen
    | LanguageChosen
    | DigitChosen
    | DrawingChanged
    | DrawingAdded
    | DiagnosisUpdated
    | StepChosen
    | AnswerAccepted
    | TrainingProgressed
    | Tick
    | QuitRequested
)
