"""The stations wired straight to the Pi: the direct source on its emulated chips (the real
gpiozero MCP3008 on mock pins, the MCP23017 register models behind the smbus2 interface), its
wiring file, its faults, and the commands that run it."""

import json
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from controller.calibration import SliderCalibration, StationCalibration
from controller.cli import main
from controller.commands import stations as options
from controller.datafile import DataError
from controller.events import ButtonPressed, SliderMoved, StationStatus
from controller.network import load_network
from controller.stations.direct import DirectStation, DirectStations
from controller.stations.direct_emulation import DirectChaos, DirectEmulator
from controller.stations.floating import UNWIRED_FROM, WINDOW, Floating, roughness
from controller.stations.roster import load_roster
from controller.stations.wiring import load_wiring
from controller.texts import load_texts

ROOT = Path(__file__).resolve().parent.parent
DIRECT = ROOT / "data" / "installation-direct.toml"
NETWORK = load_network()
NEURONS = (*NETWORK.input_names, *NETWORK.thresholds())


def open_direct(count=16, path=DIRECT):
    """The direct source on emulated chips, as ``--emulate-stations count`` opens it."""
    roster = load_roster(path, NEURONS)
    wiring = load_wiring(path)
    emulator = DirectEmulator(wiring, roster.serials()[:count])
    with emulator.default_pins():
        stations = DirectStations(
            roster,
            wiring,
            thresholds=NETWORK.thresholds(),
            pin_factory=emulator.factory,
            bus=emulator.bus,
            resources=[emulator],
        )
    return stations, emulator


@pytest.fixture
def direct():
    stations, emulator = open_direct()
    yield stations, emulator
    stations.close()


def pump(stations, seconds, until=None):
    """The loop's side: wait and poll for ``seconds`` (or until ``until(events)``)."""
    events = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        stations.wait(0.02)
        events += stations.poll(time.monotonic())
        if until is not None and until(events):
            break
    return events


def online(stations):
    return {f.serial for f in stations.figures() if f.online}


def all_online(stations):
    return pump(stations, 10, until=lambda _: len(online(stations)) == 16)


# --- the wiring file -----------------------------------------------------------------------


def test_the_shipped_direct_build_wires_sixteen_sliders_and_48_buttons_once_each():
    roster = load_roster(DIRECT, NEURONS)
    wiring = load_wiring(DIRECT)
    assert roster.settings.source == "direct"
    assert sorted(s.neuron for s in roster.stations) == sorted(NEURONS)
    assert [s.serial for s in roster.stations][:2] == ["ADC0-CH0", "ADC0-CH1"]
    assert wiring.chip_selects() == [0, 1]
    pins = [pin for s in wiring.stations for pin in s.buttons.pins]
    assert len(pins) == len(set(pins)) == 48
    assert {address for address, _ in pins} == {0x20, 0x21, 0x22}
    assert {e.interrupt for e in wiring.expanders} == {17, 27, 22}


STATION = (
    '[stations]\nsource = "direct"\n[direct]\nexpander = [{ address = 0x20, interrupt = 17 }]\n'
    '[[station]]\nid = 1\nneuron = "A"\nslider = { chip_select = 0, channel = 3 }\n'
    "buttons = { expander = 0x20, minus = 0, plus = 1, ok = 2 }\n"
)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (("channel = 3", "channel = 8"), "station[0].slider.channel", "at most 7"),
        (("ok = 2", "ok = 1"), "station[0].buttons.ok", "already used by station[0].buttons.plus"),
        (("expander = 0x20, minus", "expander = 0x21, minus"), "buttons.expander", "not an"),
        (("interrupt = 17", "interrupt = 9"), "direct.expander[0].interrupt", "SPI bus"),
        (("[direct]\n", "[direct]\nspeed = 3\n"), "direct.speed", "unknown field"),
        (('neuron = "A"\n', 'neuron = "A"\nserial = "E6"\n'), "station[0].serial", "unknown"),
    ],
)
def test_a_wiring_mistake_names_the_file_and_the_field(tmp_path, change, field, words):
    path = tmp_path / "installation.toml"
    path.write_text(STATION.replace(*change))
    with pytest.raises(DataError) as error:
        load_roster(path, NEURONS)
        load_wiring(path)
    assert field in str(error.value) and words in str(error.value)


def test_two_stations_on_one_input_or_one_pin_are_refused(tmp_path):
    second = STATION.split("[[station]]")[1].replace("id = 1", "id = 2").replace('"A"', '"B"')
    path = tmp_path / "installation.toml"
    path.write_text(STATION + "[[station]]" + second.replace("minus = 0", "minus = 5"))
    with pytest.raises(DataError, match=r"station\[1\].slider: ADC0-CH3 is already used"):
        load_roster(path, NEURONS)
    moved = second.replace("channel = 3", "channel = 4").replace("plus = 1", "plus = 7")
    path.write_text(STATION + "[[station]]" + moved.replace("minus = 0", "minus = 5"))
    with pytest.raises(DataError, match=r"station\[1\].buttons.ok: pin 2 of 0x20 is already"):
        load_wiring(path)


