"""Reading the human-edited files in ``data/`` with errors that name the file and the field.

Workshop leaders and technicians edit these files by hand, so a mistake must come back as one
sentence they can act on ("data/network.toml: hidden[2].weights: unknown neuron 'COL7'"),
never as a traceback. Every loader in the project reads its file through :class:`Field`, which
remembers where in the file it is::

    root = Field.load(path)
    rows = root["grid"]["rows"].integer(minimum=1)

and raises :class:`DataError` with the file and the dotted field path when a value is missing or
of the wrong kind. The checks every reader shares live here too: :func:`check_keys` (a typo in a
key is an error, not silently ignored), :func:`unique` and :func:`hex_colour`.
"""

from __future__ import annotations

import json
import math
import re
import string
import tomllib
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from controller.errors import NeuronesError

#: Where the shipped data files live (the repository's ``data/`` folder).
DATA_DIR = Path(__file__).resolve().parent.parent / "data"

#: A text one of a few (a mode, a view…): :meth:`Field.choice` returns it typed as given.
S = TypeVar("S", bound=str)

#: The museum's installation file: stations, sliders, console, LED floor, the modes' settings.
INSTALLATION_FILE = DATA_DIR / "installation.toml"


class DataError(NeuronesError, ValueError):
    """A data file is missing, unreadable or malformed; the message names the file and field."""

    exit_status = 2  # bad input, as argparse uses

    def __init__(
        self, source: str | Path, field: str, message: str, line: int | None = None
    ) -> None:
        self.source = str(source)
        self.field = field
        self.message = message
        self.line = line  # where the parser stopped, when it says (a syntax error)
        where = f"{self.source}: {field}: " if field else f"{self.source}: "
        super().__init__(where + message)


