"""The floor layout: the shipped mat is complete and sound; each kind of mistake is named."""

import copy
import tomllib

import numpy as np
import pytest
import tomli_w

from controller.datafile import INSTALLATION_FILE, DataError
from controller.floor.mat import connections, load_floor, max_leds_per_line
from controller.network import load_network

NETWORK = load_network()
SHIPPED = tomllib.loads(INSTALLATION_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def layout():
    return load_floor(NETWORK)


def write(tmp_path, document):
    path = tmp_path / "installation.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path


def edited(tmp_path, change):
    document = copy.deepcopy(SHIPPED)
    change(document)
    return write(tmp_path, document)


def segment_index(document, source, target):
    return next(
        i for i, s in enumerate(document["segment"]) if (s["from"], s["to"]) == (source, target)
    )


def test_the_shipped_floor_has_a_ring_per_neuron_and_a_segment_per_connection(layout):
    neurons = NETWORK.input_names + NETWORK.hidden_names + NETWORK.output_names
    assert sorted(r.neuron for r in layout.rings) == sorted(neurons)
    wanted = sorted((s, t) for s, t, _ in connections(NETWORK))
    assert sorted((s.source, s.target) for s in layout.segments) == wanted
    assert len(wanted) == 40
    assert 1000 <= layout.led_count <= 2500
    assert len(layout.strips) <= 8


def test_the_shipped_floor_uses_every_led_of_its_strips_exactly_once(layout):
    used = np.concatenate(
        [layout.ring_indices(r) for r in layout.rings]
        + [layout.segment_indices(s) for s in layout.segments]
    )
    assert sorted(used) == list(range(layout.led_count))
    assert all(s.leds <= 500 for s in layout.strips)  # docs/hardware.md §6: ≤ ~500 a pin


def test_the_shipped_mat_reads_like_the_screen_inputs_left_hidden_middle_outputs_right(layout):
    x = {r.neuron: r.centre[0] for r in layout.rings}
    y = {r.neuron: r.centre[1] for r in layout.rings}
    assert max(x[n] for n in NETWORK.input_names) < min(x[n] for n in NETWORK.hidden_names)
    assert max(x[n] for n in NETWORK.hidden_names) < min(x[n] for n in NETWORK.output_names)
    for names in (NETWORK.input_names, NETWORK.hidden_names, NETWORK.output_names):
        assert [y[n] for n in names] == sorted(y[n] for n in names)  # file order, top down
    width, depth = layout.settings.size_m
    assert (layout.positions >= 0).all()
    assert (layout.positions[:, 0] <= width).all() and (layout.positions[:, 1] <= depth).all()


def test_a_segment_runs_from_its_source_ring_to_its_target_ring(layout):
    segment = layout.segments[0]
    xy = layout.positions[layout.segment_indices(segment)]
    source = np.array(layout.ring(segment.source).centre)
    target = np.array(layout.ring(segment.target).centre)
    to_source = np.linalg.norm(xy - source, axis=1)
    to_target = np.linalg.norm(xy - target, axis=1)
    assert np.all(np.diff(to_source) > 0) and np.all(np.diff(to_target) < 0)
    radius = layout.ring_radius(layout.ring(segment.source))
    assert to_source.min() > radius


def test_the_shipped_zone_budgets_stay_within_80_percent_of_their_supplies(layout):
    assert all(z.budget_a <= 0.8 * z.supply_a for z in layout.zones)
    assert layout.settings.brightness == 0.4 and layout.settings.fps == 40


def test_wire_order_puts_each_strips_bytes_in_its_colour_order(tmp_path):
    def grb_then_bgr(document):
        document["strip"][0]["colour_order"] = "BGR"

    layout = load_floor(NETWORK, edited(tmp_path, grb_then_bgr))
    rgb = np.zeros((layout.led_count, 3), dtype=np.uint8)
    rgb[:] = (10, 20, 30)
    wired = layout.wire_order(rgb)
    first = layout.strips[0]
    assert tuple(wired[first.offset]) == (30, 20, 10)
    assert tuple(wired[layout.strips[1].offset]) == (20, 10, 30)  # GRB


def test_an_installation_without_a_floor_section_has_no_floor(tmp_path):
    document = {"modes": SHIPPED["modes"]}
    assert load_floor(NETWORK, write(tmp_path, document)) is None


def _overlap(d):
    d["ring"][1]["first"] = 10  # COL2's ring now starts inside COL1's (0–31)


def _past_the_end(d):
    d["ring"][5]["count"] = 40  # LIG3's ring was the last 32 LEDs of strip IN


def _unknown_ring_neuron(d):
    d["ring"][0]["neuron"] = "COL7"


def _unknown_segment_neuron(d):
    d["segment"][0]["to"] = "Z"


def _connection_the_network_lacks(d):
    # C = COL3 + LIG1 + LIG2: there is no weight of COL1 in C.
    d["segment"][segment_index(d, "COL3", "C")]["from"] = "COL1"


def _missing_connection(d):
    del d["segment"][segment_index(d, "F", "6")]


def _missing_ring(d):
    del d["ring"][11]


def _bad_colour_order(d):
    d["strip"][2]["colour_order"] = "RGBW"


def _greedy_budget(d):
    d["floor"]["zone"][1]["budget_a"] = 9.5


def _segment_too_long(d):
    strip = next(s for s in d["strip"] if s["name"] == d["segment"][0]["strip"])
    d["segment"][0]["first"] = strip["leds"]  # moved to the strip's end, as 300 LEDs
    d["segment"][0]["count"] = 300
    strip["leds"] += 300


def _strip_too_long_for_the_frame_rate(d):
    d["floor"]["fps"] = 120


def _second_segment(d):
    d["segment"].append(dict(d["segment"][0]))


def _pico_output_without_its_board(d):
    d["led_output"] = [{"kind": "pico"}]


def _unknown_output_kind(d):
    d["led_output"] = [{"kind": "artnet"}]


def _ddp_without_host(d):
    d["led_output"] = [{"kind": "ddp"}]


@pytest.mark.parametrize(
    ("change", "entry", "words"),
    [
        (_overlap, "ring[1]", "overlap the ring of COL1"),
        (_past_the_end, "ring[5]", "run past the end of strip 'IN'"),
        (_unknown_ring_neuron, "ring[0].neuron", "unknown neuron 'COL7'"),
        (_unknown_segment_neuron, "segment[0].to", "unknown neuron 'Z'"),
        (_connection_the_network_lacks, "segment[", "no connection COL1 → C"),
        (_missing_connection, "segment", "no segment for the connection F → 6"),
        (_missing_ring, "ring", "no ring for neuron 'F'"),
        (_bad_colour_order, "strip[2].colour_order", "R, G and B once each"),
        (_greedy_budget, "floor.zone[1].budget_a", "at most 80%"),
        (_segment_too_long, "segment[0].count", "lie between the rings"),
        (_strip_too_long_for_the_frame_rate, "strip[", "at 120 fps a line takes at most"),
        (_second_segment, "segment[40]", "a second segment"),
        (_pico_output_without_its_board, "led_output[0]", '"serial" or its "device"'),
        (_unknown_output_kind, "led_output[0].kind", "expected one of screen, ddp, pico"),
        (_ddp_without_host, "led_output[0].host", "missing"),
    ],
)
def test_a_layout_mistake_is_one_error_naming_the_file_and_the_entry(
    tmp_path, change, entry, words
):
    path = edited(tmp_path, change)
    with pytest.raises(DataError) as caught:
        load_floor(NETWORK, path)
    message = str(caught.value)
    assert message.startswith(f"{path}: {entry}"), message
    assert words in message


def test_the_line_limit_follows_the_ws2812_timing():
    assert max_leds_per_line(40) == 824
    assert max_leds_per_line(60) == 546  # docs/hardware.md §6
