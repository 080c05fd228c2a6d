"""The wire protocol on the boards: COBS frames with a CRC-32 (firmware/PROTOCOL.md).

This is the boards' half of the protocol (the host's is controller/stations/framing.py and
controller/stations/messages.py); both are pinned byte for byte by firmware/vectors.json. It runs
under MicroPython 1.29 on the RP2040, and its tests and the emulator run it in MicroPython's unix
port; it uses struct, binascii, bytes and bytearray, plain classes.

    wire = encode(STATE, pack(STATE, t_ms, raw, buttons, spikes, noise), seq=7)
    deframer = Deframer(STATION_LIMIT)
    for frame in deframer.feed(bytes_read):
        fields = parse(frame.type, frame.body)   # a tuple, or WireError("malformed")

A Deframer never raises on what arrives: a piece too long, badly stuffed, of the wrong CRC or
of another protocol version is counted and dropped, and the stream resynchronises at the next
0x00. Its buffer never holds more than one frame, whatever the line spews.
"""

import struct

try:
    from binascii import crc32 as _native_crc32
except ImportError:  # a MicroPython build without deflate: the table below does it
    _native_crc32 = None

#: The protocol these boards speak (major, minor); a frame of another major is dropped.
PROTOCOL_MAJOR = 2
PROTOCOL_MINOR = 1

#: Largest decoded frame (header + body + CRC) on a station's line, and on the LED driver's
#: (an LED_FRAME of 500 pixels that no run shortens: 7 + 1,500 + 4 run codes).
STATION_LIMIT = 56
LED_LIMIT = 1519

#: Header flags (PROTOCOL.md §2).
PUSH = 0x01
HOST_LOST = 0x02
OVERRUN = 0x04
HEARTBEAT = 0x08

#: Message types (PROTOCOL.md §3): host → board below 0x80, board → host from 0x80.
HELLO = 0x01
PING = 0x02
RING = 0x03
CONFIG = 0x04
REPL = 0x05
LED_FRAME = 0x10
LED_OFF = 0x11
HELLO_ACK = 0x81
STATE = 0x82
EVENT = 0x83
LOG = 0x84
LED_STATUS = 0x90

#: Board kinds in HELLO_ACK, reset causes, and the REPL message's body.
KIND_STATION = 1
KIND_LED_DRIVER = 2
RESET_UNKNOWN = 0
RESET_POWER_ON = 1
RESET_WATCHDOG = 2
RESET_SOFT = 3
REPL_WORD = b"REPL"
LOG_MAX = 40
LED_CHUNK_PIXELS = 500
CONFIG_MAX_PAIRS = 8

_HEADER = "<BBBB"
_CRC = "<I"
_HEADER_SIZE = 4
_CRC_SIZE = 4
# Messages whose body is a fixed struct layout; the others are packed by hand below.
_LAYOUTS = {
    HELLO: "<BB",
    RING: "<BBBBB",
    STATE: "<IHBBB",
    EVENT: "<IBB",
    LED_STATUS: "<HIIHB",
}
_HELLO_ACK_HEAD = "<BBBBBBBIBBB"
_LED_FRAME_HEAD = "<HBHH"
_LED_FRAME_HEAD_SIZE = 7
_HELLO_ACK_HEAD_SIZE = 14


class WireError(ValueError):
    """A piece of the stream that is not a good frame or message; ``kind`` names its counter:
    ``"oversize"``, ``"cobs"``, ``"crc"``, ``"version"`` or ``"malformed"``."""

    def __init__(self, kind, message):
        super().__init__(message)  # MicroPython's ValueError has no __init__ attribute to call
        self.kind = kind


# --- CRC-32 -----------------------------------------------------------------------------------

_CRC_TABLE = None


