"""The scene snapshot: one immutable value holding everything the screen and the floor show.

Data flows one way: events → session state → network forward pass → :class:`Scene` → the
display draws it and the LED mapper turns it into pixels. Neither of those looks anywhere else,
so a scene can be rendered headless, replayed, or compared in a test.

:func:`build_scene` is pure: give it the network, the digits and the state, get a scene.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from controller.digits import Digit, DigitSet
from controller.network import Decision, Forward, Network, forward


@dataclass(frozen=True)
class StationView:
    """What the screen shows about one neuron's station.

    ``online`` is None when the neuron has no station (e.g. simulation without hardware).
    ``pickup`` is "up"/"down" when the physical slider must be moved that way to catch the
    software threshold, else None.
    """

    neuron: str
    online: bool | None = None
    pickup: str | None = None
    answer: str | None = None  # "right" / "wrong" after a pupil's answer, else None


@dataclass(frozen=True, eq=False)
class Scene:
    """Everything drawn at one instant. Build it with :func:`build_scene`."""

    t: float
    network: Network  # with the current thresholds applied
    digits: DigitSet  # the current set (its chips sit on the rulers)
    digit_index: int | None  # which digit of the set is shown, None for a drawing
    digit: Digit  # the digit shown on the network view
    result: Forward  # the network on ``digit`` (batch of one)
    set_result: Forward  # the network on every digit of ``digits``
    stations: tuple[StationView, ...] = ()
    mode: str = "visitor"  # visitor / workshop / technician
    view: str = "network"  # network / rulers / decision / attract / draw / training …
    step: str | None = None  # the workshop script's step id, if any
    language: str = "fr"
    changed_at: float = 0.0  # when the shown values last changed (the floor's pulse starts then)
    message: str | None = None  # a key into the texts, for a banner (challenge, hint)
    floor: object | None = None  # the LED floor's pixels (controller.floor), for the on-screen mat
    extras: dict = field(default_factory=dict)  # view-specific plain data (training curve…)

    @property
    def decision(self) -> Decision:
        """The network's decision on the shown digit."""
        return self.result.decision(0)

    @property
    def thresholds(self) -> dict[str, float]:
        """Every hidden and output threshold, by neuron name."""
        return self.network.thresholds()

    def station(self, neuron: str) -> StationView:
        """The station view of ``neuron`` (a default one if the neuron has no station)."""
        for s in self.stations:
            if s.neuron == neuron:
                return s
        return StationView(neuron)

    def offline(self) -> list[str]:
        """The neurons whose station is known to be offline."""
        return [s.neuron for s in self.stations if s.online is False]

    def recognised(self) -> np.ndarray:
        """For each digit of the set, whether the network reads it as its label."""
        return self.set_result.recognised(self.digits.labels())


def build_scene(
    network: Network,
    digits: DigitSet,
    *,
    digit_index: int | None = 0,
    drawing: Digit | None = None,
    t: float = 0.0,
    **state,
) -> Scene:
    """Compute the network on the shown digit and the whole set, and freeze it all in a scene.

    ``drawing`` (a visitor's own digit) is shown instead of ``digits[digit_index]`` when given.
    Any other keyword is a :class:`Scene` field (stations, mode, view, step, …).
    """
    digit = drawing if drawing is not None else digits.digits[digit_index or 0]
    if drawing is not None:
        digit_index = None
    return Scene(
        t=t,
        network=network,
        digits=digits,
        digit_index=digit_index,
        digit=digit,
        result=forward(network, digit.pixels),
        set_result=forward(network, digits.grids()),
        **state,
    )
