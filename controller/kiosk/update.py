"""Updating the Pi: a new release installed beside the running one, switched back if unwell.

On the Pi the program lives in releases side by side, each with its own Python environment,
and the service runs the one ``current`` points to::

    /opt/neurones/releases/20261202-174500-7953822/   the program and its .venv
    /opt/neurones/releases/20261209-101200-a1b2c3d/
    /opt/neurones/current -> releases/20261209-101200-a1b2c3d

An update (:func:`update`) copies the new version into a release of its own, carries the
museum's files over from the running release (its ``data/installation.toml``: which station is
which neuron, the console's pins, the LED strips, edited on the Pi), builds its environment,
then switches ``current`` to it (a new link renamed over the old one: a power cut leaves one or
the other, never none), restarts the service and asks the health page. If it does not say
``ok`` within a minute, ``current`` goes back to the release that was running and the service
is restarted on it. The new release and the one before it are kept (``--keep``); older ones
are removed. Nothing of the running release is touched until the switch, so a failed build or copy
changes nothing.

"Not ok" is judged against the running release: a station unplugged for repair makes the page
``degraded``, before and after, and that is no reason to refuse an update. So the new release
passes with ``ok``, or with ``degraded`` when the running one was degraded before it and no
more stations are missing than then.

It runs with the Python the Pi has (the standard library only), from the new version's copy,
as ``deploy/update.sh`` and ``deploy/install-pi.sh`` call it::

    sudo python3 -m controller.kiosk.update /home/pi/neurones --prefix /opt/neurones

The restart, the health page's address, the build and the minute are options, so a test
runs the whole path with real processes and a small real server in a temporary folder.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from controller.errors import NeuronesError

log = logging.getLogger(__name__)

#: Where ``deploy/install-pi.sh`` installs the program.
PREFIX = Path("/opt/neurones")
#: The health page the new release must answer ``ok`` on.
HEALTH_URL = "http://127.0.0.1:8765/health"
#: Seconds the new release has to become healthy.
WAIT_S = 60.0
#: Releases kept: the running one and the one before, to switch back to by hand too.
KEEP = 2
#: How the service is restarted on the Pi.
RESTART = "systemctl restart neurones.service"
#: The museum's files, edited on the Pi: each new release gets the running release's copy.
KEPT_FILES = ("data/installation.toml",)
#: What a release is built with: its own environment, pygame built against Debian's SDL2
#: (pygame's wheels have no KMS/DRM driver; docs/install-pi.md), gpiozero seeing Debian's lgpio.
BUILD = (
    "python3 -m venv --system-site-packages {release}/.venv"
    " && {release}/.venv/bin/pip install --quiet --upgrade pip"
    " && PIP_NO_BINARY=pygame {release}/.venv/bin/pip install --quiet -e {release}"
)
#: The file a release gets once copied and built: a folder without it is not a release.
COMPLETE = ".complete"
#: Not copied into a release: environments, the repository's history, caches.
IGNORED = (".venv", ".git", "__pycache__", "*.egg-info", ".pytest_cache", ".mypy_cache")


class UpdateError(NeuronesError):
    """An update that could not be made or did not take; the message says what was done."""


@dataclass(frozen=True)
class Releases:
    """The releases folder of an installation, and its ``current`` link."""

    prefix: Path

    @property
    def folder(self) -> Path:
        """Where the releases live."""
        return self.prefix / "releases"

    @property
    def link(self) -> Path:
        """The link the service runs through."""
        return self.prefix / "current"

    def current(self) -> Path | None:
        """The release running now (None before the first)."""
        if not self.link.is_symlink():
            return None
        return (self.prefix / os.readlink(self.link)).resolve()

    def all(self) -> list[Path]:
        """Every complete release, oldest first (their names begin with when they were made)."""
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if (p / COMPLETE).is_file())

    def switch(self, release: Path) -> None:
        """Point ``current`` at ``release``: a new link renamed over the old one, atomically."""
        fresh = self.prefix / ".current.new"
        if fresh.is_symlink() or fresh.exists():
            fresh.unlink()
        fresh.symlink_to(release.relative_to(self.prefix))
        os.replace(fresh, self.link)
        log.info("current → %s", release.name)

    def prune(self, keep: int, *spare: Path | None) -> list[Path]:
        """Remove all but the ``keep`` newest releases, never one of ``spare`` (the running
        one, the one before); the releases removed."""
        kept = {p.resolve() for p in spare if p is not None}
        releases = self.all()
        old = releases[: max(0, len(releases) - keep)]
        # A folder left half-built by a power cut is no release: it goes too.
        unfinished = [p for p in self.folder.iterdir() if p.is_dir() and p not in releases]
        removed = []
        for release in [*old, *unfinished]:
            if release.resolve() not in kept:
                shutil.rmtree(release)
                removed.append(release)
        return removed


def release_name(source: Path, when: datetime, taken: Sequence[str] = ()) -> str:
    """A release's name: when it was made, then the source's commit when it has one
    (``20261202-174500-7953822``); a second one in the same second gets ``-2``…"""
    name = f"{when:%Y%m%d-%H%M%S}"
    try:
        commit = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:  # no git on this machine: the time alone names it
        commit = ""
    if commit:
        name += f"-{commit}"
    unique, n = name, 1
    while unique in taken:
        n += 1
        unique = f"{name}-{n}"
    return unique


def install_release(
    source: Path,
    releases: Releases,
    build: Callable[[Path], None],
    when: datetime | None = None,
) -> Path:
    """Copy ``source`` into a new release, with the running release's museum files
    (:data:`KEPT_FILES`), and ``build`` it; the release. It counts as one only once complete
    (:data:`COMPLETE`): a failed build, or a power cut during one, leaves nothing to switch to.

    :raises UpdateError: if the copy or the build fails (the folder is removed).
    """
    releases.folder.mkdir(parents=True, exist_ok=True)
    taken = [p.name for p in releases.folder.iterdir()]
    release = releases.folder / release_name(source, when or datetime.now(), taken)
    try:
        shutil.copytree(source, release, symlinks=True, ignore=shutil.ignore_patterns(*IGNORED))
        running = releases.current()
        for kept in KEPT_FILES:
            mine = _museum_file(releases, running, kept)
            if mine is not None:
                (release / kept).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(mine, release / kept)
                log.info("kept this museum's %s", kept)
        # Built where it will run: a Python environment names its own folder in its scripts.
        build(release)
        (release / COMPLETE).write_text(f"{release.name}\n", encoding="utf-8")
    except (OSError, subprocess.CalledProcessError) as exc:
        shutil.rmtree(release, ignore_errors=True)
        raise UpdateError(f"the new release could not be installed: {exc}") from None
    return release


def _museum_file(releases: Releases, running: Path | None, kept: str) -> Path | None:
    """The museum's copy of ``kept``: the running release's, or, on a Pi installed before
    releases, the one in the installation folder itself."""
    for folder in (running, releases.prefix):
        if folder is not None and (folder / kept).is_file():
            return folder / kept
    return None


def shell_build(template: str) -> Callable[[Path], None]:
    """A build that runs ``template`` in a shell, ``{release}`` standing for the release's
    folder."""

    def build(release: Path) -> None:
        command = template.format(release=shlex.quote(str(release)))
        log.info("building: %s", command)
        subprocess.run(["sh", "-c", command], check=True)

    return build


def read_health(url: str, timeout: float = 2.0) -> dict[str, Any] | None:
    """The health page at ``url``, or None if it does not answer with JSON."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            page = json.loads(answer.read())
    except (OSError, ValueError, http.client.HTTPException):  # refused, cut, not JSON
        return None
    return page if isinstance(page, dict) else None