def crc32_pure(data, crc=0):
    """CRC-32/ISO-HDLC of ``data`` in Python: the fallback when binascii has no crc32."""
    global _CRC_TABLE
    if _CRC_TABLE is None:
        table = []
        for n in range(256):
            c = n
            for _ in range(8):
                c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
            table.append(c)
        _CRC_TABLE = table
    table = _CRC_TABLE
    crc ^= 0xFFFFFFFF
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def crc32(data):
    """CRC-32/ISO-HDLC of ``data`` (zlib's and binascii's), as an unsigned 32-bit number."""
    if _native_crc32 is not None:
        return _native_crc32(data) & 0xFFFFFFFF
    return crc32_pure(data)


# --- COBS -------------------------------------------------------------------------------------


def cobs_encode(data):
    """``data`` with every 0x00 removed by Consistent Overhead Byte Stuffing.

    Byte for byte the encoding of the ``cobs`` package the host uses: a run of 254 non-zero
    bytes at the very end takes no empty block after it.
    """
    out = bytearray()
    parts = bytes(data).split(b"\x00")
    last = len(parts) - 1
    for i, part in enumerate(parts):
        while len(part) > 254 or (len(part) == 254 and i != last):
            out.append(0xFF)
            out += part[:254]
            part = part[254:]
        if len(part) == 254:  # the end of the data: the 0xFF block says no zero follows
            out.append(0xFF)
        else:
            out.append(len(part) + 1)
        out += part
    return bytes(out)


def cobs_decode(data):
    """The bytes ``data`` stuffs; :class:`WireError` ``"cobs"`` if it is not valid COBS."""
    data = bytes(data)
    out = bytearray()
    n = len(data)
    i = 0
    while i < n:
        code = data[i]
        if code == 0:
            raise WireError("cobs", "a zero byte inside a COBS piece")
        end = i + code
        if end > n:
            raise WireError("cobs", "a COBS block runs past the piece")
        block = data[i + 1 : end]
        if block.find(b"\x00") >= 0:
            raise WireError("cobs", "a zero byte inside a COBS piece")
        out += block
        i = end
        if code < 0xFF and i < n:
            out.append(0)
    return bytes(out)


# --- frames -----------------------------------------------------------------------------------


class Frame:
    """One checked frame: its header's fields and its body (the CRC is the wire's business)."""

    def __init__(self, type, seq=0, flags=0, body=b"", version=PROTOCOL_MAJOR):
        self.type = type
        self.seq = seq
        self.flags = flags
        self.body = body
        self.version = version

    def __eq__(self, other):
        return (
            isinstance(other, Frame)
            and self.type == other.type
            and self.seq == other.seq
            and self.flags == other.flags
            and self.body == other.body
            and self.version == other.version
        )

    def __repr__(self):
        return (
            f"Frame(type=0x{self.type:02x}, seq={self.seq}, flags=0x{self.flags:02x}, "
            f"body={self.body!r}, version={self.version})"
        )


def encode(type, body=b"", seq=0, flags=0, version=PROTOCOL_MAJOR, limit=LED_LIMIT):
    """The bytes of a frame on the wire: 0x00, COBS(header | body | CRC-32), 0x00.

    The leading 0x00 ends whatever garbage came before, so the frame right behind it is read.

    Raises ValueError if the frame is larger than ``limit``: a sender's bug, never data.
    """
    size = _HEADER_SIZE + len(body) + _CRC_SIZE
    if size > limit:
        raise ValueError(f"frame of {size} bytes exceeds the limit of {limit}")
    payload = struct.pack(_HEADER, version, type, seq & 0xFF, flags) + bytes(body)
    return b"\x00" + cobs_encode(payload + struct.pack(_CRC, crc32(payload))) + b"\x00"


