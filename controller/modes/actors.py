"""Scripted people for rehearsals: a class that plays the workshop, a visitor that plays around.

An actor looks at the :class:`~controller.scene.Scene` — what the screen, the floor and the
station rings show — and says what the people in front of it would do next, as plain
:data:`Action` values: a slider moved, a button pressed, a console button, the key turned.
Actions are not events: an adapter turns them into events directly
(:mod:`controller.modes.rehearsal`), or into the simulated sliders and buttons of emulated stations,
so the same actor rehearses the whole chain from the stations' firmware up.

Both actors are pure functions of the scene (and, for the visitor, of where it is in its
little story)::

    actions = class_next(scene)                    # (Press("COL2", "plus"), Press("A", "ok"), …)
    actions, state = visitor_next(scene, state)    # the visitor remembers what it tried

The class gives the right answers and makes the script's expected moves; the leader presses
*reveal* when a step waits only for it and *next* once a step is complete.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from controller.answers import expected
from controller.scene import Mode, Scene, WorkshopView

# --- what people do -------------------------------------------------------------------------


@dataclass(frozen=True)
class SetSlider:
    """Someone slides ``neuron``'s ruler to ``value`` (threshold units)."""

    neuron: str
    value: float


@dataclass(frozen=True)
class Press:
    """Someone presses ``button`` (minus, plus, ok) on ``neuron``'s station."""

    neuron: str
    button: str


@dataclass(frozen=True)
class Console:
    """The leader presses a console button: previous, next, reveal, reset."""

    action: str


@dataclass(frozen=True)
class TurnKey:
    """Someone turns the console's key to ``position`` (visitor, workshop, technician)."""

    position: Mode


Action = SetSlider | Press | Console | TurnKey


# --- the class ----------------------------------------------------------------------------------

#: How long the leader lets a complete step show before pressing *next* (scene seconds).
DWELL_S = 2.0
#: How long the leader waits on a step the class cannot complete before moving on anyway.
PATIENCE_S = 120.0


def class_next(
    scene: Scene, *, dwell_s: float = DWELL_S, patience_s: float = PATIENCE_S
) -> tuple[Action, ...]:
    """What a class that knows its part (and its leader) does next in front of ``scene``.

    - in a step where a layer answers, each of its pupils not yet right presses + or − towards
      the right number, then OK;
    - in a learning step, each pupil whose threshold the step wants elsewhere moves the slider
      one allowed step that way (first bringing a held slider to the threshold: pickup);
    - the leader presses *reveal* when only that is missing, *next* once the step is complete
      and has been shown ``dwell_s`` seconds, and *next* anyway after ``patience_s``;
    - nothing once the workshop is finished. Outside the workshop, the key is turned to it.
    """
    if scene.mode != "workshop":
        return (TurnKey("workshop"),)
    step = scene.workshop
    if step is None or step.finished:
        return ()
    if step.layer is not None:
        return _answers(scene, step)
    moves = _learning_moves(scene, step)
    if moves:
        return moves
    waiting = [c for c in step.conditions if not c.holds]
    if waiting and all(c.key == "revealed" for c in waiting):
        return (Console("reveal"),)
    shown = scene.t - step.started_at
    if (step.complete and shown >= dwell_s) or shown >= patience_s:
        return (Console("next"),)
    return ()


def _answers(scene: Scene, step: WorkshopView) -> tuple[Action, ...]:
    """Each pupil of the layer being asked dials one notch towards the right number, or OK."""
    right = expected(scene.network, scene.result)
    actions: list[Action] = []
    layer = step.layer
    for neuron in scene.network.layers()[layer] if layer is not None else ():
        station = scene.station(neuron)
        if neuron not in step.stations or station.answer == "right":
            continue
        target, entry = round(right[neuron]), station.entry or 0
        if entry == target:
            actions.append(Press(neuron, "ok"))
        else:
            actions.append(Press(neuron, "plus" if entry < target else "minus"))
    return tuple(actions)


def _learning_moves(scene: Scene, step: WorkshopView) -> tuple[Action, ...]:
    """One allowed step of each slider towards a ``threshold N = V`` the step still waits for."""
    actions: list[Action] = []
    for condition in step.conditions:
        values = dict(condition.values)
        neuron = values.get("neuron")
        if condition.key != "threshold" or condition.holds or neuron not in step.stations:
            continue
        now, target = scene.thresholds[neuron], float(values["value"])
        if scene.station(neuron).pickup is not None:
            actions.append(SetSlider(neuron, now))  # bring the held slider to its threshold
            continue
        reach = abs(target - now) if step.max_move is None else step.max_move
        move = max(-reach, min(reach, target - now))
        actions.append(SetSlider(neuron, now + move))
    return tuple(actions)


# --- the visitor --------------------------------------------------------------------------------

#: How long a visitor watches the attract loop before pressing.
LOOK_S = 3.0


