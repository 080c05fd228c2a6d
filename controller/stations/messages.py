"""The messages of the wire protocol, as plain values (``firmware/PROTOCOL.md`` §3).

Each message is a frozen dataclass; :func:`pack` makes it a
:class:`~controller.stations.framing.Frame` and :func:`parse` reads one back::

    frame = pack(Ring(RING_PATTERNS.index("right"), 47, 179, 68, 255), seq=3)
    parse(frame)  # Ring(pattern=2, red=47, green=179, blue=68, level=255)

:func:`parse` raises :class:`MessageError` for an unknown type or a body of the wrong size; a
receiver counts it as *malformed* and carries on.

``python -m controller.stations.messages --vectors`` writes ``firmware/vectors.json``, the bytes
both this codec and the firmware's must agree on.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import ClassVar

import numpy as np

from controller.calibration import FULL_SCALE
from controller.errors import NeuronesError
from controller.stations.framing import (
    HEARTBEAT,
    HOST_LOST,
    LED_LIMIT,
    PROTOCOL_MAJOR,
    PROTOCOL_MINOR,
    PUSH,
    STATION_LIMIT,
    Deframer,
    Frame,
    encode,
)

#: What a station's LED ring can show (``Ring.pattern`` is the index).
RING_PATTERNS = (
    "idle",
    "firing",
    "right",
    "wrong",
    "move_up",
    "move_down",
    "offline",
    "calibrating",
    "calibration_ok",
    "calibration_fault",
)
#: ``Config`` keys by name, and their defaults on the boards.
CONFIG_KEYS = {
    "report_hz": 1,
    "debounce_ms": 2,
    "ring_brightness": 3,
    "host_lost_ms": 4,
    "station_id": 5,
    "heartbeat_ms": 6,
    "change_lsb": 7,
}
CONFIG_DEFAULTS = {
    "report_hz": 50,
    "debounce_ms": 20,
    "ring_brightness": 64,
    "host_lost_ms": 3000,
    "station_id": 0,
    "heartbeat_ms": 200,
    "change_lsb": 8,
}
#: ``HelloAck.reset_cause`` values, and board kinds.
RESET_CAUSES = ("unknown", "power on", "watchdog", "soft reset")
KINDS = {1: "station", 2: "led driver"}
#: The body of ``Repl``: a deliberate word, so line noise never drops a board to its REPL.
REPL_WORD = b"REPL"
#: The largest slider reading (a 12-bit ADC), and the bits of a station's three buttons.
ADC_MAX = FULL_SCALE
BUTTONS_MASK = 0b111
#: Most text in a ``Log``, and most pixels in one ``LedFrame`` chunk.
LOG_MAX = 40
LED_CHUNK_PIXELS = 500
#: ``LedFrame`` pixels as ops (PROTOCOL.md §3): a code byte up to 127 is that many literal
#: pixels, a code byte from 128 a run of (code − 126) copies of one pixel; each colour byte is
#: its value + 1, so none is 0x00.
LITERAL_MAX, RUN_MAX = 127, 129


class MessageError(NeuronesError, ValueError):
    """A checked frame whose type is unknown or whose body does not fit its type."""


@dataclass(frozen=True)
class Message:
    """Base of the messages: a fixed layout ``LAYOUT`` of fields, in declaration order."""

    TYPE: ClassVar[int]
    LAYOUT: ClassVar[struct.Struct] = struct.Struct("<")

    def body(self) -> bytes:
        """The message's body bytes."""
        return self.LAYOUT.pack(*(getattr(self, f.name) for f in fields(self)))

    @classmethod
    def from_body(cls, body: bytes) -> Message:
        """Read a body of this type; :class:`MessageError` if its size is wrong."""
        if len(body) != cls.LAYOUT.size:
            raise MessageError(
                f"{cls.__name__} body of {len(body)} bytes, expected {cls.LAYOUT.size}"
            )
        return cls(*cls.LAYOUT.unpack(body))


# --- host → board ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hello(Message):
    """Starts the handshake: the protocol version the host speaks."""

    TYPE = 0x01
    LAYOUT = struct.Struct("<BB")
    major: int = PROTOCOL_MAJOR
    minor: int = PROTOCOL_MINOR


@dataclass(frozen=True)
class Ping(Message):
    """Keepalive: the host is still there."""

    TYPE = 0x02


