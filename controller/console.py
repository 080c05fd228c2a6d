"""The leader console on the Pi's GPIO: four buttons and a three-position key (gpiozero).

The workshop leader steps through the workshop with *previous*, *next*, *reveal* and *reset*;
museum staff turn a key between *visitor*, *workshop* and *technician*. The key has two
contacts: neither closed is *visitor*, the first is *workshop*, the second *technician*. Pins
come from ``[console]`` in ``data/installation.toml``.

:class:`Console` is a source of the installation loop: each frame it reads the contacts,
debounces them in our own code (a contact must hold still for ``debounce_ms``; gpiozero's
``bounce_time`` behaves differently on each pin backend and not at all on its mock pins), and
turns a press into a :class:`~controller.events.ConsoleAction` and a key turn into a
:class:`~controller.events.KeyTurned` (also once at start, so the key's position wins over the
installation's starting mode). :meth:`Console.diagnosis` is what the technician screen and the
safe-shutdown gesture read::

    console = open_console(load_console_pins())   # None, with one log line, on a PC
    installation = Installation(session, engine, sources=[console, …])

Tests use gpiozero's mock pins: ``Device.pin_factory = MockFactory()``, then
``Device.pin_factory.pin(5).drive_low()`` presses *previous*.
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from controller.datafile import INSTALLATION_FILE, Field, check_keys
from controller.diagnosis import ConsoleDiagnosis
from controller.events import CONSOLE_ACTIONS, ConsoleAction, Event, KeyTurned
from controller.scene import Mode

log = logging.getLogger(__name__)

#: The key's two contacts, and the position each stands for (neither closed: visitor).
KEY_CONTACTS = {"key_workshop": "workshop", "key_technician": "technician"}


@dataclass(frozen=True)
class ConsolePins:
    """Where the console is wired (BCM numbers) and how its contacts are read (``[console]``)."""

    previous: int = 5
    next: int = 6
    reveal: int = 13
    reset: int = 19
    key_workshop: int = 16
    key_technician: int = 26
    pull_up: bool = True  # contacts close to ground; the Pi's pull-ups hold the pins high
    debounce_s: float = 0.03

    def inputs(self) -> dict[str, int]:
        """Every contact's name and pin: the four buttons, then the key's two contacts."""
        names = (*CONSOLE_ACTIONS, *KEY_CONTACTS)
        return {name: getattr(self, name) for name in names}


#: The installation file's section this module reads.
SECTIONS = ("console",)


def load_console_pins(path: str | Path = INSTALLATION_FILE) -> ConsolePins:
    """Read ``[console]`` (absent: the defaults).

    :raises DataError: naming the file and the field: a pin out of range, a pin used twice.
    """
    return console_pins_from(Field.load(path))


def console_pins_from(root: Field) -> ConsolePins:
    """The console's pins in a parsed installation document (see :func:`load_console_pins`)."""
    section = root.get("console", {})
    check_keys(section.table(), (*ConsolePins().inputs(), "pull_up", "debounce_ms"))
    default = ConsolePins()
    pins: dict[str, Any] = {}
    used: dict[int, str] = {}
    for name, pin in default.inputs().items():
        f = section.get(name, pin)
        number = f.integer(minimum=0, maximum=27)
        if number in used:
            raise f.error(f"GPIO{number} is already used by {used[number]}")
        used[number] = name
        pins[name] = number
    return ConsolePins(
        **pins,
        pull_up=section.get("pull_up", default.pull_up).boolean(),
        debounce_s=section.get("debounce_ms", default.debounce_s * 1000).number(
            minimum=0, maximum=500
        )
        / 1000,
    )


@dataclass(frozen=True)
class Debounced:
    """One contact's debounced level: it changes once the raw level has held for ``hold_s``."""

    level: bool
    candidate: bool
    since: float

    @classmethod
    def start(cls, level: bool, now: float) -> Debounced:
        """A contact first read at ``now``: its level counts as stable at once."""
        return cls(level, level, now)

    def update(self, level: bool, now: float, hold_s: float) -> Debounced:
        """The contact after reading ``level`` at ``now``."""
        if level != self.candidate:
            return replace(self, candidate=level, since=now)
        if level != self.level and now - self.since >= hold_s:
            return replace(self, level=level)
        return self


