"""The installation's window: it shows each scene and turns mouse and keyboard into events.

A :class:`Window` is both a *sink* (:meth:`Window.show` draws the scene's view) and a
*source* (:meth:`Window.poll` returns what people did since the last frame, as the same events
the hardware produces). With no stations plugged in it is the simulated installation:

- drag a ruler (rulers view) → ``SliderMoved``, as a pupil sliding the real ruler;
- the station panel's −, +, OK → ``ButtonPressed``;
- ← / → previous / next, R reveal, Backspace reset → ``ConsoleAction`` (the leader console);
  1 / 2 / 3 → ``KeyTurned`` visitor / workshop / technician;
- Tab or V → next view, L → next language, ↑ / ↓ or a press on a chip or ◀ ▶ → another digit;
- in the draw view, touching cells → ``DrawingChanged``, the digit tiles → ``DrawingAdded``;
- in the workshop, a pupil's wrong answer → ``AnswerAccepted`` (the leader counts it right),
  and on the presenter view a step's dot → ``StepChosen`` (jump to it);
- the attract view's language buttons → ``LanguageChosen`` (visitors choose theirs);
- P shows the presenter view (the leader's notes, the step's conditions, the next step)
  instead of the class screen, and back: the leader's key when there is no second display.
  With a second display (the Pi's second HDMI output) the presenter view is on it, always
  (:mod:`display.presenter_screen`);
- S shows or hides the simulation panel; Escape or closing the window → ``QuitRequested``.

Typical use, by the installation loop::

    window = Window(size=(1280, 720))
    events = window.poll(now)     # each frame
    window.show(scene)
    window.close()

On a machine with no display the constructor raises :class:`NoDisplayError`, whose message is
the one line to print.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from dataclasses import fields, replace
from functools import partial
from typing import TypeVar

import numpy as np
import pygame

from controller.errors import NeuronesError
from controller.events import (
    HOLD_S,
    AnswerAccepted,
    ButtonHeld,
    ButtonPressed,
    ConsoleAction,
    DigitChosen,
    DrawingAdded,
    DrawingChanged,
    Event,
    KeyTurned,
    LanguageChosen,
    QuitRequested,
    SliderMoved,
    StepChosen,
    ViewChosen,
)
from controller.network import LAYERS
from controller.scene import VIEWS, Mode, Scene
from controller.texts import next_language
from display.assets import Assets, screen_surface
from display.hotspot import Hotspot
from display.panel import draw_panel
from display.panes import Pane, Panes, shown
from display.presenter_screen import PresenterScreen
from display.registry import draw_view, moves_with_time, view_panes

#: Keys standing for the leader console's buttons and key.
CONSOLE_KEYS = {
    pygame.K_LEFT: "previous",
    pygame.K_RIGHT: "next",
    pygame.K_r: "reveal",
    pygame.K_BACKSPACE: "reset",
}
KEY_POSITIONS: dict[int, Mode] = {
    pygame.K_1: "visitor",
    pygame.K_2: "workshop",
    pygame.K_3: "technician",
}

#: One of a few options the keyboard cycles through (views, languages).
T = TypeVar("T", bound=str)

#: SDL video drivers that draw nowhere a person can see.
INVISIBLE_DRIVERS = ("offscreen", "dummy")
log = logging.getLogger(__name__)

#: Every part of a scene but its time.
SCENE_PARTS = tuple(f.name for f in fields(Scene) if f.name != "t")


class NoDisplayError(NeuronesError, RuntimeError):
    """There is no screen to open a window on; the message says what to do instead."""


class Window:
    """The screen of the installation, and the simulated stations and console.

    :param size: the window's size in pixels (ignored in fullscreen).
    :param fullscreen: fill the screen, without a frame (the museum kiosk).
    :param simulation: show the panel of simulated stations and the LED floor.
    :param slider_step: the threshold step a dragged ruler snaps to (the workshop moves by 1).
    :raises NoDisplayError: if no display can be opened.
    """

    def __init__(
        self,
        size: tuple[int, int] = (1280, 720),
        fullscreen: bool = False,
        *,
        simulation: bool = True,
        slider_step: float = 1.0,
        caption: str = "Connecte tes neurones",
        presenter_display: int | None = None,
    ) -> None:
        self.screen = _open_display(size, fullscreen, caption)
        self.presenter = PresenterScreen.open(presenter_display)
        self.presenting = False  # the class screen shows the presenter view (the leader's key)
        self.simulation = simulation
        self.slider_step = slider_step
        self.scene: Scene | None = None
        self.hotspots: list[Hotspot] = []
        self._drag: Hotspot | None = None  # the slider being dragged
        self._paint: int | None = None  # 1 or 0 while painting cells, else None
        self._drawing: np.ndarray | None = None
        self._last_value: float | None = None
        # The station button the mouse holds down: (neuron, button, since), its hold not yet told.
        self._holding: tuple[str, str, float] | None = None
        self.panes = Panes()
        self.presented = 0  # frames that put something new on screen
        self._asleep = False  # the screen is black outside opening hours
        # The scene last drawn, whether presenting, and where the view was: what a re-timed
        # scene is compared with (:meth:`_only_the_clock_moved`).
        self._drawn_for: tuple[Scene, bool, tuple[int, ...]] | None = None
        self._resize(self.screen.get_size())

    # --- sink --------------------------------------------------------------------------------

    def show(self, scene: Scene) -> None:
        """Draw what changed of ``scene`` (its view, or the presenter view, and the simulation
        panel) and present only that (:mod:`display.panes`): a scene that changes nothing on
        screen costs next to nothing."""
        if self._only_the_clock_moved(scene):
            self.scene = scene
            if self.presenter is not None:
                self.presenter.show(scene)
            return
        if self.scene is None and not scene.asleep and scene.fault is None:
            self._warm_up(scene)
        self.scene = scene
        self._drawn_for = (scene, self.presenting, tuple(self.view_rect))
        if scene.asleep != self._asleep:  # the black covered every pane, or is to be covered
            self._asleep = scene.asleep
            self.panes.forget()
        if scene.asleep:  # outside opening hours: black, drawn once, then nothing each frame
            panes = [Pane("asleep", self.screen.get_rect(), "asleep", _draw_black)]
            if self.presenter is not None:
                self.presenter.show(scene)
        elif scene.fault is not None:  # a data file to fix: its message fills the screen
            whole = self.screen.get_rect()
            panes = [Pane("fault", whole, scene.fault, partial(_draw_fault, scene, self.assets))]
        else:
            panes = view_panes(self.view_rect, scene, self.assets, presenting=self.presenting)
            if self.presenter is not None:
                self.presenter.show(scene)
            if self.panel_rect.width:
                key = (shown(scene), scene.floor)
                panes.append(Pane("panel", self.panel_rect, key, partial(self._panel, scene)))
        drawn = self.panes.draw(self.screen, panes)
        if drawn:
            self.hotspots = self.panes.hotspots()
            pygame.display.update(drawn)
            self.presented += 1

    def _warm_up(self, scene: Scene) -> None:
        """Draw every class view of the first scene once, off screen: the fonts, sprites and
        texts the views share are made before a visitor's first press needs them (a view drawn
        cold costs a Pi 4 a tenth of a second, warm a fiftieth).

        The network view is drawn at each layer a grandeur nature run's signal reaches too:
        each has its own static layer, so the class's first run waits for none of them.
        """
        surface = screen_surface(self.view_rect.size)
        # What a view's partial redraw copies from: a full-size surface's first touch is slow.
        self.assets.overlay(self.view_rect.size, None, lambda overlay: None)
        scenes = [replace(scene, view=name) for name in VIEWS]
        scenes += [replace(scene, view="network", signal_layers=k) for k in range(len(LAYERS))]
        for each in scenes:
            try:
                draw_view(surface, each, self.assets)
            except Exception:  # a view that cannot draw this scene is drawn when it can
                log.debug("warming up the %s view failed", each.view, exc_info=True)

    def _only_the_clock_moved(self, scene: Scene) -> bool:
        """Whether ``scene`` is the last one shown re-timed (the engine keeps every other part
        of a scene the same objects while nothing changes) and nothing on screen moves with
        the time: then nothing is to be drawn, and even the panes' keys need not be made."""
        if self._drawn_for is None or self.presenting or moves_with_time(scene):
            return False
        last, presenting, rect = self._drawn_for
        if presenting or rect != tuple(self.view_rect):
            return False
        return all(getattr(scene, name) is getattr(last, name) for name in SCENE_PARTS)

    def _panel(self, scene: Scene, surface: pygame.Surface) -> list[Hotspot]:
        return draw_panel(surface, scene, self.assets)

    def close(self) -> None:
        """Close the window (and the presenter's)."""
        if self.presenter is not None:
            self.presenter.close()
        pygame.display.quit()

    # --- source ------------------------------------------------------------------------------

    def poll(self, now: float) -> list[Event]:
        """Everything people did since the last call, as events stamped ``now``."""
        events: list[Event] = []
        for event in pygame.event.get():
            events.extend(self.translate(event, now))
        return events + self._held(now)

    def _held(self, now: float) -> list[Event]:
        """A station button of the panel kept down with the mouse for ``HOLD_S``: held, once."""
        if self._holding is None or now - self._holding[2] < HOLD_S:
            return []
        neuron, button, _ = self._holding
        self._holding = None
        return [ButtonHeld(neuron, button, now)]

    def translate(self, event: pygame.event.Event, now: float) -> list[Event]:
        """The installation events one pygame event stands for (often none)."""
        if event.type == pygame.QUIT:
            return [QuitRequested(now)]
        if event.type == pygame.KEYDOWN:
            return self._key(event.key, now)
        presenter = self.presenter
        if event.type == pygame.MOUSEBUTTONDOWN and presenter and presenter.owns(event):
            return self._press(event.pos, now, presenter.hotspots)
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            return self._press(event.pos, now)
        if event.type == pygame.MOUSEMOTION and event.buttons[0]:
            return self._move(event.pos, now)
        if event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            self._drag, self._paint, self._last_value = None, None, None
            self._holding = None
        if event.type == pygame.VIDEORESIZE:
            self.screen = pygame.display.set_mode(event.size, pygame.RESIZABLE)
            self._resize(event.size)
        return []

    # --- keyboard ----------------------------------------------------------------------------

    def _key(self, key: int, now: float) -> list[Event]:
        if key == pygame.K_ESCAPE:
            return [QuitRequested(now)]
        if key in CONSOLE_KEYS:
            return [ConsoleAction(CONSOLE_KEYS[key], now)]
        if key in KEY_POSITIONS:
            return [KeyTurned(KEY_POSITIONS[key], now)]
        if key == pygame.K_p:
            self.presenting = not self.presenting
            self.panes.forget()  # the other view covered the whole: every pane is to be drawn
            return []
        if key == pygame.K_s:
            self.simulation = not self.simulation
            self._resize(self.screen.get_size())
            return []
        if self.scene is None:
            return []
        if key in (pygame.K_TAB, pygame.K_v):
            return [ViewChosen(_next(list(VIEWS), self.scene.view), now)]
        if key == pygame.K_l:
            return [LanguageChosen(next_language(self.scene.language), now)]
        if key in (pygame.K_UP, pygame.K_DOWN) and self.scene.digit_index is not None:
            step = -1 if key == pygame.K_UP else 1
            return [DigitChosen((self.scene.digit_index + step) % len(self.scene.digits), now)]
        return []

    # --- mouse and touch ---------------------------------------------------------------------

    def _press(
        self, pos: tuple[int, int], now: float, hotspots: list[Hotspot] | None = None
    ) -> list[Event]:
        found = self.hotspots if hotspots is None else hotspots
        spot = next((s for s in found if s.rect.collidepoint(pos)), None)
        if spot is None:
            return []
        if spot.kind == "slider":
            self._drag = spot
            return self._slide(pos, now)
        index, neuron = spot.index, spot.neuron
        if spot.kind == "button" and neuron is not None and spot.button is not None:
            self._holding = (neuron, spot.button, now)
            return [ButtonPressed(neuron, spot.button, now)]
        if spot.kind == "digit" and isinstance(index, int):
            return [DigitChosen(index, now)]
        if spot.kind == "cell" and isinstance(index, tuple) and self.scene is not None:
            drawing = self._drawing = self.scene.digit.pixels.copy()
            self._paint = 1 - int(drawing[index])
            return self._paint_cell(index, now)
        if spot.kind == "clear" and self.scene is not None:
            self._drawing = np.zeros_like(self.scene.digit.pixels)
            return [DrawingChanged(_rows(self._drawing), now)]
        if spot.kind == "add" and (index is None or isinstance(index, int)):
            return [DrawingAdded(index, now)]
        if spot.kind == "step" and index is not None:
            return [StepChosen(str(index), now)]
        if spot.kind == "accept" and neuron is not None:
            return [AnswerAccepted(neuron, now)]
        if spot.kind == "language" and index is not None:
            return [LanguageChosen(str(index), now)]
        return []

    def _move(self, pos: tuple[int, int], now: float) -> list[Event]:
        if self._drag is not None:
            return self._slide(pos, now)
        if self._paint is not None:
            spot = next(
                (s for s in self.hotspots if s.kind == "cell" and s.rect.collidepoint(pos)), None
            )
            index = spot.index if spot else None
            return self._paint_cell(index, now) if isinstance(index, tuple) else []
        return []

    def _slide(self, pos: tuple[int, int], now: float) -> list[Event]:
        drag = self._drag
        if drag is None or drag.scale is None or drag.neuron is None:
            return []
        value = drag.scale.value(pos[0], self.slider_step)
        if value == self._last_value:
            return []
        self._last_value = value
        return [SliderMoved(drag.neuron, value, now)]

    def _paint_cell(self, cell: tuple[int, int], now: float) -> list[Event]:
        drawing = self._drawing
        if drawing is None or drawing[cell] == self._paint:
            return []
        drawing[cell] = self._paint
        return [DrawingChanged(_rows(drawing), now)]

    # --- layout ------------------------------------------------------------------------------

    def _resize(self, size: tuple[int, int]) -> None:
        """Split the window into the view and, in simulation, the panel on the right."""
        self.view_rect, self.panel_rect = window_split(size, self.simulation)
        self.assets = Assets(self.view_rect.size, audited=False)
        self.panes.forget()
        self._drawn_for = None


