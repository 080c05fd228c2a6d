"""Where ``neurones run`` reads each of its data files: the options' files, or the last good
copies.

A technician may edit every file in ``data/`` on the Pi. :class:`DataFiles` names them all in
one place, so the installation can check them all at start, watch them all while it waits for a
fix (:mod:`controller.kiosk.fault`), keep a last good copy of them all
(:mod:`controller.kiosk.last_good`) and, with ``--last-good``, start from those copies.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from controller.challenges import DEFAULT_CHALLENGES
from controller.digits import DIGITS_DIR
from controller.kiosk.last_good import last_good_dir
from controller.script import DEFAULT_SCRIPT
from controller.storage import default_state_dir
from controller.texts import TEXTS_DIR


@dataclass(frozen=True)
class DataFiles:
    """Each data file the installation reads, and the folders of digit sets and texts."""

    network: Path
    installation: Path
    script: Path
    challenges: Path
    digits: Path  # the folder of digit sets
    texts: Path  # the folder of texts (checked at start; the screen reads the shipped ones)

    @classmethod
    def of(cls, args: argparse.Namespace) -> DataFiles:
        """The files the options name (``--network``, ``--installation``), or with
        ``--last-good`` the last good copies in the state directory."""
        if getattr(args, "last_good", False):
            root = last_good_dir(Path(args.state_dir or default_state_dir()))
            return cls(
                network=root / "network.toml",
                installation=root / "installation.toml",
                script=root / "workshop.toml",
                challenges=root / "visitor.toml",
                digits=root / "digits",
                texts=TEXTS_DIR,
            )
        return cls(
            network=Path(args.network),
            installation=Path(args.installation),
            script=DEFAULT_SCRIPT,
            challenges=DEFAULT_CHALLENGES,
            digits=DIGITS_DIR,
            texts=TEXTS_DIR,
        )

    def watched(self) -> list[Path]:
        """Every file whose change may fix a start: the files and everything in the folders."""
        files = [self.network, self.installation, self.script, self.challenges]
        folders = [self.digits, self.texts]
        found = {f.resolve() for f in files}
        for folder in folders:
            found.update(p.resolve() for p in folder.rglob("*.toml"))
        return sorted(found)

    def holds(self, source: str) -> bool:
        """Whether ``source`` (a :class:`~controller.datafile.DataError`'s) is one of these files
        (an error of a command-line option, ``--set``, is not)."""
        path = Path(source).resolve()
        folders = (self.digits.resolve(), self.texts.resolve())
        return path in self.watched() or path.parent in folders

    def copies(self) -> dict[str, Path]:
        """Each file by the name its last good copy takes (``data/``'s layout)."""
        files = {
            "network.toml": self.network,
            "installation.toml": self.installation,
            "workshop.toml": self.script,
            "visitor.toml": self.challenges,
        }
        files.update({f"digits/{p.name}": p for p in sorted(self.digits.glob("*.toml"))})
        return files
