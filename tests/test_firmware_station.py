"""The station firmware's behaviour, in MicroPython, on a simulated board whose clock the test
moves.

The firmware is the real one (firmware/station/ and firmware/common/, from main.py on), run
by MicroPython's unix port; its board is simulated (firmware/sim/) and its line is a
pseudo-terminal, with the host's codec on the other side.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import statistics

import pytest
from firmware_bench import SERIAL, BoardReset, StationBench
from micropython import MicroPython
from wire_vectors import MESSAGE_VECTORS

from controller.stations.emulation import pins_file
from controller.stations.framing import (
    HEARTBEAT,
    HOST_LOST,
    OVERRUN,
    PROTOCOL_MAJOR,
    PROTOCOL_MINOR,
)
from controller.stations.messages import (
    CONFIG_DEFAULTS,
    CONFIG_KEYS,
    RING_PATTERNS,
    ButtonEvent,
    Config,
    Hello,
    HelloAck,
    Log,
    Ping,
    Repl,
    Ring,
    State,
)

#: The firmware's constants the tests lean on (firmware/common/host_link.py, wire.py).
WATCHDOG_MS = 3000
RESET_POWER_ON, RESET_WATCHDOG = 1, 2
TICKS_PERIOD = 1 << 30


@pytest.fixture
def bench():
    bench = StationBench()
    yield bench
    bench.close()


@pytest.fixture(scope="module")
def firmware():
    """The station's pure modules (ring patterns, settings) in MicroPython."""
    mp = MicroPython("common", "station")
    mp.exec("import ring, station, host_link")
    yield mp
    mp.close()


def test_hello_is_answered_with_the_board_s_identity(bench):
    bench.send(Hello())
    bench.run(0.01)
    (ack,) = bench.received(HelloAck)
    assert ack.serial == SERIAL
    assert (ack.major, ack.minor, ack.kind, ack.adc_bits, ack.buttons) == (
        PROTOCOL_MAJOR,
        PROTOCOL_MINOR,
        1,
        12,
        3,
    )
    assert ack.reset_cause == RESET_POWER_ON
    assert ack.boot_id == bench.eval("program.link.boot_id")


def test_a_hello_of_another_major_is_answered_so_the_host_can_say_why_it_refuses(bench):
    vector = next(
        v for v in MESSAGE_VECTORS if v["name"] == f"HELLO from protocol {PROTOCOL_MAJOR + 1}"
    )
    bench.send(Ping(), raw=bytes.fromhex(vector["wire"]))
    bench.run(0.01)
    (ack,) = bench.received(HelloAck)
    assert (ack.major, ack.minor) == (PROTOCOL_MAJOR, PROTOCOL_MINOR)


def test_each_boot_draws_a_new_boot_id():
    ids = set()
    for seed in range(5):
        bench = StationBench(seed=seed)
        bench.send(Hello())
        bench.run(0.01)
        ids.add(bench.received(HelloAck)[0].boot_id)
        bench.close()
    assert len(ids) == 5


def test_a_still_station_sends_only_its_heartbeat(bench):
    bench.run(1.0)
    frames = bench.received_frames(State)
    assert len(frames) == 5  # at boot, then every 200 ms: 5 a second, not 50
    assert all(f.flags & HEARTBEAT for f, _ in frames[1:])
    times = [m.t_ms for _, m in frames]
    assert {b - a for a, b in itertools.pairwise(times)} == {200}
    seqs = [f.seq for f, _ in frames]
    assert seqs == list(range(seqs[0], seqs[0] + 5))


def test_a_moving_slider_is_reported_as_it_moves_then_where_it_rests(bench):
    bench.run(0.1)
    bench.forget()
    for step in range(50):  # 1000 → 3000 in half a second
        bench.act(slider=1000 + 40 * step)
        bench.run(0.01)
    bench.act(slider=3000.6)
    bench.run(1.0)
    frames = bench.received_frames(State)
    moving = [(f, m) for f, m in frames if not f.flags & HEARTBEAT and m.t_ms < 1100]
    assert 20 <= len(moving) <= 51  # at most report_hz (50) a second
    gaps = [b.t_ms - a.t_ms for (_, a), (_, b) in itertools.pairwise(moving)]
    assert min(gaps) >= 20
    assert frames[-1][1].raw == 3001  # at rest: exactly where it stopped