def window_split(size: tuple[int, int], simulation: bool = True) -> tuple[pygame.Rect, pygame.Rect]:
    """The window's view and, in simulation, the panel on its right (else an empty one)."""
    width, height = size
    panel = round(width * 0.22) if simulation else 0
    return pygame.Rect(0, 0, width - panel, height), pygame.Rect(width - panel, 0, panel, height)


def _open_display(size: tuple[int, int], fullscreen: bool, caption: str) -> pygame.Surface:
    """Open the window, or raise :class:`NoDisplayError` saying what to do instead."""
    advice = (
        "no display to open a window on{why}; run `neurones run --headless`, "
        "or draw the views to PNG files with `neurones render VIEW`"
    )
    try:
        with _stderr_silenced():  # SDL prints its failed probes (X11, Wayland) on stderr
            pygame.display.init()
    except pygame.error as exc:
        raise NoDisplayError(advice.format(why=f" ({exc})")) from None
    driver = pygame.display.get_driver()
    # SDL falls back to an invisible driver when there is no screen; only accept one if asked.
    if driver in INVISIBLE_DRIVERS and os.environ.get("SDL_VIDEODRIVER") != driver:
        pygame.display.quit()
        raise NoDisplayError(advice.format(why=""))
    flags = pygame.FULLSCREEN if fullscreen else pygame.RESIZABLE
    try:
        screen = pygame.display.set_mode((0, 0) if fullscreen else size, flags)
    except pygame.error as exc:
        pygame.display.quit()
        raise NoDisplayError(advice.format(why=f" ({exc})")) from None
    pygame.display.set_caption(caption)
    pygame.key.set_repeat(350, 60)  # holding an arrow steps through digits
    return screen


@contextlib.contextmanager
def _stderr_silenced():
    """Send what C libraries write on stderr to nowhere, for the time of the block."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _next(options: list[T], current: str) -> T:
    """The option after ``current`` (the first if ``current`` is not among them)."""
    if current not in options:
        return options[0]
    return options[(options.index(current) + 1) % len(options)]


def _rows(pixels: np.ndarray) -> tuple[str, ...]:
    return tuple("".join("#" if p else "." for p in row) for row in pixels)


__all__ = ["NoDisplayError", "Window", "window_split"]


def _draw_black(surface: pygame.Surface) -> list[Hotspot]:
    surface.fill((0, 0, 0))
    return []


def _draw_fault(scene: Scene, assets: Assets, surface: pygame.Surface) -> list[Hotspot]:
    return draw_view(surface, scene, assets)
