"""One station link's life: found, connecting, online, lost, refused (pure).

A station goes through these phases (``firmware/PROTOCOL.md`` §5)::

    absent ──port found──▶ connecting ──HELLO_ACK──▶ online ──500 ms silent / serial error──▶ absent
                              │  └─ no answer in 1 s ─▶ absent (try again later, backing off)
                              └─ another protocol major ─▶ refused (logged, tried again much later)

:class:`Liveness` is that state machine, driven by the times it is given, so the heartbeat,
time-outs and back-off are tested with a made-up clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

#: The phases of a link.
Phase = Literal["absent", "connecting", "online", "refused"]
ABSENT: Phase = "absent"
CONNECTING: Phase = "connecting"
ONLINE: Phase = "online"
REFUSED: Phase = "refused"


@dataclass(frozen=True)
class Timings:
    """The liveness timings of docs/hardware.md §5 (``[stations]`` in installation.toml), in
    seconds."""

    offline_after: float = 0.5  # no valid frame for this long: offline
    handshake_timeout: float = 1.0  # no HELLO_ACK this long after HELLO: close, try later
    rescan: float = 1.0  # first wait before opening a lost station again
    rescan_max: float = 5.0  # the wait doubles after each failed try, up to this
    ping_every: float = 1.0  # keepalive: the host sends something at least this often


@dataclass(frozen=True)
class Liveness:
    """Where one link is in its life, and when it may be tried again (pure)."""

    timings: Timings = field(default_factory=Timings)
    phase: Phase = ABSENT
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
