"""Slider pickup: a slider the software has overtaken acts again only once it catches up.

A station's slider is a physical ruler; software cannot move it. When software sets a threshold
(reset, the visitor mode's idle restore, a workshop step's preset, a trained network) the slider
may be left somewhere else. If it then acted at once, the first nudge would make the threshold
jump from the software value to wherever the slider happens to be. So, as on MIDI controllers,
the slider is *held*: it has no effect until it crosses the software value, and the station's
ring and the screen show which way to move it ("up" or "down"). An installation may prefer
*jump* (the slider always acts at once), set in ``data/installation.toml``.

A slider never seen yet (just after start-up, or after its station was replugged) is trusted at
once: nothing in software has overtaken it. Everything here is pure::

    pickup = Pickup().moved("A", 12, software=8)[0]    # A's slider seen at 12: follows
    pickup = pickup.overtaken({"A": 8})                 # software restores A to 8: held
    pickup.direction("A", 8)                            # "down"
    pickup, follows = pickup.moved("A", 11, software=8)  # still held: follows is False
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

#: Installation settings: hold a slider until it crosses the software value, or follow at once.
SliderMode = Literal["pickup", "jump"]
SLIDER_MODES: tuple[SliderMode, ...] = ("pickup", "jump")


@dataclass(frozen=True)
class Pickup:
    """Where each physical slider was last seen, and which ones wait to catch the software."""

    jump: bool = False  # the installation chose "jump": sliders always act at once
    physical: Mapping[str, float] = field(default_factory=dict)
    held: frozenset[str] = frozenset()

    def moved(self, neuron: str, value: float, software: float) -> tuple[Pickup, bool]:
        """The slider of ``neuron`` now reads ``value``; does the threshold follow it?

        A held slider follows again from the reading that reaches or crosses ``software`` (the
        threshold as software left it), so the threshold never jumps.
        """
        before = self.physical.get(neuron)
        physical = {**self.physical, neuron: value}
        if neuron not in self.held:
            return replace(self, physical=physical), True
        caught = value == software or (before is not None and _between(software, before, value))
        held = self.held - {neuron} if caught else self.held
        return replace(self, physical=physical, held=held), caught

    def ignored(self, neuron: str, value: float, software: float) -> Pickup:
        """The slider moved while its station takes no part: remember it, held if off the value.

        A pupil fiddling with a ruler that is not in play then sees which way to put it back,
        and the slider will not jump the threshold when its station takes part again.
        """
        physical = {**self.physical, neuron: value}
        off = value != software and not self.jump
        held = self.held | {neuron} if off else self.held - {neuron}
        return replace(self, physical=physical, held=held)

    def overtaken(self, software: Mapping[str, float]) -> Pickup:
        """Software has set these thresholds: every known slider elsewhere is held."""
        if self.jump:
            return self
        known = {n: v for n, v in software.items() if n in self.physical}
        off = {n for n, v in known.items() if self.physical[n] != v}
        return replace(self, held=(self.held - known.keys()) | off)

    def forget(self, neuron: str) -> Pickup:
        """The station went away: its slider will be trusted again when it comes back."""
        physical = {n: v for n, v in self.physical.items() if n != neuron}
        return replace(self, physical=physical, held=self.held - {neuron})

    def direction(self, neuron: str, software: float) -> str | None:
        """Which way to move a held slider to catch ``software``: "up", "down", or None."""
        if neuron not in self.held:
            return None
        return "up" if self.physical[neuron] < software else "down"


def _between(x: float, a: float, b: float) -> bool:
    """Whether ``x`` lies between ``a`` and ``b`` (either order, ends included)."""
    return min(a, b) <= x <= max(a, b)
