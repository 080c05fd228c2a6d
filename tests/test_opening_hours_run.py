"""Opening hours in the running installation: outside hours the LED floor goes dark on a DDP
receiver on 127.0.0.1, the window (pygame, SDL's dummy driver) goes black once and draws
nothing more, the loop turns slowly, the health page over HTTP says ``closed`` without being
degraded; a key of the leader console wakes it, and opening time wakes it by itself. The wall
clock is a value the test sets."""

import json
import os
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from datetime import datetime
from pathlib import Path

import pygame
import pytest
import tomli_w
from loop_parts import Clock, Recorder

from controller.datafile import INSTALLATION_FILE, Field
from controller.digits import load_digit_set
from controller.events import StationStatus
from controller.floor.ddp import read_frame
from controller.floor.mat import load_floor
from controller.floor.sink import open_floor
from controller.kiosk.health import HealthEndpoint
from controller.loop import ASLEEP_FPS, Installation
from controller.modes import engine
from controller.network import load_network
from controller.opening_hours import hours_from
from controller.session import Session
from display.window import Window

ROOT = Path(__file__).resolve().parent.parent
NETWORK = load_network()
TUESDAY_NOON = datetime(2026, 12, 8, 12, 0)
TUESDAY_EVENING = datetime(2026, 12, 8, 19, 0)
WEDNESDAY_OPENING = datetime(2026, 12, 9, 9, 30)
OFFICE_HOURS = hours_from(Field({"hours": {"daily": "09:30-18:00"}}, "museum.toml"))