def key_position(workshop: bool, technician: bool) -> Mode | None:
    """The key's position from its two contacts; None if both read closed (a wiring fault)."""
    if workshop and technician:
        return None
    return "technician" if technician else "workshop" if workshop else "visitor"


@dataclass
class ConsoleState:
    """What the console's contacts say, debounced (pure: fed readings with their times)."""

    hold_s: float = 0.03
    contacts: dict[str, Debounced] = field(default_factory=dict)
    key: Mode | None = None

    def read(self, levels: dict[str, bool], now: float) -> list[Event]:
        """Take one reading of every contact; return the presses and the key's turn."""
        events: list[Event] = []
        for name, level in levels.items():
            before = self.contacts.get(name)
            if before is None:
                self.contacts[name] = Debounced.start(level, now)
                continue
            after = before.update(level, now, self.hold_s)
            self.contacts[name] = after
            if name in CONSOLE_ACTIONS and after.level and not before.level:
                events.append(ConsoleAction(name, now))
        position = key_position(*(self.held(c) for c in KEY_CONTACTS))
        if position is not None and position != self.key:
            self.key = position
            events.append(KeyTurned(position, now))
        return events

    def held(self, name: str) -> bool:
        """Whether contact ``name`` is closed, debounced."""
        contact = self.contacts.get(name)
        return contact is not None and contact.level

    def diagnosis(self) -> ConsoleDiagnosis:
        """The console for the technician: buttons held and the key's position."""
        buttons = tuple(name for name in CONSOLE_ACTIONS if self.held(name))
        return ConsoleDiagnosis(present=True, buttons=buttons, key=self.key)


class Console:
    """The leader console, a source of the installation loop.

    :param pins: where the contacts are wired.
    :param pin_factory: gpiozero's pin factory (default: gpiozero's own choice).
    :raises gpiozero.GPIOZeroError: when there is no GPIO to read (see :func:`open_console`).
    """

    def __init__(self, pins: ConsolePins, pin_factory: Any = None) -> None:
        from gpiozero import DigitalInputDevice

        self.pins = pins
        self.state = ConsoleState(hold_s=pins.debounce_s)
        self.devices: dict[str, Any] = {}
        self._key_fault = False
        try:
            for name, pin in pins.inputs().items():
                # No bounce_time: debouncing is ours (ConsoleState), the same on every backend.
                self.devices[name] = DigitalInputDevice(
                    pin, pull_up=pins.pull_up, bounce_time=None, pin_factory=pin_factory
                )
        except BaseException:
            self.close()
            raise

    def poll(self, now: float) -> list[Event]:
        """Read every contact once; the presses and key turns since the last frame."""
        levels = {name: bool(device.is_active) for name, device in self.devices.items()}
        events = self.state.read(levels, now)
        fault = all(self.state.held(contact) for contact in KEY_CONTACTS)
        if fault and not self._key_fault:
            log.warning("console key: both contacts closed at once: check its wiring")
        self._key_fault = fault
        return events

    def diagnosis(self) -> ConsoleDiagnosis:
        """Buttons held and the key's position now (technician screen, shutdown gesture)."""
        return self.state.diagnosis()

    def close(self) -> None:
        """Release the pins."""
        for device in self.devices.values():
            device.close()
        self.devices = {}


def open_console(pins: ConsolePins, pin_factory: Any = None) -> Console | None:
    """The console, or None after one WARNING naming the cause (a machine without GPIO, such
    as a PC; a pin library that cannot start)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # gpiozero warns of each pin library it tries
            return Console(pins, pin_factory)
    except Exception as exc:  # whatever the pin library raises (lgpio's own error class too)
        log.warning("no leader console: %s; the keyboard stands in for it", console_fault(exc))
        return None


def console_fault(exc: BaseException, cwd: str | None = None) -> str:
    """Why the console could not open, in a technician's words: the library's own message,
    and the likely cause when it is a known one."""
    cause = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    cwd = os.getcwd() if cwd is None else cwd
    if not os.access(cwd, os.W_OK):
        # lgpio, gpiozero's only pin library on a Pi 5, makes its notification pipes in the
        # working directory: the service gives it one (deploy/neurones.service).
        cause += f" (the working directory {cwd} is not writable, and lgpio needs it to be)"
    return cause
