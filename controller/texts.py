"""The installation's texts, in French first and English too, loaded from ``data/texts``.

No sentence a visitor, pupil or leader reads is written in code: it is looked up here by a
dotted key (``texts["decision.none"]``) so a museum can reword or translate it without a
programmer. A key missing from a translation falls back to French, the reference language.

Every text and every number shown goes through the two functions of this module that set it in
the language's typography, so the screen writes as the workshop does:

- :func:`typeset`: in French, no-break spaces inside « » and before : ; ! ? (a line never starts
  with "suivant »" or with a lone colon); in English, curly quotes;
- :func:`number`: ``7,3`` in French and ``7.3`` in English, a real minus sign ``−2``, and
  thousands grouped as each language does (``50 000``, ``50,000``): the signs are the
  ``[language]`` texts ``decimal`` and ``thousand`` (how a thousand is written).

The texts files are typeset when they are loaded, the workshop script's words too
(:mod:`controller.script`); a view writes a number with :meth:`Texts.number`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from controller.calibration import Problem, SliderCalibration
from controller.datafile import DATA_DIR, DataError, Field
from controller.diagnosis import ConsoleDiagnosis, StationFigures, SwapOffer

TEXTS_DIR = DATA_DIR / "texts"
DEFAULT_LANGUAGE = "fr"

#: French typography's spaces: a no-break space before a colon and inside « », a narrow one
#: before ; ! ? (the Imprimerie nationale's rules, as the workshop prints).
NO_BREAK = "\u00a0"
NARROW_NO_BREAK = "\u202f"
MINUS = "\u2212"

_FRENCH_SPACES = (
    (re.compile(r"\s+:"), NO_BREAK + ":"),
    (re.compile(r"\s+([;!?])"), NARROW_NO_BREAK + r"\1"),
    (re.compile(r"«\s*"), "«" + NO_BREAK),
    (re.compile(r"\s*»"), NO_BREAK + "»"),
)
_ENGLISH_QUOTES = re.compile(r'"([^"]*)"')


def typeset(text: str, language: str) -> str:
    """``text`` with the typography of ``language``.

    >>> typeset("Étape terminée : « suivant » pour continuer !", "fr")
    'Étape terminée\xa0: «\xa0suivant\xa0» pour continuer\u202f!'
    >>> typeset('Press "next"', "en")
    'Press “next”'

    Only spaces the writer put are made unbreakable (a colon in ``t = 3:00`` stays as it is), and
    typesetting twice changes nothing.
    """
    if language == "fr":
        for pattern, space in _FRENCH_SPACES:
            text = pattern.sub(space, text)
        return text
    if language == "en":
        return _ENGLISH_QUOTES.sub("“\\1”", text)
    return text


@lru_cache(maxsize=4096)  # a screen writes the same few numbers every frame
def number(
    value: float, decimals: int | None = None, *, point: str = ".", thousands: str = ","
) -> str:
    """``value`` written with ``point`` before its decimals and ``thousands`` between groups of
    three digits: with ``decimals`` places, or if not given a whole number as such and any
    other with one decimal; and a real minus sign. :meth:`Texts.number` gives each language's signs.

    >>> number(7.3, point=","), number(-2), number(5.25, 2), number(50000, thousands=" ")
    ('7,3', '−2', '5.25', '50 000')
    """
    value = float(value)
    if decimals is None:  # one decimal, unless that one would be a 0: "7", not "7,0"
        decimals = 0 if abs(value - round(value)) < 0.05 else 1
    text = f"{abs(value):,.{decimals}f}"
    negative = value < 0 and any(c not in "0.," for c in text)  # no "−0"
    text = text.replace(",", "\0").replace(".", point).replace("\0", thousands)
    return (MINUS if negative else "") + text


@dataclass(frozen=True)
class Texts:
    """The texts of one language; look up with ``texts["section.key"]`` or :meth:`format`."""

    language: str
    entries: dict[str, str]

    def __getitem__(self, key: str) -> str:
        try:
            return self.entries[key]
        except KeyError:
            raise KeyError(f"no text {key!r} in {self.language}") from None

    def format(self, key: str, **values: object) -> str:
        """The text ``key`` with its ``{placeholders}`` filled in."""
        return self[key].format(**values)

    def count_text(self, n: int) -> str:
        """A whole number with its thousands grouped as the language writes them: 50 000, 50,000."""
        return self.number(int(n))

    def number(self, value: float, decimals: int | None = None) -> str:
        """``value`` as this language writes it (:func:`number` with the signs of
        ``[language]`` in the texts): ``7,3``, ``−2``, ``50 000`` in French."""
        thousands = self["language.thousand"][1:-3]  # "1 000": the sign between 1 and 000
        return number(value, decimals, point=self["language.decimal"], thousands=thousands)

    def problem(self, problem: Problem) -> str:
        """Why a calibration was refused, as a sentence for the technician."""
        values = dict(problem.values)
        if "end" in values:
            values["end"] = self[f"calibration.end.{values['end']}"]
        return self.format(problem.text_key, **values)

    def calibrated(self, station: int | str, slider: SliderCalibration) -> str:
        """ "Station 3's slider calibrated: 31 to 4071, noise 1.7 LSB"."""
        return self.format(
            "calibration.ok",
            station=station,
            raw_min=round(slider.raw_min),
            raw_max=round(slider.raw_max),
            noise=f"{slider.noise_lsb_rms:.1f}",
        )

    def station_row(self, s: StationFigures) -> tuple[str, ...]:
        """One station's cells in the technician's table, in the order of its columns
        (:data:`controller.diagnosis.COLUMNS`)."""
        return (
            str(s.station_id) if s.station_id is not None else s.serial,
            s.neuron or "–",
            self._state(s),
            s.firmware or "–",
            _number(s.raw, 0),
            _number(s.filtered, 0),
            _number(s.slider, 1),
            _number(s.noise_lsb, 1),
            " ".join(s.buttons) or "–",
            _number(s.fps, 0),
            str(s.errors),
            str(s.reconnects),
            self["technician.yes"] if s.calibrated else self["technician.no"],
        )

    def _state(self, s: StationFigures) -> str:
        """A station's state cell: online, offline, or its slider not wired."""
        if s.online and s.not_wired:
            return self["technician.not_wired"]
        return self["technician.online"] if s.online else self["technician.offline"]

    def swap_line(self, offer: SwapOffer) -> str:
        """``neurones diagnose``'s line for an unknown board that may replace a missing station,
        with the command that assigns it."""
        stations = ", ".join(f"{number} ({neuron or '–'})" for number, neuron in offer.missing)
        return self.format("technician.swap_line", serial=offer.serial, stations=stations)

    def console(self, console: ConsoleDiagnosis) -> str:
        """The leader console in a few words: the buttons held and the key (or "absent")."""
        if not console.present:
            return self["technician.absent"]
        held = " ".join(console.buttons) or "–"
        return f"{held} · {self['technician.key']} {console.key or '–'}"

    def decision(self, status: str, digits: tuple[int, ...] | list[int]) -> str:
        """The decision as a sentence: ``"3"``, ``"pas reconnu"``, ``"ambigu : 0 et 6"``."""
        if status == "none":
            return self["decision.none"]
        if status == "clear":
            return self.format("decision.clear", digit=digits[0])
        joined = self["decision.and"].join(str(d) for d in digits)
        return self.format("decision.ambiguous", digits=joined)


