"""The visitor mode: the museum's day, with nobody to explain.

While nobody is there the screen and the floor play an *attract* loop. Any touch — a station button,
a slider, the screen — wakes the installation: it offers the first *challenge*, built on the
workshop's story ("this 6 is read as 0 and 6: fix it by moving one slider"), and otherwise plays
freely (:mod:`controller.modes.freeplay`). A solved challenge is celebrated for a few seconds, then
the next one is offered; OK on any station skips to the next. Once nobody has touched anything for
the idle time-out (``[modes] idle_timeout_s`` in installation.toml, 90 s by default) it falls back
to the attract loop with the default thresholds restored; the sliders visitors left elsewhere are
then held until someone picks them up.

Challenges are data (``data/visitor.toml``, read by :mod:`controller.challenges`), their words
texts (``[challenge.ID]`` in ``data/texts/*.toml``). Everything here is pure: time passes by
:class:`~controller.events.Tick`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from controller.challenges import Challenge, Visit
from controller.conditions import Situation, judge
from controller.events import (
    ButtonHeld,
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
    Tick,
    ViewChosen,
)
from controller.modes import freeplay
from controller.scene import VisitorView
from controller.session import Session
from controller.texts import next_language

# --- the mode's life: attract, wake, challenges, idle ----------------------------------------


def enter_mode(session: Session, t: float) -> Session:
    """The key turned to visitor: back to the attract loop with the defaults."""
    return attract(session, t)


def attract(session: Session, t: float) -> Session:
    """Nobody is there: default thresholds, the home digits, the attract loop."""
    session = session.reset(t)
    return replace(session, view="attract", visit=Visit(phase="attract"))


def touched(session: Session, t: float) -> Session:
    """Someone touched the installation: wake it from the attract loop, restart the idle clock."""
    if session.visit.phase == "attract":
        woken = replace(session.visit, phase="play")
        session = offer(replace(session, visit=woken, view="network"), 0, t)
    return replace(session, visit=replace(session.visit, last_touch=t))


def offer(session: Session, index: int | None, t: float) -> Session:
    """Offer challenge ``index`` (None, or past the last one: free play, no challenge)."""
    if index is None or index >= len(session.challenges):
        return replace(session, visit=replace(session.visit, challenge=None, solved_at=None))
    challenge = session.challenges[index]
    session = session.arrange(challenge.digits, challenge.digit, challenge.thresholds, t)
    visit = replace(
        session.visit, challenge=index, baseline=session.network.thresholds(), solved_at=None
    )
    return replace(session, visit=visit)


def judged(session: Session, t: float) -> Session:
    """Mark the challenge on offer solved at ``t`` if its conditions now hold."""
    visit, challenge = session.visit, current(session)
    if challenge is None or visit.solved_at is not None:
        return session
    if all(c.holds(situation(session)) for c in challenge.solved_when):
        return replace(session, visit=replace(visit, solved_at=t))
    return session


def tick(session: Session, e: Tick) -> Session:
    """Time passed: fall back to attract when idle; after a celebration, the next challenge."""
    visit, settings = session.visit, session.settings
    idle = visit.last_touch is not None and e.t - visit.last_touch >= settings.idle_timeout_s
    if visit.phase == "play" and idle:
        return attract(session, e.t)
    if visit.solved_at is not None and e.t - visit.solved_at >= settings.celebration_s:
        solved = visit.challenge
        return offer(session, None if solved is None else solved + 1, e.t)
    return session


def current(session: Session) -> Challenge | None:
    """The challenge on offer, if any."""
    index = session.visit.challenge
    return None if index is None else session.challenges[index]


def situation(session: Session) -> Situation:
    """What the challenge's conditions judge: the network on the challenge's digits."""
    challenge = current(session)
    assert challenge is not None, "no challenge on offer to judge"
    return Situation(
        thresholds=session.network.thresholds(),
        recognised=session.recognised(challenge.digits),
        baseline=session.visit.baseline,
    )


# --- what the scene shows --------------------------------------------------------------------


def scene_fields(session: Session, now: float) -> dict:
    """The visitor mode's part of the scene: its phase, the challenge, the banner, the floor."""
    visit = session.visit
    idle = 0.0 if visit.last_touch is None else now - visit.last_touch
    view = VisitorView(
        phase=visit.phase,
        idle_s=idle,
        timeout_s=session.settings.idle_timeout_s,
        count=len(session.challenges),
    )
    fields: dict[str, Any] = {"floor_mode": "attract" if visit.phase == "attract" else "network"}
    if visit.challenge is None:
        return {**fields, "visitor": view}
    challenge = session.challenges[visit.challenge]
    state = situation(session)
    view = replace(
        view,
        challenge=challenge.id,
        number=visit.challenge + 1,
        solved=visit.solved_at is not None,
        solved_at=visit.solved_at,
        conditions=judge(challenge.solved_when, state),
    )
    message = challenge.praise if view.solved else challenge.prompt
    return {**fields, "visitor": view, "message": message}


# --- events ----------------------------------------------------------------------------------


def _played(handler: Callable, *, acts_on_waking: bool = False) -> Callable:
    """A visitor's action: it wakes the installation, acts as in free play, may solve.

    The press that wakes the installation only wakes it: otherwise an OK would skip the first
    challenge as it is offered, and a − or + would swap its digit for another before anyone has
    seen it. A slider acts at once (``acts_on_waking``): where it is matters for pickup.
    """

    def handle(session: Session, e) -> Session:
        waking = session.visit.phase == "attract"
        session = touched(session, e.t)
        if waking and not acts_on_waking:
            return session
        return judged(handler(session, e), e.t)

    return handle


def _ok(session: Session, e: ButtonPressed) -> Session:
    """OK on any station offers the next challenge; −/+ act as in free play."""
    if e.button != "ok":
        return freeplay.button(session, e)
    index = session.visit.challenge
    return offer(session, 0 if index is None else index + 1, e.t)


def _held(session: Session, e: ButtonHeld) -> Session:
    """OK held on any station: the next language. A visitor who does not read the one on show
    chooses theirs without a keyboard (the attract screen says how, in the next language)."""
    if e.button != "ok" or len(session.languages) < 2:
        return session
    return replace(session, language=next_language(session.language, session.languages))


def _console(session: Session, e: ConsoleAction) -> Session:
    """The staff's console: *reset* goes back to the attract loop, the rest as in free play."""
    if e.action == "reset":
        return attract(session, e.t)
    return _played(freeplay.console)(session, e)


#: The visitor mode's handler for each kind of event.
HANDLERS: dict[type, Callable] = {
    SliderMoved: _played(freeplay.slider, acts_on_waking=True),
    **{
        kind: _played(freeplay.HANDLERS[kind])
        for kind in (DigitChosen, DrawingChanged, DrawingAdded, ViewChosen)
    },
    LanguageChosen: _played(freeplay.language, acts_on_waking=True),  # a flag on attract
    ButtonPressed: _played(_ok),
    ButtonHeld: _played(_held, acts_on_waking=True),
    ConsoleAction: _console,
    Tick: tick,
    ThresholdSet: freeplay.threshold_set,
    StationStatus: freeplay.station,
    DiagnosisUpdated: freeplay.diagnosis,
}
