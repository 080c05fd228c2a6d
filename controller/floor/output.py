"""LED outputs: frames sent at a steady rate, whatever the screen does, and never a crash.

An *LED output* is anything with ``send(frame)`` and ``close()`` (:class:`LedOutput`): a WLED
controller over DDP (:class:`controller.floor.ddp.DdpOutput`), or our Pico LED driver on USB serial
(:class:`controller.floor.pico.PicoLedOutput`). Each is held by an :class:`OutputSlot`, which
opens it, and when it fails (unplugged, unreachable, refused) logs it once, counts it, closes
it and tries again after a back-off of 1 s growing to 5 s, as the stations are retried
(docs/hardware.md §5).

:class:`LedSender` runs on its own thread at the floor's rate (40 fps by default): each tick it
sends the newest frame to every slot. The installation's loop only hands it frames
(:meth:`LedSender.put`), so a slow screen frame never makes the floor stutter, and a stuck
output never slows the screen. A frame goes out when its bytes changed; an unchanged one only
every :data:`KEEPALIVE_S`, to keep the output ours: WLED leaves its realtime mode for its own
effects, and our Pico driver fades to its idle pattern, after 2.5 s without a frame.

When the installation stops, :meth:`LedSender.close` puts every output's lights out before
closing it (:meth:`LedOutput.go_dark`: a black frame, and what holds it black: ``LED_OFF`` for
the Pico driver, WLED switched off through its JSON API if asked), so a closed exhibit is dark.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from controller.floor.mat import FloorLayout, OutputConfig

log = logging.getLogger(__name__)

#: Seconds before retrying a failed output, at first and at most (docs/hardware.md §5).
FIRST_RETRY_S, MAX_RETRY_S = 1.0, 5.0
#: An unchanged frame is sent again this often: well within the outputs' 2.5 s before idling.
KEEPALIVE_S = 1.0


class LedOutput(Protocol):
    """Where LED frames go. ``send`` raises (``OSError`` …) when the link fails, and returns
    False when the output let the frame pass (its own rate: it is offered again); ``go_dark``
    puts the lights out for good (the installation stops)."""

    def send(self, frame) -> bool | None: ...

    def go_dark(self) -> bool | None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class OutputHealth:
    """How an output is doing, for logs and the technician."""

    name: str
    connected: bool
    frames: int  # frames sent
    failures: int  # failed opens and sends
    last_error: str | None


class OutputSlot:
    """One LED output, kept going: opened when needed, retried with back-off when it fails.

    :param name: how logs and the technician call it (``"ddp 192.168.1.40:4048"``).
    :param opener: makes the output (may raise, e.g. a host name that does not resolve).
    """

    def __init__(self, name: str, opener: Callable[[], LedOutput]) -> None:
        self.name = name
        self.opener = opener
        self.output: LedOutput | None = None
        self.frames = 0
        self.failures = 0
        self.last_error: str | None = None
        self.retry_at = float("-inf")
        self.delay = FIRST_RETRY_S
        self.failing = False
        self.sent: object = None  # the last frame the output took …
        self.sent_at = float("-inf")  # … and when

    def offer(self, frame, now: float) -> bool:
        """Send ``frame`` if the output is up or due for a retry, and the frame differs from
        the last one sent or the keep-alive is due; True if it was sent."""
        if self.output is None:
            if now < self.retry_at:
                return False
            try:
                self.output = self.opener()
            except Exception as exc:  # any failure is the output's, never the floor's
                self._failed(exc, now)
                return False
            self.sent = None  # a new link: the output has shown nothing of ours yet
        if now - self.sent_at < KEEPALIVE_S and _same(frame, self.sent):
            return False
        try:
            if self.output.send(frame) is False:
                return False  # not now (the output's own rate): offered again next tick
        except Exception as exc:
            self._failed(exc, now)
            return False
        self.sent, self.sent_at = frame, now
        self.frames += 1
        if self.failing:
            log.info("LED output %s is back", self.name)
        self.failing = False
        self.delay = FIRST_RETRY_S
        return True

    def _failed(self, exc: Exception, now: float) -> None:
        self.failures += 1
        self.last_error = f"{type(exc).__name__}: {exc}"
        if not self.failing:  # say it once per outage, not forty times a second
            log.warning("LED output %s failed (%s); retrying", self.name, self.last_error)
        self.failing = True
        self._drop()
        self.retry_at = now + self.delay
        self.delay = min(self.delay * 2, MAX_RETRY_S)

    def _drop(self) -> None:
        if self.output is not None:
            try:
                self.output.close()
            except Exception:
                log.debug("closing LED output %s failed", self.name, exc_info=True)
            self.output = None

    def health(self) -> OutputHealth:
        """The output's state and counts now."""
        connected = self.output is not None and not self.failing
        return OutputHealth(self.name, connected, self.frames, self.failures, self.last_error)

    def go_dark(self) -> None:
        """Put the output's lights out, if it is open (a failure is logged: the installation
        is stopping)."""
        if self.output is None:
            return
        try:
            self.output.go_dark()
        except Exception as exc:
            log.warning("LED output %s not put out: %s", self.name, exc)

    def close(self) -> None:
        """Close the output, if open."""
        self._drop()


