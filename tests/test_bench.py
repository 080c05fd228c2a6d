"""`neurones bench` prints each figure beside its bar, as a table or as JSON."""

import json
import subprocess
import sys
import textwrap

import pytest

from controller.bench import Bar, Figure, exit_status, format_table, run_figures
from controller.cli import main


def test_bars_pass_and_fail_in_the_right_direction():
    at_most = Bar("x_ms", "x", "ms", 2.0)
    at_least = Bar("y_per_s", "y", "/s", 1000, at_most=False)
    assert at_most.passes(1.9) and not at_most.passes(2.1)
    assert at_least.passes(1000) and not at_least.passes(999)
    assert Bar("z", "z", "ms", None).passes(5) is None


def test_table_prints_value_bar_and_verdict():
    table = format_table([(Bar("x_ms", "reaction", "ms", 2.0), 3.5)])
    assert "reaction" in table and "3.5 ms" in table and "≤ 2 ms" in table and "FAIL" in table


def test_only_classify_in_json_gives_its_key(capsys):
    status = main(["bench", "--only", "classify", "--json"])
    figures = json.loads(capsys.readouterr().out)
    assert set(figures) == {"classify_grids_per_s"}
    assert figures["classify_grids_per_s"] > 0
    assert status == (0 if figures["classify_grids_per_s"] >= 1_000_000 else 1)


def test_the_station_figures_are_measured_against_the_design_bars():
    from controller.commands.bench import FIGURES

    bars = {bar.key: bar for figure in FIGURES for bar in figure.bars}
    assert bars["reaction_p99_ms"].limit == 2.0 and bars["reaction_p99_ms"].at_most
    assert bars["reaction_p50_ms"].limit is None
    assert bars["controller_cpu_percent"].limit == 12.0 and bars["controller_cpu_percent"].at_most
    assert bars["pi4_fps"].limit == 55 and not bars["pi4_fps"].at_most
    assert bars["pi4_reaction_p95_ms"].limit == 50.0 and bars["pi4_reaction_p95_ms"].at_most


def test_bench_exits_1_when_a_bar_fails_and_0_when_all_pass_or_have_none():
    reaction, noted = Bar("x_ms", "x", "ms", 2.0), Bar("y", "y", "ms", None)
    assert exit_status([(reaction, 1.5), (noted, 99.0)]) == 0
    assert exit_status([(reaction, 2.5), (noted, 1.0)]) == 1


def test_the_progress_names_each_figure_as_it_starts_and_a_value_left_out_has_no_row():
    told = []
    figures = [
        Figure("first", (Bar("a", "a", "ms", 1.0),), lambda: {"a": 0.5}),
        Figure("held", (Bar("b", "b", "/s", 5, False),), lambda: {}),  # not measurable here
    ]
    results = run_figures(figures, progress=told.append)
    assert told == ["first", "held"] and [bar.key for bar, _ in results] == ["a"]


def test_a_process_held_to_a_tenth_of_a_core_gets_no_more():
    script = textwrap.dedent(
        """
        import sys, time
        from controller.quota import CpuQuota, QuotaRefused
        try:
            with CpuQuota(10):
                cpu, wall = time.process_time(), time.monotonic()
                while time.monotonic() - wall < 1.5:
                    pass
                cpu, wall = time.process_time() - cpu, time.monotonic() - wall
        except QuotaRefused as exc:
            print("refused", exc)
            sys.exit(0)
        print("share", cpu / wall)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    verdict, value = done.stdout.split(maxsplit=1)
    if verdict == "refused":
        pytest.skip(value)
    assert float(value) < 0.2  # a busy loop, held: a tenth of a core, give or take a period


def test_the_pis_scenario_runs_the_scripted_class_on_sixteen_stations_to_the_screen():
    from controller.commands.bench import emulated_installation
    from controller.stations.bench import pi_scenario

    figures = pi_scenario(emulated_installation, None, seconds=8.0)
    assert figures["fps"] > 5 and 0 < figures["cpu_percent"] < 200
    assert figures["reactions"] > 0 and figures["reaction_p95_ms"] > 0


def test_the_direct_build_s_reading_cost_is_measured_above_the_bus_with_the_pi_estimate():
    from controller.commands.bench import FIGURES
    from controller.stations.direct_bench import measure_direct_read

    bars = {bar.key: bar for figure in FIGURES for bar in figure.bars}
    assert bars["direct_read_cpu_percent"].limit == 3.0
    assert bars["direct_read_pi4_percent"].limit is None
    figures = measure_direct_read(seconds=2)
    here, pi4 = figures["direct_read_cpu_percent"], figures["direct_read_pi4_percent"]
    assert 0 < here < 100
    assert abs(pi4 - (5 * here + 1.2)) < 1e-9  # five times slower, plus spidev's calls


def test_the_led_link_is_measured_in_micropython_and_estimated_for_an_rp2040(capsys):
    status = main(["bench", "--only", "led-link", "--json"])
    figures = json.loads(capsys.readouterr().out)
    passing = min(figures["led_link_fps_dark"], figures["led_link_fps_lit"]) >= 30
    assert status == (0 if passing else 1)
    assert set(figures) == {
        f"led_link_{what}"
        for what in (
            "fps_dark",
            "fps_dark_unix",
            "bytes_dark",
            "fps_lit",
            "fps_lit_unix",
            "bytes_lit",
        )
    }
    for frame in ("dark", "lit"):
        # The estimate is the unix port's figure scaled down (an RP2040 is slower), bounded by
        # the longest strip's shift-out time.
        assert 0 < figures[f"led_link_fps_{frame}"] < figures[f"led_link_fps_{frame}_unix"]
        assert figures[f"led_link_fps_{frame}"] <= 1 / (339 * 30e-6 + 280e-6) + 1e-6
    # A dark floor's frame is a few runs; a lit one's far less than its 6,369 raw bytes.
    assert figures["led_link_bytes_dark"] < 400 < figures["led_link_bytes_lit"] < 3000
    from controller.commands.bench import FIGURES

    bars = {bar.key: bar for figure in FIGURES for bar in figure.bars}
    assert bars["led_link_fps_lit"].limit == 30 and not bars["led_link_fps_lit"].at_most


def test_the_reaction_figure_comes_with_the_machines_own_share_of_it():
    from controller.commands.bench import emulated_installation
    from controller.stations.bench import measure_reaction

    figures = measure_reaction(emulated_installation, seconds=2.0)
    assert figures["reaction_moves"] > 10
    assert 0 < figures["reaction_p50_ms"] <= figures["reaction_p99_ms"]
    assert figures["reaction_idle_p99_ms"] > 0
