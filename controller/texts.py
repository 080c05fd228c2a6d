"""The installation's texts, in French first and English too, loaded from ``data/texts``.

No sentence a visitor, pupil or leader reads is written in code: it is looked up here by a
dotted key (``texts["decision.none"]``) so a museum can reword or translate it without a
programmer. A key missing from a translation falls back to French, the reference language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from controller.calibration import Problem, SliderCalibration
from controller.datafile import DATA_DIR, DataError, Field
from controller.diagnosis import ConsoleDiagnosis, StationFigures

TEXTS_DIR = DATA_DIR / "texts"
DEFAULT_LANGUAGE = "fr"


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
        sample = self["training.thousands"]  # how a thousand is written: "1 000", "1,000"
        separator = sample[1:-3]
        return f"{int(n):,}".replace(",", separator)

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
    entries = _flatten(Field.load(path))
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
