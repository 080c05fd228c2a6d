"""Running under systemd: readiness, the watchdog and a status line, sent from the frame loop.

The unit (``deploy/neurones.service``) is ``Type=notify`` with ``WatchdogSec=``: systemd waits
for ``READY=1`` before it counts the installation as started, and restarts it if ``WATCHDOG=1``
stops arriving. :class:`ServiceNotifier` is a sink of the installation, so the watchdog is fed
from the frame loop itself: if the loop hangs (a stuck driver, a deadlock), the pings stop and
systemd restarts the program, which is what a kiosk nobody watches needs.

Outside systemd (no ``$NOTIFY_SOCKET``) it does nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import sdnotify

from controller.scene import Scene


def watchdog_interval(environ: Mapping[str, str] = os.environ) -> float | None:
    """How often to ping the watchdog: half of systemd's ``$WATCHDOG_USEC``, None if unset."""
    usec = environ.get("WATCHDOG_USEC")
    if not usec or (environ.get("WATCHDOG_PID") not in (None, str(os.getpid()))):
        return None
    return int(usec) / 1e6 / 2


def status_line(scene: Scene) -> str:
    """The one line ``systemctl status neurones`` shows: mode and stations online."""
    known = [s for s in scene.stations if s.online is not None]
    online = sum(1 for s in known if s.online)
    stations = f", {online}/{len(known)} stations online" if known else ""
    return f"{scene.mode} mode, view {scene.view}{stations}"


class ServiceNotifier:
    """A sink telling systemd the installation is ready, alive, and what it is doing."""

    def __init__(self, environ: Mapping[str, str] = os.environ) -> None:
        self.enabled = bool(environ.get("NOTIFY_SOCKET"))
        self._notifier = sdnotify.SystemdNotifier() if self.enabled else None
        self._interval = watchdog_interval(environ)
        self._ready = False
        self._last_ping: float | None = None
        self._last_status = ""

    def show(self, scene: Scene) -> None:
        """Once per frame: READY=1 the first time, then WATCHDOG=1 and STATUS= as needed."""
        if self._notifier is None:
            return
        messages = []
        if not self._ready:
            messages.append("READY=1")
            self._ready = True
        if self._interval is not None and (
            self._last_ping is None or scene.t - self._last_ping >= self._interval
        ):
            messages.append("WATCHDOG=1")
            self._last_ping = scene.t
        status = status_line(scene)
        if status != self._last_status:
            messages.append(f"STATUS={status}")
            self._last_status = status
        if messages:
            self._notifier.notify("\n".join(messages))

    def close(self) -> None:
        """Tell systemd the stop is deliberate, so it does not count as a failure."""
        if self._notifier is not None:
            self._notifier.notify("STOPPING=1")