# --- a floating input --------------------------------------------------------------------


def test_roughness_tells_a_floating_input_from_a_still_or_a_moving_slider():
    still = [2048 + (i % 3) for i in range(25)]
    moving = [min(4095, 160 * i) for i in range(25)]  # the whole ruler in half a second
    floating = [(i * 2654435761) % 4096 for i in range(25)]
    assert roughness(still) < 4 and roughness(moving) < 4
    assert roughness(floating) > 10 * UNWIRED_FROM


def test_the_floating_verdict_needs_half_a_second_and_holds_until_the_input_calms():
    verdict = Floating()
    noisy = [(i * 2654435761) % 4096 for i in range(60)]
    changes = [verdict.read(raw) for raw in noisy]
    assert changes.index(True) >= 24 and verdict.unwired
    for _ in range(10):
        verdict.read(1000)
    assert verdict.unwired  # the window still holds the noise
    for _ in range(30):
        verdict.read(1000)
    assert not verdict.unwired


def test_the_floating_verdict_judges_the_roughness_of_the_last_half_second():
    """The verdict keeps the second differences as readings come: at every reading its window
    holds exactly those of the last ``WINDOW`` readings, before and after the chip goes away."""
    rng = random.Random(3)
    verdict = Floating()
    for _chip_back in range(2):
        readings = [rng.choice((2048.0, rng.uniform(0, 4095))) for _ in range(80)]
        for i, raw in enumerate(readings):
            verdict.read(raw)
            window = readings[max(0, i + 1 - WINDOW) : i + 1]
            assert statistics.median(verdict.differences or [0.0]) == roughness(window)
        verdict.clear()
        assert not verdict.differences and not verdict.unwired


# --- the direct source -------------------------------------------------------------------


def test_sixteen_emulated_stations_come_online_and_their_sliders_set_thresholds(direct):
    stations, _ = direct
    events = all_online(stations)
    assert len(online(stations)) == 16
    came = [e.neuron for e in events if isinstance(e, StationStatus) and e.online]
    assert sorted(came) == sorted(NEURONS)
    moved = {e.neuron: e.value for e in events if isinstance(e, SliderMoved)}
    assert moved["A"] == 10.0 and moved["C"] == 15.0  # mid-scale on rulers 0-20 and 0-30
    pump(stations, 0.5)
    figures = {f.neuron: f for f in stations.figures()}
    a = figures["A"]
    assert a.serial == "ADC0-CH6" and a.port.startswith("SPI CE0 CH6 · I²C 0x21")
    assert a.fps > 10 and a.frames > 5 and a.errors == 0 and not a.not_wired
    assert abs(a.raw - 2048) < 10 and a.noise_lsb is not None


def test_a_slider_moved_on_its_input_moves_the_threshold_through_its_calibration(direct):
    stations, emulator = direct
    all_online(stations)
    calibration = StationCalibration("ADC0-CH6", SliderCalibration(raw_min=400, raw_max=3600))
    stations.apply_calibration(calibration)
    assert stations.calibration("ADC0-CH6").slider.raw_min == 400
    emulator.set_slider("ADC0-CH6", stations.calibration("ADC0-CH6").raw_for(13))
    events = pump(stations, 3, until=lambda ev: SliderMoved("A", 13.0, 0) in _untimed(ev))
    assert SliderMoved("A", 13.0, 0) in _untimed(events)
    assert {f.neuron: f.slider for f in stations.figures()}["A"] == 13.0
    assert {f.neuron: f.calibrated for f in stations.figures()}["A"]


def _untimed(events):
    return [type(e)(*[*e.__dict__.values()][:-1], 0) for e in events if hasattr(e, "t")]


def test_a_click_is_one_press_even_on_a_station_straddling_two_expanders(direct):
    stations, emulator = direct
    all_online(stations)
    emulator.click("ADC1-CH2", "plus")  # station 11, neuron E: − and + on 0x21, OK on 0x22
    emulator.click("ADC1-CH2", "ok")
    events = pump(stations, 1)
    pressed = [(e.neuron, e.button) for e in events if isinstance(e, ButtonPressed)]
    assert pressed == [("E", "plus"), ("E", "ok")]
    emulator.press("ADC1-CH2", "minus")
    pump(stations, 0.3)
    assert {f.neuron: f.buttons for f in stations.figures()}["E"] == ("minus",)
    assert stations.held()["ADC1-CH2"] == ("minus",)  # what the technician desk watches
    emulator.release("ADC1-CH2", "minus")


