"""The last good copy of every data file: what ``neurones run --last-good`` starts from.

Each time the installation starts with every data file loaded and checked, a copy of each is
kept in the state directory (``last-good/``, laid out as ``data/`` is), saved as calibrations
are (:class:`controller.storage.Store`: atomic, the previous copies kept as versions). When a
file edited on the Pi is wrong, the technician's screen says so and offers to start from these
copies instead; the broken file stays as it is, to be fixed at leisure.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

from controller.storage import Store, WriteError

log = logging.getLogger(__name__)

#: The folder of the state directory that holds the copies.
FOLDER = "last-good"


def last_good_dir(state_dir: Path) -> Path:
    """Where the last good copies live in ``state_dir``."""
    return Path(state_dir) / FOLDER


def keep_last_good(root: Path, files: Mapping[str, Path]) -> list[str]:
    """Copy each of ``files`` (by its name under ``root``: ``network.toml``,
    ``digits/training.toml``…) into ``root``, unless the copy there is the same already; return
    the names saved.

    Never raises: a copy that cannot be saved (a full card) is logged, and the installation
    runs on (it only loses a fallback).
    """
    saved = []
    for name, source in files.items():
        target = root / name
        try:
            text = Path(source).read_text(encoding="utf-8")
            if target.is_file() and target.read_text(encoding="utf-8") == text:
                continue
            Store(target.parent).save(target.name, text)
        except (OSError, UnicodeDecodeError) as exc:
            reason = str(exc) if isinstance(exc, WriteError) else f"{source}: {exc}"
            log.warning("last good copy of %s not kept: %s", name, reason)
            continue
        saved.append(name)
    if saved:
        log.debug("last good copies kept in %s: %s", root, ", ".join(saved))
    return saved