def test_a_trembling_hand_does_not_flood_the_line(bench):
    """A hand resting on the slider trembles: a few LSB at ~8 Hz are filtered away whole,
    a shakier hand is reported, but never more than report_hz a second."""
    bench.act(slider=2000.0, noise=[2.0, 5])
    bench.run(0.5)
    bench.forget()
    for i in range(100):  # 2 s of a light tremble: ±6 LSB at 8⅓ Hz
        bench.act(slider=2000 + (6 if i % 6 < 3 else -6))
        bench.run(0.02)
    light = bench.received_frames(State)
    assert len(light) <= 12 and all(f.flags & HEARTBEAT for f, _ in light)  # heartbeats only
    bench.forget()
    for i in range(100):  # 2 s of a strong one: ±150 LSB
        bench.act(slider=2000 + (150 if i % 6 < 3 else -150))
        bench.run(0.02)
    strong = bench.received(State)
    assert 20 <= len(strong) <= 101  # reported, and never above 50 a second


def test_state_carries_the_filtered_slider_and_its_noise(bench):
    bench.act(slider=1234.4)
    bench.run(0.3)
    bench.forget()
    bench.act(slider=3000.6)
    bench.run(1.0)  # moves, comes to rest, and a heartbeat says exactly where
    raws = [m.raw for m in bench.received(State)]
    assert raws[-1] == 3001
    bench.act(slider=2000.0, noise=[3.0, 0])
    bench.run(0.5)
    bench.forget()
    bench.run(1.0)
    states = bench.received(State)
    assert all(abs(s.raw - 2000) <= 2 for s in states)  # 3 LSB RMS, filtered
    # and measured: the samples' noise, each the median of 5 reads (≈ 0.56 × 3 LSB)
    assert all(1.2 <= s.noise_lsb <= 2.3 for s in states)


def test_the_median_of_five_rejects_spikes_and_counts_them(bench):
    bench.act(slider=1000.0, noise=[0, 150], reads_per_s=5000)  # 150 wild reads a second
    reads = bench.eval("[world.slider.read() for _ in range(1000)]")
    assert max(abs(r - 1000) for r in reads) > 300  # the reads themselves are wild
    bench.run(0.5)
    bench.forget()
    bench.run(1.0)
    states = bench.received(State)
    assert {s.raw for s in states} == {1000}
    assert sum(s.spikes for s in states) > 50


def test_a_bouncing_press_gives_one_event_once_stable_for_the_debounce_time(bench):
    bench.act(bounce_ms=6.0)
    bench.run(0.05)
    pressed_at = bench.eval("program.uptime_ms")
    bench.act(press="plus")
    bench.run(0.1)
    bench.act(release="plus")
    bench.run(0.1)
    events = bench.received(ButtonEvent)
    assert [(e.button, e.pressed) for e in events] == [(1, 1), (1, 0)]
    # Stable for 20 ms after the last bounce: confirmed 20–27 ms after the press began.
    assert pressed_at <= events[0].t_ms <= pressed_at + 7
    held = [s.buttons for s in bench.received(State)]
    assert 0b010 in held and held[-1] == 0


def test_an_event_is_sent_at_once_not_with_the_next_state(bench):
    bench.run(0.021)  # just after a STATE
    bench.forget()
    bench.act(press="ok")
    bench.run(0.0215)  # debounce (20 ms) and one tick: no STATE due in between? one at most
    kinds = [type(m) for m in bench.received()]
    assert ButtonEvent in kinds
    assert kinds.index(ButtonEvent) <= 1


def test_a_blip_shorter_than_the_debounce_time_is_ignored(bench):
    bench.act(press="minus")
    bench.run(0.012)
    bench.act(release="minus")
    bench.run(0.1)
    assert bench.received(ButtonEvent) == []
    assert {s.buttons for s in bench.received(State)} == {0}