@dataclass(frozen=True)
class VisitorState:
    """Where the scripted visitor is in its story, and what it noticed on the way.

    Beats: ``arrive`` (watch the attract loop, then press) → ``solve`` (try sliders one notch
    each way until the challenge is solved) → ``leave`` (walk away, the slider left where it
    solved the challenge) → ``return`` (a second visitor, once the attract loop is back) →
    ``nudge`` (moves the slider the first one left: it is held) → ``cross`` (brings it past
    its threshold) → ``caught`` (notes that it acts again) → ``done``.
    """

    beat: str = "arrive"
    since: float | None = None  # when the current beat started (scene time); None: not yet
    tries: int = 0  # candidate moves tried on the challenge
    trying: tuple[str, float, float] | None = None  # slider tried: (neuron, from, to)
    left: tuple[str, float] | None = None  # the slider the visitor left, and where
    notes: tuple[tuple[str, object], ...] = ()  # what it saw, for the rehearsal's report

    @property
    def done(self) -> bool:
        """Whether the visitor's story is over."""
        return self.beat == "done"

    def noted(self, key: str, value: object) -> VisitorState:
        """This state with one more observation."""
        return replace(self, notes=(*self.notes, (key, value)))


def visitor_next(scene: Scene, state: VisitorState) -> tuple[tuple[Action, ...], VisitorState]:
    """What the scripted visitor does in front of ``scene``, and its state after."""
    if state.since is None:
        state = replace(state, since=scene.t)
    beat = _BEATS[state.beat]
    return beat(scene, state)


def _watched(scene: Scene, state: VisitorState) -> float:
    """Seconds since the current beat started (:func:`visitor_next` starts the first)."""
    return 0.0 if state.since is None else scene.t - state.since


def _to(state: VisitorState, beat: str, t: float) -> VisitorState:
    return replace(state, beat=beat, since=t)


def _arrive(scene: Scene, state: VisitorState):
    """Watch the attract loop a moment, then press OK on the first station."""
    if scene.visitor is None or scene.visitor.phase != "attract":
        return (), replace(state, since=scene.t)
    if _watched(scene, state) < LOOK_S:
        return (), state
    state = state.noted("pressed", scene.t)
    return (Press(scene.network.input_names[0], "ok"),), _to(state, "solve", scene.t)


def _solve(scene: Scene, state: VisitorState):
    """Try each slider a notch each way, putting it back when that does not solve it."""
    visit = scene.visitor
    if visit is None:  # the visitor mode is not on
        return (), state
    if visit.solved:
        state = state.noted("solved", visit.challenge)
        left = None if state.trying is None else (state.trying[0], state.trying[2])
        return (), _to(replace(state, left=left, trying=None), "leave", scene.t)
    if state.trying is not None:
        neuron, before, _ = state.trying
        return (SetSlider(neuron, before),), replace(state, trying=None)
    candidates = _candidates(scene)
    while state.tries < len(candidates):
        neuron, delta = candidates[state.tries]
        state = replace(state, tries=state.tries + 1)
        if scene.station(neuron).pickup is None:
            now = scene.thresholds[neuron]
            trying = (neuron, now, now + delta)
            return (SetSlider(neuron, now + delta),), replace(state, trying=trying)
    return (), _to(state.noted("gave up", visit.challenge), "leave", scene.t)


def _candidates(scene: Scene) -> list[tuple[str, float]]:
    """Output sliders first (the decision is read there), then the hidden ones; ±1."""
    network = scene.network
    return [(n, d) for n in (*network.output_names, *network.hidden_names) for d in (1, -1)]


def _leave(scene: Scene, state: VisitorState):
    """Gone: nothing until the installation is back to its attract loop."""
    if scene.visitor is None or scene.visitor.phase != "attract":
        return (), state
    return (), _to(state.noted("attract again", scene.t), "return", scene.t)


def _return(scene: Scene, state: VisitorState):
    """A second visitor watches, then presses."""
    if _watched(scene, state) < LOOK_S:
        return (), state
    return (Press(scene.network.input_names[0], "ok"),), _to(state, "nudge", scene.t)


def _nudge(scene: Scene, state: VisitorState):
    """Move the slider the first visitor left one more notch away: it must do nothing."""
    if state.left is None:
        return (), _to(state.noted("nothing left to pick up", True), "done", scene.t)
    neuron, at = state.left
    station = scene.station(neuron)
    state = state.noted("held", {"neuron": neuron, "direction": station.pickup})
    state = state.noted("threshold before nudge", scene.thresholds[neuron])
    slider = at + (1 if station.pickup == "down" else -1)
    state = replace(state, left=(neuron, slider))
    return (SetSlider(neuron, slider),), _to(state, "cross", scene.t)


def _cross(scene: Scene, state: VisitorState):
    """Note that the nudge did nothing, then bring the slider past its threshold."""
    assert state.left is not None  # the nudge left it
    neuron, slider = state.left
    station = scene.station(neuron)
    state = state.noted("threshold after nudge", scene.thresholds[neuron])
    state = state.noted("still held", station.pickup is not None)
    threshold = scene.thresholds[neuron]
    target = threshold + (-1 if slider > threshold else 1)
    state = replace(state, left=(neuron, target))
    return (SetSlider(neuron, target),), _to(state, "caught", scene.t)


def _caught(scene: Scene, state: VisitorState):
    """Note that the slider acts again once it has crossed its threshold."""
    assert state.left is not None  # the crossing left it
    neuron, slider = state.left
    state = state.noted("threshold after crossing", scene.thresholds[neuron])
    state = state.noted("follows again", scene.thresholds[neuron] == slider)
    return (), _to(state, "done", scene.t)


def _done(scene: Scene, state: VisitorState):
    return (), state


_BEATS = {
    "arrive": _arrive,
    "solve": _solve,
    "leave": _leave,
    "return": _return,
    "nudge": _nudge,
    "cross": _cross,
    "caught": _caught,
    "done": _done,
}
