"""The LED floor's own Pico driver on USB serial: an LED output (firmware/leds/).

The driver speaks the stations' protocol (``firmware/PROTOCOL.md``): the host says ``HELLO``,
the board answers ``HELLO_ACK`` (kind 2, an LED driver); then each frame goes as ``LED_FRAME``
chunks of at most 500 pixels per strip, in RGB (the board puts each strip's bytes in its colour
order), and only the frame's last chunk carries ``PUSH``: the driver shows nothing before it,
so a frame is never half old, half new. Once a second the driver reports ``LED_STATUS``
(frames shown and dropped, its frame rate), which :meth:`PicoLedOutput.health` passes on.
When the installation stops, :meth:`PicoLedOutput.go_dark` sends a black frame and ``LED_OFF``
(protocol 2.1): the driver holds the floor dark instead of fading to its idle glow.

A :class:`PicoLedOutput` is an :class:`~controller.floor.output.LedOutput`: the LED sender's
thread calls :meth:`~PicoLedOutput.send`, and any failure (unplugged, silent, refused) raises,
so its :class:`~controller.floor.output.OutputSlot` closes it and tries again with back-off.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from controller.errors import NeuronesError
from controller.stations.framing import LED_LIMIT, PROTOCOL_MAJOR, PUSH, Deframer, encode
from controller.stations.messages import (
    KINDS,
    LED_CHUNK_PIXELS,
    Hello,
    HelloAck,
    LedFrame,
    LedOff,
    LedStatus,
    Log,
    MessageError,
    pack,
    parse,
)
from controller.stations.port import open_serial

log = logging.getLogger(__name__)

#: ``HelloAck.kind`` of an LED driver.
LED_DRIVER_KIND = 2
#: How long the driver has to answer HELLO.
HANDSHAKE_S = 1.0
#: How long :meth:`PicoLedOutput.go_dark` waits for the driver to say it is dark (its status
#: comes once a second): the port is closed only then, so the message is not lost on the way.
DARK_CONFIRM_S = 1.5
#: Frames a second sent to the driver unless the installation file says otherwise: the
#: floor's own 40. An RP2040 keeps up with the shipped floor at an estimated ~45 frames a
#: second lit and ~70 dark (``neurones bench --only led-link``: the driver's firmware timed
#: in MicroPython here, scaled to an RP2040 by Pystone, plus its bytes over USB).
PICO_FPS = 40.0


class LedDriverError(NeuronesError, ConnectionError):
    """The LED driver cannot be used: not found, silent, refused, or of another protocol."""


@dataclass(frozen=True)
class DriverStatus:
    """The driver's last ``LED_STATUS``: frames shown and dropped, frames per second, idle (its
    glow), dark (held dark by ``LED_OFF``)."""

    frame_id: int = 0
    shown: int = 0
    dropped: int = 0
    fps: float = 0.0
    idle: bool = True
    dark: bool = False


def find_driver(serial_number: str, discover: Callable[[], list[Any]] | None = None) -> str:
    """The device path of the board with this USB serial number.

    :raises LedDriverError: if it is not plugged in.
    """
    if discover is None:
        from controller.stations.links import usb_discovery

        discover = usb_discovery
    for port in discover():
        if (getattr(port, "serial_number", None) or "").upper() == serial_number.upper():
            return port.device
    raise LedDriverError(f"LED driver {serial_number} is not plugged in")


class PicoLedOutput:
    """Frames to the Pico LED driver on ``device``, strip by strip.

    :param device: the driver's serial port.
    :param strips: ``(first, count)`` of each driver strip within the frame's LEDs, in the
        driver's strip order (its ``strips.py``), as the installation file lists the strips.
    :param fps: at most this many frames a second (the USB link's budget; the LED sender may
        call more often).
    :param opener: opens the port (pyserial by default).
    :param clock: monotonic seconds.
    """

    def __init__(
        self,
        device: str,
        strips: Sequence[tuple[int, int]],
        *,
        fps: float = PICO_FPS,
        opener: Callable[[str], Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.device = device
        self.strips = tuple(strips)
        self.period = 1.0 / fps
        self.clock = clock
        self.deframer = Deframer(LED_LIMIT)
        self.status = DriverStatus()
        self.frame_id = 0
        self.seq = 0
        self._sent_at: float | None = None
        self.port = (opener or open_serial)(device)
        try:
            self.ack = self._handshake()
        except Exception:
            self.port.close()
            raise

    def send(self, frame: Any) -> bool:
        """Send ``frame`` (its ``rgb``: ``(leds, 3)`` uint8), unless one went out less than a
        period ago (then False); read what the driver said meanwhile.

        :raises OSError: when the port fails (the slot then retries).
        """
        self.read_status()
        now = self.clock()
        if self._sent_at is not None and now - self._sent_at < self.period:
            return False
        self._sent_at = now
        self.frame_id = (self.frame_id + 1) & 0xFFFF
        self.port.write(b"".join(self._chunks(np.asarray(frame.rgb, dtype=np.uint8))))
        return True

    def frame_bytes(self, frame: Any) -> bytes:
        """The bytes ``frame`` takes on the wire (its pixels as runs, PROTOCOL.md §3), as
        :meth:`send` would write them (but not sent)."""
        seq = self.seq
        data = b"".join(self._chunks(np.asarray(frame.rgb, dtype=np.uint8)))
        self.seq = seq
        return data

    def health(self) -> DriverStatus:
        """What the driver last reported."""
        return self.status

    def go_dark(self, confirm_s: float = DARK_CONFIRM_S) -> bool:
        """Lights out, at once: a black frame (a 2.0 driver shows it, then fades to its idle
        glow), then ``LED_OFF``, which holds it black until the next frame; then wait up to
        ``confirm_s`` for the driver's status to say so. Whether it did.

        :raises OSError: when the port fails.
        """
        leds = max((first + count for first, count in self.strips), default=0)
        self.frame_id = (self.frame_id + 1) & 0xFFFF
        black = np.zeros((leds, 3), dtype=np.uint8)
        self.port.write(b"".join(self._chunks(black)) + self._wire(LedOff()))
        self.port.flush()
        end = self.clock() + confirm_s
        while not self.read_status().dark:
            if self.clock() >= end:
                log.info("LED driver on %s did not confirm it is dark", self.device)
                return False
            time.sleep(0.02)
        return True

    def close(self) -> None:
        """Close the port (the driver fades to its idle pattern after 2.5 s, unless it was
        put out with :meth:`go_dark`)."""
        self.port.close()

    def _chunks(self, rgb: np.ndarray) -> list[bytes]:
        """The frame's wire bytes: each strip in chunks of at most 500 LEDs, PUSH last."""
        pieces = []
        for strip, (first, count) in enumerate(self.strips):
            for start in range(0, count, LED_CHUNK_PIXELS):
                pixels = rgb[first + start : first + min(count, start + LED_CHUNK_PIXELS)]
                pieces.append(LedFrame(self.frame_id, strip, start, pixels.tobytes()))
        last = len(pieces) - 1
        return [self._wire(p, PUSH if i == last else 0) for i, p in enumerate(pieces)]

    def _wire(self, message: Any, flags: int = 0) -> bytes:
        self.seq = (self.seq + 1) & 0xFF
        return encode(pack(message, self.seq, flags), LED_LIMIT)

    def _handshake(self) -> HelloAck:
        """HELLO, then the driver's HELLO_ACK within :data:`HANDSHAKE_S`."""
        self.port.write(b"\x00" + self._wire(Hello()))
        end = self.clock() + HANDSHAKE_S
        while self.clock() < end:
            for message in self._messages(self.port.read(4096)):
                if isinstance(message, HelloAck):
                    return self._accepted(message)
            time.sleep(0.01)
        raise LedDriverError(f"no answer from the LED driver on {self.device}")

    def _accepted(self, ack: HelloAck) -> HelloAck:
        if ack.major != PROTOCOL_MAJOR:
            raise LedDriverError(
                f"LED driver {ack.serial}: protocol {ack.major}.{ack.minor}, this controller "
                f"speaks {PROTOCOL_MAJOR}.x: update its firmware"
            )
        if ack.kind != LED_DRIVER_KIND:
            kind = KINDS.get(ack.kind, f"kind {ack.kind}")
            raise LedDriverError(f"board {ack.serial} on {self.device} is a {kind}")
        log.info("LED driver %s (firmware %s) on %s", ack.serial, ack.firmware_version, self.device)
        return ack

    def read_status(self) -> DriverStatus:
        """Take in what the driver said (status reports, notes) without waiting; its status."""
        for message in self._messages(self.port.read(4096)):
            if isinstance(message, LedStatus):
                self.status = DriverStatus(
                    message.frame_id,
                    message.shown,
                    message.dropped,
                    message.fps_x10 / 10,
                    message.idle == 1,
                    message.idle == 2,
                )
            elif isinstance(message, Log):
                log.info("LED driver: %s", message.text)
        return self.status

    def _messages(self, data: bytes) -> list[Any]:
        messages = []
        for frame in self.deframer.feed(data):
            try:
                messages.append(parse(frame))
            except MessageError:
                self.deframer.errors.count("malformed", len(frame.body))
        return messages


__all__ = ["DriverStatus", "LedDriverError", "PicoLedOutput", "find_driver"]
