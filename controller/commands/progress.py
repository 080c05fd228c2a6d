"""A progress line for long runs and rehearsals: what ``neurones run`` is doing, as it goes.

On a terminal, a run with ``--for`` or a rehearsal redraws one line a few times a second::

    45 s / 600 s · workshop 4/22 gn-3 · stations 15/16 · 60 turns/s

Written to standard error, so what a command prints on standard output stays clean; nothing at
all when standard error is not a terminal (a pipe, a log file, the journal): a line redrawn
with carriage returns is for a person watching, not for a file. A log line is printed on a line
of its own: the progress line is wiped first (:meth:`ProgressLine.wipe_before_logs`) and drawn
again below it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TextIO

from controller.scene import Scene

#: Seconds between two redraws of the line.
PERIOD_S = 0.25


def progress_text(scene: Scene, elapsed: float, duration: float | None, rate: float) -> str:
    """The line for ``scene``, ``elapsed`` seconds into a run of ``duration`` (None: open-ended)
    turning ``rate`` times a second."""
    parts = [f"{elapsed:.0f} s" + (f" / {duration:.0f} s" if duration is not None else "")]
    if scene.workshop is not None:
        step = scene.workshop
        parts.append(f"workshop {step.index + 1}/{step.count} {step.step}")
    elif scene.visitor is not None:
        visitor = scene.visitor
        challenge = f" {visitor.number}/{visitor.count}" if visitor.number else ""
        parts.append(f"visitor {visitor.phase}{challenge}")
    else:
        parts.append(scene.mode)
    known = [s.online for s in scene.stations if s.online is not None]
    if known:
        parts.append(f"stations {sum(known)}/{len(known)}")
    parts.append(f"{rate:.0f} turns/s")
    return " · ".join(parts)


class ProgressLine:
    """A sink of the loop that keeps a progress line on a terminal (see the module doc).

    :param stream: where the line goes (standard error); if it is not a terminal, nothing is
        ever written.
    :param duration: how long the run lasts, if it is timed.
    :param clock: wall-clock seconds, for the redraws' pace (the scenes carry the run's time,
        which a rehearsal simulates).
    """

    def __init__(
        self,
        stream: TextIO,
        duration: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.duration = duration
        self.clock = clock
        self.live = _is_terminal(stream)
        self._first: float | None = None  # the first scene's time
        self._drawn: float | None = None  # when the line was last drawn (wall clock)
        self._turns = 0
        self._width = 0
        self._filtered: list[logging.Handler] = []

    def wipe_before_logs(self) -> None:
        """Wipe the line before each log record written to the same stream (the root logger's
        handlers), so a log line stands on a line of its own; undone by :meth:`close`."""
        for handler in logging.getLogger().handlers:
            if getattr(handler, "stream", None) is self.stream:
                handler.addFilter(self.before_log)
                self._filtered.append(handler)

    def show(self, scene: Scene) -> None:
        """Count the turn; redraw the line if its time has come."""
        if not self.live:
            return
        now = self.clock()
        if self._first is None:  # the count of turns starts here
            self._first, self._drawn = scene.t, now
            return
        self._turns += 1
        assert self._drawn is not None
        if now - self._drawn < PERIOD_S:
            return
        rate = self._turns / (now - self._drawn)
        self._turns, self._drawn = 0, now
        text = progress_text(scene, scene.t - self._first, self.duration, rate)
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def before_log(self, record: logging.LogRecord) -> bool:
        """A logging filter for the handlers writing to the same terminal: wipe the line
        before the record is written (it is drawn again at the next redraw). Always True."""
        if self.live and self._width:
            self.stream.write("\r\x1b[K")  # back to the start, and clear to the end
            self._width = 0
        return True

    def close(self) -> None:
        """End the line, so what is printed next starts on a line of its own."""
        for handler in self._filtered:
            handler.removeFilter(self.before_log)
        self._filtered.clear()
        if self.live and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a file at all
        return False
