"""The window turns what people do into the installation's events, as the hardware would.

Real pygame (SDL dummy driver), real events posted on its queue, the real session fed with
what the window reports: a drag on a ruler must change the network's decision.
"""

import os
import subprocess
import sys

import pygame
import pytest

from controller.digits import load_digit_set
from controller.events import (
    HOLD_S,
    ButtonHeld,
    ButtonPressed,
    ConsoleAction,
    DigitChosen,
    DrawingAdded,
    DrawingChanged,
    KeyTurned,
    LanguageChosen,
    QuitRequested,
    SliderMoved,
    ViewChosen,
)
from controller.modes import engine
from controller.network import load_network
from controller.session import Session
from display.registry import VIEWS
from display.window import Window

LIBRARY = {name: load_digit_set(name) for name in ("grandeur-nature", "learning")}


@pytest.fixture
def window():
    window = Window(size=(1280, 720))
    pygame.event.clear()
    yield window
    window.close()


def start(**fields) -> Session:
    return Session.start(load_network(), LIBRARY["grandeur-nature"], library=LIBRARY, **fields)


def press(key):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))


def click(pos, up=True):
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    if up:
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))


def drag_to(pos):
    pygame.event.post(
        pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(1, 0, 0))
    )


def spot(window, kind, **match):
    return next(
        s
        for s in window.hotspots
        if s.kind == kind and all(getattr(s, k) == v for k, v in match.items())
    )


def test_the_keyboard_stands_for_the_leader_console(window):
    window.show(engine.scene(start(), 0.0))
    for key in (pygame.K_LEFT, pygame.K_RIGHT, pygame.K_r, pygame.K_BACKSPACE):
        press(key)
    for key in (pygame.K_1, pygame.K_2, pygame.K_3):
        press(key)
    assert window.poll(5.0) == [
        ConsoleAction("previous", 5.0),
        ConsoleAction("next", 5.0),
        ConsoleAction("reveal", 5.0),
        ConsoleAction("reset", 5.0),
        KeyTurned("visitor", 5.0),
        KeyTurned("workshop", 5.0),
        KeyTurned("technician", 5.0),
    ]


def test_keys_choose_the_view_the_language_and_the_digit_and_escape_quits(window):
    window.show(engine.scene(start(view="network", language="fr", digit_index=2), 0.0))
    for key in (pygame.K_TAB, pygame.K_l, pygame.K_UP, pygame.K_DOWN, pygame.K_ESCAPE):
        press(key)
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    assert window.poll(1.0) == [
        ViewChosen(list(VIEWS)[1], 1.0),
        LanguageChosen("en", 1.0),
        DigitChosen(1, 1.0),
        DigitChosen(3, 1.0),
        QuitRequested(1.0),
        QuitRequested(1.0),
    ]


def test_dragging_a_ruler_slides_its_threshold_and_the_decision_follows(window):
    session = engine.apply(start(view="rulers"), DigitChosen(0, 0.0, digit_set="learning"))
    assert engine.scene(session, 0.0).decision.digits == (0, 6)  # the 9th digit: ambiguous
    window.show(engine.scene(session, 0.0))
    slider = spot(window, "slider", neuron="0")
    y = slider.rect.bottom - 5  # on the number line, clear of the chips
    click((round(slider.scale.x(5)), y), up=False)
    drag_to((round(slider.scale.x(7.2)), y))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(0, 0), button=1))
    drag_to((round(slider.scale.x(9)), y))  # the button is up: no longer dragging
    events = window.poll(2.0)
    assert events == [SliderMoved("0", 5.0, 2.0), SliderMoved("0", 7.0, 2.0)]
    scene = engine.scene(engine.apply_all(session, events), 2.0)
    assert scene.decision.status == "clear" and scene.decision.digits == (6,)


def test_the_station_panels_buttons_press_the_stations_buttons(window):
    window.show(engine.scene(start(), 0.0))
    for neuron, button in (("C", "plus"), ("C", "minus"), ("LIG1", "ok"), ("9", "plus")):
        click(spot(window, "button", neuron=neuron, button=button).rect.center)
    assert window.poll(3.0) == [
        ButtonPressed("C", "plus", 3.0),
        ButtonPressed("C", "minus", 3.0),
        ButtonPressed("LIG1", "ok", 3.0),
        ButtonPressed("9", "plus", 3.0),
    ]


def test_a_station_button_kept_down_with_the_mouse_is_held_once(window):
    window.show(engine.scene(start(), 0.0))
    ok = spot(window, "button", neuron="C", button="ok").rect.center
    click(ok, up=False)
    assert window.poll(1.0) == [ButtonPressed("C", "ok", 1.0)]
    assert window.poll(1.0 + HOLD_S / 2) == []
    assert window.poll(1.0 + HOLD_S) == [ButtonHeld("C", "ok", 1.0 + HOLD_S)]
    assert window.poll(1.0 + 3 * HOLD_S) == []  # once a hold
    click(ok)  # a click and its release: never held
    assert window.poll(10.0) == [ButtonPressed("C", "ok", 10.0)]
    assert window.poll(10.0 + HOLD_S) == []


def test_pressing_a_chip_on_a_ruler_shows_that_digit(window):
    window.show(engine.scene(start(view="rulers"), 0.0))
    click(spot(window, "digit", index=5).rect.center)
    assert window.poll(1.0) == [DigitChosen(5, 1.0)]


def test_drawing_on_the_grid_paints_cells_and_adds_the_drawing_to_the_rulers(window):
    session = start(view="draw")
    window.show(engine.scene(session, 0.0))
    top_left = spot(window, "cell", index=(0, 0)).rect.center  # white on the first 0♥
    click(top_left, up=False)
    drag_to(spot(window, "cell", index=(0, 1)).rect.center)
    drag_to(spot(window, "cell", index=(0, 1)).rect.center)  # same cell: nothing new
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=top_left, button=1))
    events = window.poll(1.0)
    first = session.digits.digits[0].rows
    assert [e.rows[0] for e in events] == ["#" + first[0][1:], "##" + first[0][2:]]
    assert all(isinstance(e, DrawingChanged) and e.rows[1:] == tuple(first[1:]) for e in events)
    session = engine.apply_all(session, events)
    window.show(engine.scene(session, 1.0))
    click(spot(window, "clear").rect.center)
    click(spot(window, "add", index=9).rect.center)
    cleared, added = window.poll(2.0)
    assert cleared == DrawingChanged(("......",) * 9, 2.0)
    assert added == DrawingAdded(9, 2.0)


def test_without_a_display_the_run_command_says_so_in_one_line():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("SDL_VIDEODRIVER", None)
    result = subprocess.run(
        [sys.executable, "-m", "controller", "run", "--for", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "--headless" in lines[0] and "neurones render" in lines[0]


def test_run_with_no_panel_gives_the_whole_window_to_the_view():
    import argparse

    from controller.commands import run

    parser = argparse.ArgumentParser()
    run.register(parser.add_subparsers())
    shown = run.open_window(parser.parse_args(["run", "--size", "800x600"]))
    try:
        assert shown.panel_rect.width > 0
    finally:
        shown.close()
    bare = run.open_window(parser.parse_args(["run", "--size", "800x600", "--no-panel"]))
    try:
        assert bare.view_rect.size == (800, 600) and bare.panel_rect.width == 0
    finally:
        bare.close()
