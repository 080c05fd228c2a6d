"""Rehearsals: scripted people play the installation, and a report says how it went.

``neurones run --workshop --autoplay`` plays the whole workshop with a class that gives the
right answers and makes the script's expected moves (the leader's rehearsal, and the check that
the script and the network tell the workshop's story); ``neurones run --visitor`` plays a
visitor through attract → play → challenge → idle → attract. The actors are pure
(:mod:`controller.modes.actors`); this module is their shell:

- :class:`ActorDriver` is a source *and* a sink of the :class:`~controller.loop.Installation`:
  it sees each scene, asks its actor what people do, and turns the actions into events
  (:func:`to_events`), at most one round every ``pace_s`` seconds — or, with emulated
  stations, plays them on the boards themselves (:class:`StationHands`);
- :class:`SimulatedClock` lets a headless rehearsal run as fast as the machine allows: the
  loop's sleep advances simulated time instead of waiting;
- :class:`PhaseLog` records what the screen went through (workshop steps, visitor phases);
- :func:`workshop_report` and :func:`visitor_report` return the report as a plain dict, which
  ``--report FILE`` writes as JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from controller.events import (
    ButtonPressed,
    ConsoleAction,
    Event,
    KeyTurned,
    QuitRequested,
    SliderMoved,
    Tick,
)
from controller.modes import engine
from controller.modes.actors import (
    Action,
    Console,
    Press,
    SetSlider,
    TurnKey,
    VisitorState,
    class_next,
    visitor_next,
)
from controller.scene import Scene
from controller.session import Session

#: Seconds between two rounds of a scripted class's or visitor's actions (scene time).
DEFAULT_PACE_S = 0.25

#: An actor: the scene and its memory → what people do, and its memory after.
Actor = Callable[[Scene, Any], tuple[tuple[Action, ...], Any]]


#: How the driver's actions reach the installation: ``(actions, t) -> events``.
Hands = Callable[[tuple[Action, ...], float], list[Event]]


def to_events(actions: tuple[Action, ...], t: float) -> list[Event]:
    """The events the installation receives when people do ``actions`` at time ``t``."""
    events: list[Event] = []
    for action in actions:
        if isinstance(action, SetSlider):
            events.append(SliderMoved(action.neuron, action.value, t))
        elif isinstance(action, Press):
            events.append(ButtonPressed(action.neuron, action.button, t))
        elif isinstance(action, Console):
            events.append(ConsoleAction(action.action, t))
        elif isinstance(action, TurnKey):
            events.append(KeyTurned(action.position, t))
    return events


class StationHands:
    """Plays actions on emulated stations, as pupils do on real ones: a slider is moved on the
    board (to the reading of the wanted ruler mark) and a button clicked there, so each
    action travels through the real firmware, the wire, the links and the slider path.

    The console is not a station (it is the Pi's GPIO): its actions stay events.

    :param emulator: the :class:`~controller.stations.emulation.StationEmulator`.
    :param serials: each neuron's station serial.
    :param calibration: ``serial -> StationCalibration`` the links read that slider with.
    """

    def __init__(
        self,
        emulator: Any,
        serials: dict[str, str],
        calibration: Callable[[str], Any],
    ) -> None:
        self.emulator = emulator
        self.serials = serials
        self.calibration = calibration

    def __call__(self, actions: tuple[Action, ...], t: float) -> list[Event]:
        """Do ``actions`` at the stations; return the events of the rest (the console's)."""
        events: list[Event] = []
        for action in actions:
            neuron = getattr(action, "neuron", None)
            serial = self.serials.get(neuron) if neuron is not None else None
            if isinstance(action, SetSlider) and serial is not None:
                raw = self.calibration(serial).raw_for(action.value)
                self.emulator.set_slider(serial, raw)
            elif isinstance(action, Press) and serial is not None:
                self.emulator.click(serial, action.button)
            else:
                events += to_events((action,), t)
        return events


def the_class(scene: Scene, memory: None) -> tuple[tuple[Action, ...], None]:
    """:func:`controller.modes.actors.class_next` as an :data:`Actor` (a class needs no memory)."""
    return class_next(scene), memory


def class_with_dwell(dwell_s: float) -> Actor:
    """The class as an :data:`Actor` whose leader lets a complete step show ``dwell_s``
    seconds before pressing *next* (longer when a person watches the rehearsal)."""

    def actor(scene: Scene, memory: None) -> tuple[tuple[Action, ...], None]:
        return class_next(scene, dwell_s=dwell_s), memory

    return actor


def the_visitor(scene: Scene, state: VisitorState) -> tuple[tuple[Action, ...], VisitorState]:
    """:func:`controller.modes.actors.visitor_next` as an :data:`Actor`."""
    return visitor_next(scene, state)


def workshop_finished(scene: Scene, memory: object) -> bool:
    """The class's rehearsal is over once the leader went past the last step."""
    return scene.workshop is not None and scene.workshop.finished


def visitor_done(scene: Scene, state: VisitorState) -> bool:
    """The visitor's rehearsal is over once its story is."""
    return state.done


class ActorDriver:
    """Plays an actor on the installation: a sink of the scenes it reacts to, a source of
    the events its actions make.

    :param actor: the :data:`Actor` to play.
    :param memory: its starting memory (None for the class, a ``VisitorState`` for the visitor).
    :param finished: ``(scene, memory) -> bool``; once true the driver asks the loop to stop.
    :param pace_s: scene seconds between two rounds of actions.
    :param hands: how actions reach the installation (default: straight as events).
    """

    def __init__(
        self,
        actor: Actor,
        memory: Any = None,
        *,
        finished: Callable[[Scene, Any], bool] = lambda scene, memory: False,
        pace_s: float = DEFAULT_PACE_S,
        hands: Hands = to_events,
    ) -> None:
        self.actor = actor
        self.hands = hands
        self.memory = memory
        self.finished = finished
        self.pace_s = pace_s
        self.scene: Scene | None = None
        self.last_round: float | None = None
        self.actions = 0

    def show(self, scene: Scene) -> None:
        """Remember the scene people now see."""
        self.scene = scene

    def poll(self, now: float) -> list[Event]:
        """The events of the actor's next round, if it is time for one."""
        if self.scene is None:
            return []
        if self.finished(self.scene, self.memory):
            return [QuitRequested(now)]
        if self.last_round is not None and now - self.last_round < self.pace_s:
            return []
        self.last_round = now
        actions, self.memory = self.actor(self.scene, self.memory)
        self.actions += len(actions)
        return self.hands(actions, now)

    def close(self) -> None:
        """Nothing to release."""


class SimulatedClock:
    """A clock that only moves when the loop sleeps: a headless rehearsal runs at full speed.

    Pass :meth:`now` as the installation's clock and :meth:`sleep` as its loop's sleep.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.t = start

    def now(self) -> float:
        """The simulated time, in seconds."""
        return self.t

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` pass, at once."""
        self.t += max(seconds, 0.0)


@dataclass(eq=False)
class PhaseLog:
    """A sink that notes every change of what the installation is doing (step, visitor phase).

    Each entry: the time, the mode, and the workshop step or the visitor's phase, challenge and
    whether it is solved, with the thresholds then and the sliders held by pickup.
    """

    entries: list[dict] = field(default_factory=list)
    _last: tuple | None = None

    def show(self, scene: Scene) -> None:
        """Note the scene if what it is doing changed."""
        key = _phase_key(scene)
        if key == self._last:
            return
        self._last = key
        entry: dict[str, Any] = {"t": round(scene.t, 3), "mode": scene.mode}
        if scene.workshop is not None:
            entry["step"] = scene.workshop.step
            entry["finished"] = scene.workshop.finished
        if scene.visitor is not None:
            visit = scene.visitor
            entry.update(phase=visit.phase, challenge=visit.challenge, solved=visit.solved)
        entry["thresholds"] = dict(scene.thresholds)
        entry["held"] = {s.neuron: s.pickup for s in scene.stations if s.pickup}
        self.entries.append(entry)

    def close(self) -> None:
        """Nothing to release."""


def _phase_key(scene: Scene) -> tuple:
    visit, step = scene.visitor, scene.workshop
    return (
        scene.mode,
        None if step is None else (step.step, step.finished),
        None if visit is None else (visit.phase, visit.challenge, visit.solved),
    )


# --- reports ---------------------------------------------------------------------------------


def workshop_report(session: Session) -> dict:
    """The workshop rehearsal as plain data: every step with its outcome and duration.

    ``passed`` is true when every step of the script was gone through and completed, and the
    workshop reached its end.
    """
    guide, script = session.guide, session.script
    if guide is None or script is None:
        return {"kind": "workshop", "passed": False, "steps": [], "error": "no workshop script"}
    steps = []
    for record in guide.records:
        index = script.index(record.step)
        assert index is not None  # a record is of a step of the script
        step = script.steps[index]
        steps.append(
            {
                "id": record.step,
                "phase": step.phase,
                "title": step.text(session.language).title,
                "outcome": record.outcome,
                "started_at": round(record.started_at, 3),
                "duration_s": round(record.duration_s, 3),
                "conditions": [{"text": c.text, "holds": c.holds} for c in record.conditions],
                "thresholds": dict(record.thresholds),
                "recognised": dict(record.recognised),
            }
        )
    seen = [s["id"] for s in steps]
    every_step = seen == [s.id for s in script.steps]
    return {
        "kind": "workshop",
        "script": script.name,
        "passed": guide.finished and every_step and all(s["outcome"] == "passed" for s in steps),
        "finished": guide.finished,
        "steps": steps,
        "final_thresholds": dict(session.network.thresholds()),
    }


def visitor_report(session: Session, log: PhaseLog, state: VisitorState) -> dict:
    """The visitor rehearsal as plain data: the phases seen, and the checks they pass.

    The checks: the installation went attract → play → challenge solved → attract; the
    thresholds were back to their defaults in the second attract loop; the slider the first
    visitor left off its default was held (a nudge did nothing) until it crossed its threshold.
    """
    defaults = session.defaults.thresholds()
    visitor_entries = [e for e in log.entries if e.get("phase")]
    phases = [_phase_name(e) for e in visitor_entries]
    notes = dict(state.notes)
    held = notes.get("held")
    direction = held.get("direction") if isinstance(held, dict) else None
    story = ["attract", "play", "solved", "attract"]
    checks = {
        "attract_play_solved_idle_attract": _in_order(story, phases),
        "defaults_restored": any(
            e["phase"] == "attract" and e["thresholds"] == defaults for e in visitor_entries[1:]
        ),
        "pickup_held": bool(direction)
        and notes.get("still held") is True
        and notes.get("threshold after nudge") == notes.get("threshold before nudge"),
        "pickup_caught": notes.get("follows again") is True,
    }
    return {
        "kind": "visitor",
        "passed": state.done and all(checks.values()),
        "phases": [{**e, "name": _phase_name(e)} for e in visitor_entries],
        "checks": checks,
        "notes": notes,
        "idle_timeout_s": session.settings.idle_timeout_s,
    }


def _phase_name(entry: dict) -> str:
    if entry["phase"] == "attract":
        return "attract"
    return "solved" if entry["solved"] else "play"


def _in_order(wanted: list[str], seen: list[str]) -> bool:
    """Whether ``wanted`` appears in ``seen`` in order (other phases may come between)."""
    position = 0
    for name in seen:
        if position < len(wanted) and name == wanted[position]:
            position += 1
    return position == len(wanted)


# --- playing an actor without the loop (for pictures and tests) ------------------------------


def play(
    session: Session,
    actor: Actor,
    memory: Any = None,
    *,
    rounds: int,
    t: float = 0.0,
    pace_s: float = DEFAULT_PACE_S,
) -> tuple[Session, Any, float]:
    """Let ``actor`` play ``rounds`` rounds on ``session`` directly; return the session, the
    actor's memory and the time after. Time passes (a :class:`Tick`) between rounds."""
    for _ in range(rounds):
        actions, memory = actor(engine.scene(session, t), memory)
        session = engine.apply_all(session, [*to_events(actions, t), Tick(t)])
        t += pace_s
    return session, memory, t