def languages() -> list[str]:
    """The languages shipped, French first."""
    found = sorted(p.stem for p in TEXTS_DIR.glob("*.toml"))
    return sorted(found, key=lambda lang: lang != DEFAULT_LANGUAGE)


@cache
def load_texts(language: str = DEFAULT_LANGUAGE, folder: Path = TEXTS_DIR) -> Texts:
    """Load a language's texts, with French filling any key the translation lacks.

    :raises DataError: if the language does not exist or a file is malformed.
    """
    path = folder / f"{language}.toml"
    if not path.exists():
        raise DataError(
            path, "", f"no texts for language {language!r} (have: {', '.join(languages())})"
        )
    entries = {key: typeset(text, language) for key, text in _flatten(Field.load(path)).items()}
    if language != DEFAULT_LANGUAGE:
        reference = load_texts(DEFAULT_LANGUAGE, folder).entries
        # French is the reference: a key it lacks is a typo the screen would never show.
        unknown = [key for key in entries if key not in reference]
        if unknown:
            french = folder / f"{DEFAULT_LANGUAGE}.toml"
            raise DataError(path, unknown[0], f"unknown text: {french} has no such key")
        entries = {**reference, **entries}
    return Texts(language, entries)


def _number(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _flatten(table: Field, prefix: str = "") -> dict[str, str]:
    entries: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value.value, dict):
            entries.update(_flatten(value, name + "."))
        elif isinstance(value.value, list):
            entries[name] = "\n".join(item.text() for item in value.list())
        else:
            entries[name] = value.text()
    return entries
