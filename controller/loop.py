"""The installation loop: sources → events → session → scene → sinks, once per frame.

Everything with hardware or a screen plugs in as a *source* (``poll(now) -> list[Event]``: the
station links, the leader console, the window's mouse and keyboard) or a *sink*
(``show(scene)``: the window, the LED floor, the stations' rings), or both, and every one has
``close()``. The rules that turn events into the next session and a session into its scene are
handed in too (:data:`Rules`: the mode engine, :mod:`controller.modes.engine`). The loop itself
only moves values between them::

    installation = Installation(session, engine, sources=[links, console], sinks=[window, floor])
    installation.run(duration=30)

A source or sink that raises is logged and counted, never allowed to stop the loop: a museum
installation must keep running with one part broken.

Given the museum's opening hours (:mod:`controller.opening_hours`), the loop asks them each turn
on its wall clock and puts the answer in the scene (``scene.hours``): outside hours the sinks
sleep (the floor dims, the screen goes black) while the sources are still polled, so stations
stay connected and a press on the leader console wakes the installation. Asleep, it turns
slowly: nothing is drawn, and a button only needs an answer within a fraction of a second.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from controller.events import ConsoleAction, Event, QuitRequested, Tick
from controller.opening_hours import Doorkeeper, HoursState, OpeningHours
from controller.scene import Scene
from controller.session import Session

log = logging.getLogger(__name__)

#: Turns a second while the installation sleeps outside opening hours: enough for a console
#: press to wake it at once, few enough to cost next to nothing all night.
ASLEEP_FPS = 4.0


class Rules(Protocol):
    """What the loop asks of the mode engine (:mod:`controller.modes.engine` is one)."""

    def apply_all(self, session: Session, events: Iterable[Event]) -> Session: ...

    def scene(self, session: Session, now: float) -> Scene: ...


class Source(Protocol):
    """Something that turns what happened since the last frame into events."""

    def poll(self, now: float) -> list[Event]: ...

    def close(self) -> None: ...


class Sink(Protocol):
    """Something that shows each scene (a screen, a floor, station rings)."""

    def show(self, scene: Scene) -> None: ...

    def close(self) -> None: ...


class Part(Source, Sink, Protocol):
    """Both a source and a sink (the window: its mouse and keyboard in, the scene out)."""


@dataclass
class LoopStats:
    """What the loop counts: frames, part failures, and when it started."""

    started: float
    frames: int = 0
    crashes: int = 0
    last_error: str | None = None
    frame_times: list[float] = field(default_factory=list)

    def record_failure(self, part: object, exc: BaseException) -> None:
        """Count a source or sink that raised, and remember the message."""
        self.crashes += 1
        self.last_error = f"{type(part).__name__}: {exc!r}"
        log.exception("%s failed; the installation carries on", type(part).__name__)


class Installation:
    """Runs the frame loop over a session with its sources and sinks.

    :param session: the starting :class:`~controller.session.Session`.
    :param rules: what makes the next session and the scene (the mode engine).
    :param sources: objects with ``poll(now)`` and ``close()``.
    :param sinks: objects with ``show(scene)`` and ``close()``; a part may be both.
    :param fps: frames per second of the loop (the screen's rate).
    :param clock: monotonic seconds; injected so tests control time.
    :param hours: the museum's opening hours (None: always open).
    :param wall_clock: the local date and time the hours are read on; injected so tests choose
        the hour.
    """

    def __init__(
        self,
        session: Session,
        rules: Rules,
        *,
        sources: Sequence[Source] = (),
        sinks: Sequence[Sink] = (),
        fps: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        hours: OpeningHours | None = None,
        wall_clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.session = session
        self.rules = rules
        self.sources = list(sources)
        self.sinks = list(sinks)
        self.period = 1.0 / fps
        self.clock = clock
        self.stats = LoopStats(started=clock())
        self.stopping = False
        self.scene: Scene | None = None
        self.doorkeeper = None if hours is None else Doorkeeper(hours)
        self.wall_clock = wall_clock
        self._dressed: tuple[Scene, HoursState, Scene] | None = None  # the last scene with hours

    def step(self) -> Scene:
        """One frame: poll every source, apply the events, show the new scene to every sink."""
        now = self.clock()
        events: list[Event] = []
        for source in self.sources:
            try:
                events.extend(source.poll(now))
            except Exception as exc:  # a broken part must not stop the installation
                self.stats.record_failure(source, exc)
        self.stopping |= any(isinstance(e, QuitRequested) for e in events)
        # The tick comes last, so time-outs see the frame's touches (a touch resets the idle).
        self.session = self.rules.apply_all(self.session, [*events, Tick(now)])
        self.scene = self._with_hours(self.rules.scene(self.session, now), events)
        for sink in self.sinks:
            try:
                sink.show(self.scene)
            except Exception as exc:  # a broken part must not stop the installation
                self.stats.record_failure(sink, exc)
        self.stats.frames += 1
        return self.scene

    def _with_hours(self, scene: Scene, events: list[Event]) -> Scene:
        """``scene`` with the opening hours' state now (a press on the leader console wakes the
        installation outside hours); the same object while neither changes, so the sinks can
        tell at a glance that nothing did."""
        if self.doorkeeper is None:
            return scene
        pressed = any(isinstance(e, ConsoleAction) for e in events)
        was = self.scene.hours if self.scene is not None else None
        state = self.doorkeeper.state(self.wall_clock(), pressed)
        if state != was:
            self._log_hours(state, was)
        dressed = self._dressed
        if dressed is not None and dressed[0] is scene and dressed[1] == state:
            return dressed[2]
        self._dressed = (scene, state, replace(scene, hours=state))
        return self._dressed[2]

    @staticmethod
    def _log_hours(state: HoursState, was: HoursState | None) -> None:
        """Say in the log when the installation goes to sleep, wakes or opens."""
        until = f"{state.next_change:%a %d %b %H:%M}" if state.next_change else "no change due"
        if state.open and (was is None or not was.open):
            log.info("opening hours: open (closes %s)", until)
        elif not state.awake and (was is None or was.awake):
            log.info("opening hours: closed, the installation sleeps (opens %s)", until)
        elif state.woken_until is not None and (was is None or was.woken_until is None):
            log.info("opening hours: closed, woken by the console until %s",
                     f"{state.woken_until:%H:%M}")  # fmt: skip

    def run(self, duration: float | None = None, sleep: Callable[[float], None] = time.sleep):
        """Run frames at the loop's rate until quit is requested or ``duration`` has passed."""
        # What exists now (network, digit sets, texts, fonts, layouts) lasts as long as the
        # installation: kept out of the garbage collector's scans, its pauses stay short.
        gc.collect()
        gc.freeze()
        end = None if duration is None else self.clock() + duration
        due = self.clock()
        while not self.stopping and (end is None or self.clock() < end):
            start = self.clock()
            self.step()
            now = self.clock()
            self.stats.frame_times.append(now - start)
            del self.stats.frame_times[:-600]  # keep the last ten seconds or so
            # Turns are due on a steady schedule, so a sleep that overruns (a busy machine) is
            # made up at the next turn. A turn woken early by a station's news comes on top:
            # the turn due still comes when due (six presses in a row must not push the next
            # turn, and the picture the window held back meanwhile, six periods away). Behind
            # by more than a turn, the schedule starts again from now: no burst to catch up.
            period = self.period
            if self.scene is not None and self.scene.asleep:
                period = max(period, 1.0 / ASLEEP_FPS)
            if start >= due:
                due += period
                if now - due > period:
                    due = now
            sleep(max(0.0, due - now))

    def uptime(self) -> float:
        """Seconds since the installation started."""
        return self.clock() - self.stats.started

    def close(self) -> None:
        """Close every source and sink once, even if some fail to close."""
        parts: list[Source | Sink] = [*self.sources, *self.sinks]
        for part in dict.fromkeys(parts):
            try:
                part.close()
            except Exception as exc:
                self.stats.record_failure(part, exc)
