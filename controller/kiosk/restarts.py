"""Restarts that back off: a service that keeps stopping waits longer before each new start.

systemd restarts the installation whenever it stops (``Restart=always``), two seconds later.
A fault that stops it at every start (no display, a broken install) would then restart it
every two seconds forever: a storm of starts filling the journal and heating the Pi. systemd
learns to back off only in version 254 (``RestartSteps=``), and Raspberry Pi OS Bookworm has
252, so the program does it itself: each start under systemd is noted in the state directory,
and a start that follows several others closely first waits, twice as long each time, up to a
minute. A data file with a mistake no longer stops the installation at all (it shows the
technician's message and waits, :mod:`controller.kiosk.fault`).

:func:`backoff_s` is the rule (pure); :func:`wait_before_start` applies it.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from controller.storage import Store, WriteError

log = logging.getLogger(__name__)

#: The file of the state directory where the recent starts are noted.
STARTS_FILE = "starts.json"
#: Starts older than this are forgotten: a restart a quarter of an hour later is no storm.
WINDOW_S = 900.0
#: Starts within the window that go without waiting (a reboot, a technician's restart).
FREE_STARTS = 3
#: The longest wait before a start, in seconds (systemd's start time-out is 90 s).
MAX_WAIT_S = 60.0


def backoff_s(starts: Sequence[float], now: float) -> float:
    """Seconds to wait before starting at ``now`` after the earlier ``starts`` (wall-clock
    times): none for the first few within :data:`WINDOW_S`, then 2, 4, 8… up to
    :data:`MAX_WAIT_S`. A start noted in the future (a clock set back) counts as recent."""
    recent = [t for t in starts if now - t < WINDOW_S]
    extra = len(recent) - FREE_STARTS + 1
    if extra <= 0:
        return 0.0
    return min(MAX_WAIT_S, 2.0**extra)


def wait_before_start(
    state_dir: Path,
    environ: Mapping[str, str] = os.environ,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> float:
    """Under systemd (``$INVOCATION_ID`` set), note this start in ``state_dir`` and wait as
    :func:`backoff_s` says; return the seconds waited. Elsewhere, do nothing: a person who
    starts the program again means it."""
    if not environ.get("INVOCATION_ID"):
        return 0.0
    store = Store(state_dir)
    loaded = store.load(STARTS_FILE, _read_starts)
    starts = list(loaded.value) if loaded is not None else []
    now = clock()
    wait = backoff_s(starts, now)
    recent = [t for t in starts if now - t < WINDOW_S][-20:]
    try:
        store.save(STARTS_FILE, json.dumps([*recent, now]) + "\n")
    except WriteError as exc:  # a full card must not stop the start
        log.warning("start not noted: %s", exc)
    if wait:
        log.warning("started %d times in %.0f minutes: waiting %.0f s", len(recent) + 1,
                    WINDOW_S / 60, wait)  # fmt: skip
        sleep(wait)
    return wait


def _read_starts(path: Path) -> list[float]:
    starts = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(starts, list) or not all(isinstance(t, int | float) for t in starts):
        raise ValueError(f"{path}: expected a list of times")
    return [float(t) for t in starts]