def test_config_sets_the_report_rate_and_debounce_within_their_ranges(bench):
    bench.send(Config.named(heartbeat_ms=500, debounce_ms=50, ring_brightness=300))
    bench.run(0.01)
    bench.forget()
    bench.run(1.0)
    assert len(bench.received(State)) == 2  # a heartbeat every 500 ms
    assert bench.eval("program.settings[3]") == 255  # held to its range
    bench.act(press="ok")
    bench.run(0.04)
    assert bench.received(ButtonEvent) == []  # 40 ms is not yet 50
    bench.run(0.02)
    assert len(bench.received(ButtonEvent)) == 1
    bench.send(Config(((99, 1), (1, 1000))))  # unknown key ignored, 1000 Hz held to 100
    bench.run(0.01)
    assert bench.eval("program.settings[1]") == 100


def test_a_hello_starts_afresh_with_default_settings(bench):
    bench.send(Config.named(report_hz=5))
    bench.send(Hello())
    bench.run(0.01)
    assert bench.eval("program.settings[1]") == 50


def test_host_lost_after_3_s_slows_state_to_2_hz_and_the_next_frame_clears_it(bench):
    bench.send(Hello())
    bench.run(2.9)
    assert bench.showing() is None
    assert all(not f.flags & HOST_LOST for f, _ in bench.received_frames(State))
    bench.run(0.2)
    assert bench.showing() == ("host_lost", (255, 0, 0), 0)
    bench.forget()
    bench.run(2.0)
    lost = bench.received_frames(State)
    assert len(lost) in (4, 5) and all(f.flags & HOST_LOST for f, _ in lost)
    bench.send(Ping())
    bench.run(0.01)
    back = bench.received_frames(State)[len(lost) :]
    assert len(back) == 1 and not back[0][0].flags & HOST_LOST  # at once
    assert bench.showing() is None  # no RING yet: dark, as before


def test_host_lost_goes_back_to_the_host_s_pattern(bench):
    bench.send(Ring(RING_PATTERNS.index("idle"), 0, 0, 255))
    bench.run(4.0)
    assert bench.showing()[0] == "host_lost"
    red = set(bench.pixels())
    bench.send(Ping())
    bench.run(0.1)
    assert bench.showing() == ("idle", (0, 0, 255), 0)
    assert all(r > 0 and g == b == 0 for r, g, b in red)


def test_the_station_s_settings_and_their_defaults_are_the_host_s(firmware):
    settings = firmware.eval("station.SETTINGS")
    assert {key: default for key, (default, _, _) in settings.items()} == {
        CONFIG_KEYS[name]: value for name, value in CONFIG_DEFAULTS.items()
    }


@pytest.mark.parametrize("pattern", RING_PATTERNS)
def test_the_ring_shows_each_pattern_the_host_sends(bench, firmware, pattern):
    colour = (200, 100, 50)
    bench.send(Ring(RING_PATTERNS.index(pattern), *colour, level=128))
    bench.run(0.3)
    assert bench.showing() == (pattern, colour, 128)
    expected = firmware.call("ring.render", pattern, colour, 128, 280, 12, 64)
    assert bench.pixels() == expected


def test_a_new_level_does_not_restart_a_pattern_s_animation(bench):
    bench.send(Ring(RING_PATTERNS.index("right"), 0, 255, 0, 10))
    bench.run(0.3)
    since = bench.eval("program._shown_since")
    bench.send(Ring(RING_PATTERNS.index("right"), 0, 255, 0, 200))
    bench.run(0.1)
    assert bench.eval("program._shown_since") == since


def test_ctrl_c_is_plain_data_while_the_protocol_runs(bench):
    assert bench.eval("world.line.kbd") == -1
    bench.send(Ping(), raw=b"\x03\x03\x00")  # two Ctrl-C bytes: one bad piece, no more
    bench.run(0.01)
    assert bench.eval("program.link.deframer.cobs + program.link.deframer.crc") == 1
    assert bench.eval("program.link.deframer.frames") == 1  # the PING after them came through


def test_the_repl_message_resets_the_board_into_a_repl_without_its_watchdog(tmp_path):
    bench = StationBench(flash=tmp_path)
    bench.send(Repl())
    with pytest.raises(BoardReset) as reset:  # the watchdog cannot be stopped: reset it away
        bench.run(0.5)  # (after 200 ms for its LOG to reach the host)
    assert reset.value.cause == "machine.reset"
    assert bench.received(Log) == [Log("repl")]
    assert (tmp_path / "maintenance").exists()
    bench.close()
    again = StationBench(flash=tmp_path, reset_cause=3)  # machine.reset() is a WDT_RESET
    again.run(10.0)  # long past any watchdog's time-out
    assert again.eval("program") is None and again.eval("world.watchdog.timeout_us") is None
    assert not (tmp_path / "maintenance").exists()  # once only
    again.send(None, raw=b"\x04")  # Ctrl-D at the REPL: a soft reset, the protocol again
    again.run(0.1)
    again.send(Hello())
    again.run(0.05)
    (ack,) = again.received(HelloAck)
    assert ack.reset_cause == 3  # soft: not the watchdog's, though machine.reset() began it
    again.close()


