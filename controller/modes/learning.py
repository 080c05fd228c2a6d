"""The workshop's learning rule: thresholds move by one step at a time.

In the tabletop learning phase a badly read digit is fixed by moving thresholds, but "on ne
modifie pas complètement et violemment tout lorsqu'on a un mauvais exemple car on pourrait
casser l'apprentissage précédent": during a learning step each threshold may move by at most
``max_move`` (1 in the shipped script) from where the step started. A pupil who slides further
is *flagged* (the ring and the screen say so) and the threshold stops at the allowed value, so
the network never shows the result of a move the rule forbids.

All pure: give it the step's starting thresholds and where the slider is.
"""

from __future__ import annotations

from collections.abc import Mapping

from controller.conditions import TOLERANCE
from controller.scene import MoveView


def allowed(value: float, start: float, max_move: float | None) -> float:
    """The threshold a slider at ``value`` sets: no further than ``max_move`` from ``start``."""
    if max_move is None:
        return value
    return min(max(value, start - max_move), start + max_move)


def too_far(value: float | None, start: float, max_move: float | None) -> bool:
    """Whether a slider at ``value`` is past what the rule allows (None: not seen yet)."""
    if value is None or max_move is None:
        return False
    return abs(value - start) > max_move + TOLERANCE


def moves(
    thresholds: Mapping[str, float],
    start: Mapping[str, float],
    sliders: Mapping[str, float],
    max_move: float | None,
) -> tuple[MoveView, ...]:
    """Every threshold moved since the step started, or whose slider is flagged, in order."""
    found = []
    for neuron, now in thresholds.items():
        before = start[neuron]
        flagged = too_far(sliders.get(neuron), before, max_move)
        if flagged or abs(now - before) > TOLERANCE:
            found.append(MoveView(neuron, before, now, flagged))
    return tuple(found)
