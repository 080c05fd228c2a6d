"""The boards' codec (firmware/common/wire.py), run in MicroPython's unix port, against the
shared vectors and the host's codec."""

from __future__ import annotations

import zlib

import pytest
from cobs import cobs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from micropython import BoardError, MicroPython
from wire_vectors import MESSAGE_VECTORS, STREAM_VECTORS, VECTORS

from controller.stations import framing, messages


class Wire:
    """firmware/common/wire.py in MicroPython: its functions called, its constants read."""

    def __init__(self, mp: MicroPython) -> None:
        self.mp = mp
        mp.exec("import wire")
        names = mp.eval("[n for n in dir(wire) if n.isupper() and not n.startswith('_')]")
        for name in names:
            setattr(self, name, mp.eval(f"wire.{name}"))

    def __getattr__(self, name: str):
        return lambda *args: self.mp.call(f"wire.{name}", *args)


@pytest.fixture(scope="module")
def wire():
    mp = MicroPython("common")
    yield Wire(mp)
    mp.close()


#: The limits, known before the fixture (hypothesis strategies are built at import).
STATION_LIMIT, LED_LIMIT = VECTORS["limits"]["station"], VECTORS["limits"]["led"]
EXAMPLES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

#: The firmware's field tuple for each vector's fields (as firmware/PROTOCOL.md §3 orders them).
ORDER = {
    "Hello": ("major", "minor"),
    "Ping": (),
    "Ring": ("pattern", "red", "green", "blue", "level"),
    "Config": ("settings",),
    "Repl": (),
    "LedOff": (),
    "LedFrame": ("frame_id", "strip", "first", "pixels"),
    "HelloAck": (
        "major",
        "minor",
        "firmware",
        "kind",
        "reset_cause",
        "boot_id",
        "adc_bits",
        "buttons",
        "uid",
    ),
    "State": ("t_ms", "raw", "buttons", "spikes", "noise_x4"),
    "ButtonEvent": ("t_ms", "button", "pressed"),
    "Log": ("text",),
    "LedStatus": ("frame_id", "shown", "dropped", "fps_x10", "idle"),
}


def firmware_fields(vector: dict) -> tuple:
    """A vector's fields as the firmware's pack() takes them and parse() returns them."""
    values = []
    for name in ORDER[vector["message"]]:
        value = vector["fields"][name]
        if name in ("uid", "pixels"):
            value = bytes.fromhex(value)
        elif isinstance(value, list):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        values.append(value)
    return tuple(values)


def limit_of(vector: dict) -> int:
    return LED_LIMIT if vector["message"] == "LedFrame" else STATION_LIMIT


COUNTERS = ("frames", "oversize", "cobs", "crc", "version", "malformed", "discarded_bytes")
HELPERS = f"""
def counters(d):
    return dict((k, getattr(d, k)) for k in {COUNTERS!r})

def frames_of(found):
    return [(f.type, f.seq, f.flags, bytes(f.body), f.version) for f in found]

def read_stream(limit, data):
    d = wire.Deframer(limit)
    again = []
    for f in d.feed(data):
        try:
            fields = wire.parse(f.type, f.body)
        except wire.WireError as exc:
            d.count(exc.kind)
            continue
        again.append(wire.encode(f.type, wire.pack(f.type, *fields), f.seq, f.flags))
    return again, counters(d)
"""


@pytest.fixture(scope="module")
def mp(wire):
    wire.mp.exec(HELPERS)
    return wire.mp