def test_a_chattering_contact_counts_once_it_has_held_still_for_the_debounce_time():
    wiring = load_wiring(DIRECT).by_key()["ADC1-CH2"]
    station = DirectStation(load_roster(DIRECT, NEURONS).by_serial["ADC1-CH2"], wiring, True)
    station.come(None, 0.0)
    ok = 1 << 0  # OK is pin 0 of 0x22
    assert station.pins(0x22, 0, 0.0, 0.02) == []  # first read: all free
    times = [0.001 * i for i in range(1, 16)]  # 15 ms of chatter, read at every edge
    chatter = [station.pins(0x22, ok * (i % 2), t, 0.02) for i, t in enumerate(times, 1)]
    assert not any(chatter)
    assert station.pins(0x22, ok, 0.030, 0.02) == []  # pressed, but not for 20 ms yet
    assert station.settling()
    events = station.pins(0x22, ok, 0.036, 0.02)
    assert [(e.neuron, e.button) for e in events] == [("E", "ok")] and station.held == 0b100
    assert station.pins(0x21, 0, 0.040, 0.02) == []  # the other chip's read leaves OK held
    assert station.pins(0x22, 0, 0.050, 0.02) == [] and station.held == 0b100
    assert station.pins(0x22, 0, 0.071, 0.02) == [] and station.held == 0


def test_a_dropped_adc_takes_its_stations_offline_and_they_come_back_with_it(direct):
    stations, emulator = direct
    all_online(stations)
    first_chip = {f"ADC0-CH{ch}" for ch in range(8)}
    emulator.drop_adc(0)
    events = pump(stations, 3, until=lambda _: not online(stations) & first_chip)
    assert online(stations) == {f"ADC1-CH{ch}" for ch in range(8)}
    gone = [e.neuron for e in events if isinstance(e, StationStatus) and not e.online]
    assert sorted(gone) == sorted(["COL1", "COL2", "COL3", "LIG1", "LIG2", "LIG3", "A", "B"])
    emulator.drop_adc(0, dropped=False)
    events = pump(stations, 5, until=lambda _: len(online(stations)) == 16)
    assert len(online(stations)) == 16
    back = [e.neuron for e in events if isinstance(e, StationStatus) and e.online]
    assert sorted(back) == sorted(gone)
    figures = {f.serial: f for f in stations.figures()}
    assert figures["ADC0-CH6"].reconnects == 1 and figures["ADC0-CH6"].errors_by_kind["silent"]
    assert figures["ADC1-CH6"].reconnects == 0


def test_an_expander_that_loses_power_is_set_up_again_when_it_comes_back(direct):
    stations, emulator = direct
    all_online(stations)
    emulator.cut_expander(0x22)
    pump(stations, 3, until=lambda _: len(online(stations)) < 16)
    lost = {f.serial for f in stations.figures() if not f.online}
    assert lost == {f"ADC1-CH{ch}" for ch in range(2, 8)}  # station 11 straddles 0x21 and 0x22
    emulator.cut_expander(0x22, cut=False)  # back with no pull-ups and no interrupts
    pump(stations, 5, until=lambda _: len(online(stations)) == 16)
    assert len(online(stations)) == 16
    emulator.press("ADC1-CH7", "minus")  # its interrupts work again
    events = pump(stations, 3, until=lambda ev: any(isinstance(e, ButtonPressed) for e in ev))
    emulator.release("ADC1-CH7", "minus")
    assert [(e.neuron, e.button) for e in events if isinstance(e, ButtonPressed)] == [
        ("9", "minus")
    ]


def test_a_floating_input_is_shown_not_wired_and_moves_nothing(direct):
    stations, emulator = direct
    all_online(stations)
    emulator.unwire("ADC0-CH7")  # neuron B's slider comes off its input
    pump(stations, 3, until=lambda _: {f.neuron: f.not_wired for f in stations.figures()}["B"])
    figures = {f.neuron: f for f in stations.figures()}
    assert figures["B"].not_wired and figures["B"].online and not figures["A"].not_wired
    assert load_texts("en").station_row(figures["B"])[2] == "not wired"  # diagnose, the screen
    events = pump(stations, 1)
    assert not [e for e in events if isinstance(e, SliderMoved) and e.neuron == "B"]
    emulator.unwire("ADC0-CH7", floating=False)
    pump(stations, 3, until=lambda _: not {f.neuron: f.not_wired for f in stations.figures()}["B"])
    assert not {f.neuron: f.not_wired for f in stations.figures()}["B"]


