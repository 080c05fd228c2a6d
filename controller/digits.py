"""Hand-drawn digits and the digit sets of the workshop.

A digit is drawn as rows of ``#`` (black) and ``.`` (white), top to bottom, so a person can read
and edit it in a text editor. Digit sets live in ``data/digits/NAME.toml``::

    [[digit]]
    name = "3♥"
    label = 3
    pixels = ["......", ".####.", ...]

A set may start with ``include = ["grandeur-nature"]`` to reuse the digits of other sets.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from controller.datafile import DATA_DIR, DataError, Field, check_keys

DIGITS_DIR = DATA_DIR / "digits"
BLACK, WHITE = "#", "."


@dataclass(frozen=True, eq=False)
class Digit:
    """One drawn digit: its name (``"0♥"``), its expected label (or None) and its pixels."""

    name: str
    label: int | None
    pixels: np.ndarray  # (rows, cols) of 0/1

    @property
    def rows(self) -> list[str]:
        """The drawing as rows of ``#`` and ``.``."""
        return ["".join(BLACK if p else WHITE for p in row) for row in self.pixels]

    @property
    def suit(self) -> str:
        """The card suit in the digit's name (♥ ♦ ♠ ♣), or "" for a visitor's drawing."""
        return next((ch for ch in self.name if ch in "♥♦♠♣"), "")


@dataclass(frozen=True, eq=False)
class DigitSet:
    """A named, ordered list of digits."""

    name: str
    digits: tuple[Digit, ...]

    def grids(self) -> np.ndarray:
        """All pixels as one ``(n, rows, cols)`` array, ready for :func:`network.forward`."""
        return self._grids

    @cached_property
    def _grids(self) -> np.ndarray:
        # Stacked once: every frame computes the network on the whole set. Read-only, shared.
        grids = np.stack([d.pixels for d in self.digits])
        grids.setflags(write=False)
        return grids

    def labels(self) -> np.ndarray:
        """The expected labels, -1 where a digit has none."""
        return np.array([-1 if d.label is None else d.label for d in self.digits])

    def __len__(self) -> int:
        return len(self.digits)

    def find(self, name: str) -> Digit:
        """The digit called ``name``; KeyError listing the names if there is none."""
        for d in self.digits:
            if d.name == name:
                return d
        raise KeyError(f"no digit {name!r} in {self.name} ({', '.join(self.names())})")

    def names(self) -> list[str]:
        """The digits' names, in order."""
        return [d.name for d in self.digits]


def blank_set() -> DigitSet:
    """A set of one blank digit of one pixel: what a scene shows when there is nothing to show
    (the technician's fault screen, which stands on an empty network)."""
    return DigitSet("", (Digit("", None, np.zeros((1, 1), dtype=np.uint8)),))


def compose_set(name: str, parts: list[str], library: dict[str, DigitSet]) -> DigitSet:
    """A set made of whole sets and single digits of ``library``: ``["grandeur-nature", "6♠"]``.

    The workshop script and the visitor challenges put exactly the digits of the story on show
    this way (the 8 of the grandeur nature run, then the 9th, then the 10th).

    :raises KeyError: naming a part that is neither a set nor a digit of one.
    """
    digits: list[Digit] = []
    for part in parts:
        if part in library:
            digits.extend(library[part].digits)
            continue
        found = [d for s in library.values() for d in s.digits if d.name == part]
        if not found:
            known = ", ".join(library)
            raise KeyError(f"{part!r} is neither a digit set ({known}) nor a digit of one")
        digits.append(found[0])
    unique = {d.name: d for d in digits}  # a digit named twice is shown once
    return DigitSet(name, tuple(unique.values()))


