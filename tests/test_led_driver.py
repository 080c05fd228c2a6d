"""The Pico LED driver as an LED output: the real driver firmware, emulated on a pty."""

import copy
import time
import tomllib

import numpy as np
import pytest
import tomli_w
from micropython import MicroPython

from controller.datafile import INSTALLATION_FILE
from controller.digits import load_digit_set
from controller.floor.frame import FloorRenderer
from controller.floor.mat import load_floor
from controller.floor.output import output_slot
from controller.floor.pico import LedDriverError, PicoLedOutput, find_driver
from controller.modes import engine
from controller.network import load_network
from controller.session import Session
from controller.stations.emulation import LedDriverEmulator, StationEmulator
from controller.stations.roster import load_roster

DRIVER = "E6600000000000FF"
NETWORK = load_network()
SHIPPED = tomllib.loads(INSTALLATION_FILE.read_text(encoding="utf-8"))
WAIT = 10.0


@pytest.fixture(scope="module")
def layout():
    return load_floor(NETWORK)


def test_the_driver_firmware_is_wired_for_the_shipped_floor(layout):
    mp = MicroPython("leds")
    strips = mp.eval("__import__('strips').STRIPS")
    mp.close()
    wired = [(count, order) for _, count, order in strips]
    assert wired == [(s.leds, s.colour_order) for s in layout.strips]
    assert len({pin for pin, _, _ in strips}) == len(strips) <= 8


def test_a_floor_frame_reaches_the_emulated_driver_exactly(layout):
    scene = engine.scene(Session.start(NETWORK, load_digit_set("grandeur-nature")), 2.0)
    frame = FloorRenderer(layout, NETWORK).frame(scene)
    strips = [(s.offset, s.leds) for s in layout.strips]
    with LedDriverEmulator(DRIVER, [s.leds for s in layout.strips], seed=3) as emulator:
        emulator.wait_ready()  # booted: a Pico answers its HELLO within the handshake's 1 s
        output = PicoLedOutput(emulator.ports()[0].device, strips)
        try:
            assert (output.ack.serial, output.ack.kind) == (DRIVER, 2)
            output.send(frame)
            expected = tuple(frame.rgb[a : a + n].tobytes() for a, n in strips)
            _wait_until(lambda: emulator.snapshot().strips == expected)
            _wait_until(lambda: output.read_status().shown >= 1)
            assert output.health().dropped == 0
        finally:
            output.close()


def test_frames_go_out_no_faster_than_the_output_s_own_rate(layout):
    class Clock:
        now = 0.0

        def __call__(self):
            return self.now

    clock, written = Clock(), []
    strips = [(s.offset, s.leds) for s in layout.strips]
    with LedDriverEmulator(DRIVER, [s.leds for s in layout.strips]) as emulator:
        emulator.wait_ready()
        output = PicoLedOutput(emulator.ports()[0].device, strips, fps=20, clock=clock)
        write = output.port.write
        output.port.write = lambda data: written.append(data) or write(data)
        frame = type("Frame", (), {"rgb": np.zeros((layout.led_count, 3), np.uint8)})
        for t in (0.0, 0.01, 0.04, 0.05, 0.06):
            clock.now = t
            output.send(frame)
        output.close()
    assert len(written) == 2  # at 0.0 and 0.05 s


def test_a_driver_not_plugged_in_is_retried_never_raised(layout, tmp_path):
    document = copy.deepcopy(SHIPPED)
    document["led_output"] = [{"kind": "pico", "serial": DRIVER.lower()}]
    path = tmp_path / "installation.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    floor = load_floor(NETWORK, path)
    (config,) = floor.outputs
    assert (config.serial, config.fps) == (DRIVER, 40)  # the floor's rate: an RP2040 keeps up
    slot = output_slot(config, floor)
    frame = type("Frame", (), {"rgb": np.zeros((floor.led_count, 3), np.uint8)})
    assert slot.offer(frame, now=0.0) is False
    assert slot.offer(frame, now=0.5) is False  # backing off: not even tried
    health = slot.health()
    assert health.failures == 1 and "not plugged in" in health.last_error
    # and the station links leave that board alone
    assert DRIVER in load_roster(path).settings.ignore


def test_a_board_that_is_not_an_led_driver_is_refused(layout):
    with StationEmulator([DRIVER]) as emulator, pytest.raises(LedDriverError, match="station"):
        emulator.wait_ready()
        PicoLedOutput(emulator.ports()[0].device, [(0, 10)])


def test_the_driver_is_found_by_its_serial():
    class Port:
        def __init__(self, device, serial_number):
            self.device, self.serial_number = device, serial_number

    ports = [Port("/dev/ttyACM0", "E660000000000001"), Port("/dev/ttyACM1", DRIVER)]
    assert find_driver(DRIVER.lower(), lambda: ports) == "/dev/ttyACM1"
    with pytest.raises(LedDriverError, match="not plugged in"):
        find_driver("0123456789ABCDEF", lambda: ports)


def _wait_until(condition, timeout=WAIT):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")
