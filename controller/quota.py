"""A process held to a share of one core: how ``neurones bench`` runs the controller on a Pi 4's
worth of CPU.

A Raspberry Pi 4 runs Python about five times slower than the machines we build on, so the
controller held to a fifth of one core here behaves much as it would on the Pi. Linux does the
holding with a CPU cgroup (``cpu.cfs_quota_us`` in cgroup v1, ``cpu.max`` in v2): the process
gets at most ``percent`` of one core in every 10 ms period, whatever the machine's load. Only the
process itself is held: its children already running (the emulated stations, which on the
installation are chips of their own) stay where they are::

    with CpuQuota(20) as quota:        # this process, from now until the block ends
        run_the_installation()
    quota.description                  # "cgroup v1 /sys/fs/cgroup/cpu/neurones-1234"

It needs root (or a delegated cgroup); where Linux does not allow it, :class:`QuotaRefused`
says why, and the figure measured under the quota is left out.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

#: The quota's period: short, so the held process is slowed evenly rather than in long stops.
PERIOD_US = 10_000
CGROUP_ROOT = Path("/sys/fs/cgroup")


class QuotaRefused(RuntimeError):
    """The machine does not let this process hold itself to a CPU quota (the message says why)."""


class CpuQuota:
    """Holds the current process to ``percent`` of one core while the ``with`` block runs.

    :param percent: the share of one core (20: a Pi 4's worth on a machine five times faster).
    :param root: where the cgroup file systems are mounted.
    :raises QuotaRefused: on entering, when there is no CPU cgroup to write to.
    """

    def __init__(self, percent: float, root: Path = CGROUP_ROOT) -> None:
        self.percent = percent
        self.root = root
        self.description = ""
        self._group: Path | None = None
        self._home: Path | None = None

    def __enter__(self) -> CpuQuota:
        pid = str(os.getpid())
        quota = str(round(self.percent * PERIOD_US / 100))
        v1 = self.root / "cpu"
        try:
            if (v1 / "cpu.cfs_quota_us").exists():
                self._home, self._group = v1, v1 / f"neurones-{pid}"
                self._group.mkdir(exist_ok=True)
                (self._group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
                (self._group / "cpu.cfs_quota_us").write_text(quota)
            elif (self.root / "cgroup.controllers").exists():
                self._home, self._group = self.root, self.root / f"neurones-{pid}"
                self._group.mkdir(exist_ok=True)
                (self._group / "cpu.max").write_text(f"{quota} {PERIOD_US}")
            else:
                raise QuotaRefused(f"no CPU cgroup under {self.root}")
            (self._group / "cgroup.procs").write_text(pid)
        except OSError as exc:
            self._remove()
            raise QuotaRefused(f"cannot hold the controller to a CPU quota here ({exc})") from None
        version = "v1" if self._home == v1 else "v2"
        self.description = f"cgroup {version} {self._group}"
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Let the process go back to where it was, and remove the cgroup."""
        if self._home is not None:
            with contextlib.suppress(OSError):
                (self._home / "cgroup.procs").write_text(str(os.getpid()))
        self._remove()

    def _remove(self) -> None:
        if self._group is not None:
            with contextlib.suppress(OSError):
                self._group.rmdir()
            self._group = None


__all__ = ["CpuQuota", "QuotaRefused"]
