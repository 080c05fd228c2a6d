"""The slider's signal path, characterised (docs/hardware.md §3): still ± noise, sweeps, creep,
boundaries."""

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from controller.calibration import Ruler, SliderCalibration, StationCalibration
from controller.stations.slider import SliderPath, SliderSettings, SliderState, ema, quantise

RULERS = st.sampled_from([Ruler(0, 20, 1), Ruler(0, 30, 1), Ruler(-5, 15, 1), Ruler(0, 10, 0.5)])
SLIDERS = st.builds(
    SliderCalibration,
    raw_min=st.floats(0, 300),
    raw_max=st.floats(3700, 4095),
    invert=st.booleans(),
)


def path_for(ruler, slider=None, **options):
    calibration = StationCalibration("E660", slider or SliderCalibration(), ruler)
    return SliderPath(calibration, SliderSettings(**options))


def feed(path, raws, state=None):
    """The values after each reading."""
    state = state or SliderState()
    values = []
    for raw in raws:
        state = path.step(state, raw)
        values.append(path.value(state))
    return values, state


def lsb_per_step(path):
    """Raw readings per ruler step, on the slider's linear stretch."""
    s = path.calibration.slider
    usable = s.span * (1 - s.dead_zone_low - s.dead_zone_high)
    return usable / path.steps


@settings(max_examples=200, deadline=None)
@given(
    ruler=RULERS,
    slider=SLIDERS,
    where=st.floats(0, 4095),
    fraction=st.floats(0, 0.95),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_still_slider_with_noise_never_changes_its_threshold(
    ruler, slider, where, fraction, seed
):
    import random

    path = path_for(ruler, slider)
    # Noise below an eighth of a step (a quarter of the hysteresis band) can never cross it.
    amplitude = fraction * lsb_per_step(path) * path.settings.hysteresis / 4
    rng = random.Random(seed)
    raws = [min(4095, max(0, where + rng.uniform(-amplitude, amplitude))) for _ in range(300)]
    values, _ = feed(path, raws)
    assert len(set(values)) == 1


def test_realistic_noise_with_spikes_never_flickers_anywhere_on_the_ruler():
    import random

    rng = random.Random(7)
    path = path_for(Ruler(0, 30, 1))
    for where in range(0, 4096, 37):
        # Four seconds at 3 LSB RMS with an odd 60 LSB spike the station's median let through:
        # even on a boundary the value may settle once, never go back and forth.
        spikes = [60 if rng.random() < 0.01 else 0 for _ in range(200)]
        values, _ = feed(path, [where + rng.gauss(0, 3) + s for s in spikes])
        changes = sum(a != b for a, b in itertools.pairwise(values))
        assert changes <= 1, where


@settings(max_examples=100, deadline=None)
@given(ruler=RULERS, slider=SLIDERS, speed=st.floats(2, 60))
def test_a_full_sweep_is_monotonic_and_reaches_both_ends(ruler, slider, speed):
    path = path_for(ruler, slider)
    up = [min(4095.0, i * speed) for i in range(int(4095 / speed) + 40)]
    values, state = feed(path, up)
    low_end, high_end = (ruler.high, ruler.low) if slider.invert else (ruler.low, ruler.high)
    steps = [b - a for a, b in itertools.pairwise(values)]
    assert all(s <= 0 for s in steps) if slider.invert else all(s >= 0 for s in steps)
    assert values[0] == low_end and values[-1] == high_end
    down, _ = feed(path, [max(0.0, 4095 - i * speed) for i in range(len(up))], state)
    assert down[-1] == low_end
    steps = [b - a for a, b in itertools.pairwise(down)]
    assert all(s >= 0 for s in steps) if slider.invert else all(s <= 0 for s in steps)


@settings(max_examples=100, deadline=None)
@given(ruler=RULERS, start=st.floats(200, 3000))
def test_a_slow_creep_eventually_moves_the_threshold_one_way(ruler, start):
    path = path_for(ruler)
    creep = [start + 0.5 * i for i in range(int(2.5 * lsb_per_step(path)) * 2)]
    values, _ = feed(path, creep)
    assert values[-1] > values[0]
    assert values == sorted(values)


def test_boundary_plus_or_minus_one_lsb():
    path = path_for(Ruler(0, 20, 1))
    _, state = feed(path, [2048] * 50)  # settled on 10
    assert path.value(state) == 10
    # Up to 11 once the slider is within a quarter step of 11: level 10.75.
    slider = path.calibration.slider
    low, high = slider.knots[0][0], slider.knots[0][-1]
    boundary = low + 10.75 / 20 * (high - low)
    below, _ = feed(path, [math.floor(boundary) - 1] * 100, state)
    above, _ = feed(path, [math.ceil(boundary) + 1] * 100, state)
    assert set(below) == {10}
    assert above[-1] == 11
    # And back down only at 10.25: a reading just above it keeps 11.
    _, at_11 = feed(path, [math.ceil(boundary) + 1] * 100, state)
    back = low + 10.25 / 20 * (high - low)
    held, _ = feed(path, [math.ceil(back) + 1] * 100, at_11)
    dropped, _ = feed(path, [math.floor(back) - 1] * 100, at_11)
    assert set(held) == {11} and dropped[-1] == 10


def test_a_slider_resting_on_a_mark_shows_that_mark_whichever_way_it_came():
    path = path_for(Ruler(0, 20, 1))
    slider = path.calibration.slider
    low, high = slider.knots[0][0], slider.knots[0][-1]
    mark_7 = low + 7 / 20 * (high - low)
    from_below, _ = feed(path, [0] * 30 + [mark_7] * 60)
    from_above, _ = feed(path, [4095] * 30 + [mark_7] * 60)
    assert from_below[-1] == from_above[-1] == 7


def test_quantise_widens_each_boundary_into_a_band():
    assert quantise(None, 7.49, 0.5, 20) == 7
    assert quantise(7, 7.74, 0.5, 20) == 7 and quantise(7, 7.75, 0.5, 20) == 8
    assert quantise(8, 7.26, 0.5, 20) == 8 and quantise(8, 7.25, 0.5, 20) == 7
    assert quantise(3, 25.0, 0.5, 20) == 20 and quantise(3, -4.0, 0.5, 20) == 0
    assert quantise(7, 7.99, 1.0, 20) == 7 and quantise(7, 8.0, 1.0, 20) == 8


def test_ema_starts_at_the_first_reading_and_moves_by_alpha():
    assert ema(None, 100, 0.25) == 100
    assert ema(100, 200, 0.25) == 125


def test_a_calibration_makes_a_short_slider_reach_both_ends():
    short = SliderCalibration(raw_min=400, raw_max=3600)
    ruler = Ruler(0, 20, 1)
    calibrated, _ = feed(path_for(ruler, short), [3600] * 40)
    default, _ = feed(path_for(ruler), [3600] * 40)
    assert calibrated[-1] == 20 and default[-1] < 20
