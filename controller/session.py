"""The session: what the installation is showing now, as plain data.

A :class:`Session` is an immutable value: the network and its thresholds, the digits on show,
the view and language, each station's state, and the state of the modes (the workshop script and
where the class is in it, the visitor challenges and the visit, the training finale's run). What
an event does to it is the modes' business (:mod:`controller.modes`), which depend on this module
and never the other way: the mode engine takes a session and an event and returns the next
session, and freezes a session into the :class:`~controller.scene.Scene` the screen and the floor
draw. Nothing here reads a clock or a port, so every behaviour can be tested by feeding events
with made-up times (time passing is an event too, :class:`~controller.events.Tick`)::

    from controller.modes import engine
    session = Session.start(load_network(), load_digit_set("grandeur-nature"))
    session = engine.apply(session, SliderMoved("0", 7, t=1.0))
    engine.scene(session, now=1.0).decision

This module keeps the few changes every mode makes: thresholds (from a slider, which may be held
until it is picked up, or from software), the digit on show, a reset. The modes' settings, read
from the ``[modes]`` section of ``data/installation.toml``, are here too (:class:`ModeSettings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from controller.challenges import Challenge, Visit
from controller.datafile import INSTALLATION_FILE, Field, check_keys
from controller.diagnosis import Diagnosis
from controller.digits import Digit, DigitSet
from controller.network import Network
from controller.pickup import SLIDER_MODES, Pickup, SliderMode
from controller.scene import MODES, Mode, StationView, TrainingView, View, forward_set
from controller.script import Guide, Script


@dataclass(frozen=True)
class ModeSettings:
    """How the modes behave in this installation (``[modes]`` in installation.toml)."""

    start: Mode = "visitor"  # the mode at power-on, until the console's key says otherwise
    idle_timeout_s: float = 90.0  # visitor mode: untouched this long → attract, defaults back
    celebration_s: float = 6.0  # how long a solved challenge is celebrated
    sliders: SliderMode = "pickup"  # hold a slider until it catches up, or not (controller.pickup)


def load_mode_settings(path: str | Path = INSTALLATION_FILE) -> ModeSettings:
    """Read the ``[modes]`` section (absent: the defaults).

    :raises DataError: naming the file and the field, for anything malformed.
    """
    return mode_settings_from(Field.load(path))


def mode_settings_from(root: Field) -> ModeSettings:
    """The ``[modes]`` of a parsed installation document (see :func:`load_mode_settings`)."""
    section = root.get("modes", {})
    check_keys(section.table(), ("start", "idle_timeout_s", "celebration_s", "sliders"))
    default = ModeSettings()
    return ModeSettings(
        start=section.get("start", default.start).choice(MODES),
        idle_timeout_s=section.get("idle_timeout_s", default.idle_timeout_s).number(minimum=1),
        celebration_s=section.get("celebration_s", default.celebration_s).number(minimum=0),
        sliders=section.get("sliders", default.sliders).choice(SLIDER_MODES),
    )


@lru_cache(maxsize=16)
def _with_thresholds(defaults: Network, overrides: tuple[tuple[str, float], ...]) -> Network:
    """``defaults`` with ``overrides``: the very same object for the same thresholds, so what
    is built from it each frame (the scene's results, the screen's regions) can tell at a
    glance that nothing changed."""
    return defaults.with_thresholds(dict(overrides))


@lru_cache(maxsize=64)
def _blank_view(neuron: str) -> StationView:
    """What a station with nothing to show looks like (made once per neuron: a view is
    compared with it for every station every frame)."""
    return StationView(neuron)


@lru_cache(maxsize=64)
def _recognised(
    defaults: Network, overrides: tuple[tuple[str, float], ...], digits: DigitSet
) -> tuple[bool, ...]:
    """Whether each digit is read as its label by ``defaults`` with ``overrides`` (pure: the
    network and digit set are immutable, so a kept answer never goes stale)."""
    result = forward_set(_with_thresholds(defaults, overrides), digits)
    return tuple(map(bool, result.recognised(digits.labels())))


@dataclass(frozen=True)
class Session:
    """Everything that decides what is shown; change it with :meth:`apply`."""

    defaults: Network  # the network as loaded: its thresholds are the safe defaults
    digits: DigitSet
    library: dict[str, DigitSet] = field(default_factory=dict)  # sets the screen may switch to
    thresholds: dict[str, float] = field(default_factory=dict)  # overrides of the defaults
    digit_index: int = 0
    drawing: Digit | None = None
    view: View = "network"
    language: str = "fr"
    languages: tuple[str, ...] = ()  # those a visitor may choose, in the order they go round
    mode: Mode = "visitor"
    stations: dict[str, StationView] = field(default_factory=dict)  # online or not, by neuron
    changed_at: float = 0.0
    diagnosis: Diagnosis | None = None  # the technician's figures
    home: DigitSet | None = None  # the set shown when nobody is there (start, idle restore)
    settings: ModeSettings = field(default_factory=ModeSettings)
    pickup: Pickup = field(default_factory=Pickup)
    script: Script | None = None  # the workshop script (data/workshop.toml)
    guide: Guide | None = None  # where the workshop is in the script
    challenges: tuple[Challenge, ...] = ()  # the visitor challenges (data/visitor.toml)
    visit: Visit = field(default_factory=Visit)
    training: TrainingView = field(
        default_factory=TrainingView
    )  # the finale (controller.modes.finale)

    @classmethod
    def start(cls, network: Network, digits: DigitSet, **fields) -> Session:
        """A fresh session showing the first digit of ``digits`` with default thresholds.

        It plays freely until :func:`controller.modes.engine.begin` (or the key) enters a mode.
        """
        settings = fields.setdefault("settings", ModeSettings())
        fields.setdefault("pickup", Pickup(jump=settings.sliders == "jump"))
        return cls(defaults=network, digits=digits, home=digits, **fields)

    @property
    def network(self) -> Network:
        """The network with the session's thresholds applied."""
        return _with_thresholds(self.defaults, tuple(sorted(self.thresholds.items())))

    def recognised(self, digits: DigitSet) -> dict[str, bool]:
        """For each digit of ``digits`` (by name), whether the network now reads it as its label.

        The conditions of steps and challenges ask this on every event and every frame, for
        thresholds that rarely change: the answer is kept for the last few threshold sets.
        """
        overrides = tuple(sorted(self.thresholds.items()))
        return dict(zip(digits.names(), _recognised(self.defaults, overrides, digits), strict=True))

    def station_views(self, **per_neuron: Mapping[str, Any]) -> tuple[StationView, ...]:
        """What each station shows: online or not, and which way to pick up its slider.

        ``per_neuron`` adds a mode's own fields: ``answer={"A": "right"}`` and so on. Only
        neurons with something to show are listed.
        """
        thresholds = self.network.thresholds()
        views = []
        for neuron in (*self.defaults.input_names, *thresholds):
            blank = _blank_view(neuron)
            view = self.stations.get(neuron, blank)
            extra: dict[str, Any] = {k: v[neuron] for k, v in per_neuron.items() if neuron in v}
            if neuron in thresholds:
                extra["pickup"] = self.pickup.direction(neuron, thresholds[neuron])
            # replace() only where something differs: this runs for every station every frame.
            changed = {k: v for k, v in extra.items() if getattr(view, k) != v}
            if changed:
                view = replace(view, **changed)
            if view != blank:
                views.append(view)
        return tuple(views)

    # --- changes, each returning a new session ---------------------------------------------

    def threshold(self, neuron: str) -> float:
        """The current threshold of a hidden or output neuron."""
        return self.thresholds.get(neuron, self.defaults.threshold(neuron))

    def with_threshold(self, neuron: str, value: float, t: float) -> Session:
        """Set one threshold (ignored for a neuron that has none)."""
        if neuron not in self.defaults.thresholds() or self.threshold(neuron) == value:
            return self
        return replace(self, thresholds={**self.thresholds, neuron: value}, changed_at=t)

    def slider_moved(self, neuron: str, value: float) -> tuple[Session, bool]:
        """Record where a slider is; ``True`` with it if its threshold should follow it now."""
        if neuron not in self.defaults.thresholds():
            return self, False
        pickup, follows = self.pickup.moved(neuron, value, self.threshold(neuron))
        return replace(self, pickup=pickup), follows

    def set_thresholds(self, overrides: Mapping[str, float], t: float) -> Session:
        """Software sets the thresholds (``overrides`` of the defaults, all others default).

        Every slider left elsewhere is held until it is brought to its new value.
        """
        overrides = {n: float(v) for n, v in overrides.items() if v != self.defaults.threshold(n)}
        changed = overrides != self.thresholds
        session = replace(self, thresholds=overrides, changed_at=t if changed else self.changed_at)
        return replace(session, pickup=self.pickup.overtaken(session.network.thresholds()))

    def with_digit(self, index: int, t: float) -> Session:
        """Show digit ``index`` of the set (wrapping around)."""
        return replace(self, digit_index=index % len(self.digits), drawing=None, changed_at=t)

    def arrange(
        self, digits: DigitSet, digit: str, overrides: Mapping[str, float], t: float
    ) -> Session:
        """Put ``digits`` on show with ``digit`` first, and set the thresholds by software."""
        session = replace(self, digits=digits, drawing=None)
        return session.with_digit(digits.names().index(digit), t).set_thresholds(overrides, t)

    def reset(self, t: float) -> Session:
        """Back to the defaults: default thresholds, the home set's first digit, network view."""
        session = replace(self, digits=self.home or self.digits, view="network")
        return session.with_digit(0, t).set_thresholds({}, t)
