"""The boards' codec (firmware/common/wire.py) against the shared vectors and the host's codec."""

from __future__ import annotations

import zlib

import _firmware_path  # noqa: F401  (first: puts the firmware's folders on sys.path)
import pytest
import wire
from cobs import cobs
from hypothesis import given, settings
from hypothesis import strategies as st
from wire_vectors import MESSAGE_VECTORS, STREAM_VECTORS, VECTORS

from controller.stations import framing, messages

#: The firmware's field tuple for each vector's fields (as firmware/PROTOCOL.md §3 orders them).
ORDER = {
    "Hello": ("major", "minor"),
    "Ping": (),
    "Ring": ("pattern", "red", "green", "blue", "level"),
    "Config": ("settings",),
    "Repl": (),
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
    "State": ("t_ms", "raw", "buttons", "spikes"),
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
    return wire.LED_LIMIT if vector["message"] == "LedFrame" else wire.STATION_LIMIT


def test_constants_agree_with_the_vectors_and_the_host():
    assert VECTORS["protocol"] == [wire.PROTOCOL_MAJOR, wire.PROTOCOL_MINOR]
    assert VECTORS["limits"] == {"station": wire.STATION_LIMIT, "led": wire.LED_LIMIT}
    assert (wire.PUSH, wire.HOST_LOST, wire.OVERRUN) == (
        framing.PUSH,
        framing.HOST_LOST,
        framing.OVERRUN,
    )
    assert {m.TYPE for m in messages.MESSAGES.values()} == {
        wire.HELLO,
        wire.PING,
        wire.RING,
        wire.CONFIG,
        wire.REPL,
        wire.LED_FRAME,
        wire.HELLO_ACK,
        wire.STATE,
        wire.EVENT,
        wire.LOG,
        wire.LED_STATUS,
    }


@pytest.mark.parametrize("vector", MESSAGE_VECTORS, ids=lambda v: v["name"])
def test_each_vector_packs_to_its_exact_bytes(vector):
    body = wire.pack(vector["type"], *firmware_fields(vector))
    sent = wire.encode(
        vector["type"], body, vector["seq"], vector["flags"], vector["version"], limit_of(vector)
    )
    assert sent.hex() == vector["wire"]


@pytest.mark.parametrize("vector", MESSAGE_VECTORS, ids=lambda v: v["name"])
def test_each_vector_deframes_and_parses_to_its_meaning(vector):
    deframer = wire.Deframer(limit_of(vector))
    (frame,) = deframer.feed(bytes.fromhex(vector["wire"]))
    assert (frame.type, frame.seq, frame.flags, frame.version) == (
        vector["type"],
        vector["seq"],
        vector["flags"],
        vector["version"],
    )
    assert wire.parse(frame.type, frame.body) == firmware_fields(vector)


@pytest.mark.parametrize("vector", STREAM_VECTORS, ids=lambda v: v["name"])
def test_each_stream_vector_gives_its_frames_and_its_error_counts(vector):
    deframer = wire.Deframer(wire.STATION_LIMIT)
    by_wire = {v["wire"]: v["name"] for v in MESSAGE_VECTORS}
    found = []
    for frame in deframer.feed(bytes.fromhex(vector["stream"])):
        try:
            fields = wire.parse(frame.type, frame.body)
        except wire.WireError as exc:
            deframer.count(exc.kind)
            continue
        again = wire.encode(frame.type, wire.pack(frame.type, *fields), frame.seq, frame.flags)
        found.append(by_wire[again.hex()])
    assert found == vector["frames"]
    kinds = ("oversize", "cobs", "crc", "version", "malformed")
    errors = {k: getattr(deframer, k) for k in kinds if getattr(deframer, k)}
    assert errors == vector["errors"]


@pytest.mark.parametrize("vector", STREAM_VECTORS, ids=lambda v: v["name"])
def test_stream_vectors_fed_a_byte_at_a_time_give_the_same_frames(vector):
    whole, bytewise = wire.Deframer(), wire.Deframer()
    stream = bytes.fromhex(vector["stream"])
    frames = [f for i in range(len(stream)) for f in bytewise.feed(stream[i : i + 1])]
    assert frames == whole.feed(stream)
    assert bytewise.errors() == whole.errors()


def test_the_pure_crc_agrees_with_zlib():
    for data in (b"", b"\x00", b"123456789", bytes(range(256)) * 3):
        assert wire.crc32_pure(data) == zlib.crc32(data)
    assert wire.crc32_pure(b"123456789") == 0xCBF43926  # the check value of CRC-32/ISO-HDLC


def test_a_sender_numbers_its_frames_and_wraps_after_255():
    sender = wire.Sender()
    seqs = [wire.decode(sender.frame(wire.PING)[:-1]).seq for _ in range(258)]
    assert seqs[:3] == [0, 1, 2] and seqs[255:] == [255, 0, 1]


def test_a_sender_refuses_a_frame_over_the_limit():
    with pytest.raises(ValueError, match="exceeds the limit"):
        wire.Sender(wire.STATION_LIMIT).frame(wire.LOG, bytes(49))
    with pytest.raises(ValueError):
        wire.pack(wire.LOG, "x" * 41)
    with pytest.raises(ValueError):
        wire.pack(wire.LED_FRAME, 0, 0, 0, bytes(3 * 501))


def test_bodies_that_do_not_fit_their_type_are_malformed():
    for type_, body in (
        (wire.STATE, bytes(7)),
        (wire.CONFIG, bytes(4)),
        (wire.REPL, b"REPLY"),
        (wire.PING, b"\x00"),
        (wire.LED_FRAME, bytes([0, 0, 0, 0, 0, 2, 0]) + bytes(5)),
        (wire.HELLO_ACK, bytes(14) + b"\x01"),
        (0x7E, b""),
    ):
        with pytest.raises(wire.WireError) as caught:
            wire.parse(type_, body)
        assert caught.value.kind == "malformed"


# --- the firmware's codec and the host's agree on everything ------------------------------------

host_frames = st.builds(
    framing.Frame,
    type=st.integers(0, 255),
    seq=st.integers(0, 255),
    flags=st.integers(0, 255),
    body=st.binary(max_size=wire.LED_LIMIT - 8),
    version=st.integers(0, 255),
)


@given(st.binary(max_size=1200))
def test_cobs_encoding_is_the_host_library_s(data):
    assert wire.cobs_encode(data) == cobs.encode(data)
    assert wire.cobs_decode(cobs.encode(data)) == data


@given(st.binary(max_size=600))
def test_cobs_decoding_accepts_and_refuses_what_the_host_library_does(piece):
    try:
        expected = cobs.decode(piece)
    except cobs.DecodeError:
        with pytest.raises(wire.WireError):
            wire.cobs_decode(piece)
    else:
        assert wire.cobs_decode(piece) == expected


@given(host_frames)
def test_frames_round_trip_between_the_host_and_the_board(frame):
    host_wire = framing.encode(frame)
    board_wire = wire.encode(frame.type, frame.body, frame.seq, frame.flags, frame.version)
    assert board_wire == host_wire
    if frame.version == wire.PROTOCOL_MAJOR or frame.type in (wire.HELLO, wire.HELLO_ACK):
        got = wire.decode(host_wire[:-1])
        assert (got.type, got.seq, got.flags, got.body, got.version) == (
            frame.type,
            frame.seq,
            frame.flags,
            frame.body,
            frame.version,
        )
    else:
        with pytest.raises(wire.WireError) as caught:
            wire.decode(host_wire[:-1])
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
        st.binary(max_size=1500).map(lambda b: b[: len(b) - len(b) % 3]),
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


@given(host_messages, st.integers(0, 255), st.integers(0, 255))
@settings(max_examples=300)
def test_every_message_round_trips_between_the_host_and_the_board(message, seq, flags):
    host_wire = framing.encode(messages.pack(message, seq, flags))
    fields = _as_board_fields(message)
    assert wire.encode(message.TYPE, wire.pack(message.TYPE, *fields), seq, flags) == host_wire
    (frame,) = wire.Deframer(wire.LED_LIMIT).feed(host_wire)
    assert wire.parse(frame.type, frame.body) == fields


@given(st.lists(host_frames, max_size=5), st.binary(max_size=400), st.data())
@settings(max_examples=150)
def test_the_board_deframer_counts_exactly_what_the_host_s_does(sent, garbage, data):
    stream = garbage + b"".join(framing.encode(f) for f in sent)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=6)))
    limit = data.draw(st.sampled_from([wire.STATION_LIMIT, wire.LED_LIMIT]))
    host, board = framing.Deframer(limit), wire.Deframer(limit)
    host_frames_seen, board_frames_seen = [], []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        host_frames_seen += host.feed(stream[start:end])
        board_frames_seen += board.feed(stream[start:end])
    assert [(f.type, f.seq, f.flags, f.body, f.version) for f in board_frames_seen] == [
        (f.type, f.seq, f.flags, f.body, f.version) for f in host_frames_seen
    ]
    for kind in ("oversize", "cobs", "crc", "version", "discarded_bytes"):
        assert getattr(board, kind) == getattr(host.errors, kind), kind


def test_megabytes_of_garbage_hold_no_memory_on_the_board_either():
    deframer = wire.Deframer(wire.STATION_LIMIT)
    for _ in range(64):
        deframer.feed(b"\x55" * 16384)
    assert len(deframer._pending) <= deframer.max_piece
    ping = wire.encode(wire.PING)
    assert [f.type for f in deframer.feed(b"\x00" + ping)] == [wire.PING]
    assert deframer.oversize == 1 and deframer.discarded_bytes == 64 * 16384
