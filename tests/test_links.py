"""The station links against boards on real pseudo-terminals (tests/pty_station.py).

These pin down the links' own behaviour with exact control of every byte: handshakes,
refusals, time-outs, buttons, rings, garbage. The same behaviours against the real station
firmware are in tests/test_stations_end_to_end.py.
"""

import logging
import os
import threading
import time
from dataclasses import replace

import pytest
from pty_station import PtyStations

from controller.calibration import Ruler, SliderCalibration, StationCalibration
from controller.digits import load_digit_set
from controller.events import ButtonPressed, SliderMoved, StationStatus
from controller.modes import engine
from controller.network import load_network
from controller.session import Session
from controller.stations.framing import PROTOCOL_MAJOR
from controller.stations.links import BATCH_S, Links
from controller.stations.messages import RING_PATTERNS
from controller.stations.roster import load_roster

NETWORK = load_network()
ROSTER = load_roster(neurons=(*NETWORK.input_names, *NETWORK.thresholds()))
SERIALS = ROSTER.serials()
A, B = SERIALS[6], SERIALS[7]  # the stations of hidden neurons A and B


def links_for(stations, roster=ROSTER, **options):
    return Links(roster, thresholds=NETWORK.thresholds(), discover=stations.ports, **options)


def pump(links, until, timeout=10.0):
    """Run the links as the loop does until ``until(events)`` holds; return every event."""
    events = []
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        links.wait(0.02)
        events += links.poll(time.monotonic())
        if until(events):
            return events
    raise AssertionError(f"timed out; events: {events[-10:]}")


def online(*neurons):
    def check(events):
        up = {e.neuron for e in events if isinstance(e, StationStatus) and e.online}
        return set(neurons) <= up

    return check


@pytest.fixture
def two():
    with PtyStations([A, B]) as stations:
        links = links_for(stations)
        yield stations, links
        links.close()


def test_stations_say_hello_get_their_settings_and_a_ring(two):
    stations, links = two
    pump(links, online("A", "B"))
    pump(links, lambda _: stations[A].configs and stations[A].rings)
    config = dict(stations[A].configs[0].settings)
    assert config[5] == 7  # its station number
    assert config[1] == 50 and config[4] == 3000
    readings = {r.serial: r for r in links.figures()}
    assert readings[A].online and readings[A].neuron == "A" and readings[A].firmware == "1.0.0"
    assert not readings[SERIALS[0]].online  # in the roster, not plugged in


def test_a_slider_moved_reaches_its_neuron_on_the_ruler_scale(two):
    stations, links = two
    pump(links, online("A", "B"))
    stations[A].set_slider(4095)
    events = pump(links, lambda ev: any(isinstance(e, SliderMoved) and e.value == 20 for e in ev))
    moves = [e.value for e in events if isinstance(e, SliderMoved) and e.neuron == "A"]
    assert moves == sorted(moves) and moves[-1] == 20
    # B's untouched slider says where it is once (it is trusted at once), then nothing.
    assert {e.value for e in events if isinstance(e, SliderMoved) and e.neuron == "B"} <= {10}


def test_a_move_wakes_the_waiting_loop_at_once(two):
    stations, links = two
    pump(links, online("A", "B"))
    links.poll(time.monotonic())
    stations[A].set_slider(0)
    start = time.monotonic()
    links.wait(30.0)
    assert time.monotonic() - start < 20  # woken by the move, not by the time-out
    assert any(isinstance(e, SliderMoved) for e in links.poll(time.monotonic()))


def sliders_heard(*neurons):
    """Each of ``neurons``' sliders has said where it is (once, on coming online)."""

    def check(events):
        return set(neurons) <= {e.neuron for e in events if isinstance(e, SliderMoved)}

    return check


def test_a_press_right_after_news_waits_a_moment_for_the_rest_of_its_batch(two):
    stations, links = two
    up, heard = online("A", "B"), sliders_heard("A", "B")
    pump(links, lambda events: up(events) and heard(events))  # a move would go at once
    links.poll(time.monotonic())
    stations[A].press("plus")
    links.wait(30.0)  # woken by A's press
    woken = time.monotonic()
    assert any(isinstance(e, ButtonPressed) for e in links.poll(woken))
    stations[B].press("plus")  # the class's next press, a moment later
    links.wait(30.0)
    assert BATCH_S - 0.001 <= time.monotonic() - woken < 20  # one turn for the batch
    pressed = links.poll(time.monotonic())
    if not any(isinstance(e, ButtonPressed) and e.neuron == "B" for e in pressed):
        pump(links, lambda ev: any(isinstance(e, ButtonPressed) and e.neuron == "B" for e in ev))


