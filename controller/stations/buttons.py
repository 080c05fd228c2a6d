"""A station's buttons as the host sees them: from its EVENT frames and its state frames.

A station sends an EVENT frame at each edge of a button, and every state frame (50 a second)
carries the buttons held as a bitmask. The EVENT frames lead: a press counts at once. The
bitmask is the safety net: a press whose EVENT was lost (a dropped frame) still counts from the
next state frame. A state frame only adds a press, or forgets one, when no EVENT for that button
came just before, so a state sampled on the other side of an edge never makes a second press.

A button kept down for :data:`~controller.events.HOLD_S` is *held*, once per hold: the state
frames a still station sends as heartbeats (five a second) carry it there while nothing else
changes, so :meth:`Buttons.held_long` is asked at each of them.
"""

from __future__ import annotations

from controller.events import HOLD_S, STATION_BUTTONS

#: How long a button's EVENT frame outranks the state frames' bitmask for that button.
EVENT_LEAD_S = 0.1


class Buttons:
    """The buttons held on one station, and which presses have been reported."""

    def __init__(self) -> None:
        self.held: tuple[str, ...] = ()
        self._reported: set[str] = set()
        self._event_at: dict[str, float] = {}
        self._down_at: dict[str, float] = {}  # since when each button held has been down
        self._told_held: set[str] = set()  # the holds already reported

    def clear(self) -> None:
        """Nothing held (the station is gone, or has just come back)."""
        self.held, self._reported, self._event_at = (), set(), {}
        self._down_at, self._told_held = {}, set()

    def held_long(self, t: float) -> list[str]:
        """The buttons down for :data:`~controller.events.HOLD_S` at ``t`` and not yet reported
        as held: each hold is reported once."""
        long = [
            name
            for name, since in self._down_at.items()
            if t - since >= HOLD_S and name not in self._told_held
        ]
        self._told_held.update(long)
        return long

    def _note(self, t: float) -> None:
        """Keep when each button now held went down, and forget the released ones."""
        for name in self.held:
            self._down_at.setdefault(name, t)
        for name in [n for n in self._down_at if n not in self.held]:
            del self._down_at[name]
            self._told_held.discard(name)

    def state(self, bits: int, t: float) -> list[str]:
        """A state frame at ``t`` holds the buttons of ``bits``: the presses it newly shows."""
        held = tuple(name for i, name in enumerate(STATION_BUTTONS) if bits >> i & 1)
        self.held = held
        self._note(t)
        pressed = []
        for name in STATION_BUTTONS:
            if t - self._event_at.get(name, float("-inf")) < EVENT_LEAD_S:
                continue
            if name in held and name not in self._reported:
                self._reported.add(name)
                pressed.append(name)
            elif name not in held:
                self._reported.discard(name)
        return pressed

    def event(self, name: str, pressed: bool, t: float) -> list[str]:
        """An EVENT frame at ``t``: ``name`` went down (``pressed``) or up; the new press, if
        it is one."""
        self._event_at[name] = t
        if not pressed:
            self._reported.discard(name)
            self.held = tuple(b for b in self.held if b != name)
            self._note(t)
            return []
        if name not in self.held:
            self.held = (*self.held, name)
        self._note(t)
        if name in self._reported:
            return []
        self._reported.add(name)
        return [name]