def test_a_pico_2_says_what_it_cannot_tell():
    bench = StationBench(chip="RP2350")
    bench.send(Hello())
    bench.run(0.05)
    (ack,) = bench.received(HelloAck)
    assert ack.reset_cause == 0  # unknown: the RP2040's scratch register is not there
    assert bench.received(Log) == [Log("not an RP2040: reset cause unknown")]
    assert bench.eval("world.registers") == {}  # nothing written where it is not ours
    bench.close()


def test_holding_ok_at_power_up_leaves_the_repl_without_a_watchdog():
    bench = StationBench(world={"held": 0b100})
    bench.run(0.1)
    assert bench.eval("program") is None  # the protocol never started
    assert bench.eval("world.watchdog.timeout_us") is None
    bench.close()


def test_the_watchdog_resets_a_stuck_loop(bench):
    bench.send(Hello())
    bench.run(0.1)
    bench.act(hang=5.0)  # the loop's next call into the hardware hangs
    with pytest.raises(BoardReset) as reset:
        bench.run(0.1)
    assert reset.value.cause == "watchdog"
    assert reset.value.us == pytest.approx(0.1e6 + WATCHDOG_MS * 1000, abs=20_000)


def test_a_short_hold_up_is_survived_and_reported_as_an_overrun(bench):
    bench.run(0.1)
    bench.act(hang=1.0)
    bench.run(0.1)
    bench.run(0.1)
    flags = [f.flags for f, _ in bench.received_frames(State)]
    assert sum(1 for flag in flags if flag & OVERRUN) == 1


def test_the_watchdog_is_fed_by_the_loop_alone(bench):
    bench.run(0.1)
    bench.advance(2.9)  # the loop is not running, whatever else happens
    with pytest.raises(BoardReset):
        bench.advance(0.2)


def test_a_reset_board_says_why_at_the_next_handshake():
    bench = StationBench(reset_cause=3)  # machine.WDT_RESET
    bench.send(Hello())
    bench.run(0.01)
    assert bench.received(HelloAck)[0].reset_cause == RESET_WATCHDOG
    bench.close()


def test_garbage_from_the_host_is_counted_and_skipped(bench):
    bench.send(Ping(), raw=bytes(range(1, 256)) * 4 + b"\x00" + b"\x07\x41\x00")
    bench.send(Hello())
    bench.run(0.05)
    assert len(bench.received(HelloAck)) == 1
    assert bench.eval("program.link.deframer.errors()") == 2


def test_a_megabyte_of_random_bytes_never_resets_the_board(bench):
    bench.send(Hello())
    bench.run(0.01)
    noise = random.Random(5).randbytes(1 << 20)
    while noise:  # as fast as the line takes it
        with contextlib.suppress(BlockingIOError):
            noise = noise[os.write(bench.host_fd, noise) :]
        bench.run(0.05)
    bench.send(Hello(), raw=b"\x00")
    bench.run(0.5)  # what is still in the line's buffers goes first
    assert len(bench.received(HelloAck)) == 2  # the same boot: no reset
    assert bench.eval("program.link.deframer.discarded_bytes") > 1_000_000
    assert bench.eval("program.link.deframer.errors()") > 1000


def test_a_host_that_stops_reading_never_blocks_the_loop():
    bench = StationBench()
    bench.act(garbage=1 << 20)  # fills the line's buffers at once
    for _ in range(20):  # 10 s of a host that sends but never reads
        bench.send(Ping())
        bench.run(0.5)
    assert bench.eval("program.link.dropped") > 40  # most of 50 heartbeats could not go
    assert bench.eval("world.adc_reads") > 5 * 9_900  # the loop kept its 1 kHz pace
    assert not bench.eval("program.host_lost")
    bench.close()