def test_unplugged_then_replugged_a_station_goes_offline_and_comes_back(two):
    stations, links = two
    pump(links, online("A", "B"))
    stations[A].unplug()
    unplugged = time.monotonic()
    events = pump(links, lambda ev: any(isinstance(e, StationStatus) for e in ev))
    (gone,) = [e for e in events if isinstance(e, StationStatus)]
    assert gone == StationStatus("A", False, gone.t) and gone.t - unplugged < 0.5
    stations[A].plug()  # a new pty: a new device name, the same serial
    replugged = time.monotonic()
    events = pump(links, online("A"))
    back = next(e for e in events if isinstance(e, StationStatus))
    assert back.t - replugged < 2.0
    reading = next(r for r in links.figures() if r.serial == A)
    assert reading.online and reading.reconnects == 1 and reading.port == stations[A].device


def test_a_silent_station_goes_offline_after_half_a_second_and_returns_by_itself(two):
    stations, links = two
    pump(links, online("A", "B"))
    stations[A].freeze(1.5)
    events = pump(links, lambda ev: any(isinstance(e, StationStatus) for e in ev))
    (gone,) = [e for e in events if isinstance(e, StationStatus)]
    assert not gone.online and gone.neuron == "A"
    b_frames = next(r.frames for r in links.figures() if r.serial == B)
    pump(links, online("A"))  # after the freeze: a fresh handshake
    assert next(r.frames for r in links.figures() if r.serial == B) > b_frames


def test_garbage_on_a_line_is_counted_and_skipped_while_its_frames_arrive(two):
    stations, links = two
    pump(links, online("A", "B"))
    before = next(r.frames for r in links.figures() if r.serial == A)
    for _ in range(16):  # a megabyte in bursts between the frames
        stations[A].inject(os.urandom(65536))
        links.wait(0.02)
        links.poll(time.monotonic())
    stations[A].set_slider(0)
    pump(links, lambda ev: any(isinstance(e, SliderMoved) and e.value == 0 for e in ev))
    reading = next(r for r in links.figures() if r.serial == A)
    assert reading.online and reading.frames > before and reading.errors > 100
    link = links.links[A]
    assert link.counters.resyncs > 0 and link.counters.line_errors().discarded_bytes > 500_000


def test_a_miswired_slider_reading_past_12_bits_is_malformed_and_moves_nothing(two):
    stations, links = two
    pump(links, online("A", "B"))
    stations[A].set_slider(0)
    pump(links, lambda ev: any(isinstance(e, SliderMoved) and e.value == 0 for e in ev))
    stations[A].set_slider(65535)  # an ADC pin floating, or a corrupt board
    events = []
    link = links.links[A]
    end = time.monotonic() + 1.0
    while time.monotonic() < end:
        links.wait(0.02)
        events += links.poll(time.monotonic())
    assert link.counters.malformed >= 20 and link.online  # counted, still heard
    assert not any(isinstance(e, SliderMoved) and e.neuron == "A" for e in events)
    assert next(r for r in links.figures() if r.serial == A).slider == 0


def test_a_station_of_another_protocol_major_is_refused_by_name(caplog):
    with PtyStations([A], major=PROTOCOL_MAJOR + 1, minor=1) as stations:
        links = links_for(stations)
        try:
            with caplog.at_level(logging.ERROR):
                pump(links, lambda _: "update the firmware" in caplog.text)
            assert (
                f"station 7 (A, E660000000000007): protocol {PROTOCOL_MAJOR + 1}.1" in caplog.text
            )
            links.poll(time.monotonic())
            assert not next(r for r in links.figures() if r.serial == A).online
            assert stations[A].rings == [] and stations[A].configs == []
        finally:
            links.close()


def test_a_newer_minor_version_is_accepted():
    with PtyStations([A], minor=4) as stations:
        links = links_for(stations)
        try:
            pump(links, online("A"))
        finally:
            links.close()


def test_a_board_not_in_the_layout_is_listed_by_its_serial_without_a_neuron():
    with PtyStations(["E6600000000000FF"]) as stations:
        links = links_for(stations)
        try:
            stations["E6600000000000FF"].set_slider(4000)
            pump(links, lambda _: any(r.online and r.neuron is None for r in links.figures()))
            stranger = links.figures()[-1]
            assert stranger.serial == "E6600000000000FF" and stranger.station_id is None
            assert not pump(links, lambda ev: True, timeout=0.5)  # and it sends no events
        finally:
            links.close()


def test_the_led_floor_driver_is_not_taken_for_a_station(caplog):
    with PtyStations([A], kind=2) as stations:
        links = links_for(stations)
        try:
            with caplog.at_level(logging.WARNING):
                pump(links, lambda _: "is a led driver, not a station" in caplog.text)
            assert not links.links[A].online
        finally:
            links.close()


