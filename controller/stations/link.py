"""One station's link as the loop sees it: the parts that make it, and the events it gives.

A :class:`Link` is the loop's record of one station, composed of small parts with one job each:

- its :class:`~controller.stations.connection.Connection`: the open port, with the slider path
  the stations' reader thread runs (:class:`~controller.stations.slider.SliderTracker`), and
  whether the station is connecting, online or lost
  (:class:`~controller.stations.liveness.Liveness`);
- its :class:`~controller.stations.handshake.Handshake`: what the station said of itself;
- its :class:`~controller.stations.counters.Counters`: frames, errors, reconnects;
- its :class:`~controller.stations.controls.Controls`: the buttons, the slider's threshold and
  the gauges a technician watches;
- what its ring last showed (:class:`~controller.stations.ring.RingShown`).

The link turns the frames that arrive into :class:`~controller.events.SliderMoved`,
:class:`~controller.events.ButtonPressed` and :class:`~controller.events.StationStatus` events,
and its figures into one :class:`~controller.diagnosis.StationFigures`. Nothing survives a
reconnect but the counts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from controller.calibration import StationCalibration
from controller.diagnosis import StationFigures
from controller.events import Event, StationStatus
from controller.stations.connection import Connection
from controller.stations.controls import Controls
from controller.stations.counters import Counters
from controller.stations.framing import Frame
from controller.stations.handshake import Handshake
from controller.stations.liveness import CONNECTING, ONLINE, Timings
from controller.stations.messages import (
    ButtonEvent,
    Config,
    HelloAck,
    Log,
    MessageError,
    Ring,
    State,
    parse,
)
from controller.stations.port import Port
from controller.stations.ring import RingShown
from controller.stations.slider import (
    SliderPath,
    SliderSettings,
    SliderTracker,
)

log = logging.getLogger(__name__)


@dataclass
class LinkContext:
    """What every link needs to know of the installation (shared, owned by the links)."""

    entries: dict  # StationEntry by USB serial (controller.stations.roster)
    thresholds: frozenset[str]  # neurons that have a threshold: their sliders move it
    calibrations: dict[str, StationCalibration]  # by USB serial
    path_for: Callable[[str, str | None], SliderPath]  # (serial, neuron) → the slider path
    config: dict[str, int]  # pushed after each handshake
    ring_for: Callable[[Link], Ring | None]  # what the station's ring should show now
    slider: SliderSettings = field(default_factory=SliderSettings)

    def config_for(self, entry: Any) -> Config:
        """The settings pushed to a station after its handshake (its number, if listed)."""
        numbered = {"station_id": entry.station_id} if entry is not None else {}
        return Config.named(**self.config, **numbered)


class Link:
    """One station (or one listed port until its handshake), used by the loop's thread only.

    :param key: the station's USB serial, or a listed port's path until its handshake.
    :param context: the installation's shared knowledge.
    :param timings: liveness timings.
    """

    def __init__(self, key: str, context: LinkContext, timings: Timings, *, serial=None) -> None:
        self.key, self.context, self.serial = key, context, serial
        self.connection = Connection(timings)
        self.handshake = Handshake()
        self.counters = Counters()
        self._fresh_parts()

    def _fresh_parts(self) -> None:
        """What a reconnect starts afresh: everything but the connection and the counts."""
        moves = self.neuron in self.context.thresholds
        self.controls, self.ring = Controls(self.neuron, moves), RingShown()

    @property
    def entry(self) -> Any:
        """The roster's entry for this station, None for a board the roster does not know."""
        return self.context.entries.get(self.serial) if self.serial else None

    @property
    def neuron(self) -> str | None:
        """The neuron this station plays, if the roster knows its serial."""
        return self.entry.neuron if self.entry is not None else None

    @property
    def online(self) -> bool:
        """Whether the station has answered its handshake and is still heard."""
        return self.connection.online

    def name(self) -> str:
        """``station 7 (A, E66038B7133B5C2F)`` for the log."""
        who = self.serial or self.connection.device or self.key
        place = f"{self.entry.station_id} ({self.neuron}, {who})" if self.entry else who
        return f"station {place}"

    def connect(self, port: Port, now: float, tracker: SliderTracker) -> None:
        """Talk to the station through ``port`` (opening; ``tracker`` inspects its frames):
        say HELLO."""
        self.connection.open(port, tracker, now, Handshake.hello())
        self.counters.opened(self.connection.errors())

    def disconnect(self, now: float, reason: str, quiet: bool = False) -> list[Event]:
        """Close the port (if open) and mark the station absent; an event if it was online."""
        was_online = self.online
        self.counters.closed()
        self.connection.close(now)
        self.controls.buttons.clear()
        if not was_online:
            log.debug("%s: not connected (%s)", self.name(), reason)
            return []
        (log.debug if quiet else log.warning)("%s offline: %s", self.name(), reason)
        return [StationStatus(self.neuron, False, now)] if self.neuron else []

    def receive(self, frame: Frame, t: float, note: Any = None) -> list[Event]:
        """Handle one checked frame read at ``t`` (with its reader's note); its events."""
        phase = self.connection.liveness.phase
        if phase == CONNECTING and frame.type == HelloAck.TYPE:
            return self._handshake(frame, t)
        if phase != ONLINE:
            return []  # a straggler from a port being closed, or no answer yet
        self.connection.heard(t)
        self.counters.heard(frame.seq)
        try:
            message, slider, value = note or (parse(frame), None, None)
        except MessageError as exc:
            self.counters.malformed += 1
            log.debug("%s: %s", self.name(), exc)
            return []
        if isinstance(message, State):
            self.counters.frames += 1
            return self.controls.state(message, slider, value, t)
        if isinstance(message, ButtonEvent):
            events = self.controls.event(message, t)
            self.counters.malformed += events is None
            return events or []
        if isinstance(message, Log):
            log.info("%s says: %s", self.name(), message.text)
        return []

    def _handshake(self, frame: Frame, t: float) -> list[Event]:
        try:
            ack = self.handshake.answer(frame, self.name())
        except MessageError as exc:
            self.counters.malformed += 1
            log.warning("%s: unreadable HELLO_ACK (%s)", self.name(), exc)
            return []
        if ack is not None and self.handshake.welcome(ack, self.name(), self.connection.device):
            return self._online(ack, t)
        self.serial = ack.serial if ack is not None else self.serial
        self.counters.closed()
        self.connection.close(t, refused=True)
        return []

    def _online(self, ack: HelloAck, t: float) -> list[Event]:
        if self.serial not in (None, ack.serial):
            log.warning("%s answers with serial %s: using it", self.name(), ack.serial)
        self.serial, connection = ack.serial, self.connection
        connection.liveness = connection.liveness.acknowledged(t)
        self.counters.welcomed()
        self._fresh_parts()
        if connection.tracker is not None:
            connection.tracker.use(self.context.path_for(ack.serial, self.neuron))
        connection.send(self.context.config_for(self.entry), t)
        self.show_ring(t)
        return [StationStatus(self.neuron, True, t)] if self.neuron else []

    def check(self, now: float) -> list[Event]:
        """Close a link that timed out (the connection sends the keepalive when due)."""
        reason = self.connection.check(now)
        return [] if reason is None else self.disconnect(now, reason)

    def show_ring(self, now: float) -> None:
        """Send the ring its pattern if it changed since it was last sent."""
        ring = self.context.ring_for(self) if self.online else None
        if self.ring.changed(ring) and ring is not None:
            self.connection.send(ring, now)

    def calibrate(self, calibration: StationCalibration) -> None:
        """Use a new calibration from the next reading (the filter is kept, the step re-read)."""
        tracker = self.connection.tracker
        if self.serial == calibration.usb_serial and tracker is not None:
            tracker.use(self.context.path_for(self.serial, self.neuron), keep_filter=True)

    def figures(self, now: float) -> StationFigures:
        """What a technician sees of this station at ``now``."""
        serial, heard = self.serial or self.key, self.connection.last_heard()
        who: dict[str, Any] = {
            "station_id": self.entry.station_id if self.entry else None,
            "serial": serial,
            "neuron": self.neuron,
            "port": self.connection.device,
            "online": self.online,
            "firmware": self.handshake.firmware,
            "calibrated": serial in self.context.calibrations,
            "last_seen_s_ago": None if heard is None else round(now - heard, 3),
        }
        return StationFigures(**who, **self.counters.figures(), **self.controls.figures(now))
