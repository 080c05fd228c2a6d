"""Waiting for a data file to be fixed, with the exhibit lit and the health page up.

A typo in a data file on the Pi must not leave a museum with a dark screen and a service that
restarts every two seconds. So when a data file cannot be loaded at start, ``neurones run``
keeps running an installation of a special kind: its rules (:class:`FaultRules`) show the
technician's message (:func:`controller.scene.fault_scene`) whatever happens, the health page
says ``error`` with the same text, systemd's watchdog is fed, and a :class:`DataWatch` looks at
the data files once a second: when one changes, the loop stops and the command loads everything
again (starting for real if the fix holds, or showing the next mistake)::

    watch = DataWatch(files)
    installation = Installation(FaultRules.session(), FaultRules(fault_view(error)),
                                sources=[watch, window], sinks=[window, notifier])
    installation.run()
    if watch.changed: …  # try again
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from controller.datafile import DataError
from controller.digits import blank_set
from controller.events import Event, QuitRequested
from controller.network import Network
from controller.scene import FaultView, Scene, fault_scene
from controller.session import Session

log = logging.getLogger(__name__)

#: Seconds between two looks at the data files.
WATCH_EVERY_S = 1.0


def fault_view(error: DataError) -> FaultView:
    """What the technician's screen says of ``error``: its file, key path, line and message."""
    return FaultView(error.source, error.field, error.message, error.line)


class FaultRules:
    """The rules of an installation waiting for a data file: every scene is the fault's.

    They follow the loop's :class:`~controller.loop.Rules`: events change nothing (a station
    pressed, a key turned), the scene is the technician's message in the session's language.
    """

    def __init__(self, fault: FaultView) -> None:
        self.fault = fault

    @staticmethod
    def session() -> Session:
        """The session the loop is handed: nothing in it is shown (the network may be at fault,
        so it stands on an empty one)."""
        return Session.start(Network.empty(), blank_set())

    def apply_all(self, session: Session, events: Iterable[Event]) -> Session:
        """Nothing a person does changes the message."""
        return session

    def scene(self, session: Session, now: float) -> Scene:
        """The technician's message."""
        return fault_scene(self.fault, now, session.language)


def fingerprint(files: Iterable[Path]) -> tuple[tuple[str, int, int] | None, ...]:
    """What changes when a file is saved: its modification time and size (None if missing)."""
    seen: list[tuple[str, int, int] | None] = []
    for path in files:
        try:
            stat = os.stat(path)
        except OSError:
            seen.append(None)
            continue
        seen.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(seen)


class DataWatch:
    """A source that asks the loop to stop once a data file changes (it is saved, appears or
    goes), looking once a second; :attr:`changed` then says why the loop stopped.

    :param files: the files to watch (a file that appears or goes counts as a change).
    """

    def __init__(self, files: Iterable[Path], every_s: float = WATCH_EVERY_S) -> None:
        self.files = list(files)
        self.every_s = every_s
        self.changed = False
        self._seen = fingerprint(self.files)
        self._looked: float | None = None

    def poll(self, now: float) -> list[Event]:
        """Look at the files if it is time; a :class:`QuitRequested` once one has changed."""
        if self._looked is not None and now - self._looked < self.every_s:
            return []
        self._looked = now
        if fingerprint(self.files) == self._seen:
            return []
        self.changed = True
        log.info("a data file changed: loading everything again")
        return [QuitRequested(now)]

    def close(self) -> None:
        """Nothing to release."""
