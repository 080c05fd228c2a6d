"""The host's codec against firmware/vectors.json, and framing properties
(firmware/PROTOCOL.md §1)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wire_vectors import MESSAGE_VECTORS, STREAM_VECTORS, VECTORS, message_of

from controller.stations.framing import (
    LED_LIMIT,
    PROTOCOL_MAJOR,
    STATION_LIMIT,
    Deframer,
    Frame,
    FrameError,
    decode,
    encode,
)
from controller.stations.messages import (
    Config,
    HelloAck,
    LedFrame,
    Log,
    MessageError,
    State,
    build_vectors,
    pack,
    parse,
    read_versions,
)

frames = st.builds(
    Frame,
    type=st.integers(0, 255),
    seq=st.integers(0, 255),
    flags=st.integers(0, 255),
    body=st.binary(max_size=STATION_LIMIT - 8),
)


def test_vectors_file_is_what_the_codec_writes():
    assert build_vectors() == VECTORS


@pytest.mark.parametrize("vector", MESSAGE_VECTORS, ids=lambda v: v["name"])
def test_each_vector_packs_to_its_bytes_and_parses_back(vector):
    message = message_of(vector)
    frame = pack(message, vector["seq"], vector["flags"], vector["version"])
    limit = LED_LIMIT if isinstance(message, LedFrame) else STATION_LIMIT
    assert encode(frame, limit).hex() == vector["wire"]
    (received,) = Deframer(limit).feed(bytes.fromhex(vector["wire"]))
    assert (received.seq, received.flags) == (vector["seq"], vector["flags"])
    assert parse(received) == message


@pytest.mark.parametrize("vector", STREAM_VECTORS, ids=lambda v: v["name"])
def test_each_stream_vector_gives_its_frames_and_errors(vector):
    deframer = Deframer(STATION_LIMIT)
    wires = {v["wire"]: v["name"] for v in MESSAGE_VECTORS}
    found, malformed = [], 0
    for frame in deframer.feed(bytes.fromhex(vector["stream"])):
        try:
            message = parse(frame)
        except MessageError:
            malformed += 1
            continue
        found.append(wires[encode(pack(message, frame.seq, frame.flags)).hex()])
    assert found == vector["frames"]
    errors = {k: v for k, v in vars(deframer.errors).items() if v and k != "discarded_bytes"}
    if malformed:
        errors["malformed"] = malformed
    assert errors == vector["errors"]


def test_a_station_frame_fits_one_usb_packet():
    biggest = Log("x" * 40)
    wire = encode(pack(biggest, 1), STATION_LIMIT)
    assert len(wire) <= 64
    ack = HelloAck(1, 0, (1, 0, 0), 1, 1, 1, 12, 3, bytes(8))
    assert len(encode(pack(ack), STATION_LIMIT)) <= 64


def test_a_sender_refuses_a_frame_over_the_limit():
    with pytest.raises(ValueError, match="exceeds the limit"):
        encode(Frame(0x84, body=bytes(60)), STATION_LIMIT)
    with pytest.raises(ValueError):
        pack(LedFrame(0, 0, 0, bytes(3 * 501)))


def test_a_hello_ack_of_another_major_is_still_readable_for_a_clear_refusal():
    other = PROTOCOL_MAJOR + 1
    vector = next(v for v in MESSAGE_VECTORS if v["name"] == f"HELLO_ACK from protocol {other}")
    (frame,) = Deframer().feed(bytes.fromhex(vector["wire"]))
    assert frame.version == other
    assert read_versions(frame.body) == (other, 1)


def test_bodies_of_the_wrong_size_are_malformed():
    with pytest.raises(MessageError):
        parse(Frame(State.TYPE, body=bytes(7)))
    with pytest.raises(MessageError):
        parse(Frame(Config.TYPE, body=bytes(4)))
    with pytest.raises(MessageError):
        parse(Frame(LedFrame.TYPE, body=bytes([0, 0, 0, 0, 0, 2, 0]) + bytes(5)))


@given(frames)
def test_framing_round_trips_and_never_puts_a_zero_inside(frame):
    wire = encode(frame)
    assert b"\x00" not in wire[1:-1] and wire[:1] == wire[-1:] == b"\x00"
    assert decode(wire[1:-1]) == frame


@given(frames, st.data())
def test_any_single_bit_flip_is_detected(frame, data):
    wire = bytearray(encode(frame))
    bit = data.draw(st.integers(0, 8 * (len(wire) - 1) - 1))
    wire[bit // 8] ^= 1 << (bit % 8)
    found = Deframer().feed(bytes(wire))
    # A flip may split the piece at a new 0x00 or corrupt it; never may a wrong frame pass.
    assert all(f == frame for f in found) and len(found) <= 1
    if not found:
        with pytest.raises(FrameError):
            decode(bytes(wire).split(b"\x00")[0])


@given(st.lists(frames, min_size=1, max_size=6), st.binary(max_size=400), st.data())
@settings(max_examples=200)
def test_resynchronises_after_garbage_whatever_the_chunking(sent, garbage, data):
    stream = garbage + b"\x00" + b"".join(encode(f) for f in sent)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    deframer = Deframer(STATION_LIMIT)
    received = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        received += deframer.feed(stream[start:end])
    assert received[-len(sent) :] == sent


def test_megabytes_of_garbage_without_zeros_hold_no_memory():
    deframer = Deframer(STATION_LIMIT)
    for _ in range(64):
        deframer.feed(b"\x55" * 16384)
    assert len(deframer._pending) <= deframer.max_piece
    state = encode(pack(State(1, 2, 3)))
    assert deframer.feed(b"\x00" + state) == [Frame(State.TYPE, body=State(1, 2, 3).body())]
    assert deframer.errors.oversize == 1
    assert deframer.errors.discarded_bytes == 64 * 16384


@pytest.mark.parametrize(
    "state", [State(1, 4096, 0), State(1, 65535, 0), State(1, 2048, 0xFF), State(1, 0, 0b1000)]
)
def test_a_state_no_station_can_send_is_malformed(state):
    with pytest.raises(MessageError, match="STATE"):
        parse(Frame(State.TYPE, body=state.body()))


def test_a_state_at_the_ends_of_the_adc_with_every_button_held_is_read():
    assert parse(Frame(State.TYPE, body=State(1, 4095, 0b111).body())) == State(1, 4095, 0b111)


def test_a_log_that_is_not_utf8_is_malformed():
    with pytest.raises(MessageError, match="not UTF-8"):
        parse(Frame(Log.TYPE, body=b"caf\xe9"))
    assert parse(Frame(Log.TYPE, body="café".encode())) == Log("café")
