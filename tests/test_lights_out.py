"""Lights out: when the installation stops, the floor goes dark and stays dark, on the Pico LED
driver (emulated: its real firmware in MicroPython) and on a DDP receiver on 127.0.0.1, and WLED
is switched off through its JSON API when the output says so."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from controller.floor.ddp import DdpOutput, read_frame
from controller.floor.mat import load_floor
from controller.network import load_network
from controller.stations.emulation import LedDriverEmulator

ROOT = Path(__file__).resolve().parent.parent
NETWORK = load_network()
LAYOUT = load_floor(NETWORK)
DRIVER = "E6600000000000FF"


class Frame:
    def __init__(self, rgb):
        self.rgb = rgb


def lit(snapshot) -> bool:
    """Whether any LED of the driver's strips is lit."""
    return any(max(strip) for strip in snapshot.strips)


@pytest.fixture
def receiver():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5.0)
    yield sock
    sock.close()


@pytest.fixture
def wled_api():
    """WLED's JSON API as far as the output uses it: the states posted to /json/state."""
    posted = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            posted.append((self.path, json.loads(self.rfile.read(length))))
            body = b'{"success":true}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.posted = posted
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def test_a_ddp_output_goes_dark_with_a_black_frame_as_large_as_the_last(receiver):
    output = DdpOutput("127.0.0.1", receiver.getsockname()[1])
    lit = np.full((300, 3), 90, np.uint8)
    try:
        output.send(Frame(lit))
        assert read_frame(receiver)[0] == lit.tobytes()
        output.go_dark()
        assert read_frame(receiver)[0] == bytes(lit.size)
    finally:
        output.close()


def test_with_its_json_api_wled_is_switched_on_at_open_and_off_at_the_end(receiver, wled_api):
    output = DdpOutput("127.0.0.1", receiver.getsockname()[1], wled_api=wled_api.url)
    try:
        assert wled_api.posted == [("/json/state", {"on": True})]
        output.send(Frame(np.full((10, 3), 90, np.uint8)))
        output.go_dark()
    finally:
        output.close()
    assert wled_api.posted[-1] == ("/json/state", {"on": False})


def test_a_wled_api_that_does_not_answer_is_logged_not_raised(receiver, caplog):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    output = DdpOutput("127.0.0.1", receiver.getsockname()[1], wled_api=url)
    output.go_dark()
    output.close()
    assert "not switched on" in caplog.text and "not switched off" in caplog.text


@pytest.mark.slow
def test_on_sigterm_the_floor_goes_dark_and_stays_dark(tmp_path, receiver, wled_api):
    counts = [s.leds for s in LAYOUT.strips]
    with LedDriverEmulator(DRIVER, counts) as driver:
        driver.wait_ready()
        installation = tmp_path / "installation.toml"
        installation.write_text(
            (ROOT / "data" / "installation.toml").read_text(encoding="utf-8")
            + f'\n[[led_output]]\nkind = "pico"\ndevice = "{driver.ports()[0].device}"\n'
            + '\n[[led_output]]\nkind = "ddp"\nhost = "127.0.0.1"\n'
            + f'port = {receiver.getsockname()[1]}\nwled_api = "{wled_api.url}"\n',
            encoding="utf-8",
        )
        command = [sys.executable, "-m", "controller", "run", "--headless", "--for", "120"]
        command += ["--installation", str(installation), "--led-test", "full-white"]
        command += ["--health-port", "-1", "--state-dir", str(tmp_path / "state")]
        env = {**os.environ, "NEURONES_STATE_DIR": str(tmp_path / "state")}
        run = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
        try:
            end = time.monotonic() + 60
            while not lit(driver.snapshot()):
                assert time.monotonic() < end, "the floor never lit"
                time.sleep(0.2)
            assert max(read_frame(receiver)[0]) > 0
            run.send_signal(signal.SIGTERM)
            assert run.wait(timeout=30) == 0
        finally:
            run.kill()
            run.wait()
        end = time.monotonic() + 10  # the board reads its line at its own pace
        while lit(out := driver.snapshot()):
            assert time.monotonic() < end, "the floor never went dark"
            time.sleep(0.1)
        time.sleep(4.0)  # past the driver's 2.5 s before its idle glow, and its fade
        later = driver.snapshot()
        assert later.shows == out.shows and not lit(later)
        assert driver._ask(driver._board(DRIVER), "program.dark")
    frames = []
    receiver.settimeout(0.5)
    while True:  # every frame the receiver got, the last one black
        try:
            frames.append(read_frame(receiver)[0])
        except TimeoutError:
            break
    assert frames and not any(frames[-1])
    assert wled_api.posted[0][1] == {"on": True} and wled_api.posted[-1][1] == {"on": False}
