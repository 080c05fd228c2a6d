"""The parts a station's link is made of, each on its own: the connection, the handshake, the
counters, the buttons, the slider, the controls, the gauges and the ring."""

import logging
import os
import select
import time
import tty
from queue import SimpleQueue

from controller.events import HOLD_S, ButtonHeld, ButtonPressed, SliderMoved
from controller.stations.buttons import EVENT_LEAD_S, Buttons
from controller.stations.connection import Connection
from controller.stations.controls import Controls
from controller.stations.counters import Counters
from controller.stations.framing import PROTOCOL_MAJOR, PROTOCOL_MINOR, Deframer, LineErrors
from controller.stations.gauges import Gauges
from controller.stations.handshake import STATION_KIND, Handshake
from controller.stations.liveness import ABSENT, REFUSED, Timings
from controller.stations.messages import ButtonEvent, HelloAck, Ping, State, pack, parse
from controller.stations.port import PortReader
from controller.stations.ring import RingShown, pattern
from controller.stations.slider import Slider, SliderState, SliderTracker

UID = bytes.fromhex("E66038B7133B5C2F")


def ack(major=PROTOCOL_MAJOR, minor=PROTOCOL_MINOR, kind=STATION_KIND, cause=1):
    return HelloAck(major, minor, (1, 2, 3), kind, cause, 7, 12, 3, UID)


# --- the connection -------------------------------------------------------------------------


def read_frames(fd, deframer, until):
    frames = []
    while time.monotonic() < until:
        if select.select([fd], [], [], 0.05)[0]:
            frames += deframer.feed(os.read(fd, 4096))
    return frames


def test_the_connection_numbers_its_frames_says_hello_first_and_keeps_the_station_alive():
    master, slave = os.openpty()
    tty.setraw(slave)
    reader = PortReader(SimpleQueue())
    connection = Connection(Timings(ping_every=1.0))
    try:
        connection.open(reader.open(os.ttyname(slave)), SliderTracker(), 0.0, Handshake.hello())
        connection.liveness = connection.liveness.acknowledged(0.1)
        connection.heard(0.4)
        assert connection.online and connection.check(0.5) is None  # no keepalive due yet
        connection.heard(1.0)
        assert connection.check(1.2) is None  # one is due: it goes out
        frames = read_frames(master, Deframer(), time.monotonic() + 0.5)
        assert [parse(f) for f in frames] == [Handshake.hello(), Ping()]
        assert [f.seq for f in frames] == [0, 1]
        connection.heard(1.3)
        assert connection.last_heard() == 1.3
        assert connection.check(1.3 + 0.5) == "silent"
        connection.close(2.0)
        assert connection.port is None and connection.liveness.phase == ABSENT
    finally:
        reader.close()
        os.close(master)
        os.close(slave)


def test_a_refused_board_stays_refused_when_its_port_closes():
    connection = Connection(Timings())
    connection.close(1.0, refused=True)
    connection.close(2.0)
    assert connection.liveness.phase == REFUSED and connection.errors() == LineErrors()


# --- the handshake --------------------------------------------------------------------------


def test_a_station_of_our_major_is_welcomed_and_says_who_it_is():
    handshake = Handshake()
    answer = handshake.answer(pack(ack()), "station 7")
    assert answer == ack() and handshake.welcome(answer, "station 7", "/dev/ttyACM0")
    assert handshake.firmware == "1.2.3" and handshake.boot_id == 7
    assert handshake.reset_cause is not None and handshake.refusal is None


def test_a_board_of_another_major_is_refused_with_the_reason_logged_once(caplog):
    handshake = Handshake()
    other = pack(ack(major=PROTOCOL_MAJOR + 1), version=PROTOCOL_MAJOR + 1)
    with caplog.at_level(logging.ERROR):
        assert handshake.answer(other, "station 7") is None
        assert handshake.answer(other, "station 7") is None
    assert "update the firmware" in handshake.refusal
    assert caplog.text.count("update the firmware") == 1


def test_a_board_that_is_not_a_station_is_refused():
    handshake = Handshake()
    driver = handshake.answer(pack(ack(kind=STATION_KIND + 1)), "board")
    assert driver is not None and not handshake.welcome(driver, "board")
    assert handshake.refusal is not None and handshake.firmware is None


def test_another_minor_is_spoken_to_and_logged_with_both_versions(caplog):
    handshake = Handshake()
    with caplog.at_level(logging.INFO):
        assert handshake.welcome(ack(minor=PROTOCOL_MINOR + 1), "station 7")
    assert f"{PROTOCOL_MAJOR}.{PROTOCOL_MINOR + 1}" in caplog.text
    assert f"we speak {PROTOCOL_MAJOR}.{PROTOCOL_MINOR}" in caplog.text


# --- the counters ---------------------------------------------------------------------------