@dataclass(frozen=True)
class Ring(Message):
    """What the station's LED ring shows: a pattern of :data:`RING_PATTERNS`, a colour, a level."""

    TYPE = 0x03
    LAYOUT = struct.Struct("<BBBBB")
    pattern: int
    red: int = 0
    green: int = 0
    blue: int = 0
    level: int = 0


@dataclass(frozen=True)
class Config(Message):
    """Settings by key number (:data:`CONFIG_KEYS`): ``((key, value), …)``, 1 to 8 pairs."""

    TYPE = 0x04
    settings: tuple[tuple[int, int], ...]

    def body(self) -> bytes:
        if not 1 <= len(self.settings) <= 8:
            raise ValueError("a Config carries 1 to 8 settings")
        return b"".join(struct.pack("<BH", key, value) for key, value in self.settings)

    @classmethod
    def from_body(cls, body: bytes) -> Config:
        if not body or len(body) % 3 or len(body) > 24:
            raise MessageError(f"Config body of {len(body)} bytes is not 1 to 8 pairs")
        return cls(tuple(struct.iter_unpack("<BH", body)))

    @classmethod
    def named(cls, **values: int) -> Config:
        """A Config from names: ``Config.named(report_hz=50, debounce_ms=20)``."""
        return cls(tuple((CONFIG_KEYS[name], int(v)) for name, v in values.items()))


@dataclass(frozen=True)
class Repl(Message):
    """Leave the protocol for the MicroPython REPL (maintenance)."""

    TYPE = 0x05

    def body(self) -> bytes:
        return REPL_WORD

    @classmethod
    def from_body(cls, body: bytes) -> Repl:
        if body != REPL_WORD:
            raise MessageError("Repl body must be the word REPL")
        return cls()


@dataclass(frozen=True)
class LedOff(Message):
    """Lights out (protocol 2.1): the LED driver shows every strip black at once and holds it
    black, without its idle glow, until the next frame is shown."""

    TYPE = 0x11


@dataclass(frozen=True)
class LedFrame(Message):
    """Pixels of one strip from LED ``first`` on, as RGB triplets; ``PUSH`` on the last chunk.

    On the wire the pixels go as runs (:func:`runs_encode`): a dark or evenly lit strip costs
    a few bytes, and no byte of them is 0x00, so the driver reads them a COBS block at a time.
    A colour byte of 255 arrives as 254.
    """

    TYPE = 0x10
    HEAD: ClassVar[struct.Struct] = struct.Struct("<HBHH")
    frame_id: int
    strip: int
    first: int
    pixels: bytes  # red, green, blue, red, … (3 bytes per LED)

    def body(self) -> bytes:
        count, rest = divmod(len(self.pixels), 3)
        if rest or count > LED_CHUNK_PIXELS:
            raise ValueError(f"an LedFrame carries 0 to {LED_CHUNK_PIXELS} whole RGB pixels")
        head = self.HEAD.pack(self.frame_id, self.strip, self.first, count)
        return head + runs_encode(self.pixels)

    @classmethod
    def from_body(cls, body: bytes) -> LedFrame:
        if len(body) < cls.HEAD.size:
            raise MessageError("LedFrame body shorter than its header")
        frame_id, strip, first, count = cls.HEAD.unpack(body[: cls.HEAD.size])
        if count > LED_CHUNK_PIXELS:
            raise MessageError(f"LedFrame of {count} pixels")
        return cls(frame_id, strip, first, runs_decode(body[cls.HEAD.size :], count))


def runs_encode(pixels: bytes) -> bytes:
    """``pixels`` (RGB, 3 bytes each) as LedFrame ops: runs of two or more equal pixels, the
    rest literal, every colour byte its value + 1 (canonical: the boards' wire.py agrees)."""
    rgb = np.frombuffer(pixels, dtype=np.uint8).reshape(-1, 3)
    if not len(rgb):
        return b""
    shifted = np.minimum(rgb, 254) + np.uint8(1)
    key = (shifted.astype(np.uint32) << np.array([16, 8, 0], dtype=np.uint32)).sum(axis=1)
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    lengths = np.diff(np.r_[starts, len(rgb)])
    runs = lengths >= 2  # the single pixels go in the literals between the runs
    data = shifted.tobytes()
    out = bytearray()
    literal_at = 0
    for start, length in zip(starts[runs].tolist(), lengths[runs].tolist(), strict=True):
        _literals(out, data, literal_at, start)
        pixel = data[3 * start : 3 * start + 3]
        end = start + length
        while end - start >= 2:
            take = min(RUN_MAX, end - start)
            out.append(take + 126)
            out += pixel
            start += take
        literal_at = start  # a last single pixel of a long run goes literal
    _literals(out, data, literal_at, len(rgb))
    return bytes(out)