def decode(piece):
    """Check and read one stuffed piece (without its 0x00) into a :class:`Frame`.

    Raises :class:`WireError` whose ``kind`` is the counter the piece belongs to.
    """
    raw = cobs_decode(piece)
    if len(raw) < _HEADER_SIZE + _CRC_SIZE:
        raise WireError("crc", f"{len(raw)} bytes is too short for a frame")
    payload = raw[:-_CRC_SIZE]
    if crc32(payload) != struct.unpack(_CRC, raw[-_CRC_SIZE:])[0]:
        raise WireError("crc", "CRC mismatch")
    version, type, seq, flags = struct.unpack(_HEADER, payload[:_HEADER_SIZE])
    if version != PROTOCOL_MAJOR and type not in (HELLO, HELLO_ACK):
        raise WireError("version", f"protocol version {version}, expected {PROTOCOL_MAJOR}")
    return Frame(type, seq, flags, payload[_HEADER_SIZE:], version)


class Deframer:
    """Cuts a byte stream into checked frames, counting and skipping everything else.

    The counters (``oversize``, ``cobs``, ``crc``, ``version``, ``malformed``,
    ``discarded_bytes``, ``frames``) mean what controller/stations/framing.py's ``LineErrors`` mean;
    ``malformed`` is counted by the reader that parses the bodies (:meth:`count`).
    """

    def __init__(self, limit=STATION_LIMIT):
        self.limit = limit
        #: The longest stuffed piece a frame of ``limit`` bytes can give (COBS adds 1 per 254).
        self.max_piece = limit + limit // 254 + 1
        self.frames = 0
        self.oversize = 0
        self.cobs = 0
        self.crc = 0
        self.version = 0
        self.malformed = 0
        self.discarded_bytes = 0
        self._pending = bytearray()
        self._skipping = False  # inside an oversize piece: drop bytes until the next 0x00

    def errors(self):
        """Every dropped frame, whatever the reason."""
        return self.oversize + self.cobs + self.crc + self.version + self.malformed

    def count(self, kind, size=0):
        """Count one dropped piece of ``size`` bytes under ``kind``."""
        setattr(self, kind, getattr(self, kind) + 1)
        self.discarded_bytes += size

    def feed(self, data):
        """Add bytes read from the line; return the frames they complete, in order."""
        pieces = bytes(data).split(b"\x00")
        tail = pieces.pop()
        frames = []
        for i, piece in enumerate(pieces):
            if i == 0:
                if self._pending:
                    piece = bytes(self._pending) + piece
                    self._pending = bytearray()
                if self._skipping:
                    self._skipping = False
                    self.discarded_bytes += len(piece)
                    continue
            frame = self._piece(piece)
            if frame is not None:
                frames.append(frame)
        self._hold(tail)
        return frames

    def drop_partial(self):
        """Forget a partial frame (the line was closed or reopened)."""
        self.discarded_bytes += len(self._pending)
        self._pending = bytearray()
        self._skipping = False

    def _piece(self, piece):
        if not piece:
            return None  # a lone 0x00: a flush, not an error
        if len(piece) > self.max_piece:
            self.count("oversize", len(piece))
            return None
        try:
            frame = decode(piece)
        except WireError as exc:
            self.count(exc.kind, len(piece))
            return None
        self.frames += 1
        return frame

    def _hold(self, tail):
        if self._skipping:
            self.discarded_bytes += len(tail)
            return
        self._pending += tail
        if len(self._pending) > self.max_piece:
            self.count("oversize", len(self._pending))
            self._pending = bytearray()
            self._skipping = True


class Sender:
    """Frames what a board sends, numbering them 0, 1, … 255, 0, … (``seq``)."""

    def __init__(self, limit=STATION_LIMIT):
        self.limit = limit
        self.seq = 0

    def frame(self, type, body=b"", flags=0):
        """The wire bytes of the next frame; raises ValueError if it exceeds the limit."""
        wire = encode(type, body, self.seq, flags, PROTOCOL_MAJOR, self.limit)
        self.seq = (self.seq + 1) & 0xFF
        return wire


# --- messages ---------------------------------------------------------------------------------


