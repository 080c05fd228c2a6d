"""What happens at the edges, as plain values the pure core consumes.

Station links, the on-screen simulation, the leader console and scripted runs all turn what they
see into these events; the session logic never asks where an event came from. Times are
``time.monotonic()`` seconds, supplied by the edge so the core can be tested with any clock.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Station buttons, in the order of their bits on the wire.
STATION_BUTTONS = ("minus", "plus", "ok")

#: Leader console actions, and the positions of its key.
CONSOLE_ACTIONS = ("previous", "next", "reveal", "reset")
KEY_POSITIONS = ("visitor", "workshop", "technician")


@dataclass(frozen=True)
class SliderMoved:
    """A ruler slider, filtered and calibrated: ``position`` is 0.0 (left) … 1.0 (right)."""

    neuron: str
    position: float
    t: float


@dataclass(frozen=True)
class ThresholdSet:
    """A threshold set directly, in the neuron's own units (on-screen drag, script, preset)."""

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
class ConsoleAction:
    """A leader console button: one of :data:`CONSOLE_ACTIONS`."""

    action: str
    t: float


@dataclass(frozen=True)
class KeyTurned:
    """The console's three-position key: one of :data:`KEY_POSITIONS`."""

    position: str
    t: float


@dataclass(frozen=True)
class StationStatus:
    """A station came online or went offline."""

    neuron: str
    online: bool
    t: float


Event = SliderMoved | ThresholdSet | ButtonPressed | ConsoleAction | KeyTurned | StationStatus
