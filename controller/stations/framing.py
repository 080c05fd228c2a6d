"""Frames on the serial line: COBS, a 4-byte header, a CRC-32, and a 0x00 after each frame.

This is the host's half of ``firmware/PROTOCOL.md`` §1 (the boards' half is
``firmware/common/wire.py``; both are pinned by ``firmware/vectors.json``)::

    wire = encode(Frame(type=0x02, seq=7))          # bytes ready to write, 0x00s included
    deframer = Deframer(limit=STATION_LIMIT)
    frames = deframer.feed(chunk_read_from_the_port)  # whole, checked frames only

A :class:`Deframer` never raises on what arrives: a piece that is too long, badly stuffed, of
the wrong CRC or of another protocol version is dropped and counted in its :class:`LineErrors`,
and the stream resynchronises at the next 0x00. Its buffer never holds more than the limit, so
a line spewing garbage without a single 0x00 costs nothing but a counter.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from cobs import cobs

from controller.errors import NeuronesError

#: The protocol this controller speaks (major, minor). A board of another major is refused.
PROTOCOL_MAJOR, PROTOCOL_MINOR = 2, 1

#: Largest decoded frame (header + body + CRC) on a station's line, and on the LED driver's
#: (an LED_FRAME of 500 pixels that no run shortens: 7 + 1,500 + 4 run codes).
STATION_LIMIT = 56
LED_LIMIT = 1519

DELIMITER = b"\x00"
HEADER = struct.Struct("<BBBB")
CRC = struct.Struct("<I")
#: The handshake's types, read even from another major version: their first two body bytes
#: are the sender's (major, minor) in every version, so a mismatch is told, not just dropped.
HANDSHAKE_TYPES = (0x01, 0x81)

#: Header flags (firmware/PROTOCOL.md §2).
PUSH, HOST_LOST, OVERRUN, HEARTBEAT = 0x01, 0x02, 0x04, 0x08


@dataclass(frozen=True)
class Frame:
    """One frame, as the header and body say (the CRC and stuffing are the wire's business)."""

    type: int
    seq: int = 0
    flags: int = 0
    body: bytes = b""
    version: int = PROTOCOL_MAJOR


def encode(frame: Frame, limit: int = LED_LIMIT) -> bytes:
    """The bytes of ``frame`` on the wire: 0x00, COBS(header | body | CRC-32), 0x00.

    The leading 0x00 ends whatever garbage came before, so the frame right behind it is read.

    :raises ValueError: if the frame is larger than ``limit`` (a sender's bug, never data).
    """
    payload = HEADER.pack(frame.version, frame.type, frame.seq & 0xFF, frame.flags) + frame.body
    if len(payload) + CRC.size > limit:
        raise ValueError(f"frame of {len(payload) + CRC.size} bytes exceeds the limit of {limit}")
    return DELIMITER + cobs.encode(payload + CRC.pack(zlib.crc32(payload))) + DELIMITER


def decode(piece: bytes) -> Frame:
    """Check and read one COBS-stuffed piece (without its 0x00).

    :raises FrameError: naming what is wrong (its ``kind`` is the counter it belongs to).
    """
    try:
        raw = cobs.decode(piece)
    except cobs.DecodeError:
        raise FrameError("cobs", "bad COBS stuffing") from None
    if len(raw) < HEADER.size + CRC.size:
        raise FrameError("crc", f"{len(raw)} bytes is too short for a frame")
    payload, (crc,) = raw[: -CRC.size], CRC.unpack(raw[-CRC.size :])
    if zlib.crc32(payload) != crc:
        raise FrameError("crc", "CRC mismatch")
    version, type_, seq, flags = HEADER.unpack(payload[: HEADER.size])
    if version != PROTOCOL_MAJOR and type_ not in HANDSHAKE_TYPES:
        raise FrameError("version", f"protocol version {version}, expected {PROTOCOL_MAJOR}")
    return Frame(type_, seq, flags, payload[HEADER.size :], version)


class FrameError(NeuronesError, ValueError):
    """A piece of the stream that is not a good frame; ``kind`` names its counter."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class LineErrors:
    """What a receiver dropped, by kind (firmware/PROTOCOL.md §1), and the bytes it threw away."""

    oversize: int = 0
    cobs: int = 0
    crc: int = 0
    version: int = 0
    malformed: int = 0
    discarded_bytes: int = 0

    def total(self) -> int:
        """Every dropped frame, whatever the reason."""
        return self.oversize + self.cobs + self.crc + self.version + self.malformed

    def count(self, kind: str, size: int) -> None:
        """Count one dropped piece of ``size`` bytes under ``kind``."""
        setattr(self, kind, getattr(self, kind) + 1)
        self.discarded_bytes += size


@dataclass
class Deframer:
    """Turns a byte stream into checked frames, counting and skipping everything else.

    :param limit: the channel's largest decoded frame (:data:`STATION_LIMIT`, :data:`LED_LIMIT`).
    """

    limit: int = STATION_LIMIT
    errors: LineErrors = field(default_factory=LineErrors)
    frames: int = 0
    _pending: bytearray = field(default_factory=bytearray)
    _skipping: bool = False  # inside an oversize piece: drop bytes until the next 0x00

    @property
    def max_piece(self) -> int:
        """The longest stuffed piece a frame of ``limit`` bytes can give (COBS adds 1 per 254)."""
        return self.limit + self.limit // 254 + 1

    def feed(self, data: bytes) -> list[Frame]:
        """Add bytes read from the line; return the frames they complete, in order."""
        *pieces, tail = bytes(data).split(DELIMITER)
        frames = []
        for i, piece in enumerate(pieces):
            if i == 0:
                piece, skipping = bytes(self._pending) + piece, self._skipping
                self._pending.clear()
                self._skipping = False
                if skipping:
                    self.errors.discarded_bytes += len(piece)
                    continue
            frame = self._piece(piece)
            if frame is not None:
                frames.append(frame)
        self._hold(tail)
        return frames

    def drop_partial(self) -> None:
        """Forget a partial frame (the line was closed or reopened)."""
        self.errors.discarded_bytes += len(self._pending)
        self._pending.clear()
        self._skipping = False

    def _piece(self, piece: bytes) -> Frame | None:
        if not piece:
            return None  # a lone 0x00: a flush, not an error
        if len(piece) > self.max_piece:
            self.errors.count("oversize", len(piece))
            return None
        try:
            frame = decode(piece)
        except FrameError as exc:
            self.errors.count(exc.kind, len(piece))
            return None
        self.frames += 1
        return frame

    def _hold(self, tail: bytes) -> None:
        """Keep the unfinished end of the stream, but never more than a frame can be."""
        if self._skipping:
            self.errors.discarded_bytes += len(tail)
            return
        self._pending += tail
        if len(self._pending) > self.max_piece:
            self.errors.count("oversize", len(self._pending))
            self._pending.clear()
            self._skipping = True
