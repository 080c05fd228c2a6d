"""What a technician counts of one station's line, kept across reconnects.

Every valid frame, every frame dropped (by kind: bad framing, CRC, version, size, or a message
that does not parse), every gap in the station's sequence numbers, every time the line found its
feet again after dropped frames, and every reconnect. The open port's receiver counts its own
drops as it reads (:class:`~controller.stations.framing.LineErrors`); when the port closes they
are added to those of the ports before, so nothing is forgotten when a station comes and goes.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from controller.stations.framing import LineErrors

#: Half the range of the 8-bit sequence numbers: a jump this large or more is not frames lost.
SEQUENCE_HALF = 128


class Counters:
    """One station's counts since the controller started (see the module doc)."""

    def __init__(self) -> None:
        self.frames = 0  # valid state frames
        self.malformed = 0  # frames whose message did not parse
        self.resyncs = 0
        self.lost_frames = 0
        self.reconnects = 0
        self.handshakes = 0
        self._past = LineErrors()  # dropped by the ports closed before
        self._line: LineErrors | None = None  # the open port's receiver's own counts
        self._seen = 0  # the open port's drops already followed by a valid frame
        self._last_seq: int | None = None

    def opened(self, line: LineErrors) -> None:
        """A port is open; its receiver counts its drops in ``line``."""
        self._line, self._seen = line, 0

    def closed(self) -> None:
        """The port is closed: keep what its receiver dropped."""
        if self._line is not None:
            for f in fields(LineErrors):
                setattr(
                    self._past, f.name, getattr(self._past, f.name) + getattr(self._line, f.name)
                )
        self._line = None

    def welcomed(self) -> None:
        """The station answered its handshake (again, after the first: a reconnect)."""
        self.reconnects += self.handshakes > 0
        self.handshakes += 1
        self._last_seq = None

    def heard(self, seq: int) -> None:
        """A valid frame with sequence number ``seq`` arrived: count the frames lost before it,
        and a resync if frames were dropped since the last valid one."""
        if self._last_seq is not None:
            gap = (seq - self._last_seq - 1) & 0xFF
            # Half the sequence's range or more is no loss: a station that silent would have
            # been offline and greeted again (which restarts the count); it is a repeat.
            self.lost_frames += gap if gap < SEQUENCE_HALF else 0
        self._last_seq = seq
        seen = self.line_errors().total()
        if seen > self._seen:
            self.resyncs += 1
            self._seen = seen

    def figures(self) -> dict[str, Any]:
        """The counts as :class:`~controller.diagnosis.StationFigures` fields."""
        return {
            "frames": self.frames,
            "errors": self.errors,
            "reconnects": self.reconnects,
            "errors_by_kind": self.by_kind(),
            "lost_frames": self.lost_frames,
            "resyncs": self.resyncs,
        }

    def line_errors(self) -> LineErrors:
        """What the open port's receiver has dropped so far (empty when closed)."""
        return self._line if self._line is not None else LineErrors()

    @property
    def errors(self) -> int:
        """Frames dropped since start: bad framing, CRC, version, size, malformed messages."""
        return self._past.total() + self.line_errors().total() + self.malformed

    def by_kind(self) -> dict[str, int]:
        """Frames dropped since start by kind (``firmware/PROTOCOL.md`` §1), and the bytes
        thrown away."""
        now = asdict(self.line_errors())
        kinds = {k: v + now[k] for k, v in asdict(self._past).items()}
        kinds["malformed"] += self.malformed
        return kinds
