"""A link's connection: the port it talks through, and how alive the station is.

The stations' one reader thread (:class:`~controller.stations.port.PortReader`) reads and writes
the link's :class:`~controller.stations.port.Port`, with the link's
:class:`~controller.stations.slider.SliderTracker` inspecting each frame; the connection numbers
and encodes the frames the host sends (each carries a sequence number, ``firmware/PROTOCOL.md``
§1), and follows the station's :class:`~controller.stations.liveness.Liveness`: connecting,
online, silent, lost, refused.
"""

from __future__ import annotations

from controller.stations.framing import DELIMITER, STATION_LIMIT, LineErrors, encode
from controller.stations.liveness import ONLINE, REFUSED, Liveness, Timings
from controller.stations.messages import Message, Ping, pack
from controller.stations.port import Port
from controller.stations.slider import SliderTracker


class Connection:
    """One station's port (None when closed) and its liveness."""

    def __init__(self, timings: Timings) -> None:
        self.liveness = Liveness(timings)
        self.port: Port | None = None
        self.tracker: SliderTracker | None = None
        self.device: str | None = None
        self._seq = 0
        self._heard: float | None = None  # beside the liveness: a frame costs no new value

    @property
    def online(self) -> bool:
        """Whether the station has answered its handshake and is still heard."""
        return self.liveness.phase == ONLINE

    def open(self, port: Port, tracker: SliderTracker, now: float, first: Message) -> None:
        """Talk through ``port`` (opening) and say ``first``, after a lone delimiter that ends
        whatever partial frame the board may hold (``firmware/PROTOCOL.md`` §5)."""
        self.port, self.tracker, self.device, self._seq = port, tracker, port.device, 0
        self.liveness, self._heard = self.liveness.opened(now), None
        port.send(DELIMITER + self._encode(first))

    def errors(self) -> LineErrors:
        """What the open port's receiver has dropped so far (it counts as it reads)."""
        return self.port.deframer.errors if self.port is not None else LineErrors()

    def send(self, message: Message, now: float) -> None:
        """Queue ``message`` for the station (nothing happens if no port is open)."""
        if self.port is not None:
            self.port.send(self._encode(message))
            self.liveness = self.liveness.sent(now)

    def _encode(self, message: Message) -> bytes:
        data = encode(pack(message, self._seq), STATION_LIMIT)
        self._seq = (self._seq + 1) & 0xFF
        return data

    def heard(self, t: float) -> None:
        """A valid frame was read at ``t``."""
        self._heard = t

    def last_heard(self) -> float | None:
        """When the last valid frame was read (monotonic), None if never."""
        times = [t for t in (self._heard, self.liveness.last_heard) if t is not None]
        return max(times) if times else None

    def close(self, now: float, *, refused: bool = False) -> None:
        """Close the port (if open): the station is absent, and tried again after the back-off,
        or ``refused`` and looked at again much later."""
        if self._heard is not None:
            self.liveness, self._heard = self.liveness.heard(self._heard), None
        if self.port is not None:
            self.port.close()
            self.port = None
        if refused:
            self.liveness = self.liveness.refused(now)
        elif self.liveness.phase != REFUSED:
            self.liveness = self.liveness.lost(now)

    def check(self, now: float) -> str | None:
        """Why the connection must be closed at ``now``, or None if it is fine; the keepalive
        goes out when due (the host sends something at least every ``ping_every``)."""
        reason = self.liveness.expired(now, self._heard)
        if reason is None and self.liveness.needs_ping(now):
            self.send(Ping(), now)
        return reason
