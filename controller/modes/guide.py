"""The guided workshop: the session walks through the workshop script, step by step.

The leader drives with the console: *next* and *previous* move through the script, *reset*
restarts the current step, *reveal* shows what the step hides (a stuck layer's numbers in the
grandeur nature run, then the digit and the network's decision), and the screen may jump to any
step (:class:`~controller.events.StepChosen`) or accept a pupil's answer
(:class:`~controller.events.AnswerAccepted`).

Entering a step puts its digits on show, sets its thresholds (sliders left elsewhere must be
picked up), and switches the screen's view. In the step:

- pupils whose layer is answering dial their number with −/+ and confirm with OK
  (:mod:`controller.answers`); the layer complete, the signal travels on;
- sliders of the stations taking part move their thresholds, by at most ``max_move`` from the
  step's start (:mod:`controller.modes.learning`); the other stations' controls do nothing;
- the step's conditions (:mod:`controller.conditions`) say whether it is complete, and every
  step left is recorded with its outcome and duration, for the leader's report.

All pure: handlers take the session and an event and return the new session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from controller.answers import Answers, expected
from controller.conditions import Situation, judge
from controller.events import (
    AnswerAccepted,
    ButtonPressed,
    ConsoleAction,
    DiagnosisUpdated,
    DigitChosen,
    LanguageChosen,
    SliderMoved,
    StationStatus,
    StepChosen,
    ThresholdSet,
    ViewChosen,
)
from controller.modes import finale, freeplay, learning
from controller.network import LAYERS, forward
from controller.scene import WorkshopView
from controller.script import Guide, Script, Step, StepRecord
from controller.session import Session

# --- moving through the script ---------------------------------------------------------------


def enter_mode(session: Session, t: float, *, resume: bool) -> Session:
    """The key turned to workshop: start the script (or resume it after the technician)."""
    if session.script is None:
        return replace(session, view="network")
    if resume and session.guide is not None:
        return replace(session, view=step_of(session).view)
    return enter(replace(session, guide=Guide()), 0, t)


def go_to(session: Session, index: int, t: float) -> Session:
    """Leave the current step (recorded) and enter step ``index`` (clamped to the script)."""
    index = min(max(index, 0), len(script_of(session)) - 1)
    return enter(leave(session, t), index, t)


def enter(session: Session, index: int, t: float) -> Session:
    """Start step ``index`` afresh: its digits, thresholds, view, and a blank state."""
    step = script_of(session).steps[index]
    session = finale.restart(session.arrange(step.digits, step.digit, step.thresholds, t))
    answers = Answers.start(session.defaults, step.answers) if step.answers else None
    guide = replace(
        guide_of(session),
        index=index,
        started_at=t,
        answers=answers,
        baseline=session.network.thresholds(),
        revealed=False,
        finished=False,
    )
    return replace(session, guide=guide, view=step.view)


def leave(session: Session, t: float) -> Session:
    """Record the current step as passed (complete) or left, unless the script is finished."""
    guide = guide_of(session)
    if guide.finished:
        return session
    state = situation(session)
    checks = judge(step_of(session).complete_when, state)
    outcome = "passed" if all(c.holds for c in checks) else "left"
    record = StepRecord(
        step_of(session).id,
        guide.started_at,
        t,
        outcome,
        checks,
        thresholds=dict(state.thresholds),
        recognised=dict(state.recognised),
    )
    return replace(session, guide=replace(guide, records=(*guide.records, record)))


def finish(session: Session, t: float) -> Session:
    """The leader went past the last step: it is recorded, and the workshop is over."""
    session = leave(session, t)
    return replace(session, guide=replace(guide_of(session), finished=True))


def guide_of(session: Session) -> Guide:
    """Where the class is in the script (the workshop mode with a script always has it)."""
    assert session.guide is not None, "the workshop mode without a guide"
    return session.guide


def script_of(session: Session) -> Script:
    """The workshop script (the guided workshop runs only with one)."""
    assert session.script is not None, "the guided workshop without a script"
    return session.script


def step_of(session: Session) -> Step:
    """The step the workshop is on."""
    return script_of(session).steps[guide_of(session).index]


# --- what the step's conditions see -----------------------------------------------------------


def situation(session: Session) -> Situation:
    """The network now, as the step's conditions judge it."""
    network, guide = session.network, guide_of(session)
    answers = guide.answers
    return Situation(
        thresholds=network.thresholds(),
        recognised=session.recognised(session.digits),
        baseline=guide.baseline,
        answers_right=answers is not None and answers.all_right,
        revealed=guide.revealed,
        too_far=any(m.too_far for m in moves(session)),
    )


