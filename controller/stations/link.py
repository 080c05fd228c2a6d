"""One station's link as the loop sees it: handshake, liveness, counters, slider and buttons.

A station goes through these phases (PROTOCOL.md §5, R5)::

    absent ──port found──▶ connecting ──HELLO_ACK──▶ online ──500 ms silent / serial error──▶ absent
                              │  └─ no answer in 1 s ─▶ absent (try again later, backing off)
                              └─ another protocol major ─▶ refused (logged, tried again much later)

:class:`Liveness` is that state machine, pure and driven by the times it is given, so the
heartbeat, time-outs and back-off are tested with a made-up clock. :class:`Link` is the
loop's record of one station around it: the port's reader thread, the frames that arrive
(turned into :class:`~controller.events.SliderMoved`, :class:`~controller.events.ButtonPressed`
and :class:`~controller.events.StationStatus` events), the counters a technician reads, and
what was last sent to the station's ring. Nothing survives a reconnect but the counters.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from controller.events import STATION_BUTTONS, ButtonPressed, Event, SliderMoved, StationStatus
from controller.stations.framing import (
    DELIMITER,
    PROTOCOL_MAJOR,
    PROTOCOL_MINOR,
    STATION_LIMIT,
    Frame,
    LineErrors,
    encode,
)
from controller.stations.messages import (
    KINDS,
    RESET_CAUSES,
    ButtonEvent,
    Config,
    Hello,
    HelloAck,
    Log,
    Message,
    MessageError,
    Ping,
    Ring,
    State,
    pack,
    parse,
    read_versions,
)
from controller.stations.port import PortReader
from controller.stations.slider import SliderPath, SliderSettings, SliderState
from controller.technician.calibration import StationCalibration
from controller.technician.diagnostics import LinkReading

log = logging.getLogger(__name__)

#: The phases of a link.
ABSENT, CONNECTING, ONLINE, REFUSED = "absent", "connecting", "online", "refused"
#: ``HelloAck.kind`` of a station (the other kind is the LED floor's driver).
STATION_KIND = 1
#: How long a button's EVENT frame outranks the state frames' bitmask for that button.
EVENT_LEAD_S = 0.1


@dataclass(frozen=True)
class Timings:
    """The liveness timings of R5 (``[stations]`` in installation.toml), in seconds."""

    offline_after: float = 0.5  # no valid frame for this long: offline
    handshake_timeout: float = 1.0  # no HELLO_ACK this long after HELLO: close, try later
    rescan: float = 1.0  # first wait before opening a lost station again
    rescan_max: float = 5.0  # the wait doubles after each failed try, up to this
    ping_every: float = 1.0  # keepalive: the host sends something at least this often


@dataclass(frozen=True)
class Liveness:
    """Where one link is in its life, and when it may be tried again (pure)."""

    timings: Timings = field(default_factory=Timings)
    phase: str = ABSENT
    since: float = float("-inf")
    last_heard: float | None = None
    last_sent: float | None = None
    retry_at: float = float("-inf")
    delay: float | None = None  # the next back-off; None: the first, ``timings.rescan``

    def opened(self, now: float) -> Liveness:
        """The port is open and HELLO is on its way."""
        return replace(self, phase=CONNECTING, since=now, last_heard=None, last_sent=now)

    def acknowledged(self, t: float) -> Liveness:
        """The station answered HELLO: online, and the back-off starts afresh."""
        return replace(self, phase=ONLINE, since=t, last_heard=t, delay=None)

    def heard(self, t: float) -> Liveness:
        """A valid frame arrived at ``t``."""
        if self.last_heard is not None and t <= self.last_heard:
            return self
        return replace(self, last_heard=t)

    def sent(self, now: float) -> Liveness:
        """Something was sent to the station at ``now`` (it counts as a keepalive)."""
        return replace(self, last_sent=now)

    def lost(self, now: float) -> Liveness:
        """The port closed, or was closed: absent; try again after the back-off."""
        delay = self.timings.rescan if self.delay is None else self.delay
        return replace(
            self,
            phase=ABSENT,
            since=now,
            retry_at=now + delay,
            delay=min(2 * delay, self.timings.rescan_max),
        )

    def refused(self, now: float) -> Liveness:
        """The station speaks another protocol major: leave it, look again much later."""
        wait = self.timings.rescan_max
        return replace(self, phase=REFUSED, since=now, retry_at=now + wait, delay=wait)

    def expired(self, now: float, heard: float | None = None) -> str | None:
        """Why the link must be closed at ``now``, or None if it is fine (``heard``: a frame
        read since, not yet recorded with :meth:`heard`)."""
        if self.phase == CONNECTING and now - self.since >= self.timings.handshake_timeout:
            return "no answer to HELLO"
        last = max(t for t in (self.last_heard, heard, self.since) if t is not None)
        if self.phase == ONLINE and now - last >= self.timings.offline_after:
            return "silent"
        return None

    def needs_ping(self, now: float) -> bool:
        """Whether the keepalive is due (nothing sent for ``ping_every``)."""
        if self.phase != ONLINE:
            return False
        return self.last_sent is None or now - self.last_sent >= self.timings.ping_every

    def may_open(self, now: float) -> bool:
        """Whether a port for this station may be opened at ``now``."""
        return self.phase in (ABSENT, REFUSED) and now >= self.retry_at


class SliderTracker:
    """The slider's signal path, run in the port's reader thread on every state frame.

    A still slider sends 50 frames a second that change nothing; waking the loop for each would cost
    more than everything else the links do. The reader thread runs the path
    (:class:`~controller.stations.slider.SliderPath`) itself and wakes the loop only when the
    threshold the slider sets changes, its buttons change, or a frame is not a state frame. Each
    frame travels to the loop with its note: ``(State, SliderState, value)``.

    The loop hands it a new path (after the handshake, or a calibration) with :meth:`use`; the
    thread takes it at its next frame. Nothing else is shared between the threads.
    """

    def __init__(self) -> None:
        self._path: SliderPath | None = None
        self._state = SliderState()
        self._buttons: int | None = None
        self._next: deque[tuple[SliderPath, bool]] = deque(maxlen=1)

    def use(self, path: SliderPath, keep_filter: bool = False) -> None:
        """Follow ``path`` from the next frame (``keep_filter``: keep the EMA, re-quantise)."""
        self._next.append((path, keep_filter))

    def inspect(self, frame: Frame) -> tuple[Any, bool]:
        """In the reader thread: the frame's note, and whether the loop must wake for it."""
        if frame.type != State.TYPE:
            return None, True
        try:
            state = State.from_body(frame.body)
        except MessageError:
            return None, True  # the loop counts it
        if self._next:
            self._path, keep = self._next.popleft()
            self._state = SliderState(self._state.filtered) if keep else SliderState()
        urgent = state.buttons != self._buttons
        self._buttons = state.buttons
        if self._path is None:
            return (state, None, None), urgent
        before = self._path.value(self._state)
        self._state = self._path.step(self._state, state.raw)
        value = self._path.value(self._state)
        return (state, self._state, value), urgent or value != before


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