class LedSender:
    """Sends the newest frame to every output slot at a steady rate, on its own thread.

    :param slots: the outputs.
    :param fps: frames per second.
    :param clock: monotonic seconds (the slots' back-off runs on it).
    """

    def __init__(
        self,
        slots: Sequence[OutputSlot],
        fps: float = 40.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.slots = list(slots)
        self.period = 1.0 / fps
        self.clock = clock
        self.latest = None
        self.ticks = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="led-sender", daemon=True)

    def start(self) -> LedSender:
        """Start sending on the sender's thread; returns the sender."""
        self._thread.start()
        return self

    def put(self, frame) -> None:
        """Make ``frame`` the one sent from the next tick on (called by the installation loop)."""
        self.latest = frame  # one reference assignment: atomic, no lock needed

    def tick(self, now: float) -> None:
        """Send the newest frame to every slot once (the thread calls this each period)."""
        frame = self.latest
        if frame is None:
            return
        self.ticks += 1
        for slot in self.slots:
            slot.offer(frame, now)

    def _run(self) -> None:
        due = self.clock()
        while not self._stop.wait(max(0.0, due - self.clock())):
            self.tick(self.clock())
            due += self.period
            if self.clock() - due > self.period:  # fell behind (a busy machine): skip, no burst
                due = self.clock()

    def health(self) -> tuple[OutputHealth, ...]:
        """Each output's state and counts."""
        return tuple(slot.health() for slot in self.slots)

    def close(self) -> None:
        """Stop the thread, put every output's lights out and close it."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)
        for slot in self.slots:
            slot.go_dark()
            slot.close()


def _same(frame, sent) -> bool:
    """Whether ``frame`` shows what ``sent`` showed (the same frame, or the same bytes)."""
    if frame is sent:
        return True
    rgb, before = getattr(frame, "rgb", None), getattr(sent, "rgb", None)
    return rgb is not None and before is not None and np.array_equal(rgb, before)


def output_slot(config: OutputConfig, layout: FloorLayout) -> OutputSlot:
    """The slot for one ``[[led_output]]`` that sends frames somewhere (not ``"screen"``)."""
    if config.kind == "ddp":
        from controller.floor.ddp import DdpOutput

        host = config.host
        assert host is not None  # the floor's layout requires it for a ddp output
        leds = layout.strip_indices(config.strips)
        api = config.wled_api
        return OutputSlot(
            f"ddp {host}:{config.port}", lambda: DdpOutput(host, config.port, leds, api)
        )
    if config.kind == "pico":
        from controller.floor.pico import PicoLedOutput, find_driver

        chosen = [layout.strip(n) for n in config.strips] if config.strips else layout.strips
        strips = [(s.offset, s.leds) for s in chosen]

        def opener() -> LedOutput:
            # The floor's layout gives a pico output its serial or its port, and its rate.
            device = config.device or find_driver(config.serial or "")
            if config.fps is None:
                return PicoLedOutput(device, strips)
            return PicoLedOutput(device, strips, fps=config.fps)

        return OutputSlot(f"pico {config.serial or config.device}", opener)
    raise ValueError(f"no LED output of kind {config.kind!r}")


def output_slots(layout: FloorLayout) -> list[OutputSlot]:
    """A slot for every output of the layout that sends frames (the screen needs none)."""
    return [output_slot(c, layout) for c in layout.outputs if c.kind != "screen"]


__all__ = ["LedOutput", "LedSender", "OutputHealth", "OutputSlot", "output_slot", "output_slots"]