def pack(type, *fields):
    """The body of a message of ``type`` from its fields, in PROTOCOL.md §3's order.

    ``pack(STATE, t_ms, raw, buttons, spikes, noise)``; ``pack(CONFIG, ((key, value), …))``;
    ``pack(HELLO_ACK, major, minor, (fw_major, fw_minor, fw_patch), kind, reset_cause,
    boot_id, adc_bits, buttons, uid)``; ``pack(LOG, text)``;
    ``pack(LED_FRAME, frame_id, strip, first, pixels)``. Raises ValueError for fields that do
    not fit the message (a sender's bug).
    """
    layout = _LAYOUTS.get(type)
    if layout is not None:
        return struct.pack(layout, *fields)
    if type in (PING, LED_OFF):
        return b""
    if type == REPL:
        return REPL_WORD
    if type == CONFIG:
        pairs = fields[0]
        if not 1 <= len(pairs) <= CONFIG_MAX_PAIRS:
            raise ValueError("a CONFIG carries 1 to 8 settings")
        return b"".join(struct.pack("<BH", key, value) for key, value in pairs)
    if type == LOG:
        data = fields[0].encode()
        if not 1 <= len(data) <= LOG_MAX:
            raise ValueError("a LOG carries 1 to 40 bytes of text")
        return data
    if type == LED_FRAME:
        frame_id, strip, first, pixels = fields
        count = len(pixels) // 3
        if len(pixels) % 3 or count > LED_CHUNK_PIXELS:
            raise ValueError("an LED_FRAME carries 0 to 500 whole RGB pixels")
        return struct.pack(_LED_FRAME_HEAD, frame_id, strip, first, count) + runs_encode(pixels)
    if type == HELLO_ACK:
        major, minor, firmware, kind, cause, boot_id, adc_bits, buttons, uid = fields
        head = struct.pack(
            _HELLO_ACK_HEAD,
            major,
            minor,
            firmware[0],
            firmware[1],
            firmware[2],
            kind,
            cause,
            boot_id,
            adc_bits,
            buttons,
            len(uid),
        )
        return head + bytes(uid)
    raise ValueError(f"unknown message type 0x{type:02x}")


def parse(type, body):
    """The fields of a message (a tuple, as :func:`pack` takes them) from its body.

    Raises :class:`WireError` ``"malformed"`` for an unknown type or a body that does not fit.
    """
    layout = _LAYOUTS.get(type)
    if layout is not None:
        if len(body) != struct.calcsize(layout):
            raise WireError("malformed", f"body of {len(body)} bytes for type 0x{type:02x}")
        return struct.unpack(layout, body)
    if type in (PING, LED_OFF):
        if body:
            raise WireError("malformed", f"type 0x{type:02x} has no body")
        return ()
    if type == REPL:
        if bytes(body) != REPL_WORD:
            raise WireError("malformed", "a REPL body must be the word REPL")
        return ()
    if type == CONFIG:
        if not body or len(body) % 3 or len(body) > 3 * CONFIG_MAX_PAIRS:
            raise WireError("malformed", f"CONFIG body of {len(body)} bytes")
        return (tuple(struct.unpack("<BH", body[i : i + 3]) for i in range(0, len(body), 3)),)
    if type == LOG:
        if not 1 <= len(body) <= LOG_MAX:
            raise WireError("malformed", f"LOG body of {len(body)} bytes")
        return (_text(body),)
    if type == LED_FRAME:
        frame_id, strip, first, count = parse_led_frame_head(body)
        return (frame_id, strip, first, runs_decode(body[_LED_FRAME_HEAD_SIZE:], count))
    if type == HELLO_ACK:
        if len(body) < _HELLO_ACK_HEAD_SIZE:
            raise WireError("malformed", "HELLO_ACK body shorter than its header")
        fields = struct.unpack(_HELLO_ACK_HEAD, body[:_HELLO_ACK_HEAD_SIZE])
        uid = bytes(body[_HELLO_ACK_HEAD_SIZE:])
        if len(uid) != fields[10]:
            raise WireError("malformed", "HELLO_ACK id length does not match")
        major, minor, f1, f2, f3, kind, cause, boot_id, adc_bits, buttons = fields[:10]
        return (major, minor, (f1, f2, f3), kind, cause, boot_id, adc_bits, buttons, uid)
    raise WireError("malformed", f"unknown message type 0x{type:02x}")


