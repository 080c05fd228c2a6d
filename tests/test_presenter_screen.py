"""The presenter view on a second display, through pygame's experimental second windows.

SDL's dummy video driver has one display: the presenter's window is opened on it by number
(``presenter_display=0``), as the installation opens it on the Pi's second HDMI output.
"""

from dataclasses import replace

import numpy as np
import pygame
import pytest

from controller.commands.run import mode_session
from controller.digits import load_digit_set, shipped_sets
from controller.events import SliderMoved, StepChosen
from controller.modes import engine
from controller.network import load_network
from controller.opening_hours import HoursState
from controller.session import load_mode_settings
from display.assets import Assets
from display.frame import render_scene
from display.presenter_screen import PresenterScreen
from display.window import Window

NETWORK = load_network()
LIBRARY = {name: load_digit_set(name) for name in shipped_sets()}
SETTINGS = load_mode_settings()


def workshop(step):
    session = mode_session(NETWORK, LIBRARY, LIBRARY["grandeur-nature"], "fr", SETTINGS, "workshop")
    return engine.apply(session, StepChosen(step, 0.0))


@pytest.fixture
def window():
    window = Window(size=(1280, 720), simulation=False, presenter_display=0)
    pygame.event.clear()
    yield window
    window.close()


def test_without_a_second_display_there_is_no_presenter_window():
    window = Window(size=(640, 360), simulation=False)  # the dummy driver has one display
    try:
        assert pygame.display.get_num_displays() == 1 and window.presenter is None
        assert PresenterScreen.open(display=5) is None
    finally:
        window.close()


def test_the_presenter_window_shows_the_leader_s_view_of_the_step(window):
    scene = engine.scene(workshop("learning-green"), 1.0)
    window.show(scene)
    presenter = window.presenter
    assert presenter is not None
    leader = Assets(presenter.surface.get_size())
    expected, _ = render_scene(scene, presenter.surface.get_size(), leader, presenter=True)
    assert np.array_equal(
        pygame.surfarray.array3d(presenter.surface), pygame.surfarray.array3d(expected)
    )
    texts = [t.text for t in leader.log.texts]
    assert "vert\u00a0: seuil 7" in texts  # the target: the leader's, on the leader's screen
    pupils = Assets(window.view_rect.size)
    class_screen, _ = render_scene(scene, window.view_rect.size, pupils)
    assert np.array_equal(
        pygame.surfarray.array3d(window.screen.subsurface(window.view_rect)),
        pygame.surfarray.array3d(class_screen),
    )
    assert "vert\u00a0: seuil 7" not in [t.text for t in pupils.log.texts]


def test_the_presenter_draws_again_only_when_what_it_shows_changes(window):
    session = workshop("learning-green")
    window.show(engine.scene(session, 1.0))
    drawn = window.presenter.surface.copy()
    window.presenter.surface.fill((0, 0, 0))
    window.show(engine.scene(session, 1.5))  # nothing the leader sees changed
    assert pygame.surfarray.array3d(window.presenter.surface).max() == 0
    window.show(engine.scene(engine.apply(session, SliderMoved("0", 7, 2.0)), 2.0))
    assert not np.array_equal(
        pygame.surfarray.array3d(window.presenter.surface), pygame.surfarray.array3d(drawn)
    )


def test_a_touch_on_a_step_dot_of_the_presenter_window_jumps_there(window):
    window.show(engine.scene(workshop("gn-3"), 1.0))
    dot = next(h for h in window.presenter.hotspots if h.index == "learning-green")
    event = pygame.event.Event(
        pygame.MOUSEBUTTONDOWN, pos=dot.rect.center, button=1, window=window.presenter.window
    )
    assert window.translate(event, 2.0) == [StepChosen("learning-green", 2.0)]
    # The same place on the class screen is not the presenter's.
    elsewhere = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=dot.rect.center, button=1)
    assert StepChosen("learning-green", 2.0) not in window.translate(elsewhere, 2.0)


def test_outside_opening_hours_the_presenter_window_goes_black_too_and_wakes_with_the_class_screen(
    window,
):
    session = workshop("learning-green")
    window.show(engine.scene(session, 1.0))
    assert pygame.surfarray.array3d(window.presenter.surface).max() > 0
    closed = HoursState(open=False, next_change=None)
    window.show(replace(engine.scene(session, 2.0), hours=closed))
    assert pygame.surfarray.array3d(window.presenter.surface).max() == 0
    assert window.presenter.hotspots == []  # nothing to touch on a black screen
    window.show(engine.scene(session, 3.0))
    assert pygame.surfarray.array3d(window.presenter.surface).max() > 0