def _literals(out: bytearray, data: bytes, start: int, end: int) -> None:
    while start < end:
        take = min(LITERAL_MAX, end - start)
        out.append(take)
        out += data[3 * start : 3 * (start + take)]
        start += take


def runs_decode(data: bytes, count: int) -> bytes:
    """The ``count`` RGB pixels LedFrame ops make; :class:`MessageError` if they do not."""
    if b"\x00" in data:
        raise MessageError("LedFrame pixels hold a 0x00")
    out = bytearray()
    i = 0
    while i < len(data) and len(out) <= 3 * count:
        code = data[i]
        size = 3 * code if code <= LITERAL_MAX else 3
        if i + 1 + size > len(data):
            break
        pixels = bytes(b - 1 for b in data[i + 1 : i + 1 + size])
        out += pixels if code <= LITERAL_MAX else pixels * (code - 126)
        i += 1 + size
    if i != len(data) or len(out) != 3 * count:
        raise MessageError(f"LedFrame pixels do not make its {count} pixels")
    return bytes(out)


# --- board → host ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HelloAck(Message):
    """A board introduces itself: protocol, firmware, kind, why it reset, which boot, its id."""

    TYPE = 0x81
    HEAD: ClassVar[struct.Struct] = struct.Struct("<BBBBBBBIBBB")
    major: int
    minor: int
    firmware: tuple[int, int, int]
    kind: int
    reset_cause: int
    boot_id: int
    adc_bits: int
    buttons: int
    uid: bytes

    @property
    def serial(self) -> str:
        """The board's USB serial number: its unique id in upper-case hex."""
        return self.uid.hex().upper()

    @property
    def firmware_version(self) -> str:
        """``"1.0.2"``."""
        return ".".join(str(n) for n in self.firmware)

    def body(self) -> bytes:
        head = self.HEAD.pack(
            self.major,
            self.minor,
            *self.firmware,
            self.kind,
            self.reset_cause,
            self.boot_id,
            self.adc_bits,
            self.buttons,
            len(self.uid),
        )
        return head + self.uid

    @classmethod
    def from_body(cls, body: bytes) -> HelloAck:
        if len(body) < cls.HEAD.size:
            raise MessageError("HelloAck body shorter than its header")
        major, minor, f1, f2, f3, kind, cause, boot, adc, buttons, n = cls.HEAD.unpack(
            body[: cls.HEAD.size]
        )
        uid = body[cls.HEAD.size :]
        if len(uid) != n:
            raise MessageError(f"HelloAck says a {n}-byte id but carries {len(uid)}")
        return cls(major, minor, (f1, f2, f3), kind, cause, boot, adc, buttons, uid)


def read_versions(body: bytes) -> tuple[int, int]:
    """The protocol (major, minor) at the start of a HelloAck body, whatever its version."""
    if len(body) < 2:
        raise MessageError("HelloAck body too short for its version")
    return body[0], body[1]


@dataclass(frozen=True)
class State(Message):
    """A station's report, sent when its slider or buttons change and as a heartbeat
    (``HEARTBEAT`` flag): its clock, the slider (12-bit, filtered on the board), buttons held,
    spikes rejected and the samples' noise (RMS, in quarter LSB) since its last report."""

    TYPE = 0x82
    LAYOUT = struct.Struct("<IHBBB")
    t_ms: int
    raw: int
    buttons: int
    spikes: int = 0
    noise_x4: int = 0

    @property
    def noise_lsb(self) -> float:
        """The samples' noise, RMS, in LSB."""
        return self.noise_x4 / 4

    @classmethod
    def from_body(cls, body: bytes) -> State:
        """Read a body, refusing values no station sends (a slider past 12 bits, a fourth
        button): they come from a miswired ADC or a corrupt board, and must not move a
        threshold."""
        state = super().from_body(body)
        assert isinstance(state, State)
        if state.raw > ADC_MAX:
            raise MessageError(f"STATE slider {state.raw} is past the 12-bit ADC's {ADC_MAX}")
        if state.buttons & ~BUTTONS_MASK:
            raise MessageError(f"STATE buttons 0x{state.buttons:02x}: a station has three")
        return state


