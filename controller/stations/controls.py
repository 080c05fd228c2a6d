"""What a station's controls say in its frames, as the loop's events.

A station reports its slider and the buttons held in a state frame when they change (and as a
heartbeat, five times a second, when nothing does), and each button's edges at once in an EVENT
frame. :class:`Controls` turns them into
:class:`~controller.events.ButtonPressed` (one per press, from whichever frame shows it first:
:class:`~controller.stations.buttons.Buttons`) and :class:`~controller.events.SliderMoved`
(when the threshold the slider sets changes: :class:`~controller.stations.slider.Slider`),
:class:`~controller.events.ButtonHeld` (a button kept down: :meth:`Controls.held`), and
keeps the readings a technician watches (:class:`~controller.stations.gauges.Gauges`). A station
starts with fresh controls at each handshake, for the neuron it then plays.
"""

from __future__ import annotations

from typing import Any

from controller.events import STATION_BUTTONS, ButtonHeld, ButtonPressed, Event, SliderMoved
from controller.stations.buttons import Buttons
from controller.stations.gauges import Gauges
from controller.stations.messages import ButtonEvent, State
from controller.stations.slider import Slider, SliderState


class Controls:
    """One station's buttons, slider and gauges, for ``neuron`` (None: a station the roster
    does not know, whose controls give no events); ``moves_threshold``: its slider sets the
    neuron's threshold (a hidden or output neuron)."""

    def __init__(self, neuron: str | None = None, moves_threshold: bool = False) -> None:
        self.neuron = neuron
        self.moves_threshold = moves_threshold
        self.buttons = Buttons()
        self.slider = Slider()
        self.gauges = Gauges()

    @property
    def value(self) -> float | None:
        """The threshold the slider sets now, None for a station whose slider sets none."""
        return self.slider.value if self.moves_threshold else None

    def state(
        self, state: State, slider: SliderState | None, value: float | None, t: float
    ) -> list[Event]:
        """A state frame read at ``t``, with the slider as the reader's tracker left it
        (``slider`` None: no path yet); its events."""
        self.gauges.read(float(state.raw), state.spikes, t, state.noise_lsb)
        events = self._pressed(self.buttons.state(state.buttons, t), t)
        moved = self.slider.moved(slider, value)
        if moved and value is not None and self.moves_threshold and self.neuron:
            events.append(SliderMoved(self.neuron, value, t))
        return events + self.held(t)

    def held(self, t: float) -> list[Event]:
        """The buttons that have just been down long enough to count as held, at ``t``."""
        held = self.buttons.held_long(t)
        return [ButtonHeld(self.neuron, b, t) for b in held] if held and self.neuron else []

    def event(self, message: ButtonEvent, t: float) -> list[Event] | None:
        """An EVENT frame read at ``t``: its press, if it is one; None for a button the
        station does not have (a malformed frame)."""
        if message.button >= len(STATION_BUTTONS):
            return None
        name = STATION_BUTTONS[message.button]
        return self._pressed(self.buttons.event(name, bool(message.pressed), t), t)

    def _pressed(self, buttons: list[str], t: float) -> list[Event]:
        return [ButtonPressed(self.neuron, b, t) for b in buttons] if self.neuron else []

    def figures(self, now: float) -> dict[str, Any]:
        """What the controls show, as :class:`~controller.diagnosis.StationFigures` fields."""
        return {
            "filtered": self.slider.state.filtered,
            "slider": self.value,
            "buttons": self.buttons.held,
            **self.gauges.figures(now),
        }
