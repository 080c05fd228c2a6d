"""What the station chain and the whole controller cost, for ``neurones bench`` (``docs/design.md``,
"The bars").

Every figure runs the installation exactly as ``neurones run --emulate-stations 16`` builds it
(the same links, technician desk and loop): ``neurones bench`` hands each figure a ``build``
function that makes it (:data:`Build`), so this module needs nothing of the command line.
Sixteen emulated stations (the real firmware in MicroPython, each its own process), sending
their heartbeats and what changes (PROTOCOL.md §5):

- **reaction**: simulated pupils move sliders; from the moment a station's frame is read (the
  reader thread's timestamp, carried by the :class:`~controller.events.SliderMoved` it gives)
  to the moment the scene with the new threshold is built (network recomputed) and the LED
  floor's frame computed, headless; p50 and p99. The screen's drawing is its own figure
  (``screen``). Then the same with a turn that computes nothing (:class:`StillRules`): the
  machine's own p99, to read the first against.
- **the Pi's scenario** (:data:`PI_SCENARIO`): the installation as a Pi runs it, at 1920×1080
  without the simulation panel, the scripted class of ``--workshop --autoplay`` moving sliders
  and pressing buttons on the boards at its default pace, the floor lit, the window drawing on
  SDL's dummy driver. Measured in a process of its own (:func:`measure_pi`), twice:
  free, for the controller process's own CPU (all its threads; the emulated stations are not
  counted: on the installation they are chips of their own), and held to a fifth of one core
  (:class:`~controller.quota.CpuQuota`, a Pi 4's worth), for the loop's turns per second and
  the time from a station's frame read to the window presenting its effect (p95).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from controller.events import ButtonPressed, Event, SliderMoved
from controller.quota import CpuQuota, QuotaRefused
from controller.scene import Scene

#: How long each figure runs its installation, after the stations are all online. Held to a
#: Pi 4's worth, the scripted class makes about four moves or presses a second, and a p95 of
#: some 40 is set by its two or three slowest: the held run is twice as long, for less noise.
REACTION_S, PI_S, PI_HELD_S = 8.0, 10.0, 20.0
#: What ``neurones run`` is given on the Pi (with ``--emulate-stations 16`` here).
PI_SCENARIO = ("--size", "1920x1080", "--no-panel", "--workshop", "--autoplay")
#: A Pi 4's worth of this machine: Python runs about five times faster here (README).
PI4_QUOTA_PERCENT = 20

#: Builds the installation ``neurones run`` would with these extra options and state directory:
#: returns the installation, its stations (links, roster, emulator) and its LED floor (or None).
Build = Callable[[Sequence[str], str], tuple[Any, Any, Any]]


class Pupils:
    """A source standing for pupils at the stations: every ``every`` seconds one of them
    moves a slider somewhere new (it sends no events itself: the stations do)."""

    def __init__(self, emulator: Any, serials: Sequence[str], every: float, seed: int = 0):
        self.emulator = emulator
        self.serials = list(serials)
        self.every = every
        self.rng = random.Random(seed)
        self.next = 0.0

    def poll(self, now: float) -> list[Event]:
        """Move one slider when it is time."""
        if now >= self.next:
            self.next = now + self.every
            self.emulator.set_slider(self.rng.choice(self.serials), self.rng.uniform(0, 4095))
        return []

    def close(self) -> None:
        """Nothing to release."""


class Reactions:
    """Wraps the links (a source) and stamps the scene (a sink): for every move or press the
    links report, the time from its frame's read to the scene holding it (or, with
    :meth:`presented`, to the screen presenting it)."""

    def __init__(self, links: Any, clock=time.monotonic) -> None:
        self.links = links
        self.clock = clock
        self.waiting: list[float] = []
        self.latencies: list[float] = []
        self.recording = False

    def poll(self, now: float) -> list[Event]:
        """The links' events, remembering when each move's or press's frame was read."""
        events = self.links.poll(now)
        if self.recording:
            self.waiting += [e.t for e in events if isinstance(e, SliderMoved | ButtonPressed)]
        return events

    def show(self, scene: Scene) -> None:
        """The scene is built: every move polled this frame has reached it."""
        now = self.clock()
        self.latencies += [now - t for t in self.waiting]
        self.waiting.clear()

    def close(self) -> None:
        """The links are closed by the installation."""

    def presented(self, screen: Any) -> Presented:
        """A sink for the window (behind its pacing): the reactions end when it presents."""
        return Presented(screen, self)


class Presented:
    """The window, noting when it has presented a scene: every move polled before then has
    reached the screen (the window draws only some of the loop's scenes)."""

    def __init__(self, screen: Any, reactions: Reactions) -> None:
        self.screen = screen
        self.reactions = reactions

    def show(self, scene: Scene) -> None:
        """Draw and present ``scene``; the moves waiting have reached the screen."""
        self.screen.show(scene)
        self.reactions.show(scene)

    def close(self) -> None:
        """Close the window."""
        self.screen.close()