def parse_led_frame_head(body):
    """``(frame_id, strip, first, count)`` of an LED_FRAME body: ``count`` pixels from LED
    ``first`` on, whose runs (:func:`runs_decode`) are ``body[7:]``."""
    if len(body) < _LED_FRAME_HEAD_SIZE:
        raise WireError("malformed", "LED_FRAME body shorter than its header")
    frame_id, strip, first, count = struct.unpack(_LED_FRAME_HEAD, body[:_LED_FRAME_HEAD_SIZE])
    if count > LED_CHUNK_PIXELS:
        raise WireError("malformed", "LED_FRAME of more than 500 pixels")
    return frame_id, strip, first, count


#: Where an LED_FRAME body's runs start.
LED_FRAME_PIXELS_AT = _LED_FRAME_HEAD_SIZE


# --- LED_FRAME pixels: runs, and bytes that are never 0x00 (PROTOCOL.md §3) ------------------
#
# Pixels go as ops: a code byte 1–127 is that many literal pixels, 3 bytes each; a code byte
# 128–255 is a run of (code − 126) copies, 2 to 129, of the one pixel that follows. Every
# colour byte is its value + 1 (255 goes as 255: shown 254), so no byte of the pixels is 0x00:
# COBS then stuffs a frame in blocks of 254 bytes, and a board reads it a block at a time.
# The encoding is canonical (two or more equal pixels in a row always make a run), so the
# host's and the boards' codecs agree byte for byte.

LITERAL_MAX = 127
RUN_MAX = 129


def runs_encode(pixels):
    """The ops of ``pixels`` (3 bytes per LED, red first)."""
    pixels = bytes(pixels)
    n = len(pixels) // 3
    out = bytearray()
    shifted = bytes(min(b, 254) + 1 for b in pixels)
    i = 0
    literal_at = 0
    while i < n:
        j = i + 1
        pixel = shifted[3 * i : 3 * i + 3]
        while j < n and j - i < RUN_MAX and shifted[3 * j : 3 * j + 3] == pixel:
            j += 1
        if j - i >= 2:
            _literals(out, shifted, literal_at, i)
            out.append(j - i + 126)
            out += pixel
            literal_at = j
        i = j
    _literals(out, shifted, literal_at, n)
    return bytes(out)


def _literals(out, shifted, start, end):
    while start < end:
        take = min(LITERAL_MAX, end - start)
        out.append(take)
        out += shifted[3 * start : 3 * (start + take)]
        start += take


def runs_decode(data, count):
    """The ``count`` pixels (3 bytes each) that the ops ``data`` make.

    Raises :class:`WireError` ``"malformed"`` if the ops do not make exactly ``count`` pixels.
    """
    data = bytes(data)
    if b"\x00" in data:
        raise WireError("malformed", "LED_FRAME pixels hold a 0x00")
    out = bytearray()
    i = 0
    n = len(data)
    while i < n and len(out) <= 3 * count:
        code = data[i]
        size = 3 * code if code <= LITERAL_MAX else 3
        if i + 1 + size > n:
            break
        pixels = bytes(b - 1 for b in data[i + 1 : i + 1 + size])
        out += pixels if code <= LITERAL_MAX else pixels * (code - 126)
        i += 1 + size
    if i != n or len(out) != 3 * count:
        raise WireError("malformed", "LED_FRAME pixels do not make its count")
    return bytes(out)


def _text(body):
    try:
        return bytes(body).decode("utf-8")
    except ValueError:  # MicroPython has no errors="replace": keep the ASCII, mark the rest
        return "".join(chr(b) if b < 128 else "?" for b in body)
