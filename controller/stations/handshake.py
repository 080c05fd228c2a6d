"""The handshake: the host says HELLO, a station answers HELLO_ACK with who it is.

The answer says which protocol the board speaks, its serial, its firmware, why it last reset
and what kind of board it is (``firmware/PROTOCOL.md`` §3). The host talks on only to a station
of its own protocol major: a board of another major is refused (its firmware must be updated),
and so is a board that is not a station (the LED floor's driver shares the Pico's USB id).
A refused board is logged once and looked at again much later.
"""

from __future__ import annotations

import logging

from controller.stations.framing import PROTOCOL_MAJOR, PROTOCOL_MINOR, Frame
from controller.stations.messages import (
    KINDS,
    RESET_CAUSES,
    Hello,
    HelloAck,
    parse,
    read_versions,
)

log = logging.getLogger(__name__)

#: ``HelloAck.kind`` of a station (the other kind is the LED floor's driver).
STATION_KIND = 1


class Handshake:
    """What a station said of itself when it last answered HELLO, or why it was refused."""

    def __init__(self) -> None:
        self.firmware: str | None = None
        self.protocol: tuple[int, int] | None = None
        self.boot_id: int | None = None
        self.reset_cause: str | None = None
        self.refusal: str | None = None

    @staticmethod
    def hello() -> Hello:
        """What the host says first: the protocol it speaks."""
        return Hello(PROTOCOL_MAJOR, PROTOCOL_MINOR)

    def answer(self, frame: Frame, who: str) -> HelloAck | None:
        """The board's HELLO_ACK in ``frame``, or None when the host does not talk to that
        board (another protocol major: the refusal is kept and logged).

        :raises MessageError: for an answer that cannot be read.
        """
        major, minor = read_versions(frame.body)
        if major != PROTOCOL_MAJOR or frame.version != PROTOCOL_MAJOR:
            refusal = (
                f"{who}: protocol {major}.{minor}, this controller speaks "
                f"{PROTOCOL_MAJOR}.x: update the firmware"
            )
            if refusal != self.refusal:
                log.error("%s", refusal)
            self.refusal, self.protocol = refusal, (major, minor)
            return None
        ack = parse(frame)
        assert isinstance(ack, HelloAck)
        return ack

    def welcome(self, ack: HelloAck, who: str, device: str | None = None) -> bool:
        """Keep what a station (``who``, on ``device``) says of itself; False for a board that
        is not a station (the refusal is kept and logged)."""
        if ack.kind != STATION_KIND:
            kind = KINDS.get(ack.kind, f"kind {ack.kind}")
            log.warning(
                "board %s is a %s, not a station: list its serial in [stations] ignore",
                ack.serial,
                kind,
            )
            self.refusal = kind
            return False
        if ack.minor != PROTOCOL_MINOR:
            ours = (PROTOCOL_MAJOR, PROTOCOL_MINOR)
            log.info("%s speaks protocol %d.%d (we speak %d.%d)", who, ack.major, ack.minor, *ours)
        self.protocol = (ack.major, ack.minor)
        self.firmware = ack.firmware_version
        self.boot_id = ack.boot_id
        cause = ack.reset_cause
        self.reset_cause = RESET_CAUSES[cause] if cause < len(RESET_CAUSES) else str(cause)
        self.refusal = None
        log.info(
            "%s online: firmware %s, reset by %s, via %s",
            *(who, self.firmware, self.reset_cause, device),
        )
        return True