def test_a_button_press_is_one_event_even_when_its_event_frame_is_lost(two):
    stations, links = two
    pump(links, online("A", "B"))
    stations[A].press("plus")
    events = pump(links, lambda ev: any(isinstance(e, ButtonPressed) for e in ev))
    time.sleep(0.1)
    events += links.poll(time.monotonic())
    stations[A].release("plus")
    stations[B].buttons = 0b100  # OK held, as the state frames say, its EVENT lost
    events += pump(links, lambda ev: any(getattr(e, "neuron", "") == "B" for e in ev))
    time.sleep(0.1)
    events += links.poll(time.monotonic())
    presses = [(e.neuron, e.button) for e in events if isinstance(e, ButtonPressed)]
    assert presses == [("A", "plus"), ("B", "ok")]
    assert links.held() == {A: (), B: ("ok",)}  # what the technician desk watches


def session_scene(links, t, **thresholds):
    digits = load_digit_set("grandeur-nature")
    session = Session.start(NETWORK, digits)
    if thresholds:
        session = engine.apply_all(
            session, [SliderMoved(n, v, t) for n, v in thresholds.items()]
        ).set_thresholds({n: v + 3 for n, v in thresholds.items()}, t)
    return engine.scene(session, t)


def test_the_ring_follows_the_scene_and_is_sent_only_when_it_changes(two):
    stations, links = two
    pump(links, online("A", "B"))
    now = time.monotonic()
    for _ in range(5):
        links.show(session_scene(links, now))
    held = session_scene(links, now + 0.1, A=8.0)  # software moved A's threshold to 11: up
    links.show(held)
    links.show(held)
    pump(links, lambda _: len(stations[A].rings) >= 2, timeout=5)
    time.sleep(0.2)
    # The handshake's ring (A is not firing on this digit: a faint glow), then the pickup's.
    assert [RING_PATTERNS[r.pattern] for r in stations[A].rings] == ["idle", "move_up"]


def test_a_calibration_applies_from_the_next_reading(two):
    stations, links = two
    pump(links, online("A", "B"))
    stations[A].set_slider(2000)
    pump(links, lambda ev: any(isinstance(e, SliderMoved) and e.neuron == "A" for e in ev))
    links.apply_calibration(
        StationCalibration(A, SliderCalibration(raw_min=1000, raw_max=2000), Ruler(0, 20, 1))
    )
    events = pump(links, lambda ev: any(isinstance(e, SliderMoved) and e.neuron == "A" for e in ev))
    assert [e.value for e in events if isinstance(e, SliderMoved) and e.neuron == "A"] == [20.0]


def test_a_port_that_hangs_on_opening_never_holds_up_the_loop():
    release = threading.Event()

    def hanging(device):
        release.wait(10)
        raise OSError("gave up")

    with PtyStations([A]) as stations:
        links = links_for(stations, opener=hanging)
        try:
            for _ in range(20):
                links.poll(time.monotonic())
                links.wait(0.01)
            assert not release.is_set()  # the loop ran while the opener hung
        finally:
            release.set()
            links.close()


def test_listed_ports_are_used_instead_of_the_usb_bus(tmp_path):
    with PtyStations([A]) as stations:
        roster = replace(ROSTER, settings=replace(ROSTER.settings, ports=(stations[A].device,)))
        links = Links(roster, thresholds=NETWORK.thresholds())
        try:
            pump(links, online("A"))
            assert links.figures()[6].port == stations[A].device
        finally:
            links.close()


def test_a_bug_handling_one_station_leaves_the_loop_and_the_others_running(two, caplog):
    stations, links = two
    real = links.context.path_for

    def broken(serial, neuron):
        if serial == A:
            raise RuntimeError("a bug")
        return real(serial, neuron)

    links.context.path_for = broken
    with caplog.at_level(logging.ERROR):
        pump(links, online("B"))
        pump(links, lambda _: links.failures > 0)
    assert "could not be handled" in caplog.text
    stations[B].set_slider(4095)
    pump(links, lambda ev: any(isinstance(e, SliderMoved) and e.value == 20 for e in ev))


def test_the_report_counts_errors_by_kind_and_when_each_station_was_last_heard(two):
    stations, links = two
    pump(links, online("A", "B"))
    stations[A].inject(b"\x55" * 300 + b"\x00" + b"\x13\x37\x00")
    pump(links, lambda _: links.links[A].counters.errors >= 2)
    rows = {f.serial: f.to_json() for f in links.figures()}
    kinds = rows[A]["errors_by_kind"]
    assert kinds["oversize"] == 1 and kinds["cobs"] + kinds["crc"] == 1
    assert 0 <= rows[A]["last_seen_s_ago"] < 0.5 and rows[SERIALS[0]]["last_seen_s_ago"] is None