class Link:
    """One station (or one listed port) as the loop keeps it; used by the loop's thread only.

    :param key: the station's USB serial, or a listed port's path until its handshake.
    :param context: the installation's shared knowledge.
    :param timings: liveness timings.
    """

    def __init__(
        self,
        key: str,
        context: LinkContext,
        timings: Timings,
        *,
        serial: str | None = None,
        device: str | None = None,
    ) -> None:
        self.key = key
        self.context = context
        self.serial = serial
        self.device = device
        self.liveness = Liveness(timings)
        self._heard: float | None = None
        self.reader: PortReader | None = None
        self.tx_seq = 0
        # counters, kept across reconnects
        self.frames = 0
        self.malformed = 0
        self.resyncs = 0
        self.lost_frames = 0
        self.reconnects = 0
        self.handshakes = 0
        self._past_errors = LineErrors()
        self._errors_seen = 0
        # what the last handshake said
        self.firmware: str | None = None
        self.protocol: tuple[int, int] | None = None
        self.boot_id: int | None = None
        self.reset_cause: str | None = None
        self.refusal: str | None = None
        # live values
        self.last_seq: int | None = None
        self.raw: float | None = None
        self.spikes = 0
        self.buttons: tuple[str, ...] = ()
        self._reported: set[str] = set()
        self._event_at: dict[str, float] = {}
        self.slider = SliderState()
        self._value: float | None = None
        self.tracker: SliderTracker | None = None
        self.ring_sent: Ring | None = None

    # --- who it is --------------------------------------------------------------------------

    @property
    def entry(self):
        """The layout's entry for this station, None for a board the layout does not know."""
        return self.context.entries.get(self.serial) if self.serial else None

    @property
    def neuron(self) -> str | None:
        """The neuron this station plays, if the layout knows its serial."""
        entry = self.entry
        return entry.neuron if entry is not None else None

    @property
    def online(self) -> bool:
        """Whether the station has answered its handshake and is still heard."""
        return self.liveness.phase == ONLINE

    @property
    def moves_threshold(self) -> bool:
        """Whether this station's slider sets a threshold (a hidden or output neuron)."""
        return self.neuron in self.context.thresholds

    def name(self) -> str:
        """``station 7 (A, E66038B7133B5C2F)`` for the log."""
        entry = self.entry
        who = self.serial or self.device or self.key
        if entry is None:
            return f"station {who}"
        return f"station {entry.station_id} ({entry.neuron}, {who})"

    # --- the port ---------------------------------------------------------------------------

    def connect(self, reader: PortReader, now: float, tracker: SliderTracker) -> None:
        """Start talking to the station through ``reader`` (whose ``inspect`` is
        ``tracker``'s): open its port, say HELLO."""
        self.reader = reader
        self.tracker = tracker
        self.device = reader.device
        self.tx_seq = 0
        self._errors_seen = 0
        self.liveness = self.liveness.opened(now)
        self._heard = None
        reader.start()
        # A lone 0x00 first ends whatever partial frame the board may hold (PROTOCOL.md §5).
        reader.send(DELIMITER + self._encode(Hello(PROTOCOL_MAJOR, PROTOCOL_MINOR)))

    def send(self, message: Message, now: float) -> None:
        """Queue ``message`` for the station (nothing happens if no port is open)."""
        if self.reader is None:
            return
        self.reader.send(self._encode(message))
        self.liveness = self.liveness.sent(now)

    def _encode(self, message: Message) -> bytes:
        data = encode(pack(message, self.tx_seq), STATION_LIMIT)
        self.tx_seq = (self.tx_seq + 1) & 0xFF
        return data

    def disconnect(self, now: float, reason: str, quiet: bool = False) -> list[Event]:
        """Close the port (if open) and mark the station absent; an event if it was online."""
        was_online = self.online
        if self._heard is not None:
            self.liveness, self._heard = self.liveness.heard(self._heard), None
        self._close_reader()
        if self.liveness.phase != REFUSED:
            self.liveness = self.liveness.lost(now)
        self.buttons, self._reported = (), set()
        if not was_online:
            log.debug("%s: not connected (%s)", self.name(), reason)
            return []
        (log.debug if quiet else log.warning)("%s offline: %s", self.name(), reason)
        return [StationStatus(self.neuron, False, now)] if self.neuron else []

    def _close_reader(self) -> None:
        if self.reader is not None:
            for kind, count in asdict(self.reader.deframer.errors).items():
                setattr(self._past_errors, kind, getattr(self._past_errors, kind) + count)
            self.reader.close()
            self.reader = None

    def line_errors(self) -> LineErrors:
        """What the current port's receiver has dropped so far (empty when closed)."""
        return self.reader.deframer.errors if self.reader is not None else LineErrors()

    @property
    def errors(self) -> int:
        """Frames dropped since start: bad framing, CRC, version, size, malformed messages."""
        return self._past_errors.total() + self.line_errors().total() + self.malformed

    def errors_by_kind(self) -> dict[str, int]:
        """Frames dropped since start by kind (PROTOCOL.md §1), and the bytes thrown away."""
        now = asdict(self.line_errors())
        kinds = {k: v + now[k] for k, v in asdict(self._past_errors).items()}
        kinds["malformed"] += self.malformed
        return kinds

    # --- what arrives -----------------------------------------------------------------------

    def receive(self, frame: Frame, t: float, note: Any = None) -> list[Event]:
        """Handle one checked frame read at ``t`` (with its reader's note); return the events
        it gives."""
        if self.liveness.phase == CONNECTING:
            return self._handshake(frame, t) if frame.type == HelloAck.TYPE else []
        if self.liveness.phase != ONLINE:
            return []  # a straggler from a port being closed
        self._heard = t  # kept beside the liveness: a frame must not cost a new value
        self._count_sequence(frame.seq)
        self._count_resync()
        if note is not None:
            return self._state(note, t)
        try:
            message = parse(frame)
        except MessageError as exc:
            self.malformed += 1
            log.debug("%s: %s", self.name(), exc)
            return []
        if isinstance(message, State):
            return self._state((message, None, None), t)
        if isinstance(message, ButtonEvent):
            return self._button(message, t)
        if isinstance(message, Log):
            log.info("%s says: %s", self.name(), message.text)
        return []

    def _handshake(self, frame: Frame, t: float) -> list[Event]:
        try:
            major, minor = read_versions(frame.body)
        except MessageError:
            self.malformed += 1
            return []
        if major != PROTOCOL_MAJOR or frame.version != PROTOCOL_MAJOR:
            return self._refuse(major, minor, t)
        try:
            ack = parse(frame)
        except MessageError as exc:
            self.malformed += 1
            log.warning("%s: unreadable HELLO_ACK (%s)", self.name(), exc)
            return []
        assert isinstance(ack, HelloAck)
        if ack.kind != STATION_KIND:
            kind = KINDS.get(ack.kind, f"kind {ack.kind}")
            log.warning(
                "board %s is a %s, not a station: list its serial in [stations] ignore",
                ack.serial,
                kind,
            )
            self.serial = ack.serial
            self._close_reader()
            self.liveness = self.liveness.refused(t)
            self.refusal = kind
            return []
        return self._welcome(ack, t)

    def _refuse(self, major: int, minor: int, t: float) -> list[Event]:
        refusal = (
            f"{self.name()}: protocol {major}.{minor}, this controller speaks "
            f"{PROTOCOL_MAJOR}.x: update the firmware"
        )
        if refusal != self.refusal:
            log.error("%s", refusal)
        self.refusal = refusal
        self.protocol = (major, minor)
        self._close_reader()
        self.liveness = self.liveness.refused(t)
        return []

    def _welcome(self, ack: HelloAck, t: float) -> list[Event]:
        if self.serial is not None and ack.serial != self.serial:
            log.warning("%s answers with serial %s: using it", self.name(), ack.serial)
        self.serial = ack.serial
        ack_version = (ack.major, ack.minor)
        if ack.minor != PROTOCOL_MINOR:
            ours = (PROTOCOL_MAJOR, PROTOCOL_MINOR)
            log.info("%s speaks protocol %d.%d (we speak %d.%d)", self.name(), *ack_version, *ours)
        self.protocol = (ack.major, ack.minor)
        self.firmware = ack.firmware_version
        self.boot_id = ack.boot_id
        cause = ack.reset_cause
        self.reset_cause = RESET_CAUSES[cause] if cause < len(RESET_CAUSES) else str(cause)
        self.refusal = None
        self.liveness = self.liveness.acknowledged(t)
        self.reconnects += self.handshakes > 0
        self.handshakes += 1
        self.last_seq = None
        self.raw, self.spikes, self.buttons, self._reported = None, 0, (), set()
        self._event_at = {}
        self.slider, self._value = SliderState(), None
        if self.tracker is not None:
            self.tracker.use(self.context.path_for(ack.serial, self.neuron))
        self.ring_sent = None
        entry = self.entry
        config = dict(self.context.config)
        if entry is not None:
            config["station_id"] = entry.station_id
        self.send(Config.named(**config), t)
        self.show_ring(t)
        log.info(
            "%s online: firmware %s, reset by %s, via %s",
            self.name(),
            self.firmware,
            self.reset_cause,
            self.device,
        )
        return [StationStatus(self.neuron, True, t)] if self.neuron else []

    def _count_sequence(self, seq: int) -> None:
        if self.last_seq is not None:
            self.lost_frames += (seq - self.last_seq - 1) & 0xFF
        self.last_seq = seq

    def _count_resync(self) -> None:
        """A valid frame after dropped ones: the line found its feet again."""
        seen = self.line_errors().total()
        if seen > self._errors_seen:
            self.resyncs += 1
            self._errors_seen = seen

    def _state(self, note: tuple, t: float) -> list[Event]:
        """A state frame, with the slider as the reader's tracker left it."""
        state, slider, value = note
        self.frames += 1
        self.raw, self.spikes = float(state.raw), state.spikes
        events: list[Event] = self._held(state.buttons, t)
        if slider is None:
            return events
        self.slider = slider
        if value != self._value:
            self._value = value
            if self.moves_threshold:
                events.append(SliderMoved(self.neuron, value, t))
        return events

    def _held(self, bits: int, t: float) -> list[Event]:
        """Buttons held, from the state's bitmask; a press whose EVENT was lost still counts.

        The EVENT frames lead (they are sent at the edge); a state frame only adds a press, or
        forgets one, when no EVENT for that button came just before, so a state sampled on the
        other side of an edge never makes a second press.
        """
        held = tuple(name for i, name in enumerate(STATION_BUTTONS) if bits >> i & 1)
        self.buttons = held
        events: list[Event] = []
        for name in STATION_BUTTONS:
            if t - self._event_at.get(name, float("-inf")) < EVENT_LEAD_S:
                continue
            if name in held and name not in self._reported:
                self._reported.add(name)
                events += self._pressed(name, t)
            elif name not in held:
                self._reported.discard(name)
        return events

    def _button(self, message: ButtonEvent, t: float) -> list[Event]:
        if message.button >= len(STATION_BUTTONS):
            self.malformed += 1
            return []
        name = STATION_BUTTONS[message.button]
        self._event_at[name] = t
        if not message.pressed:
            self._reported.discard(name)
            self.buttons = tuple(b for b in self.buttons if b != name)
            return []
        if name not in self.buttons:
            self.buttons = (*self.buttons, name)
        if name in self._reported:
            return []
        self._reported.add(name)
        return self._pressed(name, t)

    def _pressed(self, button: str, t: float) -> list[Event]:
        return [ButtonPressed(self.neuron, button, t)] if self.neuron else []

    # --- time passing -----------------------------------------------------------------------

    def last_heard(self) -> float | None:
        """When the last valid frame from the station was read (monotonic), None if never."""
        times = [t for t in (self._heard, self.liveness.last_heard) if t is not None]
        return max(times) if times else None

    def check(self, now: float) -> list[Event]:
        """Close a link that timed out; send the keepalive when due."""
        reason = self.liveness.expired(now, self._heard)
        if reason is not None:
            return self.disconnect(now, reason)
        if self.liveness.needs_ping(now):
            self.send(Ping(), now)
        return []

    # --- what it shows ----------------------------------------------------------------------

    def show_ring(self, now: float) -> None:
        """Send the ring its pattern if it changed since it was last sent."""
        if not self.online:
            return
        ring = self.context.ring_for(self)
        if ring is not None and ring != self.ring_sent:
            self.send(ring, now)
            self.ring_sent = ring

    def calibrate(self, calibration: StationCalibration) -> None:
        """Use a new calibration from the next reading (the filter is kept, the step re-read)."""
        if self.serial == calibration.usb_serial and self.tracker is not None:
            self.tracker.use(self.context.path_for(self.serial, self.neuron), keep_filter=True)

    @property
    def value(self) -> float | None:
        """The threshold the slider sets now, None for a station whose slider sets none."""
        return self._value if self.moves_threshold else None

    def reading(self) -> LinkReading:
        """What a technician sees of this station now."""
        entry = self.entry
        return LinkReading(
            usb_serial=self.serial or self.key,
            station_id=entry.station_id if entry else None,
            neuron=entry.neuron if entry else None,
            port=self.device,
            online=self.online,
            firmware=self.firmware,
            frames=self.frames,
            errors=self.errors,
            reconnects=self.reconnects,
            raw=self.raw,
            filtered=self.slider.filtered,
            value=self.value,
            buttons=self.buttons,
        )
