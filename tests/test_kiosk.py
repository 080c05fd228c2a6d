"""The kiosk service: health page on 127.0.0.1, systemd readiness and watchdog, the unit file."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from controller.diagnosis import ConsoleDiagnosis
from controller.digits import load_digit_set
from controller.events import QuitRequested
from controller.floor.output import OutputHealth
from controller.kiosk.health import (
    CLIENT_TIMEOUT_S,
    MAX_CLIENTS,
    Expected,
    HealthEndpoint,
    LoopFigures,
    health_report,
)
from controller.kiosk.shutdown import SafeShutdown
from controller.kiosk.udev import udev_rules
from controller.modes import engine
from controller.network import load_network
from controller.scene import StationView
from controller.session import Session

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def scene(stations=()):
    session = Session.start(load_network(), load_digit_set("grandeur-nature"))
    return replace(engine.scene(session, now=1.0), stations=stations)


SIXTEEN = Expected(tuple(load_network().input_names) + tuple(load_network().thresholds()))


def test_health_counts_the_expected_stations_and_lists_the_missing_ones():
    stations = tuple(StationView(n, online=True) for n in ("COL1", "A", "0", "9"))
    stations += (StationView("B", online=False),)
    report = health_report(scene(stations), LoopFigures(frames=10, uptime_s=3.04), (), SIXTEEN)
    assert report["stations"]["expected"] == 16 and report["stations"]["online"] == 4
    assert len(report["stations"]["missing"]) == 12 and "B" in report["stations"]["missing"]
    assert report["status"] == "degraded" and report["error"] is None
    assert (report["uptime_s"], report["mode"]) == (3.0, "visitor")


def test_before_any_station_is_heard_every_expected_one_is_missing():
    report = health_report(scene(), LoopFigures(), (), SIXTEEN)
    assert report["stations"]["missing"] == list(SIXTEEN.stations)
    assert report["status"] == "degraded"


def test_all_expected_stations_online_and_nothing_else_expected_is_ok():
    stations = tuple(StationView(n, online=True) for n in SIXTEEN.stations)
    report = health_report(scene(stations), LoopFigures(fps=59.94), (), SIXTEEN)
    assert report["status"] == "ok" and report["stations"]["missing"] == []
    assert report["fps"] == 59.9 and report["console"] == "none"


def test_a_console_the_file_configures_but_absent_makes_it_degraded():
    expected = Expected(console=True)
    absent = health_report(scene(), LoopFigures(), (), expected)
    assert absent["status"] == "degraded" and absent["console"] == "absent"
    present = health_report(scene(), LoopFigures(console=True), (), expected)
    assert present["status"] == "ok" and present["console"] == "present"


def test_a_data_file_error_is_status_error_with_its_text_even_before_a_frame():
    text = "data/network.toml: hidden[0].threshhold: unknown field"
    for shown in (None, scene()):
        report = health_report(shown, LoopFigures(), (), SIXTEEN, fault=text)
        assert report["status"] == "error" and report["error"] == text


def test_health_report_lists_the_led_outputs_and_flags_one_that_is_down():
    up = OutputHealth("ddp wled.local:4048", True, 1200, 0, None)
    down = OutputHealth("pico E6600000000000FF", False, 0, 3, "LedDriverError: not plugged in")
    report = health_report(scene(), LoopFigures(leds=(up,)))
    assert report["status"] == "ok" and report["leds"][0]["frames"] == 1200
    report = health_report(scene(), LoopFigures(leds=(up, down)))
    assert report["status"] == "degraded"
    assert report["leds"][1] == {
        "name": "pico E6600000000000FF",
        "connected": False,
        "frames": 0,
        "failures": 3,
        "last_error": "LedDriverError: not plugged in",
    }


def test_health_page_is_served_on_loopback_and_read_only():
    endpoint = HealthEndpoint(port=0)
    try:
        assert endpoint.url.startswith("http://127.0.0.1:")
        endpoint.show(scene((StationView("A", online=True),)))
        with urllib.request.urlopen(endpoint.url, timeout=5) as answer:
            page = json.load(answer)
        assert page["status"] == "ok" and page["stations"]["expected"] == 0
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(endpoint.url, b"{}"), timeout=5)
        assert refused.value.code == 405
    finally:
        endpoint.close()


def test_clients_that_hold_their_connection_open_cannot_pile_up_threads():
    endpoint = HealthEndpoint(port=0)
    host, port = endpoint.url.split("/")[2].split(":")
    before = threading.active_count()
    holders = []
    try:
        for _ in range(100):  # connect and say nothing
            holders.append(socket.create_connection((host, int(port)), timeout=5))
        time.sleep(0.5)
        assert threading.active_count() <= before + MAX_CLIENTS
        busy = [s for s in holders if _still_open(s)]
        assert len(busy) <= MAX_CLIENTS  # the others were closed at once
    finally:
        for s in holders:
            s.close()
    time.sleep(0.2)
    with urllib.request.urlopen(endpoint.url, timeout=5) as answer:  # served again
        assert json.load(answer)["status"] == "starting"
    endpoint.close()


def test_a_client_that_says_nothing_is_dropped_after_the_time_out():
    endpoint = HealthEndpoint(port=0)
    host, port = endpoint.url.split("/")[2].split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2 * CLIENT_TIMEOUT_S) as idle:
            started = time.monotonic()
            assert idle.recv(1) == b""  # closed by the server
            assert time.monotonic() - started < CLIENT_TIMEOUT_S + 2
    finally:
        endpoint.close()


def _still_open(sock: socket.socket) -> bool:
    """Whether the server has not closed ``sock`` (nothing to read, no end of stream)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""
    except BlockingIOError:
        return True
    finally:
        sock.setblocking(True)


