"""Sixteen emulated stations (the real firmware, each its own process on its own pty) and the
controller's links, loop and session, end to end."""

import time

import pytest

from controller.diagnosis import OK
from controller.digits import load_digit_set
from controller.events import HOLD_S, KeyTurned
from controller.loop import Installation
from controller.modes import engine
from controller.network import load_network
from controller.session import Session
from controller.stations.emulation import StationEmulator
from controller.stations.links import Links
from controller.stations.roster import load_roster
from controller.storage import Store
from controller.technician.desk import Calibrator, TechnicianDesk
from controller.technician.procedure import Holding
from controller.technician.store import CalibrationStore

NETWORK = load_network()
ROSTER = load_roster(neurons=(*NETWORK.input_names, *NETWORK.thresholds()))
SERIALS = ROSTER.serials()
A = ROSTER.by_neuron["A"].serial


def raw_for(threshold, ruler_high=20, low_raw=0.0, high_raw=4095.0, dead_zone=0.02):
    """The raw reading the default map (or a slider from low_raw to high_raw) puts at this
    threshold of a 0..ruler_high ruler."""
    span = high_raw - low_raw
    low, high = low_raw + dead_zone * span, high_raw - dead_zone * span
    return low + threshold / ruler_high * (high - low)


class Rig:
    """The emulated stations, the links, and the installation loop around a session."""

    def __init__(self, emulator, links, installation):
        self.emulator, self.links, self.installation = emulator, links, installation

    def run_until(self, condition, timeout=15.0, what="the condition"):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.installation.step()
            if condition():
                return
            self.links.wait(1 / 60)
        raise AssertionError(f"timed out waiting for {what}")

    def run_for(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.installation.step()
            self.links.wait(1 / 60)

    def reading(self, serial):
        return next(r for r in self.links.figures() if r.serial == serial)

    @property
    def scene(self):
        return self.installation.scene

    def all_online(self):
        return all(self.reading(s).online for s in SERIALS)


@pytest.fixture
def rig():
    with StationEmulator(SERIALS) as emulator:
        links = Links(ROSTER, thresholds=NETWORK.thresholds(), discover=emulator.ports)
        session = Session.start(NETWORK, load_digit_set("grandeur-nature"))
        installation = Installation(session, engine, sources=[links], sinks=[links])
        rig = Rig(emulator, links, installation)
        try:
            rig.run_until(rig.all_online, what="16 stations online")
            yield rig
        finally:
            installation.close()


def test_a_slider_move_reaches_the_networks_threshold(rig):
    rig.emulator.set_slider(A, raw_for(12))
    rig.run_until(lambda: rig.scene.thresholds["A"] == 12, what="A's threshold at 12")
    assert rig.scene.network.threshold("A") == 12
    rig.emulator.set_slider(A, raw_for(3))
    rig.run_until(lambda: rig.scene.thresholds["A"] == 3, what="A's threshold at 3")


def test_an_unplugged_station_is_offline_within_half_a_second_and_back_within_two(rig):
    others = [s for s in SERIALS if s != A]
    frames = {s: rig.reading(s).frames for s in others}
    rig.emulator.unplug(A)
    unplugged = time.monotonic()
    rig.run_until(lambda: "A" in rig.scene.offline(), what="A offline")
    assert rig.links.links[A].connection.liveness.since - unplugged < 0.5
    rig.run_for(1.0)
    assert all(rig.reading(s).online and rig.reading(s).frames > frames[s] for s in others)
    assert rig.scene.offline() == ["A"]
    rig.emulator.replug(A)
    replugged = time.monotonic()
    rig.run_until(lambda: rig.scene.offline() == [], what="A back")
    assert rig.links.links[A].connection.liveness.since - replugged < 2.0
    assert rig.reading(A).reconnects == 1


def test_megabytes_of_garbage_are_counted_and_skipped_while_valid_frames_arrive(rig):
    link = rig.links.links[A]
    before = rig.reading(A)
    # Two megabytes in bursts of 64 KB, ten a second: the frames between bursts get through
    # (a frame right behind garbage is lost with it: nothing on the line says where the
    # garbage ends and the frame begins).
    for burst in range(32):
        rig.emulator.inject_garbage(A, 65536, seed=burst)
        rig.run_for(0.1)
        assert rig.reading(A).online, f"offline after burst {burst}"
    rig.run_until(
        lambda: link.counters.line_errors().discarded_bytes > 2_000_000, what="every byte"
    )
    after = rig.reading(A)
    assert after.frames > before.frames + 10 and after.errors > 1000  # heartbeats got through
    assert link.counters.resyncs > 10 and after.reconnects == 0
    rig.emulator.set_slider(A, raw_for(15))
    rig.run_until(lambda: rig.scene.thresholds["A"] == 15, what="A's threshold at 15")


def test_a_visitor_holding_ok_on_a_station_switches_the_language(rig):
    session = Session.start(NETWORK, load_digit_set("grandeur-nature"), languages=("fr", "en"))
    rig.installation.session = engine.begin(session, "visitor", time.monotonic())
    rig.emulator.press(A, "ok")
    pressed = time.monotonic()
    rig.run_until(lambda: rig.scene.language == "en", timeout=HOLD_S + 5, what="English")
    assert time.monotonic() - pressed >= HOLD_S  # a hold, not the press
    rig.emulator.release(A, "ok")
    rig.run_for(0.5)
    assert rig.scene.language == "en" and rig.scene.visitor.phase == "play"


def test_a_technician_calibrates_a_station_from_its_buttons_and_the_thresholds_follow_the_marks(
    rig, tmp_path
):
    # A cheap slider: it reads 300 at its left stop and 3800 at its right one.
    def slider_at(threshold):
        return raw_for(threshold, low_raw=300, high_raw=3800, dead_zone=0.0)

    rig.emulator.set_slider(A, slider_at(5))
    rig.run_until(lambda: rig.reading(A).raw == round(slider_at(5)), what="the slider at 5")
    rig.run_for(0.5)
    assert rig.reading(A).slider != 5  # the default map does not match this slider's ruler

    store = CalibrationStore(Store(tmp_path))
    calibrator = Calibrator(
        rig.links,
        store,
        by="test",
        rulers=ROSTER.rulers_by_serial(),
        marks=(5, 10, 15),
        procedure_options={"holding": Holding(hold_s=0.5)},
    )
    desk = TechnicianDesk(rig.links, calibrator)
    rig.installation.sources.append(desk)
    rig.installation.sinks.append(desk)
    rig.installation.session = engine.apply(rig.installation.session, KeyTurned("technician", 0))

    rig.emulator.set_slider(A, slider_at(0))
    rig.run_for(0.3)
    rig.emulator.click(A, "ok")  # OK on the station starts calibrating its slider
    rig.run_until(lambda: calibrator.running(A), what="the calibration to start")
    rig.run_until(lambda: rig.emulator.ring(A)[0] == "calibrating", what="the ring's progress")
    for index, threshold in enumerate((20, 5, 10, 15), start=1):  # right end, then the marks
        rig.run_until(lambda i=index: calibrator.procedures[A].index >= i, what=f"step {index}")
        rig.emulator.set_slider(A, slider_at(threshold))
    rig.run_until(lambda: not calibrator.running(A), what="the calibration to end")
    assert calibrator.procedures[A].status == OK
    assert store.load().get(A).slider.raw_min == pytest.approx(300, abs=2)
    rig.run_until(lambda: rig.emulator.ring(A)[0] == "calibration_ok", what="the ring's OK")

    rig.installation.session = engine.apply(rig.installation.session, KeyTurned("workshop", 1))
    for mark in (5, 10, 15, 3, 18):
        rig.emulator.set_slider(A, slider_at(mark))
        rig.run_until(lambda m=mark: rig.scene.thresholds["A"] == m, what=f"A at mark {mark}")


def test_neurones_calibrate_walks_an_emulated_station_in_the_terminal(tmp_path):
    import io
    import threading

    from controller.commands.calibrate import calibrate_stations
    from controller.texts import load_texts

    def slider_at(threshold):
        return raw_for(threshold, low_raw=250, high_raw=3900, dead_zone=0.0)

    with StationEmulator([A, SERIALS[0]]) as emulator:
        links = Links(ROSTER, thresholds=NETWORK.thresholds(), discover=emulator.ports)
        store = CalibrationStore(Store(tmp_path))
        calibrator = Calibrator(
            links,
            store,
            by="technician",
            rulers=ROSTER.rulers_by_serial(),
            procedure_options={"holding": Holding(hold_s=0.4)},
        )
        done = threading.Event()

        def technician():  # slides as the terminal says: left end, then right end
            emulator.set_slider(A, slider_at(0))
            while not done.wait(0.05):
                procedure = calibrator.procedures.get(A)
                if procedure is not None and procedure.index >= 1:
                    emulator.set_slider(A, slider_at(20))

        hand = threading.Thread(target=technician, daemon=True)
        hand.start()
        out = io.StringIO()
        try:
            status = calibrate_stations(
                links, calibrator, ["A"], load_texts("en"), out, io.StringIO()
            )
        finally:
            done.set()
            hand.join(2)
            links.close()
    assert status == 0, out.getvalue()
    saved = store.load().get(A)
    assert saved.slider.raw_min == pytest.approx(250, abs=2)
    assert saved.slider.raw_max == pytest.approx(3900, abs=2)
    assert "fully left" in out.getvalue() and "Fully right" in out.getvalue()