def moves(session: Session) -> tuple:
    """The thresholds moved in this step by the stations taking part, flagged if too far.

    A slider still held by pickup has not moved anything in this step: where it was left
    (by a visitor, before the step's preset) is shown by the pickup arrow, not flagged.
    """
    step, guide = step_of(session), guide_of(session)
    pickup = session.pickup
    sliders = {
        n: v for n, v in pickup.physical.items() if n in step.stations and n not in pickup.held
    }
    return learning.moves(session.network.thresholds(), guide.baseline, sliders, step.max_move)


# --- events ----------------------------------------------------------------------------------


def console(session: Session, e: ConsoleAction) -> Session:
    """Previous / next step, reset the step, reveal what it hides."""
    guide = guide_of(session)
    if e.action == "next" and guide.finished:
        return session
    if e.action == "next" and guide.index == len(script_of(session)) - 1:
        return finish(session, e.t)
    if e.action == "previous" and guide.finished:
        return enter(session, guide.index, e.t)
    moves_to = {"next": guide.index + 1, "previous": guide.index - 1, "reset": guide.index}
    if e.action in moves_to:
        return go_to(session, moves_to[e.action], e.t)
    return reveal(session, e.t) if e.action == "reveal" else session


def reveal(session: Session, t: float) -> Session:
    """Show what the step hides: a layer's missing numbers first, then the decision."""
    guide = guide_of(session)
    if guide.answers is not None and not guide.answers.complete:
        return _with_answers(session, guide.answers.reveal(), t)
    step = step_of(session)
    view = step.reveal_view or step.view
    return replace(session, guide=replace(guide, revealed=True), view=view)


def step_chosen(session: Session, e: StepChosen) -> Session:
    """Jump to the step called ``e.step`` (unknown ids are ignored)."""
    index = script_of(session).index(e.step)
    return session if index is None else go_to(session, index, e.t)


def button(session: Session, e: ButtonPressed) -> Session:
    """A pupil answering dials with −/+ and confirms with OK; other presses do nothing."""
    answers = guide_of(session).answers
    if answers is None or e.neuron not in step_of(session).stations:
        return session
    if e.button == "ok":
        result = forward(session.network, session.digits.digits[session.digit_index].pixels)
        return _with_answers(
            session, answers.confirm(e.neuron, expected(session.network, result)), e.t
        )
    step = {"minus": -1, "plus": +1}.get(e.button, 0)
    return _with_answers(session, answers.dial(e.neuron, step), e.t)


def accepted(session: Session, e: AnswerAccepted) -> Session:
    """The leader counts a pupil's answer as right."""
    answers = guide_of(session).answers
    return session if answers is None else _with_answers(session, answers.accept(e.neuron), e.t)


def slider(session: Session, e: SliderMoved) -> Session:
    """A slider of a station taking part moves its threshold, within the step's rule."""
    step, neuron = step_of(session), e.neuron
    if neuron not in session.defaults.thresholds():
        return session
    if step.answers or neuron not in step.stations:
        pickup = session.pickup.ignored(neuron, e.value, session.threshold(neuron))
        return replace(session, pickup=pickup)
    session, follows = session.slider_moved(neuron, float(e.value))
    if not follows:
        return session
    value = learning.allowed(float(e.value), guide_of(session).baseline[neuron], step.max_move)
    return session.with_threshold(neuron, value, e.t)


def digit(session: Session, e: DigitChosen) -> Session:
    """Another digit on show, unless pupils are working out their numbers for this one."""
    if guide_of(session).answers is not None:
        return session
    return freeplay.digit(session, e)


