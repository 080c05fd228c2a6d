"""The presenter view on a second display: the leader's notes on the Pi's second HDMI output.

pygame 2 opens one window through ``pygame.display``; a second one only through its
experimental ``pygame._sdl2.video`` module (SDL2's own windows and renderers). This module is
the one place the installation touches that API, so when it changes (or is missing from a
pygame build), one small class changes and the rest of the screen does not:

- :meth:`PresenterScreen.open` opens a borderless window filling the second display when
  there is one (or the display it is told), and returns None when there is none or the module
  is missing: the class screen's leader key then shows the presenter view instead
  (:class:`display.window.Window`);
- :meth:`PresenterScreen.show` draws the presenter view of a scene
  (:func:`display.registry.draw_presenter`) and puts it on the window. What it shows changes
  a few times a minute, so it draws only when that changes, not at the frame rate;
- :meth:`PresenterScreen.owns` tells the window's events apart: a touch on the presenter's
  step dots jumps to that step, as on the class screen.

It is tested on SDL's dummy video driver, which has one display: ``open(display=0)``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Any

import pygame

from controller.scene import Scene
from display.assets import Assets
from display.hotspot import Hotspot
from display.registry import draw_presenter

#: SDL's "centred on display N" window position (SDL_WINDOWPOS_CENTERED_DISPLAY).
_CENTRED_ON = 0x2FFF0000


class PresenterScreen:
    """A second window showing the presenter view.

    :param video: the ``pygame._sdl2.video`` module.
    :param display: the index of the display it fills.
    """

    def __init__(self, video: Any, display: int) -> None:
        size = pygame.display.get_desktop_sizes()[display]
        position = (_CENTRED_ON | display, _CENTRED_ON | display)
        self.window = video.Window("Connecte tes neurones · animation", size, position)
        self.window.borderless = True
        self.renderer = video.Renderer(self.window)
        self._texture_from = video.Texture.from_surface
        self.surface = pygame.Surface(size)
        self.assets = Assets(size, audited=False)
        self.hotspots: list[Hotspot] = []
        self._shown: Hashable = None

    @classmethod
    def open(cls, display: int | None = None) -> PresenterScreen | None:
        """The presenter's window on ``display``, or by default on the second display if there
        is one; None when there is no such display or no ``pygame._sdl2.video``."""
        try:
            from pygame._sdl2 import video
        except ImportError:
            return None
        count = pygame.display.get_num_displays() if pygame.display.get_init() else 0
        if display is None:
            display = 1
        if not 0 <= display < count:
            return None
        try:
            return cls(video, display)
        except (pygame.error, getattr(video, "error", pygame.error)):
            return None

    def show(self, scene: Scene) -> None:
        """Draw the presenter view of ``scene`` on the window, if what it shows changed (black
        while the installation sleeps outside opening hours)."""
        key = "asleep" if scene.asleep else _what_shows(scene)
        if key == self._shown:
            return
        self._shown = key
        if scene.asleep:  # outside opening hours: black, as the class screen
            self.surface.fill((0, 0, 0))
            self.hotspots = []
        else:
            self.hotspots = draw_presenter(self.surface, scene, self.assets)
        texture = self._texture_from(self.renderer, self.surface)
        self.renderer.clear()
        texture.draw()
        self.renderer.present()

    def owns(self, event: pygame.event.Event) -> bool:
        """Whether ``event`` (a mouse event) happened in this window."""
        window = getattr(event, "window", None)
        if window is None:
            return False
        return window is self.window or getattr(window, "id", window) == self.window.id

    def close(self) -> None:
        """Close the window."""
        self.window.destroy()


def _what_shows(scene: Scene) -> Hashable:
    """Everything the presenter view draws from ``scene``: it redraws when this changes (the
    clock counts minutes: every ten seconds is enough)."""
    answers = tuple((s.neuron, s.answer) for s in scene.stations if s.answer is not None)
    return (
        scene.workshop,
        scene.language,
        answers,
        math.floor(scene.t / 10),
        scene.recognised().tobytes(),
    )
