"""A kiosk that never goes dark: a bad data file at start shows the technician's message on the
screen and ``error`` on the health page, and the installation starts by itself once the file is
fixed; the last good copies; restarts that back off."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pygame
import pytest

from controller.cli import main
from controller.datafile import DataError, Field
from controller.kiosk.fault import DataWatch, fault_view
from controller.kiosk.last_good import keep_last_good
from controller.kiosk.restarts import MAX_WAIT_S, backoff_s, wait_before_start
from controller.network import DEFAULT_NETWORK, load_network
from controller.scene import FaultView, fault_scene
from display.assets import Assets
from display.frame import render_scene
from display.theme import PALETTE
from display.window import Window

ROOT = Path(__file__).resolve().parent.parent
GOOD = DEFAULT_NETWORK.read_text(encoding="utf-8")
TYPO = GOOD.replace("threshold = 8", "threshhold = 8", 1)


def typo_error(tmp_path) -> DataError:
    path = tmp_path / "network.toml"
    path.write_text(TYPO, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_network(path)
    return caught.value


def test_the_fault_screen_names_the_file_the_key_and_what_to_do(tmp_path):
    error = typo_error(tmp_path)
    assets = Assets((1920, 1080))
    render_scene(fault_scene(fault_view(error)), (1920, 1080), assets)
    drawn = " ".join(text.text for text in assets.log.texts)
    assert str(tmp_path / "network.toml") in drawn and "hidden[0].threshhold" in drawn
    assert "unknown field" in drawn and "neurones run --last-good" in drawn
    assert "Corrigez le fichier" in drawn and "Fix the file" in drawn


def test_a_syntax_error_gives_its_line(tmp_path):
    path = tmp_path / "installation.toml"
    path.write_text("[modes]\nstart = 'visitor'\nidle = = 3\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        Field.load(path)
    assert caught.value.line == 3
    assets = Assets((1280, 720))
    render_scene(fault_scene(fault_view(caught.value)), (1280, 720), assets)
    assert any("line 3" in text.text for text in assets.log.texts)


def test_the_window_gives_the_whole_screen_to_the_fault():
    window = Window(size=(1280, 720))
    try:
        window.show(fault_scene(FaultView("data/network.toml", "grid", "missing")))
        screen = pygame.display.get_surface()
        corner = screen.get_at((screen.get_width() - 2, 2))[:3]  # where the panel would be
        assert tuple(corner) == PALETTE.offline
    finally:
        window.close()


def test_the_watch_asks_to_stop_once_a_file_is_saved_appears_or_goes(tmp_path):
    saved, later = tmp_path / "a.toml", tmp_path / "b.toml"
    saved.write_text("x = 1\n", encoding="utf-8")
    watch = DataWatch([saved, later], every_s=1.0)
    assert watch.poll(0.0) == [] and not watch.changed
    saved.write_text("x = 22\n", encoding="utf-8")
    assert watch.poll(0.5) == []  # not yet time to look
    assert watch.poll(1.0) and watch.changed
    appearing = DataWatch([later])
    later.write_text("", encoding="utf-8")
    assert appearing.poll(0.0) and appearing.changed


def health_pages(run):
    """Each health page ``run`` serves, asked again and again (its URL read from its log)."""
    for line in run.stderr:
        if m := re.search(r"(http://\S+/health)", line):
            while True:
                try:
                    with urllib.request.urlopen(m[1], timeout=5) as answer:
                        page = json.load(answer)
                except OSError:  # between the fault's server and the installation's
                    break
                yield page
                time.sleep(0.1)


def test_a_bad_network_file_shows_error_on_health_until_it_is_fixed(tmp_path):
    network = tmp_path / "network.toml"
    network.write_text(TYPO, encoding="utf-8")
    env = {**os.environ, "NEURONES_STATE_DIR": str(tmp_path / "state")}
    command = [sys.executable, "-m", "controller", "run", "--headless", "--for", "60"]
    run = subprocess.Popen(
        [*command, "--health-port", "0", "--network", str(network)],
        env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        first = next(health_pages(run))
        assert first["status"] == "error"
        assert first["error"] == f"{network}: hidden[0].threshhold: unknown field " + (
            "(known: name, threshold, weights)"
        )
        network.write_text(GOOD, encoding="utf-8")  # the technician fixes it
        for page in health_pages(run):
            if page["status"] not in ("error", "starting"):
                break
        assert page["error"] is None and page["mode"] == "visitor"
        copy = tmp_path / "state" / "last-good" / "network.toml"
        assert copy.read_text(encoding="utf-8") == GOOD
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=20) == 0
    finally:
        run.kill()
        run.wait()
        run.stderr.close()


def test_stopped_while_waiting_the_run_ends_with_the_one_line_and_status_two(tmp_path, capsys):
    network = tmp_path / "network.toml"
    network.write_text(TYPO, encoding="utf-8")
    argv = ["run", "--headless", "--for", "0.5", "--health-port", "-1", "--network", str(network)]
    assert main([*argv, "--state-dir", str(tmp_path / "state")]) == 2
    lines = [x for x in capsys.readouterr().err.splitlines() if x.startswith("neurones: ")]
    assert lines == [f"neurones: error: {network}: hidden[0].threshhold: unknown field " + (
        "(known: name, threshold, weights)"
    )]  # fmt: skip
    assert not (tmp_path / "state" / "last-good").exists()  # nothing good to keep


def test_a_rehearsal_with_a_bad_file_stops_at_once(tmp_path, capsys):
    network = tmp_path / "network.toml"
    network.write_text(TYPO, encoding="utf-8")
    argv = ["run", "--headless", "--workshop", "--autoplay", "--network", str(network)]
    started = time.monotonic()
    assert main([*argv, "--state-dir", str(tmp_path / "state")]) == 2
    assert time.monotonic() - started < 10 and "threshhold" in capsys.readouterr().err


def test_a_start_keeps_last_good_copies_and_last_good_starts_from_them(tmp_path):
    network = tmp_path / "network.toml"
    network.write_text(GOOD.replace("threshold = 8", "threshold = 9", 1), encoding="utf-8")
    state = str(tmp_path / "state")
    argv = ["run", "--headless", "--for", "0.2", "--health-port", "-1", "--state-dir", state]
    assert main([*argv, "--network", str(network)]) == 0
    kept = tmp_path / "state" / "last-good"
    assert (kept / "network.toml").read_text(encoding="utf-8") == network.read_text("utf-8")
    assert sorted(p.name for p in (kept / "digits").glob("*.toml")) == [
        "grandeur-nature.toml", "learning.toml", "training.toml",
    ]  # fmt: skip
    network.write_text(TYPO, encoding="utf-8")  # a mistake made on the Pi afterwards
    assert main([*argv, "--network", str(network), "--last-good"]) == 0  # runs on the copies
    assert load_network(kept / "network.toml").threshold("A") == 9


def test_a_copy_is_saved_only_when_the_file_changed_and_keeps_the_one_before(tmp_path):
    source = tmp_path / "network.toml"
    source.write_text("a = 1\n", encoding="utf-8")
    root = tmp_path / "last-good"
    assert keep_last_good(root, {"network.toml": source}) == ["network.toml"]
    assert keep_last_good(root, {"network.toml": source}) == []
    source.write_text("a = 2\n", encoding="utf-8")
    assert keep_last_good(root, {"network.toml": source}) == ["network.toml"]
    (version,) = (root / "versions" / "network.toml").iterdir()
    assert version.read_text(encoding="utf-8") == "a = 1\n"


def test_restarts_back_off_two_four_eight_up_to_a_minute():
    now = 10_000.0
    waits = [backoff_s([now - 10 * i for i in range(n)], now) for n in range(10)]
    assert waits == [0, 0, 0, 2, 4, 8, 16, 32, MAX_WAIT_S, MAX_WAIT_S]
    assert backoff_s([now - 3600] * 10, now) == 0  # long ago: a fresh start


def test_only_a_start_under_systemd_is_noted_and_waits(tmp_path):
    slept = []
    clock = iter(range(100, 200, 5))
    for _ in range(5):
        wait_before_start(
            tmp_path, {"INVOCATION_ID": "x"}, clock=lambda: next(clock), sleep=slept.append
        )
    assert slept == [2.0, 4.0]
    assert wait_before_start(tmp_path / "other", {}, sleep=slept.append) == 0.0
    assert not (tmp_path / "other").exists()
