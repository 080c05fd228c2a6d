"""The floor in the installation: one frame per scene, shared by the LEDs and the screen."""

import socket
import tomllib

import numpy as np
import pytest
import tomli_w
from loop_parts import Clock, Recorder

from controller.cli import main
from controller.datafile import INSTALLATION_FILE
from controller.digits import load_digit_set
from controller.floor.ddp import read_frame
from controller.floor.frame import FloorRenderer
from controller.floor.mat import load_floor
from controller.floor.output import LedSender, OutputSlot
from controller.floor.sink import FloorSink, open_floor
from controller.loop import Installation
from controller.modes import engine
from controller.network import load_network
from controller.session import Session

NETWORK = load_network()


class Memory:
    """An LED output keeping the frames it was sent."""

    def __init__(self):
        self.frames = []

    def send(self, frame):
        self.frames.append(frame)

    def close(self):
        pass


def session():
    return Session.start(NETWORK, load_digit_set("grandeur-nature"))


def installation_file(tmp_path, outputs):
    document = tomllib.loads(INSTALLATION_FILE.read_text(encoding="utf-8"))
    document["led_output"] = outputs
    path = tmp_path / "installation.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path


def test_the_screen_and_the_leds_get_the_very_same_frame():
    memory = Memory()
    sender = LedSender([OutputSlot("memory", lambda: memory)])
    screen = Recorder()
    renderer = FloorRenderer(load_floor(NETWORK), NETWORK)
    floor = FloorSink(renderer, sender, screens=[screen])
    floor.show(engine.scene(session(), 5.0))
    sender.tick(0.0)  # what the sender's thread does each period
    assert screen.scenes[0].floor is floor.last.view
    assert memory.frames == [floor.last]
    assert screen.scenes[0].floor.colours is floor.last.rgb


def test_without_a_screen_output_the_scene_keeps_no_floor_and_reaches_the_screen_first(
    tmp_path,
):
    path = installation_file(tmp_path, [])
    floor = open_floor(NETWORK, load_floor(NETWORK, path))

    class Early(Recorder):
        def show(self, scene):
            super().show(scene)
            self.floor_then = floor.last  # the LED frame is not computed yet

    screen = Early()
    floor.screens.append(screen)
    floor.show(engine.scene(session(), 1.0))
    floor.close()
    assert screen.scenes[0].floor is None and floor.last is not None
    assert screen.floor_then is None


def test_a_floor_that_cannot_paint_still_lets_the_screen_draw_and_is_reported():
    class Broken:
        def frame(self, scene, pattern=None):
            raise RuntimeError("index out of range")

    screen = Recorder()
    clock = Clock()
    floor = FloorSink(Broken(), screens=[screen])
    installation = Installation(session(), engine, sinks=[floor], clock=clock)
    installation.run(duration=0.1, sleep=clock.sleep)
    assert len(screen.scenes) == installation.stats.frames > 0
    assert installation.stats.crashes == installation.stats.frames
    assert "index out of range" in installation.stats.last_error


def test_the_installation_feeds_a_wled_controller_over_ddp(tmp_path):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5.0)
    port = receiver.getsockname()[1]
    path = installation_file(
        tmp_path, [{"kind": "screen"}, {"kind": "ddp", "host": "127.0.0.1", "port": port}]
    )
    screen = Recorder()
    floor = open_floor(NETWORK, load_floor(NETWORK, path), screens=[screen])
    clock = Clock()
    installation = Installation(session(), engine, sinks=[floor], clock=clock)
    try:
        installation.run(duration=0.2, sleep=clock.sleep)  # the loop stops; the sender goes on
        last = floor.last.rgb.tobytes()
        deadline = 20
        while (data := read_frame(receiver)[0]) != last:
            deadline -= 1
            assert deadline > 0
    finally:
        installation.close()
        receiver.close()
    assert data == screen.scenes[-1].floor.colours.tobytes()
    assert floor.health()[0].frames > 0 and floor.health()[0].failures == 0


@pytest.mark.parametrize("extra", [[], ["--led-test", "full-white"], ["--no-floor"]])
def test_neurones_run_headless_runs_with_the_floor(extra):
    argv = ["run", "--headless", "--for", "0.3", "--health-port", "-1", *extra]
    assert main(argv) == 0


def test_a_floor_full_white_test_stays_within_budget_in_the_running_installation():
    floor = open_floor(NETWORK, load_floor(NETWORK), pattern="full-white")
    clock = Clock()
    installation = Installation(session(), engine, sinks=[floor], clock=clock)
    installation.run(duration=0.1, sleep=clock.sleep)
    installation.close()
    budgets = np.array([1000 * z.budget_a for z in floor.renderer.layout.zones])
    assert np.all(floor.last.current_ma <= budgets) and floor.last.limited.all()


def test_bench_reports_the_led_frame_time(capsys):
    import json

    assert main(["bench", "--only", "leds", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert set(figures) == {"led_frame_median_ms"} and figures["led_frame_median_ms"] > 0
