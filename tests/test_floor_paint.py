"""Scenes on the floor: values on rings and segments, pulses walking, modes, test patterns."""

from dataclasses import replace

import numpy as np
import pytest

from controller.digits import load_digit_set
from controller.floor.frame import FloorRenderer
from controller.floor.mat import load_floor
from controller.floor.paint import NEGATIVE_HEX
from controller.floor.patterns import LED_PATTERNS, durations, pattern_at
from controller.network import load_network
from controller.opening_hours import HoursState
from controller.scene import build_scene
from display.theme import PALETTE, rgb

NETWORK = load_network()
LAYOUT = load_floor(NETWORK)
RENDERER = FloorRenderer(LAYOUT, NETWORK)
DIGITS = load_digit_set("grandeur-nature")
THREE = DIGITS.names().index("3♥")


def scene_at(t, changed_at=0.0, **fields):
    return build_scene(NETWORK, DIGITS, digit_index=THREE, t=t, changed_at=changed_at, **fields)


def ring_bytes(frame, neuron):
    return frame.rgb[LAYOUT.ring_indices(LAYOUT.ring(neuron))].astype(int)


def segment(source, target):
    return next(s for s in LAYOUT.segments if (s.source, s.target) == (source, target))


def brightest_distance(frame, seg):
    """How far from the source ring the segment's brightest LED lies (m)."""
    light = frame.rgb[LAYOUT.segment_indices(seg)].astype(int).sum(axis=1)
    return LAYOUT.segment_distances(seg)[np.argmax(light)]


def carried(source, target):
    scene = scene_at(100.0)
    values = RENDERER.map.values(scene)
    names = RENDERER.map.neurons
    weight = NETWORK.formula(target)
    w = dict((s, w) for w, s in weight)[source]
    return w * values[names.index(source)]


def test_the_three_lights_the_blue_output_and_leaves_the_others_dim():
    frame = RENDERER.frame(scene_at(100.0))  # long after the change: everything arrived
    assert scene_at(100.0).decision.digits == (3,)
    blue = ring_bytes(frame, "3").mean(axis=0)
    assert blue[2] > blue[0] and blue[2] > blue[1]  # blue, the workshop colour of 3
    for other in ("0", "6", "9"):
        assert ring_bytes(frame, other).sum() < ring_bytes(frame, "3").sum() / 4


def test_a_pulse_walks_along_a_connection_from_source_to_target():
    seg = max(
        (
            s
            for s in LAYOUT.segments
            if s.source in NETWORK.input_names and carried(s.source, s.target) > 0
        ),
        key=lambda s: LAYOUT.segment_span(s)[2],
    )
    speed = LAYOUT.settings.pulse_speed
    places = [brightest_distance(RENDERER.frame(scene_at(t)), seg) for t in (0.3, 0.8, 1.3)]
    assert places[0] < places[1] < places[2]
    assert places[2] - places[0] == pytest.approx(1.0 * speed, abs=0.15)


def test_the_pulse_reaches_the_outputs_only_after_the_hidden_layer():
    seg = segment("A", "3") if carried("A", "3") > 0 else segment("B", "3")
    start = RENDERER.map.layer_start[2]
    assert start > 1.0
    quiet = RENDERER.frame(scene_at(start - 0.5)).rgb[LAYOUT.segment_indices(seg)]
    walking = [RENDERER.frame(scene_at(start + dt)) for dt in (0.3, 0.9)]
    assert quiet.astype(int).sum(axis=1).max() < walking[0].rgb[LAYOUT.segment_indices(seg)].max()
    assert brightest_distance(walking[0], seg) < brightest_distance(walking[1], seg)


def test_the_recognised_output_lights_when_the_pulse_arrives_and_flashes():
    arrival = RENDERER.map.layer_start[2] + RENDERER.map.fan_in_s[RENDERER.map.neurons.index("3")]
    before = ring_bytes(RENDERER.frame(scene_at(arrival - 0.2)), "3").sum()
    flash = ring_bytes(RENDERER.frame(scene_at(arrival + 0.05)), "3").sum()
    steady = ring_bytes(RENDERER.frame(scene_at(arrival + 5.0)), "3").sum()
    assert before < steady < flash


