"""Emulated stations end to end: the real firmware in its own process, on a real pseudo-terminal,
and the host's codec (controller/stations/framing.py, messages.py) over pyserial on the other
side."""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import statistics
import time

import pytest
import serial

from controller.stations.board_process import BoardProcess
from controller.stations.emulation import Chaos, LedDriverEmulator, PortInfo, StationEmulator
from controller.stations.framing import LED_LIMIT, PUSH, STATION_LIMIT, Deframer, encode
from controller.stations.messages import (
    LED_CHUNK_PIXELS,
    RING_PATTERNS,
    ButtonEvent,
    Hello,
    HelloAck,
    LedFrame,
    LedStatus,
    Log,
    Message,
    Ping,
    Repl,
    Ring,
    State,
    pack,
    parse,
)

A, B, C = "E66038B7133B5C2F", "E66038B7133B5C30", "0123456789ABCDEF"
WAIT = 10.0  # generous: other tests may be loading the machine


class Host:
    """The host's end of one station's line: pyserial, the host's codec, a little patience."""

    def __init__(self, device: str, limit: int = STATION_LIMIT) -> None:
        self.port = serial.Serial(device, timeout=0.05)
        self.deframer = Deframer(limit)
        self.seq = 0
        self._unread: list = []

    def close(self) -> None:
        self.port.close()

    def send(self, message: Message, flags: int = 0, before: bytes = b"") -> None:
        self.port.write(before + encode(pack(message, self.seq, flags)))
        self.seq = (self.seq + 1) & 0xFF

    def read(self) -> list:
        """What has arrived: (frame, message) pairs."""
        data = self.port.read(65536)
        got, self._unread = self._unread, []
        return got + [(f, parse(f)) for f in self.deframer.feed(data)]

    def wait_for(self, kind: type, where=lambda m: True, timeout: float = WAIT):
        """The first message of ``kind`` (meeting ``where``) to arrive from now on."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            for _, message in self.read():
                if isinstance(message, kind) and where(message):
                    return message
        raise AssertionError(f"no {kind.__name__} within {timeout} s")

    def handshake(self) -> HelloAck:
        self.send(Hello(), before=b"\x00")
        return self.wait_for(HelloAck)

    def collect(self, kind: type, count: int, timeout: float = WAIT) -> list:
        """The next ``count`` (frame, message) pairs of ``kind``."""
        got = []
        end = time.monotonic() + timeout
        while len(got) < count and time.monotonic() < end:
            for pair in self.read():
                if len(got) == count:
                    self._unread.append(pair)  # for the next reader
                elif isinstance(pair[1], kind):
                    got.append(pair)
        assert len(got) == count, f"{len(got)} {kind.__name__} of {count} within {timeout} s"
        return got


def device_of(emulator: StationEmulator, serial_number: str) -> str:
    (port,) = [p for p in emulator.ports() if p.serial_number == serial_number]
    return port.device


def wait_until(condition, timeout: float = WAIT) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.02)


@pytest.fixture
def emulator():
    with StationEmulator([A, B], seed=1) as emulator:
        yield emulator


@pytest.fixture
def host(emulator):
    host = Host(device_of(emulator, A))
    host.handshake()
    yield host
    host.close()


def test_ports_look_like_picos_found_by_pyserial(emulator):
    ports = emulator.ports()
    assert [p.serial_number for p in ports] == [A, B]
    assert all(p.vid == 0x2E8A and p.pid == 0x0005 for p in ports)
    assert ports[0].device != ports[1].device and ports[0].device.startswith("/dev/pts/")
    assert isinstance(ports[0], PortInfo)


def test_each_station_answers_hello_with_its_own_serial(emulator):
    for serial_number in (A, B):
        host = Host(device_of(emulator, serial_number))
        ack = host.handshake()
        assert ack.serial == serial_number and ack.reset_cause == 1 and ack.kind == 1
        host.close()


def test_a_still_station_beats_five_times_a_second_by_the_board_s_clock(host):
    frames = host.collect(State, 6)
    gaps = [b.t_ms - a.t_ms for (_, a), (_, b) in itertools.pairwise(frames)]
    assert 200 <= statistics.median(gaps) <= 205  # at the next 5 ms sample of the emulation
    seqs = [f.seq for f, _ in frames]
    assert all((b - a) % 256 == 1 for a, b in itertools.pairwise(seqs))


def test_a_slider_move_shows_in_raw(emulator, host):
    emulator.set_slider(A, 3210)
    host.wait_for(State, lambda s: s.raw == 3210)
    emulator.set_slider(A, 12)
    host.wait_for(State, lambda s: s.raw == 12)


def test_a_click_gives_a_press_then_a_release_event(emulator, host):
    emulator.click(A, "plus", hold_s=0.1)
    press = host.wait_for(ButtonEvent)
    release = host.wait_for(ButtonEvent)
    assert (press.button, press.pressed, release.button, release.pressed) == (1, 1, 1, 0)
    assert release.t_ms - press.t_ms >= 90  # held 100 ms, seen at 5 ms samples


def test_a_held_button_shows_in_state_until_released(emulator, host):
    emulator.press(A, "ok")
    host.wait_for(State, lambda s: s.buttons == 0b100)
    emulator.release(A, "ok")
    host.wait_for(State, lambda s: s.buttons == 0)


def test_unplugging_gives_the_host_an_os_error_and_removes_the_port(emulator, host):
    emulator.unplug(A)
    assert [p.serial_number for p in emulator.ports()] == [B]
    with pytest.raises(OSError):
        end = time.monotonic() + WAIT
        while time.monotonic() < end:
            host.port.read(4096)
            host.port.write(b"\x00")


def test_replugging_gives_a_new_device_a_new_boot_and_the_same_slider(emulator, host):
    first = host.handshake()
    old_device = device_of(emulator, A)
    emulator.set_slider(A, 1500)
    emulator.unplug(A)
    emulator.replug(A)
    new_device = device_of(emulator, A)
    assert new_device != old_device
    again = Host(new_device)
    ack = again.handshake()
    assert ack.serial == A and ack.boot_id != first.boot_id and ack.reset_cause == 1
    again.wait_for(State, lambda s: s.raw == 1500)
    again.close()


def test_a_frozen_station_goes_silent_then_carries_on_where_it_was(emulator, host):
    before = host.collect(State, 3)
    emulator.freeze(A, 1.0)
    frames = before + host.collect(State, 10)  # some may have been on their way already
    times = [m.t_ms for _, m in frames]
    assert max(b - a for a, b in itertools.pairwise(times)) >= 900  # silent, clock running
    seqs = [f.seq for f, _ in frames]
    assert all((b - a) % 256 == 1 for a, b in itertools.pairwise(seqs))  # no reboot


def test_garbage_on_the_line_is_counted_and_skipped_while_frames_still_arrive(emulator, host):
    emulator.inject_garbage(A, 1 << 20, seed=5)
    states = 0
    end = time.monotonic() + 30
    while host.deframer.errors.discarded_bytes < 1_000_000 and time.monotonic() < end:
        states += sum(1 for _, m in host.read() if isinstance(m, State))
    assert host.deframer.errors.discarded_bytes >= 1_000_000
    assert host.deframer.errors.total() > 1000
    host.collect(State, 10)
    assert states > 0 or host.deframer.frames > 0


def test_a_hung_loop_is_reset_by_the_watchdog_and_comes_back_on_a_new_device(emulator, host):
    old_device = device_of(emulator, A)
    emulator.hang(A, 10.0)
    wait_until(lambda: device_of(emulator, A) != old_device, timeout=WAIT + 4)
    assert emulator.boots(A) == 2
    again = Host(device_of(emulator, A))
    assert again.handshake().reset_cause == 2  # watchdog
    again.close()


def test_the_repl_message_resets_into_a_repl_and_ctrl_d_restarts_the_station(emulator, host):
    old_device = device_of(emulator, A)
    host.send(Repl())
    heard = []
    with contextlib.suppress(serial.SerialException, OSError):  # it resets right after
        end = time.monotonic() + WAIT
        while Log("repl") not in heard and time.monotonic() < end:
            heard += [m for _, m in host.read()]
    assert Log("repl") in heard
    # The board resets into maintenance: off USB and back, on a new device, REPL and no
    # watchdog (it outlives the watchdog's 3 s).
    wait_until(lambda: device_of(emulator, A) != old_device, timeout=WAIT)
    host.close()
    repl = Host(device_of(emulator, A))
    time.sleep(4.0)
    repl.port.write(b"6*7\r")
    text = b""
    end = time.monotonic() + WAIT
    while b"42" not in text and time.monotonic() < end:
        text += repl.port.read(256)
    assert b"42" in text and b"maintenance" in text
    repl.port.write(b"\x04")  # Ctrl-D: soft reset, main.py runs again
    time.sleep(0.2)
    repl.deframer.drop_partial()
    assert repl.handshake().reset_cause == 3  # soft reset
    repl.close()


@pytest.mark.parametrize("kind", ["station", "leds"])
def test_a_board_greeted_while_it_boots_comes_up_and_answers(tmp_path, kind):
    """Every HELLO of sequence 0 holds a 0x03, Ctrl-C (its COBS code byte: 3 bytes to the
    first zero). A board that took it as Ctrl-C while booting would stop in the REPL, dead to
    the protocol: main.py turns Ctrl-C off before anything else, so the greetings are bytes."""
    hello = encode(pack(Hello()))
    assert hello[1] == 0x03
    board = BoardProcess.start(kind, A, flash=tmp_path, keep_host=True)
    try:
        os.set_blocking(board.host_fd, False)
        deframer = Deframer(LED_LIMIT)
        answered = []
        end = time.monotonic() + WAIT
        while not answered and time.monotonic() < end:
            os.write(board.host_fd, hello)  # from power-up on, as a host retrying every 2 ms
            time.sleep(0.002)
            with contextlib.suppress(BlockingIOError):
                frames = deframer.feed(os.read(board.host_fd, 65536))
                answered = [m for m in map(parse, frames) if isinstance(m, HelloAck)]
        assert answered and answered[0].serial == A
    finally:
        board.stop()


def test_ring_reports_what_the_board_shows(emulator, host):
    assert emulator.ring(B) is None
    host.send(Ring(RING_PATTERNS.index("move_up"), 10, 20, 30, 40))
    wait_until(lambda: emulator.ring(A) == ("move_up", (10, 20, 30), 40))


def test_a_station_without_its_host_shows_host_lost_and_says_so(emulator):
    host = Host(device_of(emulator, B))
    host.handshake()
    wait_until(lambda: emulator.ring(B) == ("host_lost", (255, 0, 0), 0), timeout=WAIT)
    host.send(Ping())
    wait_until(lambda: emulator.ring(B) is None)
    host.close()


def test_unknown_serials_and_buttons_are_refused():
    with pytest.raises(ValueError, match="16 upper-case hex"):
        StationEmulator(["e66038b7133b5c2f"])
    with StationEmulator([A]) as emulator, pytest.raises(ValueError, match="unknown button"):
        emulator.press(A, "select")


def test_sixteen_stations_run_together():
    serials = [f"E66000000000{i:04X}" for i in range(16)]
    with StationEmulator(serials, seed=2) as emulator:
        hosts = [Host(p.device) for p in emulator.ports()]
        acks = [host.handshake() for host in hosts]
        assert [ack.serial for ack in acks] == serials
        for i, serial_number in enumerate(serials):
            emulator.set_slider(serial_number, 100 + 200 * i)
        for i, host in enumerate(hosts):
            host.wait_for(State, lambda s, i=i: s.raw == 100 + 200 * i)
            host.close()


def test_chaos_misbehaves_and_settle_brings_every_station_back():
    serials = [f"E66000000000{i:04X}" for i in range(4)]
    with StationEmulator(serials, seed=3) as emulator:
        chaos = Chaos(emulator, seed=4, rate=5.0)
        for step in range(200):  # ten seconds of chaos's time, fast
            chaos.step(step * 0.05)
            time.sleep(0.002)
        assert all(chaos.counts.values()), chaos.counts
        chaos.settle()
        assert sorted(p.serial_number for p in emulator.ports()) == serials
        for serial_number in serials:
            assert back(emulator, serial_number).serial == serial_number


def back(emulator: StationEmulator, serial_number: str, timeout: float = 3 * WAIT) -> HelloAck:
    """The board's HELLO_ACK once it answers: a board frozen past its watchdog's timeout
    reboots when thawed and comes back on a new device, so look for it again until then."""
    end = time.monotonic() + timeout
    while True:
        try:
            host = Host(device_of(emulator, serial_number))
            try:
                host.send(Hello(), before=b"\x00")
                return host.wait_for(HelloAck, timeout=2.0)
            finally:
                host.close()
        except (AssertionError, OSError, ValueError):
            if time.monotonic() > end:
                raise


# --- the LED floor driver, emulated --------------------------------------------------------------

LED = "E6614104033F2A2B"


def led_chunks(frame_id: int, strips: list[bytes]) -> list[tuple[LedFrame, int]]:
    """The host's chunks of a frame: ≤ 500 LEDs each, PUSH on the last."""
    parts = [
        (LedFrame(frame_id, strip, first, pixels[3 * first : 3 * (first + LED_CHUNK_PIXELS)]), 0)
        for strip, pixels in enumerate(strips)
        for first in range(0, len(pixels) // 3, LED_CHUNK_PIXELS)
    ]
    parts[-1] = (parts[-1][0], PUSH)
    return parts


@pytest.fixture
def led_driver():
    with LedDriverEmulator(LED, (600, 150), seed=1) as emulator:
        host = Host(emulator.ports()[0].device, LED_LIMIT)
        ack = host.handshake()
        assert (ack.serial, ack.kind) == (LED, 2)
        yield emulator, host
        host.close()


def test_the_emulated_led_driver_shows_exactly_the_frame_sent_and_nothing_before_push(led_driver):
    emulator, host = led_driver
    frame = [
        bytes(min(b, 254) for b in random.Random(seed).randbytes(3 * n))  # 255 goes as 254
        for seed, n in ((1, 600), (2, 150))
    ]
    parts = led_chunks(5, frame)
    for message, flags in parts[:-1]:
        host.send(message, flags=flags)
    before = emulator.snapshot()  # strip 0 is all in, strip 1 too but for its PUSH chunk
    assert before.strips[0] != frame[0] and before.strips[0][1500:] != frame[0][1500:]
    host.send(*parts[-1])
    wait_until(lambda: emulator.snapshot().strips == tuple(frame))
    status = host.wait_for(LedStatus, lambda s: s.shown == 1)
    assert (status.frame_id, status.dropped) == (5, 0)


def test_the_emulated_led_driver_goes_idle_after_2_5_s_of_silence(led_driver):
    emulator, host = led_driver
    frame = [bytes([255, 255, 255]) * 600, bytes([255, 0, 0]) * 150]
    sent = time.monotonic()
    for message, flags in led_chunks(1, frame):
        host.send(message, flags=flags)
    host.wait_for(LedStatus, lambda s: s.shown == 1 and not s.idle)
    host.wait_for(LedStatus, lambda s: s.idle == 1, timeout=WAIT)
    assert time.monotonic() - sent >= 2.5

    def quiet():
        strips = emulator.snapshot().strips
        return all(len(set(strip)) <= 3 and max(strip) < 128 for strip in strips)

    wait_until(quiet)  # faded: every LED the same dim idle colour
