"""Where calibrations are kept: ``calibrations.toml`` in the state directory, export and import.

The edge between the pure calibration model (:mod:`controller.calibration`) and the disk
(:mod:`controller.storage`): loading falls back to the last good version with a warning and,
with nothing readable at all, to an empty book (every slider then uses the default map), so
the installation always starts. Saving adds one station and writes the whole book atomically.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from controller.calibration import (
    CALIBRATIONS_FILE,
    CalibrationBook,
    StationCalibration,
    parse_book,
)
from controller.storage import Store, write_atomically

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CalibrationStore:
    """The calibration book in a :class:`~controller.storage.Store`."""

    store: Store

    @property
    def path(self) -> Path:
        """The current calibration file."""
        return self.store.path(CALIBRATIONS_FILE)

    def load(self) -> CalibrationBook:
        """The saved book, the last good version of it, or an empty book; never raises."""
        loaded = self.store.load(CALIBRATIONS_FILE, parse_book)
        return CalibrationBook() if loaded is None else loaded.value

    def save(self, calibration: StationCalibration) -> CalibrationBook:
        """Add or replace one station's calibration and save the book; return the new book."""
        book = self.load().with_station(calibration)
        self.store.save(CALIBRATIONS_FILE, book.to_toml())
        log.info("calibration of station %s saved in %s", calibration.usb_serial, self.path)
        return book

    def export(self, path: str | Path) -> int:
        """Write the book to ``path`` (to copy to another Pi); return how many stations."""
        book = self.load()
        write_atomically(path, book.to_toml())
        return len(book.stations)

    def import_file(self, path: str | Path) -> int:
        """Replace the book with the one in ``path``, checked first; return how many stations.

        The previous book is kept as a version, like any save.

        :raises DataError: naming the file and field if ``path`` is not a valid calibration file.
        """
        book = parse_book(path)
        self.store.save(CALIBRATIONS_FILE, book.to_toml())
        return len(book.stations)
