"""What the station chain costs, for ``neurones bench`` (``docs/design.md``, "The bars").

Both figures run the installation exactly as ``neurones run --emulate-stations 16`` builds it
(the same links, technician desk and loop): ``neurones bench`` hands each figure a ``build``
function that makes it (:data:`Build`), so this module needs nothing of the command line. Sixteen
emulated stations (the real firmware in MicroPython, each its own process), sending their
heartbeats and what changes (PROTOCOL.md §5), and simulated pupils moving sliders:

- **reaction**: from the moment a station's frame is read (the reader thread's timestamp,
  carried by the :class:`~controller.events.SliderMoved` it gives) to the moment the scene
  with the new threshold is built (network recomputed) and the LED floor's frame computed,
  headless; p50 and p99. The screen's drawing is its own figure (``screen``).
- **cpu**: the controller process's own CPU time (all its threads, not the emulated
  stations' processes) over ~10 s, with the window drawing at 60 Hz on SDL's dummy driver
  at ``neurones run``'s default size (1280×720), as a percentage of one core.
"""

from __future__ import annotations

import logging
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from controller.events import Event, SliderMoved
from controller.scene import Scene

#: How long each figure runs its installation, after the stations are all online.
REACTION_S, CPU_S = 8.0, 10.0

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
    """Wraps the links (a source) and stamps the scene (a sink): for every slider move the
    links report, the time from its frame's read to the scene holding it."""

    def __init__(self, links: Any, clock=time.monotonic) -> None:
        self.links = links
        self.clock = clock
        self.waiting: list[float] = []
        self.latencies: list[float] = []
        self.recording = False

    def poll(self, now: float) -> list[Event]:
        """The links' events, remembering when each slider move's frame was read."""
        events = self.links.poll(now)
        if self.recording:
            self.waiting += [e.t for e in events if isinstance(e, SliderMoved)]
        return events

    def show(self, scene: Scene) -> None:
        """The scene is built: every move polled this frame has reached it."""
        now = self.clock()
        self.latencies += [now - t for t in self.waiting]
        self.waiting.clear()

    def close(self) -> None:
        """The links are closed by the installation."""


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


def measure_reaction(build: Build, seconds: float = REACTION_S) -> dict[str, float]:
    """Station frame read → threshold applied and scene built, 16 stations, headless."""
    logging.getLogger("controller").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as state:
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
        finally:
            installation.close()
    latencies = np.array(reactions.latencies) * 1000
    if latencies.size == 0:
        raise RuntimeError("no slider move reached the scene")
    return {
        "reaction_p50_ms": float(np.percentile(latencies, 50)),
        "reaction_p99_ms": float(np.percentile(latencies, 99)),
        "reaction_moves": float(latencies.size),
    }


def measure_cpu(build: Build, seconds: float = CPU_S, size: str = "1280x720") -> dict[str, float]:
    """The controller's CPU, 16 stations (heartbeats, a slider moved every 0.2 s), the window at
    60 Hz (SDL dummy driver)."""
    logging.getLogger("controller").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as state:
        installation, stations, _ = build(["--size", size, "--fps", "60"], state)
        links = stations.links
        installation.sources.append(Pupils(stations.emulator, _threshold_serials(stations), 0.2))
        try:
            _until_online(installation, links)
            installation.run(1.0, sleep=links.wait)  # warm up: fonts, sprites, caches
            frames = installation.stats.frames
            cpu, wall = time.process_time(), time.monotonic()
            installation.run(seconds, sleep=links.wait)
            cpu, wall = time.process_time() - cpu, time.monotonic() - wall
            frames = installation.stats.frames - frames
        finally:
            installation.close()
    return {"controller_cpu_percent": 100.0 * cpu / wall, "controller_loop_hz": frames / wall}
