"""Slider calibration maths, the capture checks, the procedure, and the calibration document."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from controller.calibration import (
    FULL_SCALE,
    CalibrationBook,
    Hold,
    Problem,
    Ruler,
    SliderCalibration,
    StationCalibration,
    check_ends,
    parse_book,
)
from controller.datafile import DataError
from controller.diagnosis import CANCELLED, FAULT, OK, RUNNING
from controller.technician.procedure import Procedure
from controller.texts import load_texts

raws = st.floats(min_value=-100, max_value=FULL_SCALE + 100)
ends = st.tuples(st.integers(0, 400), st.integers(3700, FULL_SCALE))


@given(raw=raws, span=ends, invert=st.booleans())
def test_position_stays_between_the_ends(raw, span, invert):
    slider = SliderCalibration(raw_min=span[0], raw_max=span[1], invert=invert)
    assert 0.0 <= slider.position(raw) <= 1.0


@given(a=raws, b=raws, span=ends)
def test_position_never_goes_backwards_along_the_travel(a, b, span):
    slider = SliderCalibration(raw_min=span[0], raw_max=span[1])
    low, high = sorted((a, b))
    assert slider.position(low) <= slider.position(high)


def test_both_ends_are_reached_inside_the_dead_zones():
    slider = SliderCalibration(raw_min=100, raw_max=4000, dead_zone_low=0.02, dead_zone_high=0.02)
    assert slider.position(100 + 0.02 * 3900) == 0.0
    assert slider.position(4000 - 0.02 * 3900) == 1.0
    assert slider.position(2050) == pytest.approx(0.5)


def test_an_inverted_slider_reads_left_at_the_high_end():
    slider = SliderCalibration(raw_min=0, raw_max=4000, invert=True)
    assert slider.position(4000) == 0.0
    assert slider.position(0) == 1.0


def test_points_bend_the_map_through_the_marks():
    # A log-taper slider: mid-travel (position 0.5) reads only 800.
    slider = SliderCalibration(raw_min=0, raw_max=4000, points=((800, 0.5),))
    assert slider.position(800) == pytest.approx(0.5)
    assert slider.position(400) < 0.5 < slider.position(1000)


def test_the_ruler_turns_positions_into_printed_thresholds():
    station = StationCalibration("E6614C", SliderCalibration(0, 4000, 0, 0), Ruler(0, 20, 1))
    assert station.threshold(1000) == pytest.approx(5)
    assert Ruler(0, 20, 5).marks() == (0, 5, 10, 15, 20)


def test_hold_takes_the_median_and_the_rms_noise():
    hold = Hold.measure([100, 102, 98, 100, 4000])  # one spike
    assert hold.median == 100
    assert hold.noise > 8


@pytest.mark.parametrize(
    ("left", "right", "codes"),
    [
        (Hold(30, 2, 100), Hold(4070, 2, 100), set()),
        (Hold(4070, 2, 100), Hold(30, 2, 100), set()),  # wired backwards: fine, inverted
        (Hold(1200, 2, 100), Hold(2900, 2, 100), {"span", "low_end", "high_end"}),
        (Hold(600, 2, 100), Hold(4070, 2, 100), {"low_end"}),  # end stop not reached
        (Hold(30, 2, 100), Hold(3300, 2, 100), {"high_end"}),
        (Hold(30, 14, 100), Hold(4070, 2, 100), {"noise"}),  # loose ground
    ],
)
def test_capture_checks_catch_wiring_faults(left, right, codes):
    assert {p.code for p in check_ends(left, right)} == codes


def hold_still(procedure, raw, start, seconds=2.2, noise=2.0):
    """Feed 50 readings a second of a slider held at ``raw``."""
    rng = random.Random(raw)
    t = start
    while t < start + seconds:
        procedure = procedure.feed(raw + rng.gauss(0, noise), t)
        t += 0.02
    return procedure, t


def test_procedure_captures_both_ends_and_the_marks():
    procedure = Procedure.start(Ruler(0, 20), marks=(10,))
    procedure, t = hold_still(procedure, 40, 0)
    assert procedure.index == 1 and procedure.status == RUNNING
    procedure, t = hold_still(procedure, 4050, t)
    procedure, t = hold_still(procedure, 1500, t)  # mark 10 reads 1500: not linear
    assert procedure.status == OK
    assert procedure.result.position(1500) == pytest.approx(0.5, abs=0.01)
    assert procedure.progress() == 1.0


def test_procedure_waits_for_the_slider_to_reach_the_end():
    procedure = Procedure.start(Ruler(0, 20))
    procedure, _ = hold_still(procedure, 2000, 0, seconds=10)  # resting mid-travel
    assert procedure.index == 0 and procedure.held_for() == 0.0


def test_procedure_reports_a_slider_that_never_reaches_its_ends():
    procedure = Procedure.start(Ruler(0, 20))
    procedure, t = hold_still(procedure, 1200, 0)
    procedure = procedure.confirm(t)  # the technician says: this is as far as it goes
    procedure, t = hold_still(procedure, 1200, t)
    procedure, t = hold_still(procedure, 2800, t)
    procedure = procedure.confirm(t)
    procedure, t = hold_still(procedure, 2800, t)
    assert procedure.status == FAULT
    assert "span" in {p.code for p in procedure.problems}
    assert procedure.result is None


def test_procedure_reports_a_noisy_slider_when_confirmed():
    procedure = Procedure.start(Ruler(0, 20))
    procedure = procedure.confirm(0.0)
    procedure, t = hold_still(procedure, 50, 0, noise=60)  # never still enough by itself
    procedure, t = hold_still(procedure, 4050, t)
    assert procedure.status == FAULT
    assert {p.code for p in procedure.problems} == {"noise"}


def test_procedure_reports_marks_out_of_order():
    procedure = Procedure.start(Ruler(0, 20), marks=(5, 15))
    t = 0.0
    for raw in (40, 4050, 3000, 1000):
        procedure, t = hold_still(procedure, raw, t)
    assert procedure.status == FAULT
    assert [p.code for p in procedure.problems] == ["marks"]


def test_a_cancelled_procedure_ignores_further_readings():
    procedure = Procedure.start(Ruler(0, 20)).cancel()
    procedure, _ = hold_still(procedure, 40, 0)
    assert procedure.status == CANCELLED and procedure.holds == ()


def test_calibration_document_round_trips(tmp_path):
    station = StationCalibration(
        "E66138935F2A1234",
        SliderCalibration(31, 4071, invert=True, points=((1500.0, 0.5),), noise_lsb_rms=1.7),
        Ruler(0, 20, 0.5),
        station_id=3,
        calibrated_at="2025-01-01T10:00:00+00:00",
        calibrated_by="camille",
        firmware_version="1.0.0",
    )
    path = tmp_path / "calibrations.toml"
    path.write_text(CalibrationBook().with_station(station).to_toml())
    assert parse_book(path).get("E66138935F2A1234") == station


def test_a_bad_calibration_document_names_the_file_and_the_field(tmp_path):
    path = tmp_path / "calibrations.toml"
    path.write_text(
        'schema_version = 1\n[station.ABC.slider]\nraw_min = 10\nraw_max = "high"\n'
        "[station.ABC.ruler]\nlow = 0\nhigh = 20\nstep = 1\n"
    )
    with pytest.raises(DataError, match=r"calibrations.toml: station.ABC.slider.raw_max"):
        parse_book(path)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_problem_reads_as_a_sentence_in_each_language(language):
    texts = load_texts(language)
    problems = (*check_ends(Hold(1200, 30, 100), Hold(2900, 2, 100)), Problem("marks"))
    sentences = [texts.problem(p) for p in problems]
    assert len(sentences) == 5 and not any("{" in s for s in sentences)
    assert ("gauche" if language == "fr" else "left") in sentences[3]


def test_a_hold_weighs_each_reading_by_how_long_it_stood():
    """A station reports fast while its filter settles, then a heartbeat now and then: the
    settling readings are many but brief, the resting one few but long."""
    settling = [3790, 3830, 3860, 3880, 3890, 3895]
    hold = Hold.measure([*settling, 3900, 3900], weights=[0.02] * 6 + [0.2, 0.2])
    assert hold.median == 3900
    assert Hold.measure([*settling, 3900, 3900]).median == 3885  # unweighted: dragged down
