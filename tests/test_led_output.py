"""LED outputs: DDP packets on a real UDP socket, frames sent when they change and kept alive,
failures retried."""

import socket
import time
from dataclasses import replace

import numpy as np
import pytest

from controller.digits import load_digit_set
from controller.floor.ddp import MAX_DATA, PUSH, RGB24, DdpOutput, packets, parse, read_frame
from controller.floor.frame import FloorRenderer
from controller.floor.mat import OutputConfig, load_floor
from controller.floor.output import KEEPALIVE_S, LedSender, OutputSlot, output_slot
from controller.network import load_network
from controller.scene import build_scene

NETWORK = load_network()
LAYOUT = load_floor(NETWORK)
RENDERER = FloorRenderer(LAYOUT, NETWORK)
DIGITS = load_digit_set("grandeur-nature")


def a_frame(t=2.0):
    return RENDERER.frame(build_scene(NETWORK, DIGITS, digit_index=1, t=t))


@pytest.fixture
def receiver():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5.0)  # generous: other test runs may share the machine
    yield sock
    sock.close()


def test_a_frame_becomes_packets_of_at_most_1440_bytes_with_push_on_the_last():
    data = bytes(range(256)) * 20  # 5,120 bytes
    found = [parse(p) for p in packets(data, sequence=3)]
    assert [p.offset for p in found] == [0, 1440, 2880, 4320]
    assert all(len(p.data) <= MAX_DATA for p in found)
    assert [p.push for p in found] == [False, False, False, True]
    assert {(p.sequence, p.data_type, p.destination) for p in found} == {(3, RGB24, 1)}
    assert b"".join(p.data for p in found) == data
    header = packets(b"\x01\x02\x03", sequence=1)[0][:10]
    assert header == bytes([0x40 | PUSH, 1, 0x0B, 1, 0, 0, 0, 0, 0, 3])


def test_a_ddp_receiver_reassembles_exactly_the_frame_the_mapper_produced(receiver):
    frame = a_frame()
    output = DdpOutput("127.0.0.1", receiver.getsockname()[1])
    try:
        output.send(frame)
    finally:
        output.close()
    data, got = read_frame(receiver)
    assert data == frame.rgb.tobytes()
    assert len(got) == -(-LAYOUT.led_count * 3 // MAX_DATA)
    assert np.frombuffer(data, np.uint8).reshape(-1, 3).max() > 0


def test_a_ddp_output_can_show_only_some_strips_in_its_own_order(receiver):
    frame = a_frame()
    config = OutputConfig("ddp", "127.0.0.1", receiver.getsockname()[1], ("OUT", "IN"))
    slot = output_slot(config, LAYOUT)
    assert slot.offer(frame, now=0.0)
    slot.close()
    data, _ = read_frame(receiver)
    out, inputs = LAYOUT.strip("OUT"), LAYOUT.strip("IN")
    expected = np.concatenate(
        [
            frame.rgb[out.offset : out.offset + out.leds],
            frame.rgb[inputs.offset : inputs.offset + inputs.leds],
        ]
    )
    assert data == expected.tobytes()


def test_the_sender_sends_a_new_frame_at_once_and_an_unchanged_one_only_to_keep_the_leds(
    receiver,
):
    config = OutputConfig("ddp", "127.0.0.1", receiver.getsockname()[1])
    sender = LedSender([output_slot(config, LAYOUT)], fps=40).start()
    try:
        first = a_frame(2.0)
        sender.put(first)  # handed over once: the thread sends it, then keeps the LEDs ours
        data, got = read_frame(receiver)
        sent = time.monotonic()
        assert data == first.rgb.tobytes()
        again, kept = read_frame(receiver)  # the keep-alive, not forty copies a second
        assert again == data and kept[-1].sequence != got[-1].sequence
        assert time.monotonic() - sent > 0.5 * KEEPALIVE_S
        newer = a_frame(3.0)
        sender.put(newer)
        deadline = time.monotonic() + 5.0
        while read_frame(receiver)[0] != newer.rgb.tobytes():
            assert time.monotonic() < deadline
    finally:
        sender.close()
    assert sender.health()[0].frames >= 3 and sender.health()[0].failures == 0


class Recorder:
    """An output that takes what it is sent, or lets it pass when told it is too soon."""

    def __init__(self):
        self.sent = []
        self.busy = False

    def send(self, frame):
        if self.busy:
            return False
        self.sent.append(frame)

    def close(self):
        pass


def test_an_output_gets_a_frame_when_its_bytes_change_and_the_same_one_every_keepalive():
    output = Recorder()
    slot = OutputSlot("recorder", lambda: output)
    first, copy, other = a_frame(2.0), replace(a_frame(2.0)), a_frame(2.5)
    assert np.array_equal(first.rgb, copy.rgb) and not np.array_equal(first.rgb, other.rgb)
    sent = [t for t in np.arange(0.0, 2.5, 0.025) if slot.offer(first if t < 2.2 else copy, t)]
    assert sent == [0.0, 1.0, 2.0]  # the same bytes: only the keep-alive goes out
    assert slot.offer(other, 2.3) and output.sent == [first, first, first, other]
    output.busy = True  # the output's own rate: not taken, so offered again
    newest = a_frame(2.6)
    assert not slot.offer(newest, 2.325)
    output.busy = False
    assert slot.offer(newest, 2.35) and output.sent[-1] is newest


class Flaky:
    """An output that fails to open until told otherwise, and counts what it was sent."""

    def __init__(self):
        self.up = False
        self.sent = []

    def open(self):
        if not self.up:
            raise OSError("No route to host")
        return self

    def send(self, frame):
        self.sent.append(frame)

    def close(self):
        pass


def test_a_failing_output_is_counted_and_retried_with_back_off_never_raised(caplog):
    flaky = Flaky()
    slot = OutputSlot("wled", flaky.open)
    for t in np.arange(0.0, 20.0, 0.025):  # forty frames a second for 20 s: none raises
        assert not slot.offer("frame", t)
    # Retried after 1, 2, 4, then every 5 s: 0, 1, 3, 7, 12, 17 → six attempts.
    assert slot.failures == 6
    assert slot.health().last_error == "OSError: No route to host"
    assert sum("failed" in r.message for r in caplog.records) == 1  # said once, not 800 times
    flaky.up = True
    assert not slot.offer("frame", 21.0)  # not due before 22 s
    assert slot.offer("frame", 22.0) and flaky.sent == ["frame"]
    assert slot.health().connected and slot.delay == 1.0


def test_a_ddp_receiver_that_is_not_there_is_reported_not_raised():
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now: the kernel answers "port unreachable"
    slot = output_slot(OutputConfig("ddp", "127.0.0.1", port), LAYOUT)
    frame, now = a_frame(), 0.0
    deadline = time.monotonic() + 5.0
    while slot.failures == 0:
        slot.offer(frame, now)
        now += 10.0  # always due for a retry
        time.sleep(0.01)
        assert time.monotonic() < deadline
    assert "ConnectionRefusedError" in slot.health().last_error
    assert not slot.health().connected
    slot.close()


def test_a_frame_sent_twice_gets_a_new_sequence_number_from_1_to_15(receiver):
    output = DdpOutput("127.0.0.1", receiver.getsockname()[1])
    frame = replace(a_frame(), rgb=np.zeros((2, 3), dtype=np.uint8))
    seen = []
    for _ in range(16):
        output.send(frame)
        seen.append(read_frame(receiver)[1][-1].sequence)
    output.close()
    assert seen == [*range(1, 16), 1]