def test_the_clocks_wrapping_changes_nothing():
    near_wrap = TICKS_PERIOD - 500  # ticks_ms wraps 0.5 s in
    bench = StationBench(start_ms=near_wrap)
    bench.send(Hello())
    bench.run(1.0)
    times = [m.t_ms for m in bench.received(State)][1:]  # after the one the HELLO asked for
    assert len(times) == 5
    assert {b - a for a, b in itertools.pairwise(times)} == {200}
    bench.act(press="plus")
    bench.run(0.05)
    assert len(bench.received(ButtonEvent)) == 1
    bench.close()


def test_a_board_sampling_slower_filters_and_reports_alike(tmp_path):
    (tmp_path / "pins.py").write_text(pins_file(200))
    bench = StationBench(flash=tmp_path)
    bench.act(slider=777.0)
    bench.run(1.0)
    assert bench.received(State)[-1].raw == 777
    bench.forget()
    bench.run(1.0)
    assert len(bench.received(State)) == 5  # at rest: its heartbeat
    bench.close()


# --- the ring's patterns, as pure functions of time ---------------------------------------------


@pytest.fixture(scope="module")
def strengths(firmware):
    def strengths(name, t, level=0, leds=12):
        return [p[0] for p in firmware.call("ring.render", name, (255,) * 3, level, t, leds)]

    return strengths


def test_right_pulses_twice_then_stays_on(firmware, strengths):
    peaks = [max(strengths("right", t)) for t in range(0, 1300, 50)]
    assert peaks[0] == 0 and peaks[6] == 255 and peaks[12] == 0 and peaks[18] == 255
    assert strengths("right", 5000) == [255] * 12
    assert not firmware.call("ring.animated", "right", 1300)


def test_wrong_blinks_four_times_a_second(strengths):
    lit = [strengths("wrong", t)[0] > 0 for t in range(0, 1000, 25)]
    changes = sum(1 for a, b in itertools.pairwise(lit) if a != b)
    assert changes == 7


def test_move_up_runs_clockwise_and_move_down_the_other_way(firmware, strengths):
    def head(name, t):
        values = strengths(name, t)
        return values.index(255)

    assert [head("move_up", t) for t in (0, 84, 167)] == [0, 1, 2]
    assert [head("move_down", t) for t in (0, 84, 167)] == [0, 11, 10]
    flipped = firmware.eval("ring.render('move_up', (255, 0, 0), 0, 84, 12, clockwise=False)")
    assert [p[0] for p in flipped].index(255) == 11


def test_calibrating_lights_an_arc_of_its_progress(strengths):
    assert sum(1 for s in strengths("calibrating", 0, level=0) if s) == 0
    assert sum(1 for s in strengths("calibrating", 0, level=128) if s) == 6
    assert sum(1 for s in strengths("calibrating", 0, level=255) if s) == 12


def test_firing_follows_the_level_and_the_brightness_cap_holds_everything(firmware, strengths):
    assert strengths("firing", 0, level=100) == [100] * 12
    capped = firmware.eval("ring.render('calibration_ok', (255, 255, 255), 0, 0, 12, 64)")
    assert capped == [(64, 64, 64)] * 12


def test_host_lost_breathes_slowly_in_red_whatever_the_colour(firmware):
    values = [
        firmware.call("ring.render", "host_lost", (0, 255, 0), 0, t, 12)[0]
        for t in range(0, 3000, 100)
    ]
    assert all(g == b == 0 for _, g, b in values)
    reds = [r for r, _, _ in values]
    assert min(reds) < 10 < 100 < max(reds)
    assert reds.index(max(reds)) == 15  # the top of the breath at 1.5 s


def test_offline_is_one_dim_led_and_an_unknown_pattern_shows_idle(strengths):
    lit = [s for s in strengths("offline", 0) if s]
    assert len(lit) == 1 and lit[0] < 64
    assert strengths("a pattern from the future", 0) == strengths("idle", 0)


def test_noise_in_the_mean_stays_within_a_few_lsb():
    bench = StationBench(seed=3)
    bench.act(slider=2047.5, noise=[1.0, 0])
    bench.run(2.0)
    raws = [m.raw for m in bench.received(State)][1:]
    assert statistics.pstdev(raws) < 0.6
    bench.close()
