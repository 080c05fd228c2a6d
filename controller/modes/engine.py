"""The installation's three modes, chosen by the leader console's key, and who handles what.

- **visitor** (the museum's day): an attract loop until someone touches a station, then free
  play with challenges, and back to the attract loop with the default thresholds after an idle
  time-out (:mod:`controller.modes.visitor`);
- **workshop**: a leader guides a class through the workshop script (:mod:`controller.modes.guide`);
- **technician**: calibration and diagnostics; the station buttons belong to the technician
  desk (:mod:`controller.technician.desk`), so the session ignores them.

Only the key (a :class:`~controller.events.KeyTurned` from the console, or the keyboard's 1/2/3
in simulation) changes the mode; nothing a visitor does at a station can, so technician mode is
out of visitors' reach. The mode engine is pure: :func:`apply` hands each event to the
current mode's handler and returns the new session; :func:`scene` freezes a session into the
scene shown. The loop is handed this module, or an :class:`Engine`, which keeps the last scene
for a session that did not change (:class:`controller.loop.Installation`).

The mode's settings live in the ``[modes]`` section of ``data/installation.toml``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from controller.events import (
    ConsoleAction,
    DiagnosisUpdated,
    Event,
    KeyTurned,
    LanguageChosen,
    SliderMoved,
    StationStatus,
    ThresholdSet,
    TrainingProgressed,
)
from controller.modes import finale, freeplay, guide, visitor
from controller.scene import MODES, Mode, Scene, View, build_scene
from controller.session import Session

#: The view the key's technician position shows.
TECHNICIAN_VIEW: View = "technician"


def begin(session: Session, mode: Mode, t: float) -> Session:
    """Enter ``mode`` at start-up, as if the key had just been turned to it."""
    return _enter(replace(session, mode=mode), mode, previous=None, t=t)


def turn_key(session: Session, e: KeyTurned) -> Session:
    """The key turned: leave the current mode and enter the new one (same position: no change).

    Entering the workshop from the visitor mode starts the script afresh (a new class);
    coming back to it from the technician mode resumes the step the class was on.
    """
    if e.position == session.mode or e.position not in MODES:
        return session
    previous = session.mode
    session = replace(session, mode=e.position, diagnosis=None)
    return _enter(session, e.position, previous, e.t)


def apply(session: Session, event: Event) -> Session:
    """The session after ``event``, handled as the current mode handles it."""
    if isinstance(event, KeyTurned):
        return turn_key(session, event)
    if isinstance(event, SliderMoved) and _offline(session, event.neuron):
        return session  # held at its safe default until its station comes back
    # The training finale is the same in every mode: its progress is kept, and while it is
    # on screen next/previous turn its pages (controller.modes.finale).
    if isinstance(event, TrainingProgressed):
        return finale.progressed(session, event)
    if isinstance(event, ConsoleAction):
        turned = finale.turn_page(session, event)
        if turned is not None:
            return turned
    handler = handlers(session).get(type(event))
    return handler(session, event) if handler else session


def handlers(session: Session) -> dict[type, Callable]:
    """The current mode's event handlers."""
    if session.mode == "technician":
        return TECHNICIAN_HANDLERS
    if session.mode == "workshop" and session.script is not None:
        return guide.HANDLERS
    if session.mode == "workshop":
        return freeplay.HANDLERS  # no script loaded: the leader drives by hand
    return visitor.HANDLERS


def _offline(session: Session, neuron: str) -> bool:
    """Whether the neuron's station is known to be offline (not merely absent)."""
    station = session.stations.get(neuron)
    return station is not None and station.online is False


def _enter(session: Session, mode: Mode, previous: Mode | None, t: float) -> Session:
    if mode == "technician":
        return replace(session, view=TECHNICIAN_VIEW)
    if mode == "workshop":
        return guide.enter_mode(session, t, resume=previous == "technician")
    return visitor.enter_mode(session, t)


def _technician_slider(session: Session, e: SliderMoved) -> Session:
    """Calibration sweeps sliders end to end: remember where they are, move no threshold."""
    if e.neuron not in session.defaults.thresholds():
        return session
    pickup = session.pickup.ignored(e.neuron, e.value, session.threshold(e.neuron))
    return replace(session, pickup=pickup)


#: In technician mode station buttons and the console belong to the technician desk.
TECHNICIAN_HANDLERS: dict[type, Callable] = {
    SliderMoved: _technician_slider,
    ThresholdSet: freeplay.HANDLERS[ThresholdSet],
    StationStatus: freeplay.HANDLERS[StationStatus],
    LanguageChosen: freeplay.HANDLERS[LanguageChosen],
    DiagnosisUpdated: freeplay.HANDLERS[DiagnosisUpdated],
}


def apply_all(session: Session, events: Iterable[Event]) -> Session:
    """The session after each of ``events`` in turn."""
    for event in events:
        session = apply(session, event)
    return session


def scene(session: Session, now: float) -> Scene:
    """Freeze the session into the scene shown at time ``now``, with the current mode's part."""
    fields = scene_fields(session, now)
    if "stations" not in fields:  # not setdefault: the mode's own views are dearer to make twice
        fields["stations"] = session.station_views()
    return build_scene(
        session.network,
        session.digits,
        digit_index=session.digit_index,
        drawing=session.drawing,
        t=now,
        mode=session.mode,
        view=session.view,
        language=session.language,
        changed_at=session.changed_at,
        training=finale.shown_training(session),
        extras={} if session.diagnosis is None else {"diagnosis": session.diagnosis},
        **fields,
    )


class Engine:
    """The mode engine as the running installation holds it: :func:`apply_all` and
    :func:`scene`, with the last scene kept.

    Most frames change nothing (no event, a tick that moves no time-out), and the session is
    then the very same object: its scene is the last one at the new time, not built again (a
    scene costs the network twice and the mode's fields). The visitor mode's scene moves with
    the time (its idle countdown), so it is built every frame.
    """

    def __init__(self) -> None:
        self._last: tuple[Session, Scene] | None = None

    def apply_all(self, session: Session, events: Iterable[Event]) -> Session:
        """The session after each of ``events`` in turn (:func:`apply_all`)."""
        return apply_all(session, events)

    def scene(self, session: Session, now: float) -> Scene:
        """The scene of ``session`` at ``now`` (:func:`scene`), the last one re-timed when the
        session has not changed."""
        last = self._last
        if last is not None and last[0] is session and session.mode != "visitor":
            return replace(last[1], t=now)
        made = scene(session, now)
        self._last = (session, made)
        return made


def scene_fields(session: Session, now: float) -> dict:
    """The scene fields the current mode adds (its view of the step, challenge, floor…)."""
    if session.mode == "workshop" and session.guide is not None:
        return guide.scene_fields(session, now)
    if session.mode == "visitor":
        return visitor.scene_fields(session, now)
    return {}
