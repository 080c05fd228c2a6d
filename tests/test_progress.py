"""The progress line of long runs and rehearsals: on a terminal as they go, silent otherwise."""

import io
import logging
import os
import re
import select
import subprocess
import sys
from pathlib import Path

from controller.commands.progress import PERIOD_S, ProgressLine, progress_text
from controller.digits import load_digit_set
from controller.network import load_network
from controller.scene import StationView, VisitorView, build_scene

ROOT = Path(__file__).resolve().parent.parent
NETWORK = load_network()
DIGITS = load_digit_set("grandeur-nature")


def scene(t=0.0, **state):
    return build_scene(NETWORK, DIGITS, t=t, **state)


def read_terminal(master: int) -> str:
    """All a pseudo-terminal has been written so far (the kernel hands it over in pieces)."""
    seen = b""
    while select.select([master], [], [], 0.5)[0]:
        seen += os.read(master, 4096)
    return seen.decode()


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_line_says_the_time_the_mode_the_stations_and_the_turns():
    stations = (StationView("A", online=True), StationView("B", online=False))
    visitor = VisitorView(phase="play", idle_s=0, timeout_s=90, number=2, count=5)
    text = progress_text(scene(stations=stations, visitor=visitor), 45.2, 600, 59.6)
    assert text == "45 s / 600 s · visitor play 2/5 · stations 1/2 · 60 turns/s"
    assert progress_text(scene(mode="technician"), 3, None, 60) == "3 s · technician · 60 turns/s"


def test_on_a_terminal_the_line_is_redrawn_in_place_and_ended_at_the_close():
    master, slave = os.openpty()
    terminal = os.fdopen(slave, "w")
    clock = Clock()
    progress = ProgressLine(terminal, duration=10, clock=clock)
    try:
        for turn in range(1, 41):
            clock.now = turn / 60
            progress.show(scene(t=turn / 60))
        progress.close()
        written = read_terminal(master)
    finally:
        terminal.close()
        os.close(master)
    assert written.endswith("\r\n")  # the terminal's end of the closing line
    lines = written.removesuffix("\r\n").split("\r")[1:]
    assert len(lines) == int(39 / 60 / PERIOD_S)  # a few a second, not one a turn
    assert lines[0].startswith("0 s / 10 s · visitor") and "60 turns/s" in lines[0]


def test_not_on_a_terminal_nothing_is_written():
    stream, clock = io.StringIO(), Clock()
    progress = ProgressLine(stream, duration=10, clock=clock)
    for turn in range(120):
        clock.now = turn / 60
        progress.show(scene(t=turn / 60))
    progress.close()
    assert stream.getvalue() == ""


def test_a_log_line_wipes_the_progress_line_and_stands_on_its_own():
    master, slave = os.openpty()
    terminal = os.fdopen(slave, "w")
    handler = logging.StreamHandler(terminal)
    root = logging.getLogger()
    root.addHandler(handler)
    clock = Clock()
    progress = ProgressLine(terminal, clock=clock)
    try:
        progress.wipe_before_logs()
        for turn in range(30):
            clock.now = turn / 60
            progress.show(scene(t=turn / 60))
        logging.getLogger("test").warning("station 3 offline")
        progress.close()
        written = read_terminal(master)
        assert not handler.filters  # undone at the close
    finally:
        root.removeHandler(handler)
        terminal.close()
        os.close(master)
    assert "turns/s\r\x1b[Kstation 3 offline\r\n" in written


def test_a_timed_run_on_a_terminal_shows_its_progress_and_in_a_pipe_says_nothing(tmp_path):
    command = [sys.executable, "-m", "controller", "run", "--headless", "--no-floor"]
    command += ["--for", "2", "--health-port", "-1"]
    env = {**os.environ, "NEURONES_STATE_DIR": str(tmp_path)}
    master, slave = os.openpty()
    try:
        run = subprocess.run(command, cwd=ROOT, env=env, stderr=slave, timeout=60)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal's other side is closed: all read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(master)
    assert run.returncode == 0
    shown = re.findall(r"\r(\d) s / 2 s · visitor attract · \d+ turns/s", seen.decode())
    assert len(shown) >= 4 and shown[-1] == "2"  # several a second, up to the end
    piped = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0 and "turns/s" not in piped.stderr
