"""A safe shutdown from the leader console: hold *reset* for 5 s with the key on *technician*.

Museum staff switch the installation off at the wall. Cutting the power is safe (every save is
atomic), but a clean power-off is kinder to the SD card, so the console offers one: the key on
*technician* (so a visitor cannot do it) and the *reset* button held for five seconds.
:class:`LongPress` recognises the gesture (pure); :class:`SafeShutdown` is a source of the
installation that runs ``systemctl poweroff`` (allowed to the service's user by the polkit rule
in ``deploy/``) and stops the loop. Without ``--allow-poweroff`` it only logs the request, so a
developer's laptop never switches off.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from controller.diagnosis import ConsoleDiagnosis
from controller.events import Event, QuitRequested

log = logging.getLogger(__name__)

#: What a long press runs on the Pi.
POWEROFF = ("systemctl", "poweroff")
#: Seconds *reset* must be held.
HOLD_S = 5.0


@dataclass
class LongPress:
    """Fires once when a button has been held for ``hold_s`` seconds without a break."""

    hold_s: float = HOLD_S
    since: float | None = None
    fired: bool = False

    def update(self, held: bool, now: float) -> bool:
        """Whether the press becomes long at ``now``; True once per press."""
        if not held:
            self.since, self.fired = None, False
            return False
        if self.since is None:
            self.since = now
        if not self.fired and now - self.since >= self.hold_s:
            self.fired = True
            return True
        return False


def shutdown_gesture(console: ConsoleDiagnosis) -> bool:
    """Whether the console shows the gesture: key on technician and *reset* held."""
    return console.key == "technician" and "reset" in console.buttons


class SafeShutdown:
    """A source that powers the Pi off on the console's long press, then stops the loop.

    :param console: gives the console's state now (buttons held, key position).
    :param allowed: whether to really power off (``neurones run --allow-poweroff``).
    :param command: what to run; the tests run a harmless command instead.
    """

    def __init__(
        self,
        console: Callable[[], ConsoleDiagnosis],
        *,
        allowed: bool = False,
        command: Sequence[str] = POWEROFF,
        hold_s: float = HOLD_S,
    ) -> None:
        self.console = console
        self.allowed = allowed
        self.command = tuple(command)
        self.press = LongPress(hold_s)

    def poll(self, now: float) -> list[Event]:
        """Watch the gesture; on a long press power off (if allowed) and ask the loop to stop."""
        if not self.press.update(shutdown_gesture(self.console()), now):
            return []
        if not self.allowed:
            log.warning("long press on reset: power-off not allowed (run with --allow-poweroff)")
            return []
        log.warning("long press on reset: powering off (%s)", " ".join(self.command))
        subprocess.Popen(self.command, start_new_session=True)  # outlives our own stop
        return [QuitRequested(now)]

    def close(self) -> None:
        """Nothing to release."""