def test_constants_agree_with_the_vectors_and_the_host(wire):
    assert VECTORS["protocol"] == [wire.PROTOCOL_MAJOR, wire.PROTOCOL_MINOR]
    assert VECTORS["limits"] == {"station": wire.STATION_LIMIT, "led": wire.LED_LIMIT}
    assert (wire.PUSH, wire.HOST_LOST, wire.OVERRUN, wire.HEARTBEAT) == (
        framing.PUSH,
        framing.HOST_LOST,
        framing.OVERRUN,
        framing.HEARTBEAT,
    )
    assert {m.TYPE for m in messages.MESSAGES.values()} == {
        wire.HELLO,
        wire.PING,
        wire.RING,
        wire.CONFIG,
        wire.REPL,
        wire.LED_FRAME,
        wire.LED_OFF,
        wire.HELLO_ACK,
        wire.STATE,
        wire.EVENT,
        wire.LOG,
        wire.LED_STATUS,
    }


@pytest.mark.parametrize("vector", MESSAGE_VECTORS, ids=lambda v: v["name"])
def test_each_vector_packs_to_its_exact_bytes(wire, vector):
    body = wire.pack(vector["type"], *firmware_fields(vector))
    sent = wire.encode(
        vector["type"], body, vector["seq"], vector["flags"], vector["version"], limit_of(vector)
    )
    assert sent.hex() == vector["wire"]


@pytest.mark.parametrize("vector", MESSAGE_VECTORS, ids=lambda v: v["name"])
def test_each_vector_deframes_and_parses_to_its_meaning(mp, vector):
    data = bytes.fromhex(vector["wire"])
    ((type_, seq, flags, body, version),) = mp.eval(
        f"frames_of(wire.Deframer({limit_of(vector)}).feed({data!r}))"
    )
    assert (type_, seq, flags, version) == (
        vector["type"],
        vector["seq"],
        vector["flags"],
        vector["version"],
    )
    assert mp.call("wire.parse", type_, body) == firmware_fields(vector)


@pytest.mark.parametrize("vector", STREAM_VECTORS, ids=lambda v: v["name"])
def test_each_stream_vector_gives_its_frames_and_its_error_counts(mp, vector):
    by_wire = {v["wire"]: v["name"] for v in MESSAGE_VECTORS}
    again, counts = mp.call("read_stream", STATION_LIMIT, bytes.fromhex(vector["stream"]))
    assert [by_wire[frame.hex()] for frame in again] == vector["frames"]
    kinds = ("oversize", "cobs", "crc", "version", "malformed")
    assert {k: counts[k] for k in kinds if counts[k]} == vector["errors"]


@pytest.mark.parametrize("vector", STREAM_VECTORS, ids=lambda v: v["name"])
def test_stream_vectors_fed_a_byte_at_a_time_give_the_same_frames(mp, vector):
    stream = bytes.fromhex(vector["stream"])
    mp.exec(f"whole, bytewise = wire.Deframer(), wire.Deframer(); stream = {stream!r}")
    bytewise = mp.eval(
        "frames_of([f for i in range(len(stream)) for f in bytewise.feed(stream[i : i + 1])])"
    )
    assert bytewise == mp.eval("frames_of(whole.feed(stream))")
    assert mp.eval("bytewise.errors() == whole.errors()")


def test_the_pure_crc_agrees_with_zlib(wire):
    for data in (b"", b"\x00", b"123456789", bytes(range(256)) * 3):
        assert wire.crc32_pure(data) == zlib.crc32(data)
    assert wire.crc32_pure(b"123456789") == 0xCBF43926  # the check value of CRC-32/ISO-HDLC


def test_a_sender_numbers_its_frames_and_wraps_after_255(mp):
    seqs = mp.eval(
        "[wire.decode(s.frame(wire.PING)[1:-1]).seq for s in [wire.Sender()] for _ in range(258)]"
    )
    assert seqs[:3] == [0, 1, 2] and seqs[255:] == [255, 0, 1]


def test_a_sender_refuses_a_frame_over_the_limit(mp, wire):
    with pytest.raises(BoardError, match="exceeds the limit"):
        mp.eval("wire.Sender(wire.STATION_LIMIT).frame(wire.LOG, bytes(49))")
    with pytest.raises(BoardError, match="ValueError"):
        wire.pack(wire.LOG, "x" * 41)
    with pytest.raises(BoardError, match="ValueError"):
        wire.pack(wire.LED_FRAME, 0, 0, 0, bytes(3 * 501))


