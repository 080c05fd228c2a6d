"""Storage that loses nothing: the state directory, atomic saves with kept versions, safe reads.

Calibrations and settings are the only things the installation writes, and a museum Pi loses
power whenever the building does. So every save follows the same crash-safe sequence::

    1. write the new text to a temporary file beside the target, flush, fsync;
    2. hard-link the current file into ``versions/NAME/`` (the previous version is kept);
    3. rename the temporary file over the target (atomic on POSIX), fsync the directory.

Whatever instant the power goes (or the process is SIGKILLed), the target is either the whole
old file or the whole new one, and every kept version is a whole file. Reading goes the other
way: :meth:`Store.load` tries the current file, then each kept version newest first, and returns
the first one that parses, with a warning naming what was wrong. A missing or corrupt file is
never a crash.

Where the state directory is: ``--state-dir``, else ``$NEURONES_STATE_DIR``, else systemd's
``$STATE_DIRECTORY`` (``StateDirectory=neurones`` in the unit gives ``/var/lib/neurones``), else
``/var/lib/neurones`` if it is writable, else the user's state directory (platformdirs).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import platformdirs

from controller.errors import NeuronesError

log = logging.getLogger(__name__)

#: Environment variable naming the state directory (tests and odd set-ups).
STATE_ENV = "NEURONES_STATE_DIR"
#: Where the installed Pi keeps its state (created by the systemd unit's StateDirectory=).
SYSTEM_STATE_DIR = Path("/var/lib/neurones")
#: How many previous versions of each file are kept.
KEEP_VERSIONS = 20

T = TypeVar("T")


def default_state_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The state directory to use when none is given on the command line (see module doc)."""
    for variable in (STATE_ENV, "STATE_DIRECTORY"):
        if environ.get(variable):
            # systemd may list several directories separated by colons; ours is the first.
            return Path(environ[variable].split(":")[0])
    if SYSTEM_STATE_DIR.is_dir() and os.access(SYSTEM_STATE_DIR, os.W_OK):
        return SYSTEM_STATE_DIR
    return Path(platformdirs.user_state_dir("neurones", appauthor=False))


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """A value read from the store, where it came from, and what was wrong on the way."""

    value: T
    path: Path
    problems: tuple[str, ...] = ()

    @property
    def fell_back(self) -> bool:
        """Whether a previous version had to be used because the current file was bad."""
        return bool(self.problems)