def read_document(path: str | Path) -> Any:
    """Parse a TOML or JSON file (by its extension) and return its content.

    :raises DataError: if the file is missing or its syntax is wrong.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(path, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(path, "", f"cannot read the file ({exc})") from None
    try:
        if path.suffix == ".json":
            return json.loads(text)
        return tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(path, "", f"syntax error: {exc}", exc.lineno) from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib tells the line in its message only: "… (at line 3, column 7)".
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found[1]) if found else None
        raise DataError(path, "", f"syntax error: {exc}", line) from None


@dataclass(frozen=True)
class Field:
    """A value read from a data file, with the file and the path that leads to it."""

    value: Any
    source: str
    path: str = ""

    @classmethod
    def load(cls, path: str | Path) -> Field:
        """Read a TOML or JSON file and return its root as a :class:`Field`."""
        return cls(read_document(path), str(path))

    def error(self, message: str) -> DataError:
        """A :class:`DataError` for this field (raise it)."""
        return DataError(self.source, self.path or "(top level)", message)

    def _child(self, value: Any, key: str | int) -> Field:
        if isinstance(key, int):
            path = f"{self.path}[{key}]"
        else:
            path = f"{self.path}.{key}" if self.path else key
        return Field(value, self.source, path)

    def __contains__(self, key: str) -> bool:
        return isinstance(self.value, dict) and key in self.value

    def __getitem__(self, key: str) -> Field:
        table = self.table()
        if key not in table.value:
            raise self._child(None, key).error("missing")
        return self._child(table.value[key], key)

    def get(self, key: str, default: Any = None) -> Field:
        """The field ``key`` of this table, or a field holding ``default`` if absent."""
        table = self.table()
        return self._child(table.value.get(key, default), key)

    def table(self) -> Field:
        """This field, checked to be a table (a TOML table or JSON object)."""
        if not isinstance(self.value, dict):
            raise self.error(f"expected a table, got {_kind(self.value)}")
        return self

    def keys(self) -> list[str]:
        """The keys of this table, in file order."""
        return list(self.table().value)

    def items(self) -> Iterator[tuple[str, Field]]:
        """Each ``(key, field)`` of this table, in file order."""
        for key in self.keys():
            yield key, self[key]

    def list(self, *, min_length: int = 0, length: int | None = None) -> list[Field]:
        """This field as a list of fields, checked for length."""
        if not isinstance(self.value, list):
            raise self.error(f"expected a list, got {_kind(self.value)}")
        n = len(self.value)
        if length is not None and n != length:
            raise self.error(f"expected {length} entries, got {n}")
        if n < min_length:
            raise self.error(f"expected at least {min_length} entries, got {n}")
        return [self._child(v, i) for i, v in enumerate(self.value)]

    def text(self, *, choices: tuple[str, ...] | None = None) -> str:
        """This field as a non-empty string, optionally one of ``choices``."""
        if not isinstance(self.value, str) or not self.value.strip():
            raise self.error(f"expected a non-empty text, got {_kind(self.value)}")
        if choices is not None and self.value not in choices:
            raise self.error(f"expected one of {', '.join(choices)}, got {self.value!r}")
        return self.value

    def choice(self, choices: Sequence[S]) -> S:
        """This field as one of ``choices`` (texts), typed as they are."""
        text = self.text(choices=tuple(choices))
        return next(c for c in choices if c == text)

    def number(
        self, *, minimum: float | None = None, maximum: float | None = None, why: str = ""
    ) -> float:
        """This field as a finite real number within the optional bounds.

        ``why`` says what the bounds stand for, for the error message ("a weight past ±100 is
        a typo"): a person told the limit and its reason can fix the file.
        """
        v = self.value
        if isinstance(v, bool) or not isinstance(v, int | float) or not _finite(v):
            raise self.error(f"expected a number, got {_kind(v)}")
        reason = f" ({why})" if why else ""
        if minimum is not None and v < minimum:
            raise self.error(f"must be at least {minimum}{reason}, got {v}")
        if maximum is not None and v > maximum:
            raise self.error(f"must be at most {maximum}{reason}, got {v}")
        return float(v)

    def integer(
        self, *, minimum: int | None = None, maximum: int | None = None, why: str = ""
    ) -> int:
        """This field as a whole number within the optional bounds (``why``: as :meth:`number`)."""
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.error(f"expected a whole number, got {_kind(self.value)}")
        return int(self.number(minimum=minimum, maximum=maximum, why=why))

    def boolean(self) -> bool:
        """This field as ``true`` or ``false``."""
        if not isinstance(self.value, bool):
            raise self.error(f"expected true or false, got {_kind(self.value)}")
        return self.value


def check_keys(f: Field, known: Collection[str]) -> None:
    """Refuse a key the file's reader does not know (a typo would otherwise pass unseen)."""
    for key, value in f.table().value.items():
        if key not in known:
            tables = isinstance(value, dict) or (
                isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
            )
            what = "table" if tables else "field"
            raise f.get(key).error(f"unknown {what} (known: {', '.join(known)})")


def unique(f: Field, seen: Collection[str], what: str) -> str:
    """The text of ``f``, refused if it is already among ``seen`` (a second ``what`` so named)."""
    name = f.text()
    if name in seen:
        raise f.error(f"a second {what} {name!r}")
    return name


def hex_colour(f: Field) -> str:
    """The text of ``f``, checked to be a colour written ``#rrggbb`` (as ``#2fb344``)."""
    text = f.text()
    if len(text) != 7 or text[0] != "#" or any(c not in string.hexdigits for c in text[1:]):
        raise f.error(f'expected a colour like "#2fb344", got {text!r}')
    return text


def _finite(value: int | float) -> bool:
    """Whether a number is finite as a float (a TOML integer past 2¹⁰²⁴ is not)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _kind(value: Any) -> str:
    """Describe a value for an error message: its type and, if short, the value itself."""
    names = {
        dict: "a table",
        list: "a list",
        str: "a text",
        bool: "a boolean",
        type(None): "nothing",
    }
    name = names.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )
    shown = repr(value)
    return f"{name} ({shown})" if len(shown) <= 40 and value is not None else name