def healthy(page: dict[str, Any] | None, before: dict[str, Any] | None = None) -> bool:
    """Whether the new release's ``page`` passes: ``ok``; or ``degraded`` when the release
    running ``before`` was degraded too and no more stations are missing than then (a station
    out for repair is not the new release's fault)."""
    if page is None:
        return False
    if page.get("status") == "ok":
        return True
    if page.get("status") != "degraded" or before is None or before.get("status") != "degraded":
        return False
    missing = set(_missing(page))
    return missing <= set(_missing(before)) and page.get("crashes", 0) == 0


def _missing(page: dict[str, Any]) -> list[str]:
    stations = page.get("stations")
    return list(stations.get("missing", [])) if isinstance(stations, dict) else []


def wait_until_healthy(
    url: str,
    seconds: float,
    before: dict[str, Any] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[bool, dict[str, Any] | None]:
    """Ask the health page every second for up to ``seconds``; whether it passed
    (:func:`healthy`), and the last page read."""
    end = clock() + seconds
    page = None
    while True:
        page = read_health(url) or page
        if healthy(page, before):
            return True, page
        if clock() >= end:
            return False, page
        sleep(min(1.0, max(0.0, end - clock())))


def restart(command: str) -> None:
    """Run the restart ``command`` (a failure is logged: the health page then tells)."""
    log.info("restarting: %s", command)
    done = subprocess.run(shlex.split(command), check=False)
    if done.returncode != 0:
        log.warning("%s exited with status %d", command, done.returncode)


@dataclass(frozen=True)
class Outcome:
    """What an update did."""

    release: Path  # the release installed
    previous: Path | None  # the one running before
    healthy: bool  # the new release passed
    page: dict[str, Any] | None  # its last health page
    removed: tuple[Path, ...] = ()  # old releases pruned


def update(
    source: Path,
    prefix: Path = PREFIX,
    *,
    build: Callable[[Path], None] | None = None,
    restart_command: str = RESTART,
    health_url: str = HEALTH_URL,
    wait_s: float = WAIT_S,
    keep: int = KEEP,
    switch_only: bool = False,
) -> Outcome:
    """Install ``source`` as a new release under ``prefix``, switch to it, restart the service
    and wait up to ``wait_s`` for its health page to pass; if it does not, switch back to the
    release that was running and restart that. ``build`` makes a release's environment
    (default: :data:`BUILD` in a shell). ``switch_only``: switch without restarting or
    waiting (the first install, before the service exists).

    :raises UpdateError: if the release cannot be installed (nothing was switched), or it did
        not become healthy (then it has been switched back, when there was a release to go
        back to; the message says which).
    """
    releases = Releases(prefix)
    if releases.folder.resolve().is_relative_to(source.resolve()):
        raise UpdateError(f"{source} holds {prefix}: update from a copy of the program elsewhere")
    previous = releases.current()
    before = None if previous is None or switch_only else read_health(health_url)
    release = install_release(source, releases, build or shell_build(BUILD))
    releases.switch(release)
    if switch_only:
        removed = releases.prune(keep, release, previous)
        return Outcome(release, previous, True, None, tuple(removed))
    restart(restart_command)
    passed, page = wait_until_healthy(health_url, wait_s, before)
    if passed:
        removed = releases.prune(keep, release, previous)
        return Outcome(release, previous, True, page, tuple(removed))
    status = "no answer" if page is None else f"status {page.get('status')!r}"
    if previous is None:
        raise UpdateError(
            f"{release.name} is not healthy after {wait_s:g} s ({status}) and there is no "
            "release to go back to: see journalctl -u neurones"
        )
    releases.switch(previous)
    restart(restart_command)
    back, _ = wait_until_healthy(health_url, wait_s, before)
    raise UpdateError(
        f"{release.name} is not healthy after {wait_s:g} s ({status}); switched back to "
        f"{previous.name}, which is {'running again' if back else 'restarted'}. The new release "
        f"stays in {releases.folder} to look into (journalctl -u neurones)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``python3 -m controller.kiosk.update SOURCE``: see the module's documentation."""
    parser = argparse.ArgumentParser(
        prog="python3 -m controller.kiosk.update",
        description="Install SOURCE (a copy of the repository) as a new release beside the "
        "running one, switch to it and restart the service; switch back if its health page "
        "is not ok within a minute.",
    )
    parser.add_argument("source", type=Path, help="the new version's folder")
    parser.add_argument("--prefix", type=Path, default=PREFIX, help=f"default {PREFIX}")
    parser.add_argument("--restart", default=RESTART, help=f"default: {RESTART}")
    parser.add_argument("--health-url", default=HEALTH_URL, help=f"default {HEALTH_URL}")
    parser.add_argument(
        "--wait", type=float, default=WAIT_S, metavar="SECONDS", help=f"default {WAIT_S:g}"
    )
    parser.add_argument(
        "--keep", type=int, default=KEEP, help=f"releases kept besides none older (default {KEEP})"
    )
    parser.add_argument(
        "--build",
        default=BUILD,
        metavar="COMMAND",
        help="how a release is built, {release} its folder (default: its venv, pygame from source)",
    )
    parser.add_argument(
        "--switch-only",
        action="store_true",
        help="install and switch, without restarting or waiting (the first install)",
    )
    args = parser.parse_args(argv)
    if not (args.source / "controller").is_dir():
        parser.error(f"{args.source} is not a copy of the repository (no controller/ in it)")
    if args.wait <= 0 or args.keep < 1:
        parser.error("--wait must be positive and --keep at least 1")
    if not args.switch_only and Releases(args.prefix).current() is None:
        parser.error(f"no release in {args.prefix} yet: install with deploy/install-pi.sh first")
    logging.basicConfig(level=logging.INFO, format="neurones update: %(message)s")
    try:
        outcome = update(
            args.source.resolve(),
            args.prefix.resolve(),
            build=shell_build(args.build),
            restart_command=args.restart,
            health_url=args.health_url,
            wait_s=args.wait,
            keep=args.keep,
            switch_only=args.switch_only,
        )
    except UpdateError as exc:
        print(f"neurones update: error: {exc}", file=sys.stderr)
        return exc.exit_status
    for old in outcome.removed:
        log.info("removed the old release %s", old.name)
    state = "installed" if args.switch_only else "running and healthy"
    print(f"neurones update: {outcome.release.name} {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