def test_stations_not_emulated_float_and_are_shown_not_wired():
    stations, _ = open_direct(count=2)
    try:
        pump(stations, 4, until=lambda _: sum(f.not_wired for f in stations.figures()) == 14)
        assert [f.not_wired for f in stations.figures()] == [False] * 2 + [True] * 14
    finally:
        stations.close()


def test_chaos_on_the_chips_never_stops_the_source_and_settles_with_everyone_back(direct):
    stations, emulator = direct
    all_online(stations)
    chaos = DirectChaos(emulator, seed=3, rate=8)
    end = time.monotonic() + 4
    while time.monotonic() < end:
        chaos.step(time.monotonic())
        pump(stations, 0.05)
    chaos.settle()
    stations.rescan_now()
    pump(stations, 6, until=lambda _: len(online(stations)) == 16)
    assert len(online(stations)) == 16 and stations.failures == 0
    assert sum(chaos.counts.values()) > 10
    assert sum(f.errors for f in stations.figures()) > 0


# --- the commands ------------------------------------------------------------------------


def test_run_on_the_direct_build_reports_sixteen_of_sixteen_online(tmp_path):
    report = tmp_path / "r.json"
    command = ["run", "--headless", "--installation", str(DIRECT), "--emulate-stations", "16"]
    options = ["--for", "8", "--report", str(report), "--health-port", "-1"]
    assert main([*command, *options, "--state-dir", str(tmp_path)]) == 0
    result = json.loads(report.read_text())
    assert result["online"] == 16 and result["crashes"] == 0 and result["emulated"]
    assert {s["serial"] for s in result["stations"]} >= {"ADC0-CH0", "ADC1-CH7"}


def test_diagnose_on_the_direct_build_lists_every_station_by_its_input(tmp_path, capsys):
    command = ["diagnose", "--installation", str(DIRECT), "--emulate-stations", "16"]
    assert main([*command, "--for", "2", "--state-dir", str(tmp_path)]) == 0
    table = capsys.readouterr().out
    assert "ADC0-CH0" not in table  # stations are listed by number…
    assert main([*command, "--json", "--for", "2", "--state-dir", str(tmp_path)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["online"] == 16
    assert [s["serial"] for s in report["stations"]][6] == "ADC0-CH6"  # …and known by input
    assert main([*command, "--udev-rules", "--for", "1", "--state-dir", str(tmp_path)]) == 0
    assert "SUBSYSTEM" not in capsys.readouterr().out  # no USB port to name


def test_calibrate_on_the_direct_build_saves_a_station_under_its_input(tmp_path, monkeypatch):
    opened = options.open_direct

    def with_a_technician(*args):
        """The emulated build, with a hand that holds A's slider left, then right."""
        direct, emulator = opened(*args)
        emulator.set_slider("ADC0-CH6", 60)

        def hand():
            time.sleep(4.5)
            emulator.set_slider("ADC0-CH6", 4040)

        threading.Thread(target=hand, daemon=True).start()
        return direct, emulator

    monkeypatch.setattr(options, "open_direct", with_a_technician)
    command = ["calibrate", "A", "--installation", str(DIRECT), "--emulate-stations", "16"]
    assert main([*command, "--hold", "1", "--state-dir", str(tmp_path), "--lang", "en"]) == 0
    saved = (tmp_path / "calibrations.toml").read_text()
    assert "[station.ADC0-CH6.slider]" in saved and "station_id = 7" in saved


@pytest.mark.slow
def test_a_chaotic_run_on_the_direct_build_ends_with_every_station_back(tmp_path):
    report = tmp_path / "r.json"
    command = ["run", "--headless", "--installation", str(DIRECT), "--emulate-stations", "16"]
    options = ["--chaos", "--chaos-rate", "4", "--for", "14", "--report", str(report)]
    assert main([*command, *options, "--health-port", "-1", "--state-dir", str(tmp_path)]) == 0
    result = json.loads(report.read_text())
    assert result["online"] == 16 and result["crashes"] == 0
    assert sum(result["chaos"].values()) > 5 and result["errors"] > 0


@pytest.mark.slow
def test_a_class_plays_the_whole_workshop_on_the_direct_build(tmp_path):
    report = tmp_path / "w.json"
    command = [sys.executable, "-m", "controller", "run", "--headless", "--workshop"]
    command += ["--autoplay", "--pace", "0.15", "--installation", str(DIRECT)]
    command += ["--emulate-stations", "16", "--report", str(report), "--health-port", "-1"]
    command += ["--state-dir", str(tmp_path)]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(report.read_text())
    workshop = result["workshop"]
    assert workshop["passed"] and all(s["outcome"] == "passed" for s in workshop["steps"])
    assert result["online"] == 16 and result["crashes"] == 0
