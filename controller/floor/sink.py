"""The LED floor as a part of the installation: one frame per scene, for the LEDs and the screen.

:class:`FloorSink` is a sink of :class:`controller.loop.Installation`: for each scene it computes
the LED frame once (:class:`controller.floor.frame.FloorRenderer`), hands it to the LED sender
(which sends it at its own steady rate) and, when the installation file lists the on-screen
floor, passes the scene on to the screen with the frame's view in ``scene.floor``::

    floor = open_floor(network, load_floor(network), screens=[window])
    installation = Installation(session, engine, sources=[window], sinks=[floor])

The screen is reached through the floor so that both show the very same frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from controller.floor.frame import FloorFrame, FloorRenderer
from controller.floor.mat import FloorLayout
from controller.floor.output import LedSender, OutputHealth, output_slots
from controller.loop import Sink
from controller.network import Network
from controller.scene import Scene


class FloorSink:
    """Turns each scene into an LED frame; sends it to the LEDs and shows it on the screens.

    :param renderer: the floor's renderer.
    :param sender: the LED outputs' sender (None: no LED hardware to feed).
    :param screens: sinks that draw the scene (the window), given it with ``floor`` set.
    :param on_screen: whether the screens get the floor (an ``[[led_output]]`` of kind screen).
    :param pattern: a test pattern to hold instead of the scene (``--led-test``).
    """

    def __init__(
        self,
        renderer: FloorRenderer,
        sender: LedSender | None = None,
        *,
        screens: Sequence[Sink] = (),
        on_screen: bool = True,
        pattern: str | None = None,
    ) -> None:
        self.renderer = renderer
        self.sender = sender
        self.screens = list(screens)
        self.on_screen = on_screen
        self.pattern = pattern
        self.last: FloorFrame | None = None

    def show(self, scene: Scene) -> None:
        """Compute the scene's LED frame, queue it for the LEDs, show it on the screens.

        If the frame cannot be computed the screens still get the scene (without the floor)
        and the error is raised afterwards, for the installation to log and count. When the
        screens do not show the floor, they are shown the scene first: a slider's move reaches
        the screen without waiting for the LED frame.
        """
        if not self.on_screen:
            for screen in self.screens:
                screen.show(scene)
            self._leds(scene)
            return
        failure = None
        try:
            frame = self.last = self.renderer.frame(scene, self.pattern)
        except Exception as exc:  # a floor bug must not freeze the screen
            failure = exc
        else:
            if self.sender is not None:
                self.sender.put(frame)
            if self.on_screen:
                scene = replace(scene, floor=frame.view)
        for screen in self.screens:
            screen.show(scene)
        if failure is not None:
            raise failure

    def _leds(self, scene: Scene) -> None:
        """Compute the scene's LED frame and queue it for the LEDs."""
        frame = self.last = self.renderer.frame(scene, self.pattern)
        if self.sender is not None:
            self.sender.put(frame)

    def health(self) -> tuple[OutputHealth, ...]:
        """Each LED output's state and counts."""
        return () if self.sender is None else self.sender.health()

    def close(self) -> None:
        """Stop sending and close the LED outputs (the screens are closed by their owner)."""
        if self.sender is not None:
            self.sender.close()


def open_floor(
    network: Network,
    layout: FloorLayout | None,
    *,
    screens: Sequence[Sink] = (),
    pattern: str | None = None,
) -> FloorSink | None:
    """The floor ``layout`` describes (:func:`controller.floor.mat.load_floor`), its LED outputs
    sending; None for an installation without a floor."""
    if layout is None:
        return None
    slots = output_slots(layout)
    sender = LedSender(slots, layout.settings.fps).start() if slots else None
    on_screen = any(o.kind == "screen" for o in layout.outputs)
    renderer = FloorRenderer(layout, network)
    return FloorSink(renderer, sender, screens=screens, on_screen=on_screen, pattern=pattern)


__all__ = ["FloorSink", "open_floor"]