def _with_answers(session: Session, answers: Answers, t: float) -> Session:
    """Keep the pupils' new answers; a layer just completed sends the signal on (now)."""
    before = guide_of(session).answers
    changed_at = t if before is None or answers.done != before.done else session.changed_at
    guide = replace(guide_of(session), answers=answers)
    return replace(session, guide=guide, changed_at=changed_at)


#: The workshop mode's handler for each kind of event.
HANDLERS: dict[type, Callable] = {
    ConsoleAction: console,
    StepChosen: step_chosen,
    ButtonPressed: button,
    AnswerAccepted: accepted,
    SliderMoved: slider,
    ThresholdSet: freeplay.threshold_set,
    DigitChosen: digit,
    ViewChosen: freeplay.view,
    LanguageChosen: freeplay.language,
    StationStatus: freeplay.station,
    DiagnosisUpdated: freeplay.diagnosis,
}


# --- what the scene shows --------------------------------------------------------------------


def scene_fields(session: Session, now: float) -> dict:
    """The workshop's part of the scene: the step for the screen, the stations, the floor."""
    guide, step = guide_of(session), step_of(session)
    text = step.text(session.language)
    state = situation(session)
    checks = judge(step.complete_when, state)
    answers = guide.answers
    found = moves(session)
    script = script_of(session)
    following = script.steps[guide.index + 1] if guide.index + 1 < len(script) else None
    view = WorkshopView(
        step=step.id,
        index=guide.index,
        count=len(script_of(session)),
        phase=step.phase,
        title=text.title,
        task=text.task,
        points=text.points,
        stations=step.stations,
        conditions=checks,
        complete=all(c.holds for c in checks),
        started_at=guide.started_at,
        revealed=guide.revealed,
        layer=None if answers is None else answers.layer,
        max_move=step.max_move,
        moves=found,
        finished=guide.finished,
        steps=tuple(s.id for s in script.steps),
        minutes=step.minutes,
        question=text.question,
        reveal=step.reveal,
        secret=frozenset() if guide.revealed else frozenset(step.reveal),
        new_digits=step.new_digits,
        focus=focus(session, step),
        next_title=None if following is None else following.text(session.language).title,
        workshop_started_at=guide.records[0].started_at if guide.records else guide.started_at,
    )
    return {
        "step": step.id,
        "workshop": view,
        "floor_mode": step.floor,
        "signal_layers": None if answers is None else _signal_layers(answers),
        "message": "workshop.too_far" if any(m.too_far for m in found) else None,
        "stations": _stations(session, found),
    }


def focus(session: Session, step: Step) -> tuple[str, ...]:
    """The rulers a learning step is about: those of the stations taking part, and every ruler
    of a layer their thresholds change the sums of (moving C changes every output's sums)."""
    if step.max_move is None or not step.stations:
        return ()
    network = session.defaults
    first = min(LAYERS.index(network.layer_of(n)) for n in step.stations)
    layers = network.layers()
    downstream = LAYERS[first + 1 :]
    affected = [n for layer in downstream for n in layers.get(layer, ())]
    return tuple(dict.fromkeys([*step.stations, *affected]))


def _signal_layers(answers: Answers) -> int:
    """How many of the network's layers the signal has passed (all three once done)."""
    return len(LAYERS) if answers.layer is None else LAYERS.index(answers.layer)


def _stations(session: Session, found: tuple) -> tuple:
    """Each station with its part in the step: answers, dialled numbers, flagged moves."""
    step, answers = step_of(session), guide_of(session).answers
    everyone = (*session.defaults.input_names, *session.defaults.thresholds())
    extra: dict[str, dict] = {
        "active": {n: n in step.stations for n in everyone},
        "too_far": {m.neuron: True for m in found if m.too_far},
    }
    if answers is not None:
        result = forward(session.network, session.digits.digits[session.digit_index].pixels)
        right = expected(session.network, result)
        extra["answer"] = {n: answers.answer(n) for n in everyone if answers.answer(n)}
        extra["entry"] = dict(answers.entries)
        extra["expected"] = {n: right[n] for n in answers.revealed}
    return session.station_views(**extra)
