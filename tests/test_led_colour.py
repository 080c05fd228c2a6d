"""Cap, gamma and current limiter: within budget always, colours kept, nothing inverted."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from controller.floor.colour import CurrentLimiter, gamma_table
from controller.floor.frame import FloorRenderer
from controller.floor.mat import load_floor
from controller.network import load_network


@st.composite
def frames(draw):
    """A frame of bytes, its LEDs spread over a few zones, and a budget for each zone."""
    leds = draw(st.integers(1, 300))
    zones = draw(st.integers(1, 4))
    rgb = draw(arrays(np.uint8, (leds, 3)))
    zone_of = draw(arrays(np.intp, leds, elements=st.integers(0, zones - 1)))
    standby = draw(st.sampled_from([0.0, 1.0]))
    full = draw(st.floats(20, 80))
    counts = np.bincount(zone_of, minlength=zones)
    # Budgets from barely above the dark LEDs' draw to more than full white needs.
    shares = draw(arrays(np.float64, zones, elements=st.floats(0.0, 1.2)))
    budget = counts * standby + 0.01 + shares * counts * full
    return rgb, CurrentLimiter(zone_of, budget, full, standby)


@settings(max_examples=200, deadline=None)
@given(frames())
def test_a_zones_current_is_its_leds_share_of_full_white_plus_their_standby(case):
    rgb, limiter = case
    for zone in range(len(limiter.budget_ma)):
        mine = rgb[limiter.zone_of == zone].astype(int)
        expected = mine.sum() / (3 * 255) * limiter.full_ma + len(mine) * limiter.standby_ma
        assert limiter.current_ma(rgb)[zone] == pytest.approx(expected)


@settings(max_examples=300, deadline=None)
@given(frames())
def test_the_limiter_never_exceeds_any_zones_budget(case):
    rgb, limiter = case
    limited = limiter.limit(rgb)
    assert np.all(limiter.current_ma(limited.rgb) <= limiter.budget_ma)
    assert np.allclose(limited.current_ma, limiter.current_ma(limited.rgb))


@settings(max_examples=300, deadline=None)
@given(frames())
def test_the_limiter_keeps_colours_proportions_within_rounding(case):
    rgb, limiter = case
    limited = limiter.limit(rgb)
    scale = limited.scale[limiter.zone_of][:, None]
    exact = rgb * scale
    assert np.all(limited.rgb <= exact + 1e-6)
    assert np.all(limited.rgb > exact - 1)  # rounded down, by less than one step


@settings(max_examples=300, deadline=None)
@given(frames())
def test_the_limiter_is_monotonic_within_a_zone(case):
    rgb, limiter = case
    out = limiter.limit(rgb).rgb.astype(int)
    values = rgb.astype(int)
    for zone in np.unique(limiter.zone_of):
        a, b = values[limiter.zone_of == zone].ravel(), out[limiter.zone_of == zone].ravel()
        order = np.argsort(a, kind="stable")
        assert np.all(np.diff(b[order]) >= 0)  # a brighter byte never comes out darker


@settings(max_examples=200, deadline=None)
@given(frames(), st.floats(1.0, 3.0))
def test_a_bigger_budget_never_darkens_a_led(case, factor):
    rgb, limiter = case
    richer = CurrentLimiter(
        limiter.zone_of, limiter.budget_ma * factor, limiter.full_ma, limiter.standby_ma
    )
    assert np.all(richer.limit(rgb).rgb >= limiter.limit(rgb).rgb)


@settings(max_examples=200, deadline=None)
@given(frames())
def test_a_frame_within_budget_passes_unchanged(case):
    rgb, limiter = case
    budget = limiter.current_ma(rgb) + 1
    roomy = CurrentLimiter(limiter.zone_of, budget, limiter.full_ma, limiter.standby_ma)
    limited = roomy.limit(rgb)
    assert np.array_equal(limited.rgb, rgb) and not limited.limited.any()


@given(st.floats(0.01, 1.0), st.floats(1.0, 4.0))
def test_the_gamma_table_is_monotonic_and_capped(brightness, gamma):
    table = gamma_table(brightness, gamma)
    assert table[0] == 0 and table[255] == round(255 * brightness)
    assert np.all(np.diff(table.astype(int)) >= 0)


def test_gamma_darkens_the_middle_levels():
    table = gamma_table(1.0, 2.6)
    assert table[128] < 64  # half a level is much less than half the light
    assert table[255] == 255


def test_full_white_on_the_shipped_floor_is_held_within_every_zones_budget():
    from controller.digits import load_digit_set
    from controller.scene import build_scene

    network = load_network()
    layout = load_floor(network)
    renderer = FloorRenderer(layout, network)
    scene = build_scene(network, load_digit_set("grandeur-nature"), t=1.0)
    frame = renderer.frame(scene, "full-white")
    budgets = np.array([1000 * z.budget_a for z in layout.zones])
    assert np.all(frame.current_ma <= budgets)
    assert frame.limited.all()  # at 40 % of full white every zone would still be over budget
    assert set(frame.view.limited) == {z.name for z in layout.zones}
    # Still white: the limiter scales the three channels alike.
    assert np.all(frame.rgb[:, 0] == frame.rgb[:, 1]) and np.all(frame.rgb[:, 1] == frame.rgb[:, 2])
