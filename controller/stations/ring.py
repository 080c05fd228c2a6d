"""What a station's LED ring shows, decided from the scene (pure).

Each station has a ring of LEDs beside its slider; the firmware draws the patterns of
firmware/PROTOCOL.md §3 and the controller picks one per station from the scene, in order of
urgency:

1. a calibration under way or just ended (technician mode): progress, then OK or fault;
   outside opening hours (the installation asleep), nothing else: the ring is dark;
2. a station not taking part in the current workshop step: one dim LED;
3. a slider to pick up: a light running the way to move it;
4. a pupil's answer checked: right (green pulses) or wrong (red blinking);
5. otherwise the neuron firing: its colour, as bright as its value (a faint glow at zero).

The links send a station a ``RING`` only when its pattern changes.
"""

from __future__ import annotations

from controller.diagnosis import CalibrationProgress, Diagnosis
from controller.network import Network
from controller.scene import Scene
from controller.stations.messages import RING_PATTERNS, Ring

#: The colours of an answer (the workshop's green and a clear red).
RIGHT_COLOUR, WRONG_COLOUR = (47, 179, 68), (230, 40, 40)
#: A neuron's value that lights its ring fully: hidden and output values are a few units;
#: an input counts up to 18 black pixels.
FULL_VALUE, FULL_COUNT = 8.0, 18.0

_P = {name: i for i, name in enumerate(RING_PATTERNS)}


def pattern(name: str, colour: tuple[int, int, int], level: int = 0) -> Ring:
    """A ``RING`` message for the pattern called ``name`` (one of RING_PATTERNS)."""
    red, green, blue = colour
    return Ring(_P[name], red, green, blue, max(0, min(255, int(level))))


def neuron_colour(network: Network, neuron: str, default: tuple[int, int, int]):
    """The neuron's workshop colour (the outputs have one), else ``default``."""
    for name, output in zip(network.output_names, network.outputs, strict=True):
        if name == neuron:
            text = output.colour.lstrip("#")
            return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
    return default


def neuron_value(scene: Scene, neuron: str) -> tuple[float, int]:
    """The neuron's value on the shown digit, and its layer (0 inputs, 1 hidden, 2 outputs)."""
    network, result = scene.network, scene.result
    if neuron in network.input_names:
        return float(result.inputs[0, network.input_names.index(neuron)]), 0
    if neuron in network.hidden_names:
        return float(result.hidden[0, network.hidden_names.index(neuron)]), 1
    if neuron in network.output_names:
        return float(result.outputs[0, network.output_names.index(neuron)]), 2
    return 0.0, 0


def calibration_progress(scene: Scene, serial: str | None) -> CalibrationProgress | None:
    """The calibration progress the technician desk reports for this station, if any."""
    diagnosis = scene.extras.get("diagnosis")
    if not isinstance(diagnosis, Diagnosis) or scene.mode != "technician":
        return None
    return diagnosis.calibration(serial)


def ring_for(
    scene: Scene, neuron: str | None, colour: tuple[int, int, int], serial: str | None = None
) -> Ring:
    """What the ring of ``neuron``'s station (USB serial ``serial``) shows in ``scene``."""
    progress = calibration_progress(scene, serial)
    if progress is not None:
        if progress.status == "running":
            return pattern("calibrating", colour, round(255 * progress.fraction))
        if progress.status == "ok":
            return pattern("calibration_ok", RIGHT_COLOUR, 255)
        if progress.status == "fault":
            return pattern("calibration_fault", WRONG_COLOUR, 255)
    if scene.asleep:  # outside opening hours: dark (firing at nothing lights no LED)
        return pattern("firing", colour, 0)
    if neuron is None:
        return pattern("idle", colour)
    view = scene.station(neuron)
    if not view.active:
        return pattern("offline", colour)
    if view.pickup == "up":
        return pattern("move_up", colour, 255)
    if view.pickup == "down":
        return pattern("move_down", colour, 255)
    if view.answer == "right":
        return pattern("right", RIGHT_COLOUR, 255)
    if view.answer == "wrong":
        return pattern("wrong", WRONG_COLOUR, 255)
    if scene.mode == "technician":
        return pattern("idle", colour)
    value, layer = neuron_value(scene, neuron)
    if scene.signal_layers is not None and layer >= scene.signal_layers:
        return pattern("idle", colour)  # the signal has not reached this layer yet
    full = FULL_COUNT if layer == 0 else FULL_VALUE
    level = round(255 * min(1.0, value / full))
    return pattern("firing", colour, level) if level > 0 else pattern("idle", colour)


class RingShown:
    """What was last sent to one station's ring, so a pattern goes out only when it changes."""

    def __init__(self) -> None:
        self.sent: Ring | None = None

    def changed(self, ring: Ring | None) -> bool:
        """Whether ``ring`` must be sent (it differs from the last sent; it is now the last)."""
        if ring is None or ring == self.sent:
            return False
        self.sent = ring
        return True