@dataclass(frozen=True)
class Store:
    """Named files in a state directory, saved atomically with their previous versions kept.

    :param root: the state directory (created on the first save).
    :param keep: how many previous versions of each file to keep.
    """

    root: Path
    keep: int = KEEP_VERSIONS

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))  # accept a str from the command line

    def path(self, name: str) -> Path:
        """The current file of ``name``."""
        return self.root / name

    def versions(self, name: str) -> list[Path]:
        """The kept previous versions of ``name``, newest first."""
        folder = self._versions_dir(name)
        if not folder.is_dir():
            return []
        return sorted((p for p in folder.iterdir() if p.is_file()), reverse=True)

    def save(self, name: str, text: str) -> Path:
        """Replace ``name`` with ``text`` atomically, keeping the current file as a version.

        Returns the path written. Safe against power cuts and kills at any instant: see the
        module documentation for the sequence.

        :raises WriteError: naming the file, if the state directory cannot be written (the
            current file is then untouched).
        """
        target = self.path(name)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with self._locked():
                _remove_leftovers(target)
                temporary = target.with_name(f".{target.name}.tmp.{os.getpid()}")
                _write_synced(temporary, text)
                self._match_owner(temporary)
                if target.exists():
                    self._keep_version(target)
                os.replace(temporary, target)
                _fsync_dir(self.root)
                self._prune(name)
        except OSError as exc:
            with contextlib.suppress(OSError):
                _remove_leftovers(target)  # half a file on a full disk: the old one stands
            raise WriteError(target, exc) from None
        return target

    def load(self, name: str, parse: Callable[[Path], T]) -> Loaded[T] | None:
        """Read ``name`` with ``parse``, falling back to the newest version that parses.

        ``parse`` reads a path and raises ``ValueError`` (e.g. a
        :class:`~controller.datafile.DataError`) or ``OSError`` when the file is bad. Each bad
        file met is logged as a warning and listed in :attr:`Loaded.problems`. Returns None when
        nothing readable exists (a first start, or every version bad), never raises for that.
        """
        if not any(path.exists() for path in self._candidates(name)):
            log.info("%s: nothing saved yet; using defaults", self.path(name))
            return None
        problems: list[str] = []
        for path in self._candidates(name):
            try:
                value = parse(path)
            except (ValueError, OSError) as exc:
                problems.append(_describe_failure(path, exc))
                continue
            if problems:
                log.warning("%s; using the previous version %s", "; ".join(problems), path)
            return Loaded(value, path, tuple(problems))
        if problems:
            log.warning("%s; nothing to fall back on, using defaults", "; ".join(problems))
        return None

    # --- internals -----------------------------------------------------------------------

    def _candidates(self, name: str) -> Iterator[Path]:
        yield self.path(name)
        yield from self.versions(name)

    def _versions_dir(self, name: str) -> Path:
        return self.root / "versions" / name

    def _keep_version(self, target: Path) -> None:
        folder = self._versions_dir(target.name)
        folder.mkdir(parents=True, exist_ok=True)
        self._match_owner(folder.parent)
        self._match_owner(folder)
        # A sortable, unique name: the time in nanoseconds, then the suffix of the file.
        stamp = time.time_ns()
        while (kept := folder / f"{stamp:020d}{target.suffix}").exists():
            stamp += 1
        try:
            os.link(target, kept)  # the old file is whole and never written again: share it
        except OSError:
            _write_synced(kept, target.read_text(encoding="utf-8"))  # e.g. FAT has no links
        _fsync_dir(folder)

    def _prune(self, name: str) -> None:
        for old in self.versions(name)[self.keep :]:
            old.unlink(missing_ok=True)

    def _match_owner(self, path: Path) -> None:
        """Give what root creates to the state directory's owner (the service's user).

        A technician running ``sudo neurones calibrate`` must not leave files the service can
        no longer replace.
        """
        if os.geteuid() != 0:
            return
        owner = self.root.stat()
        if owner.st_uid != 0:
            os.chown(path, owner.st_uid, owner.st_gid)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise saves between processes (the service and a technician's command)."""
        with open(self.root / ".lock", "a") as lock:
            self._match_owner(self.root / ".lock")
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


class WriteError(NeuronesError, OSError):
    """A file could not be written: a missing or read-only folder, no permission, a full disk.

    Its message names the file and the system's reason; the command line shows it as one line.
    It is an :class:`OSError` too, so what already survives a failed save still does.
    """

    def __init__(self, path: str | Path, exc: OSError) -> None:
        self.path = str(path)
        reason = exc.strerror or str(exc)
        super().__init__(f"cannot write {self.path}: {reason}")

    def __str__(self) -> str:
        return str(self.args[0])


def write_atomically(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text in UTF-8, or bytes) to ``path`` so that it is whole or untouched,
    whatever happens.

    For files outside the store, such as an exported calibration, a report or a picture; no
    version is kept.

    :raises WriteError: naming the file, if it cannot be written (nothing is left behind).
    """
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp.{os.getpid()}")
    try:
        _write_synced(temporary, data)
        os.replace(temporary, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)  # a full disk leaves half a file: not ours to keep
        raise WriteError(path, exc) from None
    return path


def _write_synced(path: Path, data: str | bytes) -> None:
    with open(path, "wb") as file:
        file.write(data.encode("utf-8") if isinstance(data, str) else data)
        file.flush()
        os.fsync(file.fileno())


def _fsync_dir(folder: Path) -> None:
    """Make a rename or a new link in ``folder`` survive a power cut."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_leftovers(target: Path) -> None:
    """Delete temporary files a killed save left behind (they were never the real file)."""
    for leftover in target.parent.glob(f".{target.name}.tmp.*"):
        leftover.unlink(missing_ok=True)


def _describe_failure(path: Path, exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError):
        return f"{path} is missing"
    reason = str(exc)
    # A DataError already names the file; do not say it twice.
    return reason if str(path) in reason else f"{path} is unreadable ({reason})"
