"""DDP (Distributed Display Protocol) over UDP: LED frames for a WLED controller.

DDP (3waylabs.com/ddp) frames raw pixel bytes in UDP datagrams, each with a 10-byte header::

    byte 0     flags: version 1 (0x40), PUSH (0x01) on the frame's last packet
    byte 1     sequence number, 1–15 (0: not used)
    byte 2     data type: 0x0B = RGB, 8 bits per channel
    byte 3     destination: 1 = the default display
    bytes 4–7  offset of this packet's data in the frame, in bytes (big-endian)
    bytes 8–9  length of this packet's data (big-endian)

A frame is cut into packets of at most 1440 bytes (480 RGB LEDs); the receiver shows it when
the packet with PUSH arrives, so a frame is never shown half old, half new. WLED listens on port
4048 and falls back to its own effects after 2.5 s without a frame, which is why the output
resends the latest frame at a steady rate even when nothing changes.

When the installation stops, the output sends a black frame (:meth:`DdpOutput.go_dark`); WLED
then shows its own state after its realtime timeout, so that state must be off
(docs/install-pi.md says how), or, with ``wled_api`` (``[[led_output]] wled_api =
"http://wled-floor.local"``), the output switches WLED on through its JSON API when it opens and
off when the installation stops.
"""

from __future__ import annotations

import json
import logging
import socket
import struct
import urllib.request
from dataclasses import dataclass

import numpy as np

#: The UDP port DDP receivers (WLED) listen on.
DDP_PORT = 4048
HEADER = struct.Struct(">BBBBIH")
VERSION_1 = 0x40
VERSION_MASK = 0xC0
PUSH = 0x01
TIMECODE = 0x10
RGB24 = 0x0B
DISPLAY = 1
#: Data bytes per packet: 480 RGB LEDs, so a packet fits an Ethernet frame.
MAX_DATA = 1440
#: Seconds WLED's JSON API has to answer (the sender's thread waits that long at most).
WLED_API_TIMEOUT_S = 1.0

log = logging.getLogger(__name__)


def wled_power(api: str, on: bool, timeout: float = WLED_API_TIMEOUT_S) -> None:
    """Switch a WLED controller on or off through its JSON API (``POST {api}/json/state``).

    :raises OSError: if it does not answer (``urllib.error.URLError`` is one).
    """
    body = json.dumps({"on": on}).encode()
    request = urllib.request.Request(
        api.rstrip("/") + "/json/state", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        answer.read()


def packets(data: bytes, sequence: int, destination: int = DISPLAY) -> list[bytes]:
    """The DDP packets carrying ``data`` (one frame): PUSH set on the last one only."""
    offsets = range(0, max(len(data), 1), MAX_DATA)
    found = []
    for i, offset in enumerate(offsets):
        chunk = data[offset : offset + MAX_DATA]
        flags = VERSION_1 | (PUSH if i == len(offsets) - 1 else 0)
        header = HEADER.pack(flags, sequence, RGB24, destination, offset, len(chunk))
        found.append(header + chunk)
    return found


@dataclass(frozen=True)
class DdpPacket:
    """One DDP packet, read back: its header fields and data."""

    flags: int
    sequence: int
    data_type: int
    destination: int
    offset: int
    data: bytes

    @property
    def push(self) -> bool:
        """Whether the receiver shows the frame when this packet arrives."""
        return bool(self.flags & PUSH)


def parse(packet: bytes) -> DdpPacket:
    """Read a DDP packet (a receiver's view); ValueError if it is not one."""
    if len(packet) < HEADER.size:
        raise ValueError(f"a DDP packet has a 10-byte header, got {len(packet)} bytes")
    flags, sequence, data_type, destination, offset, length = HEADER.unpack_from(packet)
    if flags & VERSION_MASK != VERSION_1:
        raise ValueError(f"not DDP version 1 (flags 0x{flags:02x})")
    start = HEADER.size + (4 if flags & TIMECODE else 0)
    data = packet[start:]
    if len(data) != length:
        raise ValueError(f"header says {length} data bytes, packet has {len(data)}")
    return DdpPacket(flags, sequence, data_type, destination, offset, data)


def read_frame(sock: socket.socket) -> tuple[bytes, list[DdpPacket]]:
    """Receive packets on ``sock`` until one carries PUSH, as a DDP receiver does.

    Returns the frame's bytes, each packet's data at its offset, and the packets. For tests and
    for checking a network path to the LEDs; the socket's timeout applies to each packet.
    """
    buffer, got = bytearray(), []
    while True:
        packet = parse(sock.recv(65535))
        got.append(packet)
        end = packet.offset + len(packet.data)
        buffer.extend(bytes(max(0, end - len(buffer))))
        buffer[packet.offset : end] = packet.data
        if packet.push:
            return bytes(buffer), got


class DdpOutput:
    """Sends floor frames to a DDP receiver (a WLED controller), as RGB bytes.

    :param host: the receiver's name or address (resolved when opened).
    :param port: its UDP port (WLED: 4048).
    :param leds: the floor indices of the LEDs it shows, in its order (None: every LED).
    :param wled_api: WLED's address (``http://wled-floor.local``) to switch it on now and off
        when the installation stops, through its JSON API; None: frames only.
    :raises OSError: if the host cannot be resolved or no route leads to it.
    """

    def __init__(
        self,
        host: str,
        port: int = DDP_PORT,
        leds: np.ndarray | None = None,
        wled_api: str | None = None,
    ) -> None:
        self.name = f"ddp {host}:{port}"
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0]
        self.sock = socket.socket(family, kind, proto)
        try:
            # Connected, so an ICMP "port unreachable" comes back as an error on a later send.
            self.sock.connect(address)
            self.sock.setblocking(False)  # a full buffer drops a frame, never stalls the sender
        except OSError:
            self.sock.close()
            raise
        self.leds = leds
        self.sequence = 0
        self.size = 0  # bytes of the last frame sent
        self.wled_api = wled_api
        if wled_api is not None:
            self._power(True)

    def send(self, frame) -> None:
        """Send one :class:`~controller.floor.frame.FloorFrame`, PUSH on its last packet."""
        rgb = frame.rgb if self.leds is None else frame.rgb[self.leds]
        self._send(np.ascontiguousarray(rgb).tobytes())

    def go_dark(self) -> None:
        """Lights out: a black frame as large as the last one; with ``wled_api``, WLED
        switched off, so it stays dark after its realtime timeout.

        :raises OSError: when the socket fails.
        """
        if self.size:
            self._send(bytes(self.size))
        if self.wled_api is not None:
            self._power(False)

    def _send(self, data: bytes) -> None:
        self.sequence = self.sequence % 15 + 1
        self.size = len(data)
        for packet in packets(data, self.sequence):
            self.sock.send(packet)

    def _power(self, on: bool) -> None:
        """WLED on or off; a WLED that does not answer is logged (its frames may still go)."""
        assert self.wled_api is not None
        try:
            wled_power(self.wled_api, on)
        except OSError as exc:
            log.warning("WLED at %s not switched %s: %s", self.wled_api, "on" if on else "off", exc)

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()


__all__ = [
    "DDP_PORT",
    "MAX_DATA",
    "DdpOutput",
    "DdpPacket",
    "packets",
    "parse",
    "read_frame",
    "wled_power",
]