def receive(sock: socket.socket) -> str:
    return sock.recv(4096).decode()


def test_run_tells_systemd_it_is_ready_feeds_the_watchdog_and_serves_health(tmp_path):
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.settimeout(20)
    env = {**os.environ, "NOTIFY_SOCKET": str(tmp_path / "notify"), "WATCHDOG_USEC": "400000"}
    env["NEURONES_STATE_DIR"] = str(tmp_path / "state")
    command = [sys.executable, "-m", "controller", "run", "--headless", "--for", "30"]
    run = subprocess.Popen(
        [*command, "--health-port", "0"], env=env, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        messages = receive(notify).splitlines()
        assert "READY=1" in messages
        while messages.count("WATCHDOG=1") < 3:
            messages += receive(notify).splitlines()  # pinged from the loop every 0.2 s
        url = next(m[1] for line in run.stderr if (m := re.search(r"(http://\S+/health)", line)))
        with urllib.request.urlopen(url, timeout=5) as answer:
            page = json.load(answer)
        assert page["frames"] > 0 and page["fps"] > 10
        # No station is plugged in: the installation file's sixteen are missing.
        assert page["status"] == "degraded" and len(page["stations"]["missing"]) == 16
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=20) == 0
        while "STOPPING=1" not in (messages := receive(notify)):
            pass
    finally:
        run.kill()
        run.wait()
        run.stderr.close()
        notify.close()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_the_systemd_unit_passes_systemd_analyze_verify(tmp_path):
    # The unit names the install path; point it at this checkout so the command exists.
    unit = (DEPLOY / "neurones.service").read_text()
    unit = unit.replace("/opt/neurones/current", str(ROOT)).replace("/opt/neurones", str(ROOT))
    (tmp_path / "neurones.service").write_text(unit)
    assert Path(ROOT / ".venv/bin/neurones").exists() or shutil.which("neurones")
    check = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "neurones.service")],
        capture_output=True,
        text=True,
    )
    ours = [line for line in check.stderr.splitlines() if "neurones" in line]
    assert check.returncode == 0 and not ours, check.stderr
    for key in ("Type=notify", "WatchdogSec=", "Restart=always", "SDL_VIDEODRIVER=kmsdrm"):
        assert key in unit


def test_udev_rule_keeps_modemmanager_off_the_picos():
    rule = (DEPLOY / "70-neurones.rules").read_text()
    (line,) = [x for x in rule.splitlines() if x and not x.startswith("#")]
    assert 'ATTRS{idVendor}=="2e8a"' in line and 'ATTRS{idProduct}=="0005"' in line
    assert 'ENV{ID_MM_DEVICE_IGNORE}="1"' in line


def test_install_script_is_valid_bash():
    assert subprocess.run(["bash", "-n", str(DEPLOY / "install-pi.sh")]).returncode == 0


def test_udev_rules_name_each_station_by_its_usb_serial():
    rules = udev_rules([("E6614C311B8A1234", 3), ("E6614C311B8A9999", 12)])
    lines = [x for x in rules.splitlines() if not x.startswith("#")]
    assert 'ATTRS{serial}=="E6614C311B8A1234"' in lines[0]
    assert lines[0].endswith('SYMLINK+="neuron-station-03"')
    assert lines[1].endswith('SYMLINK+="neuron-station-12"')
    with pytest.raises(ValueError, match="udev"):
        udev_rules([('E66"*', 1)])


def test_a_long_press_on_reset_in_technician_mode_powers_off_once(tmp_path):
    marker = tmp_path / "powered-off"
    state = {"console": ConsoleDiagnosis(True, ("reset",), "technician")}
    command = [sys.executable, "-c", f"open({str(marker)!r}, 'a').write('x')"]
    shutdown = SafeShutdown(lambda: state["console"], allowed=True, command=command)
    assert shutdown.poll(0.0) == [] and shutdown.poll(4.9) == []
    assert shutdown.poll(5.0) == [QuitRequested(5.0)]
    assert shutdown.poll(9.0) == []  # once per press
    deadline = time.monotonic() + 10
    # The command opens the file before it writes: wait for what it wrote, not for the file.
    while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.read_text() == "x"


def test_a_long_press_needs_the_key_and_an_unbroken_hold():
    state = {"console": ConsoleDiagnosis(True, ("reset",), "workshop")}
    shutdown = SafeShutdown(lambda: state["console"], allowed=True, command=["false"])
    assert shutdown.poll(0.0) == [] and shutdown.poll(6.0) == []  # key not on technician
    state["console"] = ConsoleDiagnosis(True, ("reset",), "technician")
    shutdown.poll(7.0)
    state["console"] = ConsoleDiagnosis(True, (), "technician")
    shutdown.poll(9.0)  # released
    state["console"] = ConsoleDiagnosis(True, ("reset",), "technician")
    assert shutdown.poll(10.0) == [] and shutdown.poll(14.0) == []


def test_without_permission_a_long_press_only_logs(caplog):
    console = ConsoleDiagnosis(True, ("reset",), "technician")
    shutdown = SafeShutdown(lambda: console, allowed=False, command=["false"])
    shutdown.poll(0.0)
    assert shutdown.poll(5.0) == []
    assert "--allow-poweroff" in caplog.text
