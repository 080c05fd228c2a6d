"""The texts files: French is the reference, and a translation's typo is refused."""

import shutil

import pytest

from controller.datafile import DataError
from controller.texts import TEXTS_DIR, load_texts


def test_a_translated_key_french_lacks_is_refused_naming_the_file_and_the_key(tmp_path):
    shutil.copy(TEXTS_DIR / "fr.toml", tmp_path / "fr.toml")
    english = (TEXTS_DIR / "en.toml").read_text(encoding="utf-8")
    (tmp_path / "en.toml").write_text(
        english.replace("[decision]\n", '[decision]\nnoen = "not recognised"\n', 1),
        encoding="utf-8",
    )
    with pytest.raises(DataError) as error:
        load_texts("en", tmp_path)
    assert error.value.source == str(tmp_path / "en.toml")
    assert error.value.field == "decision.noen"
    assert "unknown text" in error.value.message
