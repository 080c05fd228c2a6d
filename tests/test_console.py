"""The leader console on gpiozero's mock pins: debounced presses, the key, the diagnosis."""

import logging

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory

from controller.console import (
    Console,
    ConsolePins,
    ConsoleState,
    console_fault,
    load_console_pins,
    open_console,
)
from controller.datafile import DataError
from controller.events import ConsoleAction, KeyTurned

PINS = ConsolePins()


@pytest.fixture
def factory():
    factory = MockFactory()
    previous, Device.pin_factory = Device.pin_factory, factory
    yield factory
    factory.reset()
    Device.pin_factory = previous


@pytest.fixture
def console(factory):
    console = Console(PINS)
    yield console
    console.close()


def run(console, t0, t1, step=0.005):
    """Poll the console every ``step`` seconds from t0 to t1; every event."""
    events, t = [], t0
    while t <= t1 + 1e-9:
        events += console.poll(t)
        t += step
    return events


def test_a_press_held_past_the_debounce_is_one_action(factory, console):
    assert run(console, 0.0, 0.1) == [KeyTurned("visitor", 0.0)]
    factory.pin(PINS.next).drive_low()
    events = run(console, 0.2, 0.4)
    assert [type(e) for e in events] == [ConsoleAction]
    assert events[0].action == "next" and 0.229 <= events[0].t <= 0.24
    factory.pin(PINS.next).drive_high()
    assert run(console, 0.5, 0.6) == []


def test_a_bouncing_contact_counts_once_and_a_glitch_not_at_all(factory, console):
    run(console, 0.0, 0.05)
    pin = factory.pin(PINS.reveal)
    events, t = [], 0.1
    for level in [0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]:
        pin.drive_low() if level == 0 else pin.drive_high()
        events += console.poll(t)
        t += 0.005
    pin.drive_low()
    events += console.poll(t)  # a 5 ms glitch
    pin.drive_high()
    events += run(console, t + 0.005, t + 0.1)
    assert [e.action for e in events] == ["reveal"]


def test_the_key_turns_through_its_three_positions(factory, console):
    workshop, technician = factory.pin(PINS.key_workshop), factory.pin(PINS.key_technician)
    workshop.drive_low()
    assert run(console, 0.0, 0.01) == [KeyTurned("workshop", 0.0)]  # at start: where it is
    workshop.drive_high()
    technician.drive_low()
    turns = [e.position for e in run(console, 0.1, 0.2)]
    assert turns == ["technician"]  # both contacts settle together: no stop at visitor
    assert console.diagnosis().key == "technician"
    technician.drive_high()
    assert [e.position for e in run(console, 0.3, 0.4)] == ["visitor"]


def test_both_key_contacts_closed_is_a_wiring_fault_not_a_turn(factory, console, caplog):
    run(console, 0.0, 0.01)
    factory.pin(PINS.key_workshop).drive_low()
    factory.pin(PINS.key_technician).drive_low()
    with caplog.at_level(logging.WARNING):
        events = run(console, 0.1, 0.3)
    assert events == [] and console.diagnosis().key == "visitor"
    assert caplog.text.count("check its wiring") == 1


def test_the_diagnosis_shows_the_buttons_held_for_the_shutdown_gesture(factory, console):
    factory.pin(PINS.key_technician).drive_low()
    run(console, 0.0, 0.01)
    factory.pin(PINS.reset).drive_low()
    run(console, 0.1, 0.2)
    diagnosis = console.diagnosis()
    assert diagnosis.present and diagnosis.buttons == ("reset",) and diagnosis.key == "technician"


def test_a_button_held_at_start_is_not_a_press(factory):
    factory.pin(PINS.reset).drive_low()
    console = Console(PINS)
    try:
        assert [type(e) for e in run(console, 0.0, 0.2)] == [KeyTurned]
    finally:
        console.close()


def test_without_gpio_the_console_is_absent_after_one_log_line(caplog):
    from gpiozero.pins.mock import MockPin

    class Broken(MockFactory):
        def pin(self, spec, pin_class=MockPin, **kwargs):
            raise OSError("no /dev/gpiochip0")

    with caplog.at_level(logging.INFO, logger="controller.console"):
        assert open_console(PINS, pin_factory=Broken()) is None
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert "no /dev/gpiochip0" in record.getMessage() and "keyboard stands in" in caplog.text


def test_a_console_that_cannot_start_says_why_naming_an_unwritable_working_directory(tmp_path):
    gone = tmp_path / "gone"  # no directory there: nobody can write in it, root included
    fault = console_fault(RuntimeError("can not create notification pipe"), str(gone))
    assert fault.startswith("RuntimeError: can not create notification pipe")
    assert "not writable" in fault and "lgpio" in fault and str(gone) in fault
    assert "not writable" not in console_fault(RuntimeError("x"), str(tmp_path))


def test_console_state_is_pure_and_needs_no_pins():
    state = ConsoleState(hold_s=0.03)
    levels = dict.fromkeys(PINS.inputs(), False)
    assert state.read(levels, 0.0) == [KeyTurned("visitor", 0.0)]
    assert state.read({**levels, "previous": True}, 0.01) == []
    assert state.read({**levels, "previous": True}, 0.05) == [ConsoleAction("previous", 0.05)]


def test_the_shipped_pins_load_and_a_pin_used_twice_is_named(tmp_path):
    assert load_console_pins() == PINS
    bad = tmp_path / "installation.toml"
    bad.write_text("[console]\nprevious = 6\n")
    with pytest.raises(DataError, match=r"installation.toml: console.next: GPIO6 is already used"):
        load_console_pins(bad)