def test_negative_connections_are_vermilion_and_dashed_like_the_screens_edges():
    assert rgb(NEGATIVE_HEX) == PALETTE.negative
    frame = RENDERER.frame(scene_at(100.0))
    negative = next(
        s
        for s in LAYOUT.segments
        if s.target in NETWORK.hidden_names and carried(s.source, s.target) < 0
    )
    leds = frame.rgb[LAYOUT.segment_indices(negative)].astype(int)
    lit = leds[leds.sum(axis=1) > 0]
    assert np.all(lit[:, 0] > lit[:, 1]) and np.all(lit[:, 0] > lit[:, 2])  # red dominates
    assert (leds.sum(axis=1) == 0).sum() >= len(leds) // 5  # dark gaps: dashed
    positive = next(
        s
        for s in LAYOUT.segments
        if s.target in NETWORK.hidden_names and carried(s.source, s.target) > 0
    )
    pos = frame.rgb[LAYOUT.segment_indices(positive)].astype(int)
    assert np.all(pos.sum(axis=1) > 0) and np.all(pos[:, 2] >= pos[:, 0])  # solid, cool white


def test_a_connection_carrying_nothing_stays_faint():
    frame = RENDERER.frame(scene_at(100.0))
    silent = [s for s in LAYOUT.segments if carried(s.source, s.target) == 0]
    busy = [s for s in LAYOUT.segments if carried(s.source, s.target) > 0]
    assert silent and busy
    faint = max(frame.rgb[LAYOUT.segment_indices(s)].max() for s in silent)
    assert faint < min(frame.rgb[LAYOUT.segment_indices(s)].max() for s in busy) / 3


def test_signal_mode_lights_the_network_layer_by_layer():
    def lit(frame, segs):
        return sum(int(frame.rgb[LAYOUT.segment_indices(s)].sum()) for s in segs)

    first = [s for s in LAYOUT.segments if s.source in NETWORK.input_names]
    second = [s for s in LAYOUT.segments if s.target in NETWORK.output_names]
    late = 60.0
    frames = {
        k: RENDERER.frame(scene_at(late, floor_mode="signal", signal_layers=k))
        for k in (0, 1, 2, 3)
    }
    assert lit(frames[1], first) == 0 and lit(frames[1], second) == 0
    assert ring_bytes(frames[1], "COL2").sum() > ring_bytes(frames[0], "COL2").sum()
    assert lit(frames[2], first) > 0 and lit(frames[2], second) == 0
    assert lit(frames[3], second) > 0
    assert ring_bytes(frames[3], "3").sum() > ring_bytes(frames[2], "3").sum()


def test_signal_mode_fills_the_newest_layer_from_source_to_target():
    seg = max(
        (
            s
            for s in LAYOUT.segments
            if s.source in NETWORK.input_names and carried(s.source, s.target) > 0
        ),
        key=lambda s: LAYOUT.segment_span(s)[2],
    )
    frame = RENDERER.frame(scene_at(0.8, floor_mode="signal", signal_layers=2))
    light = frame.rgb[LAYOUT.segment_indices(seg)].astype(int).sum(axis=1)
    reached = LAYOUT.segment_distances(seg) <= 0.8 * LAYOUT.settings.pulse_speed - 0.05
    assert light[reached].min() > 0
    assert light[LAYOUT.segment_distances(seg) > 0.8 * LAYOUT.settings.pulse_speed + 0.5].max() == 0


def test_dim_mode_shows_only_the_circles_faintly():
    frame = RENDERER.frame(scene_at(100.0, floor_mode="dim"))
    segments = np.concatenate([LAYOUT.segment_indices(s) for s in LAYOUT.segments])
    assert frame.rgb[segments].max() == 0
    rings = np.concatenate([LAYOUT.ring_indices(r) for r in LAYOUT.rings])
    assert 0 < frame.rgb[rings].max() < RENDERER.frame(scene_at(100.0)).rgb[rings].max()


def test_attract_mode_rolls_waves_in_the_output_colours():
    frames = [RENDERER.frame(scene_at(t, floor_mode="attract")).rgb for t in np.arange(10, 20.5)]
    assert not np.array_equal(frames[0], frames[1])
    hues = set()
    for frame in frames:
        bright = frame[frame.astype(int).sum(axis=1) > 20]
        hues |= set(np.argmax(bright, axis=1))
    assert hues == {0, 1, 2}  # reds (pink, yellow), greens and blues: the four outputs


def test_technician_mode_cycles_through_every_test_pattern():
    spans = durations(RENDERER.map)
    seen, t = [], 0.0
    for name in LED_PATTERNS:
        seen.append(pattern_at(RENDERER.map, t + 0.01)[0])
        t += spans[name]
    assert seen == list(LED_PATTERNS)
    frame = RENDERER.frame(replace(scene_at(0.01), mode="technician"))
    assert frame.pattern == "led-chase" and frame.view.pattern == "led-chase"


def test_the_led_chase_lights_one_led_per_strip_stepping_along_it():
    frames = [RENDERER.frame(scene_at(t), "led-chase").rgb for t in (0.0, 1.0)]
    for frame in frames:
        lit = np.flatnonzero(frame.sum(axis=1))
        assert len(lit) == len(LAYOUT.strips)
    first, later = (np.flatnonzero(f.sum(axis=1)) for f in frames)
    assert np.all(later - first == 40)


