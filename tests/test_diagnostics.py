"""Diagnostics: the station table, its JSON, and the noise figure."""

import json
from dataclasses import replace

import pygame
import pytest

from controller.calibration import Problem
from controller.commands.diagnose import format_table
from controller.diagnosis import (
    CalibrationProgress,
    ConsoleDiagnosis,
    Diagnosis,
    StationFigures,
)
from controller.digits import load_digit_set
from controller.events import DiagnosisUpdated, KeyTurned
from controller.modes import engine
from controller.network import load_network
from controller.session import Session
from controller.stations.gauges import Gauges
from controller.technician.desk import NewFrames
from controller.texts import load_texts

DIAGNOSIS = Diagnosis(
    stations=(
        StationFigures(
            1,
            "E661A",
            "A",
            online=True,
            firmware="1.0.0",
            raw=2047.0,
            filtered=2046.6,
            slider=8.0,
            noise_lsb=1.23,
            buttons=("ok",),
            fps=50.2,
            frames=500,
            calibrated=True,
        ),
        StationFigures(2, "E661B", "B", online=False, errors=3, reconnects=2),
    ),
    console=ConsoleDiagnosis(present=True, buttons=("reset",), key="technician"),
    led_patterns=("all-white", "chase"),
    last_errors=("station 2: unplugged",),
)


def test_table_shows_every_station_with_its_live_figures_and_the_console():
    table = format_table(DIAGNOSIS, load_texts("en"))
    first, second = table.splitlines()[1:3]
    assert first.split()[:5] == ["1", "A", "online", "1.0.0", "2047"]
    assert "50" in first.split() and "ok" in first.split()
    assert second.split()[:3] == ["2", "B", "offline"]
    assert "Console: reset · key technician" in table
    assert "LED test patterns: all-white, chase" in table
    assert "station 2: unplugged" in table


def test_table_is_in_french_by_default_words():
    assert "hors ligne" in format_table(DIAGNOSIS, load_texts("fr"))


def test_json_lists_every_station_and_survives_a_round_trip():
    data = json.loads(json.dumps(DIAGNOSIS.to_json()))
    assert data["online"] == 1
    assert [s["station_id"] for s in data["stations"]] == [1, 2]
    assert data["stations"][0]["noise_lsb"] == 1.2
    assert data["console"]["key"] == "technician"


def test_gauges_show_the_station_s_noise_and_how_often_it_reports():
    gauges = Gauges()
    assert gauges.noise() is None
    for i, noise in enumerate((30.0, 1.5, 1.25, 1.75)):  # moving, then still
        gauges.read(2048, 0, t=i * 0.2, noise_lsb=noise)
    assert gauges.noise() == 1.75  # the station's last word on its samples
    assert gauges.fps(now=0.7) == pytest.approx(5)  # heartbeats
    assert gauges.fps(now=5.0) == 0.0  # silent since


def test_a_calibration_is_fed_each_station_s_new_frames_only():
    new_frames = NewFrames()
    reading = StationFigures(1, "E661A", frames=0, raw=5000)
    assert new_frames.of([reading]) == [reading]
    assert new_frames.of([replace(reading, raw=3000)]) == []  # no new frame
    assert new_frames.of([replace(reading, frames=1)]) == [replace(reading, frames=1)]


def test_the_technician_key_shows_the_diagnosis_and_turning_back_hides_it():
    session = Session.start(load_network(), load_digit_set("grandeur-nature"))
    session = engine.apply(session, KeyTurned("technician", t=1.0))
    session = engine.apply(session, DiagnosisUpdated(DIAGNOSIS, t=1.1))
    scene = engine.scene(session, now=1.2)
    assert (scene.mode, scene.view) == ("technician", "technician")
    assert scene.extras["diagnosis"] is DIAGNOSIS
    scene = engine.scene(engine.apply(session, KeyTurned("visitor", t=2.0)), now=2.0)
    assert (scene.view, scene.extras) == ("attract", {})  # visitor mode starts afresh


def technician_scene(diagnosis):
    session = Session.start(load_network(), load_digit_set("grandeur-nature"))
    session = engine.apply_all(
        session, [KeyTurned("technician", t=1.0), DiagnosisUpdated(diagnosis, 1)]
    )
    return engine.scene(session, now=1.0)


def test_technician_view_shows_a_failed_calibration_in_red_beside_the_table():
    from display.frame import render_scene
    from display.theme import PALETTE

    problems = (Problem("span", {"percent": 42}),)
    fault = CalibrationProgress("fault", None, None, 1.0, 0.0, 2900.0, problems)
    online = replace(DIAGNOSIS.stations[1], online=True)
    running = CalibrationProgress("running", "left", None, 0.2, 0.5, 40.0)
    for progress, red in ((fault, True), (running, False)):
        station = DIAGNOSIS.stations[0]
        calibrations = {station.serial: progress}
        shown = replace(DIAGNOSIS, stations=(station, online), calibrations=calibrations)
        scene = technician_scene(shown)
        surface, _ = render_scene(scene, (960, 540))
        card = pygame.surfarray.pixels3d(surface)[640:, 60:400]
        assert (card == PALETTE.offline).all(axis=-1).any() == red  # border and text


def test_the_technician_screen_lists_every_expected_station_before_any_is_heard(tmp_path):
    from controller.stations.links import Links
    from controller.stations.roster import load_roster
    from controller.storage import Store
    from controller.technician.desk import Calibrator, TechnicianDesk
    from controller.technician.store import CalibrationStore
    from display.assets import Assets
    from display.frame import render_scene

    network = load_network()
    roster = load_roster(neurons=(*network.input_names, *network.thresholds()))
    links = Links(roster, thresholds=network.thresholds(), discover=list)  # nothing plugged in
    store = CalibrationStore(Store(tmp_path))
    desk = TechnicianDesk(links, Calibrator(links, store, by="test"))
    try:
        desk.show(technician_scene(DIAGNOSIS))  # the key on technician
        (update,) = desk.poll(1.0)
        assert [s.neuron for s in update.diagnosis.stations] == [s.neuron for s in roster.stations]
        assert not any(s.online for s in update.diagnosis.stations)
        assets = Assets((1920, 1080))
        render_scene(technician_scene(update.diagnosis), (1920, 1080), assets)
        drawn = [text.text for text in assets.log.texts]
        assert all(s.neuron in drawn for s in roster.stations)
        assert drawn.count(load_texts("fr")["technician.offline"]) == len(roster.stations)
    finally:
        links.close()
