"""Prometheus metrics on /metrics: the neurones_ families, read back with the Prometheus
client's own parser of the exposition format."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from controller.commands.options import listen_address
from controller.diagnosis import StationFigures
from controller.digits import load_digit_set
from controller.floor.output import OutputHealth
from controller.kiosk.health import Expected, HealthEndpoint
from controller.kiosk.metrics import metric_families
from controller.modes import engine
from controller.network import load_network
from controller.scene import StationView
from controller.session import Session

ROOT = Path(__file__).resolve().parent.parent


def scene(stations=()):
    session = Session.start(load_network(), load_digit_set("grandeur-nature"))
    return replace(engine.scene(session, now=1.0), stations=stations)


def scrape(url: str) -> dict[str, dict[tuple, float]]:
    """``GET /metrics``, parsed: each family's samples by (sample name, sorted labels)."""
    with urllib.request.urlopen(url.replace("/health", "/metrics"), timeout=5) as answer:
        assert answer.headers["Content-Type"].startswith("text/plain; version=")
        text = answer.read().decode()
    families = {}
    for family in text_string_to_metric_families(text):
        families[family.name] = {
            (s.name, tuple(sorted(s.labels.items()))): s.value for s in family.samples
        }
    return families


def value(families, family, sample=None, **labels):
    return families[family][(sample or family, tuple(sorted(labels.items())))]


def test_metrics_serve_the_health_page_s_figures_as_neurones_families():
    a = StationFigures(7, "E6607", "A", online=True, frames=500, reconnects=2)
    a = replace(a, errors=5, errors_by_kind={"crc": 3, "framing": 2})
    b = StationFigures(8, "E6608", "B")
    outputs = (OutputHealth("ddp wled.local:4048", False, 1200, 4, "timed out"),)
    expected = Expected(("A", "B"))
    endpoint = HealthEndpoint(
        port=0, stations=lambda: (a, b), leds=lambda: outputs, expected=expected
    )
    try:
        endpoint.show(scene((StationView("A", online=True), StationView("B", online=False))))
        families = scrape(endpoint.url)
    finally:
        endpoint.close()
    assert all(name.startswith("neurones_") for name in families)
    labels_a = {"station": "7", "neuron": "A", "serial": "E6607"}
    labels_b = {"station": "8", "neuron": "B", "serial": "E6608"}
    assert value(families, "neurones_station_up", **labels_a) == 1
    assert value(families, "neurones_station_up", **labels_b) == 0
    errors = "neurones_station_line_errors"
    assert value(families, errors, errors + "_total", kind="crc", **labels_a) == 3
    assert value(families, errors, errors + "_total", kind="framing", **labels_a) == 2
    reconnects = "neurones_station_reconnects"
    assert value(families, reconnects, reconnects + "_total", **labels_a) == 2
    assert value(families, "neurones_led_output_up", output="ddp wled.local:4048") == 0
    failures = "neurones_led_output_failures"
    assert value(families, failures, failures + "_total", output="ddp wled.local:4048") == 4
    assert value(families, "neurones_status", status="degraded") == 1  # an LED output is down
    assert value(families, "neurones_status", status="ok") == 0
    assert value(families, "neurones_up") == 1
    for name in ("loop_turns_per_second", "loop_time_seconds", "uptime_seconds", "crashes"):
        assert f"neurones_{name}" in families


def test_loop_time_is_the_median_and_the_longest_of_the_last_turns():
    endpoint = HealthEndpoint(port=0)
    try:
        endpoint.show(scene())
        report = endpoint.report()
    finally:
        endpoint.close()
    families = {f.name: f for f in metric_families(report, [0.002, 0.004, 0.030])}
    assert families["neurones_loop_time_seconds"].samples[0].value == 0.004
    assert families["neurones_loop_time_max_seconds"].samples[0].value == 0.030
    assert "neurones_console_up" not in families  # no console in this installation


def test_metrics_are_read_only_like_the_health_page():
    endpoint = HealthEndpoint(port=0)
    try:
        metrics = endpoint.url.replace("/health", "/metrics")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(metrics, b"x"), timeout=5)
        assert refused.value.code == 405
    finally:
        endpoint.close()


def test_the_server_listens_on_the_address_given_for_a_fleet_s_prometheus():
    endpoint = HealthEndpoint(port=0, host="0.0.0.0")  # every interface: the LAN's too
    try:
        port = endpoint.url.rsplit(":", 1)[1].split("/")[0]
        assert endpoint.url.startswith("http://0.0.0.0:")
        families = scrape(f"http://127.0.0.1:{port}/metrics")
        assert value(families, "neurones_status", status="starting") == 1
    finally:
        endpoint.close()
    assert listen_address("192.168.1.20") == "192.168.1.20"
    with pytest.raises(Exception, match="expected an IP address"):
        listen_address("pi.local")


def test_a_running_installation_with_four_of_sixteen_stations_exports_twelve_missing(tmp_path):
    env = {**os.environ, "NEURONES_STATE_DIR": str(tmp_path / "state")}
    command = [sys.executable, "-m", "controller", "run", "--headless", "--for", "60"]
    command += ["--emulate-stations", "4", "--health-port", "0"]
    run = subprocess.Popen(command, env=env, cwd=ROOT, text=True, stderr=subprocess.PIPE)
    try:
        url = next(m[1] for line in run.stderr if (m := re.search(r"(http://\S+/health)", line)))
        end = time.monotonic() + 30
        while time.monotonic() < end:
            families = scrape(url)
            frames = families["neurones_station_frames"]  # read at most once a second
            heard = sum(v > 0 for v in frames.values())
            if value(families, "neurones_stations_online") == 4 and heard == 4:
                break
            time.sleep(0.2)
        run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=20) == 0
    finally:
        run.kill()
        run.wait()
        run.stderr.close()
    assert value(families, "neurones_stations_expected") == 16
    up = families["neurones_station_up"]
    assert len(up) == 16 and sum(up.values()) == 4
    assert value(families, "neurones_status", status="degraded") == 1
    assert value(families, "neurones_loop_turns_per_second") > 10
    assert heard == 4