def test_bodies_that_do_not_fit_their_type_are_malformed(wire):
    for type_, body in (
        (wire.STATE, bytes(7)),
        (wire.CONFIG, bytes(4)),
        (wire.REPL, b"REPLY"),
        (wire.PING, b"\x00"),
        (wire.LED_FRAME, bytes([0, 0, 0, 0, 0, 2, 0]) + bytes(5)),
        (wire.HELLO_ACK, bytes(14) + b"\x01"),
        (0x7E, b""),
    ):
        with pytest.raises(BoardError) as caught:
            wire.parse(type_, body)
        assert (caught.value.name, caught.value.kind) == ("WireError", "malformed")


# --- the firmware's codec and the host's agree on everything ------------------------------------

host_frames = st.builds(
    framing.Frame,
    type=st.integers(0, 255),
    seq=st.integers(0, 255),
    flags=st.integers(0, 255),
    body=st.binary(max_size=LED_LIMIT - 8),
    version=st.integers(0, 255),
)


@given(data=st.binary(max_size=1200))
@EXAMPLES
def test_cobs_encoding_is_the_host_library_s(wire, data):
    assert wire.cobs_encode(data) == cobs.encode(data)
    assert wire.cobs_decode(cobs.encode(data)) == data


@given(piece=st.binary(max_size=600))
@EXAMPLES
def test_cobs_decoding_accepts_and_refuses_what_the_host_library_does(wire, piece):
    try:
        expected = cobs.decode(piece)
    except cobs.DecodeError:
        with pytest.raises(BoardError) as caught:
            wire.cobs_decode(piece)
        assert caught.value.kind == "cobs"
    else:
        assert wire.cobs_decode(piece) == expected


@given(frame=host_frames)
@EXAMPLES
def test_frames_round_trip_between_the_host_and_the_board(mp, wire, frame):
    host_wire = framing.encode(frame)
    board_wire = wire.encode(frame.type, frame.body, frame.seq, frame.flags, frame.version)
    assert board_wire == host_wire
    if frame.version == wire.PROTOCOL_MAJOR or frame.type in (wire.HELLO, wire.HELLO_ACK):
        got = mp.eval(f"frames_of([wire.decode({host_wire[1:-1]!r})])")
        assert got == [(frame.type, frame.seq, frame.flags, frame.body, frame.version)]
    else:
        with pytest.raises(BoardError) as caught:
            wire.decode(host_wire[1:-1])
        assert caught.value.kind == "version"


host_messages = st.one_of(
    st.builds(messages.Hello, st.integers(0, 255), st.integers(0, 255)),
    st.just(messages.Ping()),
    st.builds(messages.Ring, *[st.integers(0, 255)] * 5),
    st.builds(
        messages.Config,
        st.lists(st.tuples(st.integers(0, 255), st.integers(0, 65535)), min_size=1, max_size=8).map(
            tuple
        ),
    ),
    st.just(messages.Repl()),
    st.builds(
        messages.LedFrame,
        st.integers(0, 65535),
        st.integers(0, 255),
        st.integers(0, 65535),
        # a colour byte of 255 travels as 254 (PROTOCOL.md §3): the round trip is of 0–254
        st.binary(max_size=1500).map(
            lambda b: bytes(min(x, 254) for x in b[: len(b) - len(b) % 3])
        ),
    ),
    st.builds(
        messages.HelloAck,
        st.integers(0, 255),
        st.integers(0, 255),
        st.tuples(*[st.integers(0, 255)] * 3),
        st.integers(0, 255),
        st.integers(0, 255),
        st.integers(0, 2**32 - 1),
        st.integers(0, 255),
        st.integers(0, 255),
        st.binary(max_size=16),
    ),
    st.builds(
        messages.State,
        st.integers(0, 2**32 - 1),
        st.integers(0, 65535),
        st.integers(0, 255),
        st.integers(0, 255),
        st.integers(0, 255),
    ),
    st.builds(messages.ButtonEvent, st.integers(0, 2**32 - 1), *[st.integers(0, 255)] * 2),
    st.builds(messages.Log, st.text(min_size=1, max_size=10)),
    st.builds(
        messages.LedStatus,
        st.integers(0, 65535),
        st.integers(0, 2**32 - 1),
        st.integers(0, 2**32 - 1),
        st.integers(0, 65535),
        st.integers(0, 255),
    ),
)