def test_the_segments_pattern_lights_one_piece_at_a_time():
    frame = RENDERER.frame(scene_at(0.0), "segments").rgb
    lit = np.flatnonzero(frame.sum(axis=1))
    assert np.array_equal(lit, np.sort(LAYOUT.ring_indices(LAYOUT.rings[0])))
    piece = len(LAYOUT.rings)  # the first segment comes after every ring
    frame = RENDERER.frame(scene_at(0.6 * piece + 0.1), "segments").rgb
    assert np.array_equal(
        np.flatnonzero(frame.sum(axis=1)), np.sort(LAYOUT.segment_indices(LAYOUT.segments[0]))
    )


def test_colour_bars_start_each_strip_red_green_blue_white():
    frame = RENDERER.frame(scene_at(0.0), "colour-bars").rgb
    for strip in LAYOUT.strips:
        starts = frame[strip.offset + np.array([0, 6, 12, 18])]
        assert [tuple(np.sign(c)) for c in starts] == [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 1)]


def test_an_unknown_pattern_is_refused_by_name():
    with pytest.raises(ValueError, match="no LED pattern 'sparkle'"):
        RENDERER.frame(scene_at(0.0), "sparkle")


# --- the floor's cost follows what changes on it ---------------------------------------------


def test_a_still_floor_is_neither_painted_nor_encoded_again_until_what_it_shows_changes():
    renderer = FloorRenderer(LAYOUT, NETWORK)
    settled = renderer.map.settle_s + 1
    frame = renderer.frame(scene_at(settled))
    assert renderer.frame(scene_at(settled + 60)) is frame
    assert renderer.frame(scene_at(settled + 60, changed_at=10.0)) is frame  # settled too
    moved = NETWORK.with_thresholds({"A": NETWORK.threshold("A") + 3})
    changed = build_scene(moved, DIGITS, digit_index=THREE, t=settled + 61, changed_at=0.0)
    assert renderer.frame(changed) is not frame


def test_a_moving_floor_is_made_at_the_leds_rate_and_at_once_when_it_changes():
    renderer = FloorRenderer(LAYOUT, NETWORK)
    period = 1 / LAYOUT.settings.fps
    pulsing = renderer.frame(scene_at(1.0))
    assert renderer.frame(scene_at(1.0 + period / 2)) is pulsing  # the LEDs would not show it
    later = renderer.frame(scene_at(1.0 + period))
    assert later is not pulsing and later.t == 1.0 + period
    again = renderer.frame(scene_at(1.0 + period * 1.5, changed_at=1.0 + period * 1.4))
    assert again is not later  # a new change: its pulse starts now


def test_the_still_picture_is_the_one_the_animation_ends_on():
    settle = RENDERER.map.settle_s
    ending = RENDERER.render(scene_at(settle - 0.01)).rgb.astype(int)
    still = RENDERER.render(scene_at(settle + 100)).rgb.astype(int)
    assert np.abs(ending - still).max() <= 1


# --- asleep outside opening hours ------------------------------------------------------------

NIGHT = HoursState(open=False, next_change=None, floor_level=0.5)


def test_a_floor_dimmed_at_night_shows_the_still_picture_not_a_pulse_frozen_mid_way():
    late = RENDERER.map.settle_s + 100
    walking, settled = (RENDERER.render(scene_at(t)).rgb for t in (0.4, late))
    assert not np.array_equal(walking, settled)
    renderer = FloorRenderer(LAYOUT, NETWORK)
    closing = renderer.frame(scene_at(0.4, hours=NIGHT))  # closed while a pulse walked
    dimmed = FloorRenderer(LAYOUT, NETWORK).frame(scene_at(late, hours=NIGHT))
    assert np.array_equal(closing.rgb, dimmed.rgb) and closing.rgb.any()
    assert (closing.rgb <= settled).all() and closing.rgb.sum() < settled.sum() / 2
    assert renderer.frame(scene_at(3600.0, hours=NIGHT)) is closing  # made once, kept all night


def test_a_floor_dimmed_at_night_shows_only_the_circles_instead_of_the_attract_waves():
    renderer = FloorRenderer(LAYOUT, NETWORK)
    night = [renderer.frame(scene_at(t, floor_mode="attract", hours=NIGHT)) for t in (1.0, 7.3)]
    assert night[1] is night[0]
    segments = np.concatenate([LAYOUT.segment_indices(s) for s in LAYOUT.segments])
    assert not night[0].rgb[segments].any() and night[0].rgb.any()