def test_counters_count_lost_frames_resyncs_and_keep_errors_across_ports():
    counters = Counters()
    line = LineErrors()
    counters.opened(line)
    counters.welcomed()
    counters.heard(10)
    counters.heard(13)  # 11 and 12 never came
    line.count("crc", 20)
    counters.heard(14)  # a valid frame after a dropped one: the line found its feet
    assert (counters.lost_frames, counters.resyncs, counters.errors) == (2, 1, 1)
    counters.closed()
    counters.opened(LineErrors())  # a new port after a replug
    counters.welcomed()
    counters.malformed += 1
    assert counters.errors == 2 and counters.by_kind()["crc"] == 1
    assert counters.reconnects == 1 and counters.by_kind()["discarded_bytes"] == 20


def test_lost_frames_are_gaps_in_the_sequence_across_its_wrap_never_a_repeat():
    counters = Counters()
    counters.opened(LineErrors())
    counters.welcomed()
    for seq in (250, 254, 3):  # 251–253 lost, then 255, 0, 1, 2 across the wrap
        counters.heard(seq)
    assert counters.lost_frames == 7
    counters.heard(3)  # the same frame again: nothing lost
    counters.heard(1)  # a step back: nothing lost either
    assert counters.lost_frames == 7


# --- the buttons ----------------------------------------------------------------------------


def test_a_press_counts_once_whether_its_event_or_the_state_shows_it_first():
    buttons = Buttons()
    assert buttons.event("ok", True, 1.0) == ["ok"]
    assert buttons.state(0b100, 1.0 + EVENT_LEAD_S / 2) == []  # the same press, sampled
    assert buttons.held == ("ok",)
    assert buttons.event("ok", False, 1.2) == [] and buttons.held == ()
    # An EVENT lost on the line: the state's bitmask still makes the press, once.
    assert buttons.state(0b010, 2.0) == ["plus"]
    assert buttons.state(0b010, 2.02) == []
    assert buttons.state(0b000, 2.04) == [] and buttons.state(0b010, 2.06) == ["plus"]


def test_a_button_kept_down_is_held_once_per_hold_and_a_release_starts_over():
    buttons = Buttons()
    buttons.event("ok", True, 10.0)
    assert buttons.held_long(10.0 + HOLD_S * 0.9) == []  # an ordinary press is not a hold
    assert buttons.state(0b100, 10.0 + HOLD_S) == []  # the heartbeat that carries it there…
    assert buttons.held_long(10.0 + HOLD_S) == ["ok"]  # …makes it held,
    assert buttons.held_long(10.0 + 3 * HOLD_S) == []  # once
    buttons.event("ok", False, 20.0)
    buttons.state(0b100, 21.0)  # pressed again, seen by the state alone (its EVENT lost)
    assert buttons.held_long(21.0 + HOLD_S / 2) == []
    assert buttons.held_long(21.0 + HOLD_S) == ["ok"]
    buttons.clear()  # the station went away with the button down: nothing left held
    assert buttons.held_long(100.0) == []


# --- the slider and the controls -------------------------------------------------------------


def test_the_slider_says_when_the_threshold_it_sets_changes():
    slider = Slider()
    assert not slider.moved(None, None)  # a frame before the tracker had its path
    assert slider.moved(SliderState(2048.0), 10.0)
    assert not slider.moved(SliderState(2049.0), 10.0) and slider.state.filtered == 2049.0
    assert slider.moved(SliderState(2300.0), 11.0) and slider.value == 11.0


def test_controls_give_the_neuron_s_events_and_refuse_a_button_it_lacks():
    controls = Controls("A", moves_threshold=True)
    events = controls.state(State(0, 2048, 0b001), SliderState(2048.0), 10.0, 1.0)
    assert events == [ButtonPressed("A", "minus", 1.0), SliderMoved("A", 10.0, 1.0)]
    assert controls.event(ButtonEvent(0, 7, 1), 1.1) is None
    assert controls.figures(1.1)["slider"] == 10.0 and controls.figures(1.1)["buttons"] == (
        "minus",
    )
    # Kept down until a heartbeat comes HOLD_S after the press: held.
    assert controls.state(State(0, 2048, 0b001), SliderState(2048.0), 10.0, 1.0 + HOLD_S) == [
        ButtonHeld("A", "minus", 1.0 + HOLD_S)
    ]
    stranger = Controls(None)  # a board the roster does not know: no events, figures still
    assert stranger.state(State(0, 100, 0b100), SliderState(100.0), 3.0, 1.0) == []
    assert stranger.figures(1.0)["raw"] == 100.0 and stranger.figures(1.0)["slider"] is None


# --- the gauges and the ring -----------------------------------------------------------------


def test_gauges_give_the_frame_rate_of_the_last_seconds_only():
    gauges = Gauges(seconds=1.0)
    for k in range(100):  # 50 frames a second for two seconds
        gauges.read(2048, 0, t=k * 0.02)
    assert 49 <= gauges.fps(now=2.0) <= 51 and gauges.figures(2.0)["raw"] == 2048


def test_the_ring_is_sent_only_what_changed():
    ring, amber = RingShown(), (255, 176, 80)
    assert ring.changed(pattern("idle", amber))
    assert not ring.changed(pattern("idle", amber)) and not ring.changed(None)
    assert ring.changed(pattern("firing", amber, 200))