class Wall:
    """The wall clock's reading: the date and time the test says it is."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def installation_file(tmp_path, receiver_port, hours):
    document = tomllib.loads(INSTALLATION_FILE.read_text(encoding="utf-8"))
    document["led_output"] = [{"kind": "ddp", "host": "127.0.0.1", "port": receiver_port}]
    document["hours"] = hours
    path = tmp_path / "installation.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path


@pytest.fixture
def receiver():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5.0)
    yield sock
    sock.close()


def next_frame(receiver, lit: bool) -> bytes:
    """The first frame the receiver gets that is lit (or dark), within a few seconds."""
    end = time.monotonic() + 5
    while time.monotonic() < end:
        frame = read_frame(receiver)[0]
        if (max(frame) > 0) == lit:
            return frame
    raise AssertionError(f"no {'lit' if lit else 'dark'} frame came")


def health(endpoint: HealthEndpoint) -> dict:
    with urllib.request.urlopen(endpoint.url, timeout=5) as answer:
        return json.loads(answer.read())


def metrics(endpoint: HealthEndpoint) -> str:
    url = endpoint.url.replace("/health", "/metrics")
    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.read().decode()


def black(window: Window) -> bool:
    return pygame.transform.average_color(window.screen)[:3] == (0, 0, 0)


def test_outside_hours_the_floor_and_screen_sleep_and_a_console_key_or_the_morning_wakes_them(
    tmp_path, receiver
):
    path = installation_file(tmp_path, receiver.getsockname()[1], {"daily": "09:30-18:00"})
    floor = open_floor(NETWORK, load_floor(NETWORK, path))
    window = Window(size=(640, 360), simulation=False)
    pygame.event.clear()
    floor.screens.append(window)
    wall = Wall(TUESDAY_NOON)
    session = Session.start(NETWORK, load_digit_set("grandeur-nature"))
    installation = Installation(
        session,
        engine,
        sources=[window],
        sinks=[floor],
        hours=OFFICE_HOURS,
        wall_clock=wall,
    )
    endpoint = HealthEndpoint(installation, 0, leds=floor.health)
    installation.sinks.append(endpoint)
    try:
        installation.step()
        assert not black(window)
        next_frame(receiver, lit=True)
        page = health(endpoint)
        assert (page["hours"], page["status"]) == ("open", "ok")
        assert page["next_change"] == "2026-12-08T18:00:00"

        wall.now = TUESDAY_EVENING
        installation.step()
        assert black(window)
        next_frame(receiver, lit=False)
        presented = window.presented
        for _ in range(5):
            installation.step()
        assert window.presented == presented  # black once, then nothing drawn
        page = health(endpoint)
        assert (page["hours"], page["status"]) == ("closed", "ok")
        assert page["next_change"] == "2026-12-09T09:30:00" and page["woken_until"] is None
        assert "neurones_open 0.0" in metrics(endpoint)

        # An evening event: the leader presses "next" (→ on the window's keyboard).
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RIGHT, mod=0))
        installation.step()
        installation.step()
        assert not black(window)
        next_frame(receiver, lit=True)
        page = health(endpoint)
        assert page["hours"] == "closed" and page["woken_until"] == "2026-12-08T21:00:00"
        assert "neurones_awake 1.0" in metrics(endpoint)

        wall.now = datetime(2026, 12, 8, 21, 0)  # the wake is over: asleep again
        installation.step()
        assert black(window)
        next_frame(receiver, lit=False)

        wall.now = WEDNESDAY_OPENING  # the morning wakes everything by itself
        installation.step()
        assert not black(window)
        next_frame(receiver, lit=True)
        page = health(endpoint)
        assert page["hours"] == "open" and "neurones_open 1.0" in metrics(endpoint)
    finally:
        installation.close()
        window.close()


def test_asleep_the_loop_turns_a_few_times_a_second_not_at_the_screen_s_rate():
    clock = Clock()
    wall = Wall(TUESDAY_EVENING)
    session = Session.start(NETWORK, load_digit_set("grandeur-nature"))
    asleep = Installation(session, engine, fps=60, clock=clock, hours=OFFICE_HOURS, wall_clock=wall)
    asleep.run(duration=10, sleep=clock.sleep)
    assert asleep.stats.frames <= 10 * ASLEEP_FPS + 1
    wall.now = TUESDAY_NOON
    awake = Installation(session, engine, fps=60, clock=clock, hours=OFFICE_HOURS, wall_clock=wall)
    awake.run(duration=10, sleep=clock.sleep)
    assert awake.stats.frames >= 590


class Stations:
    """A source of station news, as the station links give it."""

    def __init__(self, events):
        self.events = list(events)

    def poll(self, now):
        due, self.events = self.events, []
        return due

    def close(self):
        pass


def test_asleep_the_stations_are_still_heard_so_technicians_can_diagnose():
    recorder = Recorder()
    clock = Clock()
    session = Session.start(NETWORK, load_digit_set("grandeur-nature"))
    news = Stations([StationStatus("A", True, clock.now), StationStatus("B", False, clock.now)])
    installation = Installation(
        session,
        engine,
        sources=[news],
        sinks=[recorder],
        clock=clock,
        hours=OFFICE_HOURS,
        wall_clock=Wall(TUESDAY_EVENING),
    )
    installation.step()
    scene = recorder.scenes[-1]
    assert scene.asleep
    assert {(s.neuron, s.online) for s in scene.stations} >= {("A", True), ("B", False)}


def test_run_with_an_installation_file_closed_today_says_closed_on_its_health_page(tmp_path):
    document = tomllib.loads(INSTALLATION_FILE.read_text(encoding="utf-8"))
    document["hours"] = {"daily": "closed"}
    path = tmp_path / "installation.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    with socket.socket() as probe:  # a free port for the health page
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "controller", "run", "--headless", "--for", "30"]
    command += ["--installation", str(path), "--health-port", str(port), "--no-floor"]
    command += ["--state-dir", str(tmp_path / "state")]
    env = {**os.environ, "NEURONES_STATE_DIR": str(tmp_path / "state")}
    run = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        end = time.monotonic() + 20
        page = None
        while page is None or page["status"] == "starting":
            assert time.monotonic() < end, "the health page never answered"
            time.sleep(0.2)
            try:
                url = f"http://127.0.0.1:{port}/health"
                with urllib.request.urlopen(url, timeout=2) as answer:
                    page = json.loads(answer.read())
            except OSError:
                continue
        assert page["hours"] == "closed" and page["next_change"] is None
        assert page["status"] != "error"
    finally:
        run.terminate()
        _, log = run.communicate(timeout=30)
    assert "opening hours: closed, the installation sleeps" in log