def parse_pixels(rows: list[str], shape: tuple[int, int] = (9, 6)) -> np.ndarray:
    """Turn rows of ``#``/``.`` into a 0/1 array; ValueError saying what is wrong."""
    n_rows, n_cols = shape
    if len(rows) != n_rows:
        raise ValueError(f"expected {n_rows} rows, got {len(rows)}")
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, str) or len(row) != n_cols:
            raise ValueError(f"row {i} must be {n_cols} characters of '#' and '.', got {row!r}")
        bad = set(row) - {BLACK, WHITE}
        if bad:
            raise ValueError(f"row {i} has {''.join(sorted(bad))!r}: use only '#' and '.'")
    return np.array([[ch == BLACK for ch in row] for row in rows], dtype=np.uint8)


def shipped_sets() -> list[str]:
    """The names of the digit sets shipped in ``data/digits``."""
    return sorted(p.stem for p in DIGITS_DIR.glob("*.toml"))


def load_digit_set(
    name_or_path: str | Path,
    shape: tuple[int, int] = (9, 6),
    labels: Collection[int] | None = None,
) -> DigitSet:
    """Load a shipped set by name (``"learning"``) or any set file by path.

    :param labels: the digits the network answers (its output neurons' labels); a digit
        labelled otherwise is refused, since no output could ever recognise it.
    :raises DataError: naming the file and the digit for anything malformed.
    """
    path = _resolve(name_or_path)
    root = Field.load(path)
    check_keys(root.table(), ("name", "include", "digit"))
    digits: list[Digit] = []
    for included in root.get("include", []).list():
        digits.extend(load_digit_set(_resolve(included.text(), path.parent), shape, labels).digits)
    for f in root.get("digit", []).list():
        check_keys(f.table(), ("name", "label", "pixels"))
        digits.append(_digit(f, shape, labels))
    if not digits:
        raise root.error("the set has no digits (add [[digit]] tables)")
    _check_unique(root, digits)
    return DigitSet(root.get("name", path.stem).text(), tuple(digits))


def load_grid_file(
    path: str | Path, shape: tuple[int, int] = (9, 6), labels: Collection[int] | None = None
) -> DigitSet:
    """Load a JSON list of ``{"name"?, "label"?, "pixels": [rows]}`` objects.

    :param labels: as for :func:`load_digit_set`.
    :raises DataError: naming the file and the grid for anything malformed.
    """
    root = Field.load(Path(path))
    items = root.list(min_length=1)
    digits = []
    for i, f in enumerate(items):
        check_keys(f.table(), ("name", "label", "pixels"))
        name = f.get("name", f"#{i + 1}").text()
        digits.append(_digit(f, shape, labels, default_name=name))
    return DigitSet(Path(path).stem, tuple(digits))


def _digit(
    f: Field,
    shape: tuple[int, int],
    labels: Collection[int] | None,
    default_name: str | None = None,
) -> Digit:
    name = f["name"].text() if default_name is None else default_name
    label = f.get("label")
    value = None if label.value is None else label.integer(minimum=0)
    if value is not None and labels is not None and value not in labels:
        answers = ", ".join(map(str, labels))
        raise label.error(f"the network answers only {answers}: no output stands for {value}")
    rows = f["pixels"]
    try:
        if not isinstance(rows.value, list):
            raise ValueError("expected a list of rows")
        pixels = parse_pixels(rows.value, shape)
    except ValueError as exc:
        raise DataError(f.source, f"{rows.path} (grid {name!r})", str(exc)) from None
    return Digit(name, value, pixels)


def _check_unique(root: Field, digits: list[Digit]) -> None:
    seen: set[str] = set()
    for d in digits:
        if d.name in seen:
            raise root.error(f"two digits are called {d.name!r}")
        seen.add(d.name)


def _resolve(name_or_path: str | Path, folder: Path = DIGITS_DIR) -> Path:
    """A set's file: a path as given, else a set of that name beside ``folder`` or shipped."""
    path = Path(name_or_path)
    if path.suffix in (".toml", ".json"):
        return path
    beside = folder / f"{name_or_path}.toml"
    return beside if beside.exists() else DIGITS_DIR / f"{name_or_path}.toml"