@contextlib.contextmanager
def _quiet():
    """Only the controller's errors are logged while a figure runs (stations come and go)."""
    logger = logging.getLogger("controller")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _until_online(installation, links, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        installation.step()
        if all(f.online for f in links.figures()):
            return
        links.wait(1 / 60)
    raise RuntimeError("the emulated stations did not all come online")


def _threshold_serials(stations) -> list[str]:
    thresholds = stations.links.context.thresholds
    return [e.serial for e in stations.roster.stations if e.neuron in thresholds]


class StillRules:
    """Rules that change nothing: every turn shows the same scene again. Reactions measured
    through them are the machine's own share of a reaction (the frame's way from the reader
    thread to the loop, the loop's other sources and sinks), with no network to compute and
    no floor to paint."""

    def __init__(self, scene: Scene) -> None:
        self.still = scene

    def apply_all(self, session: Any, events: Any) -> Any:
        """The session as it was."""
        return session

    def scene(self, session: Any, now: float) -> Scene:
        """The same scene, the very same object (so the floor and the rings redo nothing)."""
        return self.still


def measure_reaction(build: Build, seconds: float = REACTION_S) -> dict[str, float]:
    """Station frame read → threshold applied and scene built, 16 stations, headless.

    Then the same again with :class:`StillRules` in place of the mode engine, for this
    machine's own part of the figure (``reaction_idle_p99_ms``): on a virtual machine whose
    cores are shared, the wake-ups alone can take milliseconds.
    """
    with _quiet(), tempfile.TemporaryDirectory() as state:
        installation, stations, floor = build(["--headless"], state)
        links = stations.links
        reactions = Reactions(links)
        installation.sources[installation.sources.index(links)] = reactions
        # Right after the scene is built and, when there is a floor, its LED frame computed.
        after = installation.sinks.index(floor) + 1 if floor is not None else 0
        installation.sinks.insert(after, reactions)
        installation.sources.append(Pupils(stations.emulator, _threshold_serials(stations), 0.05))
        try:
            _until_online(installation, links)
            installation.run(1.0, sleep=links.wait)  # warm up
            reactions.recording = True
            installation.run(seconds, sleep=links.wait)
            moved = _milliseconds(reactions)
            installation.rules = StillRules(installation.scene)
            installation.run(seconds, sleep=links.wait)
            idle = _milliseconds(reactions)
        finally:
            installation.close()
    return {
        "reaction_p50_ms": float(np.percentile(moved, 50)),
        "reaction_p99_ms": float(np.percentile(moved, 99)),
        "reaction_moves": float(moved.size),
        "reaction_idle_p99_ms": float(np.percentile(idle, 99)),
    }


def _milliseconds(reactions: Reactions) -> np.ndarray:
    """The latencies recorded so far in ms (and a fresh start for the next ones)."""
    latencies = np.array(reactions.latencies) * 1000
    reactions.latencies.clear()
    if latencies.size == 0:
        raise RuntimeError("no slider move reached the scene")
    return latencies


def measure_pi(
    build: Build, seconds: float = PI_S, held_seconds: float = PI_HELD_S
) -> dict[str, float]:
    """The Pi's scenario, free then held to a Pi 4's worth of CPU, each in a process of its own
    (a quota holds a whole process, and a fresh one starts with nothing of the last).

    ``pi4_fps`` and ``pi4_reaction_p95_ms`` are left out, with a line on stderr saying why,
    where the machine does not allow a CPU quota.
    """
    free = _in_own_process(build, None, seconds)
    figures = {
        "controller_cpu_percent": free["cpu_percent"],
        "controller_loop_hz": free["fps"],
    }
    held = _in_own_process(build, PI4_QUOTA_PERCENT, held_seconds)
    if "refused" in held:
        logging.getLogger(__name__).warning("pi4 figures left out: %s", held["refused"])
        return figures
    figures.update(pi4_fps=held["fps"], pi4_reaction_p95_ms=held["reaction_p95_ms"])
    return figures


def _in_own_process(build: Build, quota: float | None, seconds: float) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")  # nothing inherited: no threads, no window
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(pi_scenario, build, quota, seconds).result(timeout=seconds + 120)


def pi_scenario(build: Build, quota: float | None, seconds: float = PI_S) -> dict[str, Any]:
    """Run the Pi's scenario in this process, held to ``quota`` percent of one core (None: free)
    once its stations are online: its CPU share, the loop's turns per second, and the 95th
    percentile of station frame read → window presenting it, in milliseconds; or
    ``{"refused": why}`` when the quota cannot be had."""
    with _quiet(), tempfile.TemporaryDirectory() as state:
        installation, stations, floor = build(PI_SCENARIO, state)
        links = stations.links
        reactions = Reactions(links)
        installation.sources[installation.sources.index(links)] = reactions
        screens = floor.screens if floor is not None else installation.sinks
        (paced,) = [s for s in screens if hasattr(s, "period") and hasattr(s, "sink")]
        paced.sink = reactions.presented(paced.sink)
        try:
            _until_online(installation, links)
            installation.run(1.0, sleep=links.wait)  # warm up: fonts, sprites, caches
            held = CpuQuota(quota) if quota is not None else contextlib.nullcontext()
            try:
                with held:
                    installation.run(0.5, sleep=links.wait)  # settle under the quota
                    reactions.recording = True
                    frames = installation.stats.frames
                    cpu, wall = time.process_time(), time.monotonic()
                    installation.run(seconds, sleep=links.wait)
                    cpu, wall = time.process_time() - cpu, time.monotonic() - wall
                    frames = installation.stats.frames - frames
            except QuotaRefused as exc:
                return {"refused": str(exc)}
        finally:
            installation.close()
    latencies = np.array(reactions.latencies) * 1000
    if latencies.size == 0:
        raise RuntimeError("no move or press reached the screen")
    return {
        "cpu_percent": 100.0 * cpu / wall,
        "fps": frames / wall,
        "reaction_p95_ms": float(np.percentile(latencies, 95)),
        "reactions": int(latencies.size),
    }
