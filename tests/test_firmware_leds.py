"""The LED floor driver's firmware, in MicroPython, on a simulated board whose clock the test
moves.

The driver (firmware/leds/ and firmware/common/, from main.py on) is the real one, run by
MicroPython's unix port; its strips are PIO state machines whose output the simulated board
keeps; the host's side is the host's codec (controller.stations.messages.LedFrame chunks)
over a pseudo-terminal.
"""

from __future__ import annotations

import contextlib
import os
import random

import pytest
from firmware_bench import LED_SERIAL, BoardReset, LedBench
from micropython import MicroPython

from controller.stations.framing import PUSH
from controller.stations.messages import (
    LED_CHUNK_PIXELS,
    Hello,
    HelloAck,
    LedFrame,
    LedOff,
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
    """Random pixels, each colour 0–254 (255 travels as 254: PROTOCOL.md §3)."""
    return [bytes(min(b, 254) for b in rng.randbytes(3 * n)) for n in sizes]


def send_all(bench: LedBench, parts: list[tuple[LedFrame, int]]) -> None:
    """Send each chunk and give the line time to carry it (USB's ~1 MB/s: 5 ms), and the
    strips time to show the frame (a strip waits for its previous frame: 30 µs a LED)."""
    for message, flags in parts:
        bench.send(message, flags=flags)
        bench.run(0.005)
    bench.run(0.03)


@pytest.fixture
def bench():
    bench = LedBench((700, 200))
    yield bench
    bench.close()


def counters(bench: LedBench) -> tuple[int, int, int]:
    """The driver's (last frame shown, frames shown, frames dropped)."""
    return bench.eval("(program.frame_id, program.shown, program.dropped)")


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
    assert bench.shows() == 0
    assert bench.strips() == [bytes(2100), bytes(600)]
    send_all(bench, parts[-1:])
    assert bench.strips() == frame
    assert bench.shows() == 2  # each strip once
    assert counters(bench) == (7, 1, 0)


def test_strips_may_come_in_any_order_within_a_frame(bench):
    frame = random_frame(random.Random(2), (700, 200))
    send_all(bench, chunks(1, frame, order=[1, 0]))
    assert bench.strips() == frame


def test_a_frame_with_a_chunk_missing_is_dropped_and_never_shown(bench):
    rng = random.Random(3)
    first = random_frame(rng, (700, 200))
    send_all(bench, chunks(1, first))
    broken = chunks(2, random_frame(rng, (700, 200)))
    del broken[0]  # LEDs 0–499 of strip 0 never arrive
    send_all(bench, broken)
    assert bench.strips() == first
    assert counters(bench)[1:] == (1, 1)
    assert Log("frame 2 incomplete") in bench.received(Log)


def test_a_frame_superseded_before_its_push_is_dropped(bench):
    rng = random.Random(4)
    send_all(bench, chunks(1, random_frame(rng, (700, 200)))[:2])
    newer = random_frame(rng, (700, 200))
    send_all(bench, chunks(2, newer))
    assert bench.strips() == newer
    assert counters(bench) == (2, 1, 1)


def test_a_frame_shorter_than_the_strips_is_dropped_and_said_so(bench):
    send_all(bench, chunks(1, [bytes(3 * 650), bytes(3 * 200)]))
    assert counters(bench)[1:] == (0, 1)
    assert bench.received(Log) == [Log("frame 1 incomplete")]


def test_extra_leds_and_strips_are_ignored_and_said_so_once(bench):
    frame = random_frame(random.Random(5), (700, 200))
    longer = [frame[0], frame[1] + bytes(30), bytes(30)]
    send_all(bench, chunks(1, longer))
    send_all(bench, chunks(2, longer))
    assert bench.strips() == frame and counters(bench)[1] == 2
    logs = [log.text for log in bench.received(Log)]
    assert sorted(logs) == ["no strip 2 here", "strip 1 is shorter than sent"]


def test_the_floor_fades_to_idle_after_2_5_s_without_frames_and_wakes_at_the_next(bench):
    rng = random.Random(6)
    frame = random_frame(rng, (700, 200))
    send_all(bench, chunks(1, frame))
    bench.run(2.4)
    assert bench.strips() == frame and not bench.eval("program.idle")
    bench.run(0.2)
    assert bench.eval("program.idle")
    assert bench.strips() != frame  # fading
    bench.run(1.0)
    for strip in bench.strips():  # faded: every LED the idle colour
        assert len(set(zip(strip[0::3], strip[1::3], strip[2::3], strict=True))) == 1
        assert strip[2] > strip[0]  # a quiet blue
    assert any(s.idle for s in bench.received(LedStatus))
    newer = random_frame(rng, (700, 200))
    send_all(bench, chunks(2, newer))
    assert bench.strips() == newer and not bench.eval("program.idle")


def test_a_frame_left_without_its_push_counts_as_dropped_when_idle_comes(bench):
    send_all(bench, chunks(1, random_frame(random.Random(7), (700, 200)))[:1])
    bench.run(2.6)
    assert bench.eval("program.idle") and counters(bench)[2] == 1


def test_status_reports_once_a_second_with_the_frame_rate(bench):
    rng = random.Random(8)
    for frame_id in range(1, 41):  # 40 frames over 2 s: 20 fps
        send_all(bench, chunks(frame_id, random_frame(rng, (700, 200))))
        bench.run(0.005)
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
    # The garbage ends at the 0x00 that starts the next chunk: nothing after it is lost.
    bench.send(parts[0][0], raw=garbage)
    send_all(bench, parts[1:])
    assert bench.eval("program.link.deframer.errors()") > 0
    assert counters(bench) == (3, 1, 0) and bench.strips() == frame


def test_the_repl_message_resets_the_driver_into_maintenance(bench):
    bench.send(Repl())
    with pytest.raises(BoardReset) as reset:
        bench.run(0.5)
    assert reset.value.cause == "machine.reset" and bench.received(Log) == [Log("repl")]
    assert (bench.flash / "maintenance").exists()


def test_the_maintenance_jumper_keeps_the_protocol_off():
    bench = LedBench(world={"jumper": 22})  # strips.MAINTENANCE_PIN to GND
    bench.run(0.1)
    assert bench.eval("program") is None
    assert bench.eval("world.watchdog.timeout_us") is None
    bench.close()


def test_blend_goes_from_one_buffer_to_the_other(bench):
    a, b = bytes([200, 0, 100]), bytes([0, 200, 100])
    blend = "(lambda out: (modules['leds_rp2']._blend(out, {a!r}, {b!r}, 3, {k}), bytes(out)))"
    assert bench.eval(blend.format(a=a, b=b, k=0) + "(bytearray(3))")[1] == a
    assert bench.eval(blend.format(a=a, b=b, k=255) + "(bytearray(3))")[1] == b
    assert bench.eval(blend.format(a=a, b=b, k=128) + "(bytearray(3))")[1] == bytes([99, 100, 100])


@pytest.fixture(scope="module")
def firmware():
    """The LED driver's pure code, in MicroPython."""
    mp = MicroPython("common", "leds")
    mp.exec("import driver")
    yield mp
    mp.close()


def test_the_idle_breath_rises_and_falls_slowly(firmware):
    levels = [firmware.call("driver.idle_level", t) for t in range(0, 4000, 500)]
    assert levels[0] == firmware.eval("driver.IDLE_LOW")
    assert max(levels) == firmware.eval("driver.IDLE_HIGH")
    assert levels.index(max(levels)) == 4  # the top at 2 s of 4


def test_a_megabyte_of_random_bytes_never_resets_the_driver(bench):
    """Noise on the line costs the frames it hits, counted, never the driver: the first
    frame after it is shown (its leading 0x00 ends any block the noise had announced)."""
    noise = random.Random(11).randbytes(1 << 20)
    while noise:  # as fast as the line takes it
        with contextlib.suppress(BlockingIOError):
            noise = noise[os.write(bench.host_fd, noise) :]
        bench.run(0.05)
    frame = random_frame(random.Random(12), (700, 200))
    send_all(bench, chunks(9, frame))
    assert bench.strips() == frame and counters(bench)[:2] == (9, 1)  # the same boot
    assert bench.eval("program.link.deframer.discarded_bytes") > 1_000_000


def test_led_off_puts_every_strip_out_and_holds_it_dark_past_the_idle_time(bench):
    rng = random.Random(12)
    send_all(bench, chunks(1, random_frame(rng, (700, 200))))
    send_all(bench, chunks(2, random_frame(rng, (700, 200)))[:1])  # a frame half sent
    bench.send(LedOff())
    bench.run(0.05)
    dark = [bytes(3 * 700), bytes(3 * 200)]
    assert bench.strips() == dark
    bench.run(5.0)  # twice the idle time: no glow
    assert bench.strips() == dark and not bench.eval("program.idle")
    assert bench.received(LedStatus)[-1].idle == 2  # held dark
    assert counters(bench)[2] == 1  # the half-sent frame, dropped
    newer = random_frame(rng, (700, 200))
    send_all(bench, chunks(3, newer))
    assert bench.strips() == newer and not bench.eval("program.dark")