@dataclass(frozen=True)
class ButtonEvent(Message):
    """A debounced button edge, sent at once: button 0 minus, 1 plus, 2 OK."""

    TYPE = 0x83
    LAYOUT = struct.Struct("<IBB")
    t_ms: int
    button: int
    pressed: int


@dataclass(frozen=True)
class Log(Message):
    """A short note from a board (UTF-8, 1 to :data:`LOG_MAX` bytes)."""

    TYPE = 0x84
    text: str

    def body(self) -> bytes:
        data = self.text.encode()
        if not 1 <= len(data) <= LOG_MAX:
            raise ValueError(f"a Log carries 1 to {LOG_MAX} bytes of text")
        return data

    @classmethod
    def from_body(cls, body: bytes) -> Log:
        if not 1 <= len(body) <= LOG_MAX:
            raise MessageError(f"Log body of {len(body)} bytes")
        try:
            return cls(body.decode("utf-8"))
        except UnicodeDecodeError:
            # Counted as malformed by the link (a board writes UTF-8), never shown garbled.
            raise MessageError(f"Log text is not UTF-8: {body!r}") from None


@dataclass(frozen=True)
class LedStatus(Message):
    """The LED driver's report, once a second: last frame shown, counts, frame rate, and
    ``idle``: 0 showing the host's frames, 1 its idle glow, 2 held dark (:class:`LedOff`)."""

    TYPE = 0x90
    LAYOUT = struct.Struct("<HIIHB")
    frame_id: int
    shown: int
    dropped: int
    fps_x10: int
    idle: int


MESSAGES: dict[int, type[Message]] = {
    m.TYPE: m
    for m in (
        Hello,
        Ping,
        Ring,
        Config,
        Repl,
        LedFrame,
        LedOff,
        HelloAck,
        State,
        ButtonEvent,
        Log,
        LedStatus,
    )
}


def pack(message: Message, seq: int = 0, flags: int = 0, version: int = PROTOCOL_MAJOR) -> Frame:
    """The frame carrying ``message`` (``version``: the sender's protocol major)."""
    return Frame(message.TYPE, seq & 0xFF, flags, message.body(), version)


def parse(frame: Frame) -> Message:
    """The message a checked frame carries; :class:`MessageError` if it does not fit."""
    kind = MESSAGES.get(frame.type)
    if kind is None:
        raise MessageError(f"unknown message type 0x{frame.type:02x}")
    return kind.from_body(frame.body)


# --- the shared test vectors -----------------------------------------------------------------

#: Where the vectors live: beside the firmware, which must agree with them.
VECTORS_FILE = Path(__file__).resolve().parents[2] / "firmware" / "vectors.json"


def _vector_messages() -> list[tuple[str, Message, int, int]]:
    """(name, message, seq, flags) of every vector: each type, and the edge cases."""
    uid = bytes.fromhex("E66038B7133B5C2F")
    other = PROTOCOL_MAJOR + 1
    lit = bytes([0x2F, 0xB3, 0x44]) * 40 + bytes([254, 0, 0, 0, 254, 0]) + bytes(3 * 20)
    return [
        ("HELLO", Hello(), 0, 0),
        (f"HELLO from protocol {other}", Hello(other, 0), 0, 0),
        ("PING", Ping(), 255, 0),
        ("RING right in green", Ring(2, 0x2F, 0xB3, 0x44, 255), 17, 0),
        ("CONFIG defaults", Config.named(**CONFIG_DEFAULTS), 1, 0),
        ("REPL", Repl(), 9, 0),
        (
            "HELLO_ACK station",
            HelloAck(PROTOCOL_MAJOR, 0, (2, 0, 0), 1, 1, 0xDEADBEEF, 12, 3, uid),
            0,
            0,
        ),
        (
            f"HELLO_ACK from protocol {other}",
            HelloAck(other, 1, (3, 0, 0), 1, 2, 7, 12, 3, uid),
            0,
            0,
        ),
        ("STATE at rest", State(123456, 2048, 0, 0, 5), 42, 0),
        ("STATE zeros", State(0, 0, 0, 0, 0), 0, 0),
        ("STATE heartbeat", State(123656, 2048, 0, 0, 4), 43, HEARTBEAT),
        ("STATE host lost, OK held", State(0xFFFFFFFF, 4095, 0b100, 255, 255), 200, HOST_LOST),
        ("EVENT plus pressed", ButtonEvent(5000, 1, 1), 43, 0),
        ("LOG", Log("repl"), 3, 0),
        (
            "LED_FRAME pushed",
            LedFrame(513, 2, 100, bytes([254, 0, 0, 0, 254, 0, 0, 0, 0])),
            8,
            PUSH,
        ),
        ("LED_FRAME 500 pixels", LedFrame(1, 0, 0, bytes(range(255)) * 5 + bytes(225)), 9, 0),
        ("LED_FRAME dark", LedFrame(2, 1, 0, bytes(3 * 500)), 10, 0),
        ("LED_FRAME lit", LedFrame(3, 7, 60, lit), 11, PUSH),
        ("LED_STATUS", LedStatus(513, 100000, 12, 400, 0), 5, 0),
        ("LED_OFF", LedOff(), 12, 0),
        ("LED_STATUS held dark", LedStatus(514, 100001, 12, 0, 2), 6, 0),
    ]


