"""What a station's ring shows, from the scene (pure)."""

from dataclasses import replace
from datetime import datetime

from controller.diagnosis import CalibrationProgress, Diagnosis, StationFigures
from controller.digits import load_digit_set
from controller.network import load_network
from controller.opening_hours import HoursState
from controller.scene import StationView, build_scene
from controller.stations.messages import RING_PATTERNS
from controller.stations.ring import neuron_colour, ring_for

NETWORK = load_network()
DIGITS = load_digit_set("grandeur-nature")
AMBER = (255, 176, 80)


def scene(*stations, **fields):
    return build_scene(NETWORK, DIGITS, digit_index=1, stations=stations, **fields)


def shown(ring):
    return RING_PATTERNS[ring.pattern], (ring.red, ring.green, ring.blue), ring.level


def test_a_neuron_fires_as_bright_as_its_value_and_glows_faintly_at_zero():
    s = scene()
    values = {n: float(v) for n, v in zip(NETWORK.hidden_names, s.result.hidden[0], strict=True)}
    firing = max(values, key=values.get)
    quiet = min(values, key=values.get)
    name, colour, level = shown(ring_for(s, firing, AMBER))
    assert (
        name == "firing" and colour == AMBER and level == min(255, round(255 * values[firing] / 8))
    )
    assert shown(ring_for(s, quiet, AMBER))[0] == "idle"


def test_an_output_rings_in_its_own_colour():
    assert neuron_colour(NETWORK, "0", AMBER) == (0x2F, 0xB3, 0x44)
    assert neuron_colour(NETWORK, "A", AMBER) == AMBER


def test_pickup_answer_and_taking_part_outrank_firing():
    assert shown(ring_for(scene(StationView("A", pickup="up")), "A", AMBER))[0] == "move_up"
    assert shown(ring_for(scene(StationView("A", pickup="down")), "A", AMBER))[0] == "move_down"
    right = shown(ring_for(scene(StationView("A", answer="right")), "A", AMBER))
    assert right[0] == "right" and right[1] == (47, 179, 68)
    assert shown(ring_for(scene(StationView("A", answer="wrong")), "A", AMBER))[0] == "wrong"
    out = StationView("A", pickup="up", active=False)
    assert shown(ring_for(scene(out), "A", AMBER))[0] == "offline"


def test_the_signal_lights_only_the_layers_it_has_reached():
    s = scene(signal_layers=1)
    assert shown(ring_for(s, "COL2", AMBER))[0] == "firing"
    assert all(shown(ring_for(s, n, AMBER))[0] == "idle" for n in NETWORK.hidden_names)


def test_calibration_progress_then_its_outcome_in_technician_mode():
    def with_progress(status, fraction=0.5):
        progress = CalibrationProgress(status, "left", None, fraction, 0.0, 100.0)
        station = StationFigures(7, "E660", "A")
        diagnosis = Diagnosis((station,), calibrations={"E660": progress})
        return scene(mode="technician", extras={"diagnosis": diagnosis})

    assert shown(ring_for(with_progress("running"), "A", AMBER, "E660")) == (
        "calibrating",
        AMBER,
        128,
    )
    assert shown(ring_for(with_progress("ok"), "A", AMBER, "E660"))[0] == "calibration_ok"
    assert shown(ring_for(with_progress("fault"), "A", AMBER, "E660"))[0] == "calibration_fault"
    assert shown(ring_for(with_progress("running"), "A", AMBER, "OTHER"))[0] == "idle"
    visitor = replace(with_progress("running"), mode="visitor")
    assert shown(ring_for(visitor, "A", AMBER, "E660"))[0] != "calibrating"


def test_outside_opening_hours_every_ring_is_dark_and_woken_it_fires_again():
    closed = HoursState(open=False, next_change=None)
    s = scene(StationView("A", online=True), hours=closed)
    assert shown(ring_for(s, "A", AMBER)) == ("firing", AMBER, 0)  # no LED lit at level 0
    woken = replace(s, hours=HoursState(False, None, woken_until=datetime(2026, 12, 8, 21)))
    assert shown(ring_for(woken, "A", AMBER)) == shown(ring_for(replace(s, hours=None), "A", AMBER))