def _as_board_fields(message: messages.Message) -> tuple:
    name = type(message).__name__
    return tuple(getattr(message, f) for f in ORDER[name])


@given(message=host_messages, seq=st.integers(0, 255), flags=st.integers(0, 255))
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_message_round_trips_between_the_host_and_the_board(mp, wire, message, seq, flags):
    host_wire = framing.encode(messages.pack(message, seq, flags))
    fields = _as_board_fields(message)
    assert wire.encode(message.TYPE, wire.pack(message.TYPE, *fields), seq, flags) == host_wire
    ((type_, _, _, body, _),) = mp.eval(
        f"frames_of(wire.Deframer(wire.LED_LIMIT).feed({host_wire!r}))"
    )
    assert wire.parse(type_, body) == fields


@given(sent=st.lists(host_frames, max_size=5), garbage=st.binary(max_size=400), data=st.data())
@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_board_deframer_counts_exactly_what_the_host_s_does(mp, sent, garbage, data):
    stream = garbage + b"".join(framing.encode(f) for f in sent)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    limit = data.draw(st.sampled_from([STATION_LIMIT, LED_LIMIT]))
    host = framing.Deframer(limit)
    mp.exec(f"board = wire.Deframer({limit})")
    host_frames_seen, board_frames_seen = [], []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        host_frames_seen += host.feed(stream[start:end])
        board_frames_seen += mp.eval(f"frames_of(board.feed({stream[start:end]!r}))")
    assert board_frames_seen == [
        (f.type, f.seq, f.flags, f.body, f.version) for f in host_frames_seen
    ]
    counts = mp.eval("counters(board)")
    for kind in ("oversize", "cobs", "crc", "version", "discarded_bytes"):
        assert counts[kind] == getattr(host.errors, kind), kind


def test_megabytes_of_garbage_hold_no_memory_on_the_board_either(mp):
    mp.exec("d = wire.Deframer(wire.STATION_LIMIT)\nfor _ in range(64):\n    d.feed(b'U' * 16384)")
    assert mp.eval("len(d._pending) <= d.max_piece")
    assert mp.eval("[f.type for f in d.feed(b'\\x00' + wire.encode(wire.PING))]") == [2]
    assert mp.eval("(d.oversize, d.discarded_bytes)") == (1, 64 * 16384)


def test_megabytes_of_random_bytes_are_survived_counted_and_the_next_frame_decoded(mp):
    """What any noise on a USB line gives a board: every piece counted, nothing raised, no
    memory held, and the next good frame read."""
    mp.exec(
        "import os\n"
        "d = wire.Deframer(wire.STATION_LIMIT)\n"
        "for _ in range(256):\n"
        "    d.feed(os.urandom(16384))"
    )
    counts = mp.eval("counters(d)")
    assert counts["discarded_bytes"] > 4_000_000  # of 4 MiB, all but a last partial piece
    assert counts["cobs"] + counts["crc"] + counts["oversize"] > 10_000
    assert mp.eval("len(d._pending) <= d.max_piece")
    ping = mp.eval("frames_of(d.feed(b'\\x00' + wire.encode(wire.PING, seq=9)))")
    assert ping == [(2, 9, 0, b"", mp.eval("wire.PROTOCOL_MAJOR"))]