def _fields(message: Message) -> dict:
    return {k: v.hex().upper() if isinstance(v, bytes) else v for k, v in asdict(message).items()}


def build_vectors() -> dict:
    """The vectors document: each message's meaning and its bytes, and mixed streams."""
    vectors = []
    wires = {}
    for name, message, seq, flags in _vector_messages():
        limit = LED_LIMIT if isinstance(message, LedFrame) else STATION_LIMIT
        version = message.major if isinstance(message, Hello | HelloAck) else PROTOCOL_MAJOR
        wire = encode(pack(message, seq, flags, version), limit)
        wires[name] = wire
        vectors.append(
            {
                "name": name,
                "message": type(message).__name__,
                "type": message.TYPE,
                "seq": seq,
                "flags": flags,
                "version": version,
                "fields": _fields(message),
                "wire": wire.hex(),
            }
        )
    document = {
        "protocol": [PROTOCOL_MAJOR, PROTOCOL_MINOR],
        "limits": {"station": STATION_LIMIT, "led": LED_LIMIT},
        "messages": vectors,
        "streams": _streams(wires),
    }
    return json.loads(json.dumps(document))  # as read back from the file: lists, not tuples


def _streams(wires: dict[str, bytes]) -> list[dict]:
    """Streams a receiver on a station's line must cut into these frames and these errors.

    The receiver deframes, then parses each frame; a frame it cannot parse counts *malformed*.
    """
    state, event, ping = wires["STATE at rest"], wires["EVENT plus pressed"], wires["PING"]
    flipped = bytearray(state)
    flipped[3] ^= 0x10  # one bit of the body: the CRC must catch it
    cases = [
        (
            "frames back to back",
            b"\x00" + state + event,
            ["STATE at rest", "EVENT plus pressed"],
            {},
        ),
        # Joined mid-frame: the rest of a STATE decodes to bytes whose CRC cannot match.
        ("joined mid-frame", state[5:] + event, ["EVENT plus pressed"], {"crc": 1}),
        ("one bit flipped", bytes(flipped) + ping, ["PING"], {"crc": 1}),
        (
            "garbage between frames",
            state + b"\x13\x37\xff\x00" + ping,
            ["STATE at rest", "PING"],
            {"cobs": 1},
        ),
        ("a run with no 0x00", b"\x55" * 300 + b"\x00" + ping, ["PING"], {"oversize": 1}),
        (
            "a frame of another version",
            _other_version(ping) + state,
            ["STATE at rest"],
            {"version": 1},
        ),
        ("a type nobody knows", encode(Frame(0x7E, 1)) + ping, ["PING"], {"malformed": 1}),
    ]
    return [
        {"name": name, "stream": data.hex(), "frames": frames, "errors": errors}
        for name, data, frames, errors in cases
    ]


def _other_version(ping: bytes) -> bytes:
    frame = Deframer().feed(ping)[0]
    return encode(Frame(frame.type, frame.seq, frame.flags, frame.body, PROTOCOL_MAJOR + 1))


def main(argv: list[str] | None = None) -> int:
    """``python -m controller.stations.messages --vectors [FILE]``: write the test vectors."""
    parser = argparse.ArgumentParser(prog="python -m controller.stations.messages")
    parser.add_argument(
        "--vectors",
        nargs="?",
        const=str(VECTORS_FILE),
        metavar="FILE",
        required=True,
        help="write the test vectors (default: firmware/vectors.json)",
    )
    args = parser.parse_args(argv)
    Path(args.vectors).write_text(json.dumps(build_vectors(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {args.vectors}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
