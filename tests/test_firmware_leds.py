"""The LED floor driver's firmware, on a simulated board with a clock the test moves.

The driver (firmware/leds/driver.py) is the real one; the host's side is the host's codec
(controller.stations.messages.LedFrame chunks) over a pseudo-terminal.
"""

from __future__ import annotations

import random

import _firmware_path  # noqa: F401  (first: puts the firmware's folders on sys.path)
import driver as led_driver
import pytest
from firmware_bench import LED_SERIAL, LedBench
from sim_leds import blend

from controller.stations.framing import PUSH
from controller.stations.messages import (
    LED_CHUNK_PIXELS,
    Hello,
    HelloAck,
    LedFrame,
    LedStatus,
    Log,
    Repl,
)


def chunks(frame_id: int, strips: list[bytes], order=None) -> list[tuple[LedFrame, int]]:
    """A frame as the host sends it: each strip in chunks of at most 500 LEDs, PUSH last."""
    out = []
    for strip in order if order is not None else range(len(strips)):
        pixels = strips[strip]
        for first in range(0, len(pixels) // 3, LED_CHUNK_PIXELS):
            part = pixels[3 * first : 3 * (first + LED_CHUNK_PIXELS)]
            out.append((LedFrame(frame_id, strip, first, part), 0))
    last, _ = out[-1]
    out[-1] = (last, PUSH)
    return out


def random_frame(rng: random.Random, sizes: tuple[int, ...]) -> list[bytes]:
    return [rng.randbytes(3 * n) for n in sizes]


def send_all(bench: LedBench, parts: list[tuple[LedFrame, int]]) -> None:
    for message, flags in parts:
        bench.send(message, flags=flags)
        bench.run(0.002)


@pytest.fixture
def bench():
    bench = LedBench((700, 200))
    bench.start()
    yield bench
    bench.close()


def test_hello_is_answered_by_an_led_driver(bench):
    bench.send(Hello())
    bench.run(0.01)
    (ack,) = bench.received(HelloAck)
    assert ack.serial == LED_SERIAL
    assert (ack.kind, ack.adc_bits, ack.buttons) == (2, 0, 0)


def test_a_frame_is_shown_exactly_as_sent_and_not_before_its_push(bench):
    frame = random_frame(random.Random(1), (700, 200))
    parts = chunks(7, frame)
    assert len(parts) == 3  # 500 + 200 LEDs of strip 0, then strip 1 with PUSH
    send_all(bench, parts[:-1])
    assert bench.board.shows == [0, 0]
    assert bench.board.strips == [bytes(2100), bytes(600)]
    send_all(bench, parts[-1:])
    assert bench.board.strips == frame
    assert bench.board.shows == [1, 1]
    assert (bench.driver.frame_id, bench.driver.shown, bench.driver.dropped) == (7, 1, 0)


def test_strips_may_come_in_any_order_within_a_frame(bench):
    frame = random_frame(random.Random(2), (700, 200))
    send_all(bench, chunks(1, frame, order=[1, 0]))
    assert bench.board.strips == frame


def test_a_frame_with_a_chunk_missing_is_dropped_and_never_shown(bench):
    rng = random.Random(3)
    first = random_frame(rng, (700, 200))
    send_all(bench, chunks(1, first))
    broken = chunks(2, random_frame(rng, (700, 200)))
    del broken[0]  # LEDs 0–499 of strip 0 never arrive
    send_all(bench, broken)
    assert bench.board.strips == first
    assert (bench.driver.shown, bench.driver.dropped) == (1, 1)
    assert Log("frame 2 incomplete") in bench.received(Log)


def test_a_frame_superseded_before_its_push_is_dropped(bench):
    rng = random.Random(4)
    send_all(bench, chunks(1, random_frame(rng, (700, 200)))[:2])
    newer = random_frame(rng, (700, 200))
    send_all(bench, chunks(2, newer))
    assert bench.board.strips == newer
    assert (bench.driver.frame_id, bench.driver.shown, bench.driver.dropped) == (2, 1, 1)


def test_a_frame_shorter_than_the_strips_is_dropped_and_said_so(bench):
    send_all(bench, chunks(1, [bytes(3 * 650), bytes(3 * 200)]))
    assert bench.driver.shown == 0 and bench.driver.dropped == 1
    assert bench.received(Log) == [Log("frame 1 incomplete")]


def test_extra_leds_and_strips_are_ignored_and_said_so_once(bench):
    frame = random_frame(random.Random(5), (700, 200))
    longer = [frame[0], frame[1] + bytes(30), bytes(30)]
    send_all(bench, chunks(1, longer))
    send_all(bench, chunks(2, longer))
    assert bench.board.strips == frame and bench.driver.shown == 2
    logs = [log.text for log in bench.received(Log)]
    assert sorted(logs) == ["no strip 2 here", "strip 1 is shorter than sent"]


def test_the_floor_fades_to_idle_after_2_5_s_without_frames_and_wakes_at_the_next(bench):
    rng = random.Random(6)
    frame = random_frame(rng, (700, 200))
    send_all(bench, chunks(1, frame))
    bench.run(2.4)
    assert bench.board.strips == frame and not bench.driver.idle
    bench.run(0.2)
    assert bench.driver.idle
    assert bench.board.strips != frame  # fading
    bench.run(1.0)
    for strip in bench.board.strips:  # faded: every LED the idle colour
        assert len(set(zip(strip[0::3], strip[1::3], strip[2::3], strict=True))) == 1
        assert strip[2] > strip[0]  # a quiet blue
    assert any(s.idle for s in bench.received(LedStatus))
    newer = random_frame(rng, (700, 200))
    send_all(bench, chunks(2, newer))
    assert bench.board.strips == newer and not bench.driver.idle


def test_a_frame_left_without_its_push_counts_as_dropped_when_idle_comes(bench):
    send_all(bench, chunks(1, random_frame(random.Random(7), (700, 200)))[:1])
    bench.run(2.6)
    assert bench.driver.idle and bench.driver.dropped == 1


def test_status_reports_once_a_second_with_the_frame_rate(bench):
    rng = random.Random(8)
    for frame_id in range(1, 41):  # 40 frames over 2 s: 20 fps
        send_all(bench, chunks(frame_id, random_frame(rng, (700, 200))))
        bench.run(0.044)
    bench.run(0.05)
    statuses = bench.received(LedStatus)
    assert len(statuses) == 2  # at 1 s and 2 s
    last = statuses[-1]
    assert (last.frame_id, last.shown, last.dropped, last.idle) == (40, 40, 0, 0)
    assert 190 <= last.fps_x10 <= 210


def test_garbage_on_the_line_is_counted_and_frames_still_come_through(bench):
    frame = random_frame(random.Random(9), (700, 200))
    parts = chunks(3, frame)
    garbage = random.Random(1).randbytes(5000)
    assert garbage[-1] != 0
    bench.send(parts[0][0], raw=garbage)  # its first chunk is lost in the garbage's last piece
    send_all(bench, parts[1:])
    assert bench.driver.dropped == 1 and bench.driver.link.deframer.errors() > 0
    send_all(bench, chunks(4, frame))
    assert bench.board.strips == frame


def test_the_repl_message_leaves_the_protocol(bench):
    bench.send(Repl())
    assert bench.step_until_repl()
    assert bench.received(Log) == [Log("repl")]


def test_the_maintenance_jumper_keeps_the_protocol_off():
    bench = LedBench()
    bench.board.maintenance_jumper = True
    assert led_driver.boot(bench.board) is None
    assert bench.board.watchdog.timeout_us is None
    bench.close()


def test_blend_goes_from_one_buffer_to_the_other():
    out = bytearray(3)
    a, b = bytes([200, 0, 100]), bytes([0, 200, 100])
    blend(out, a, b, 0)
    assert out == a
    blend(out, a, b, 255)
    assert out == b
    blend(out, a, b, 128)
    assert out == bytes([99, 100, 100])


def test_the_idle_breath_rises_and_falls_slowly():
    levels = [led_driver.idle_level(t) for t in range(0, 4000, 500)]
    assert levels[0] == led_driver.IDLE_LOW and max(levels) == led_driver.IDLE_HIGH
    assert levels.index(max(levels)) == 4  # the top at 2 s of 4
