"""The workshop's words as it writes them: French typography, numbers in each language's signs."""

import pytest

from controller.digits import load_digit_set, shipped_sets
from controller.network import load_network
from controller.scene import VIEWS
from controller.script import load_script
from controller.texts import NARROW_NO_BREAK, NO_BREAK, load_texts, number, typeset

NETWORK = load_network()
LIBRARY = {name: load_digit_set(name) for name in shipped_sets()}


def test_french_keeps_colons_and_guillemets_with_their_words():
    text = typeset("Étape terminée : « suivant » pour continuer", "fr")
    assert text == f"Étape terminée{NO_BREAK}: «{NO_BREAK}suivant{NO_BREAK}» pour continuer"
    assert typeset("Prêts ? Allez ! Un ; deux", "fr") == (
        f"Prêts{NARROW_NO_BREAK}? Allez{NARROW_NO_BREAK}! Un{NARROW_NO_BREAK}; deux"
    )


def test_typesetting_adds_no_space_the_writer_did_not_put_and_twice_changes_nothing():
    assert typeset("t = 3:00", "fr") == "t = 3:00"
    once = typeset("Défi : « six » ?", "fr")
    assert typeset(once, "fr") == once


def test_english_gets_curly_quotes_and_no_space_before_its_colons():
    assert typeset('Press "next": the step ends', "en") == "Press “next”: the step ends"


@pytest.mark.parametrize(
    ("value", "decimals", "fr", "en"),
    [
        (7.3, None, "7,3", "7.3"),
        (7, None, "7", "7"),
        (-2, None, "−2", "−2"),
        (-0.04, None, "0", "0"),
        (1.3852, 2, "1,39", "1.39"),
        (50_000, None, f"50{NARROW_NO_BREAK}000", "50,000"),
    ],
)
def test_numbers_are_written_as_each_language_writes_them(value, decimals, fr, en):
    assert load_texts("fr").number(value, decimals) == fr
    assert load_texts("en").number(value, decimals) == en
    assert number(value, decimals) == en


def test_every_loaded_text_is_already_typeset():
    for language in ("fr", "en"):
        texts = load_texts(language)
        for key, text in texts.entries.items():
            assert typeset(text, language) == text, key
    assert "\u00a0»" in load_texts("fr")["workshop.complete"]


def test_the_workshop_script_s_words_are_typeset_and_say_couche_intermediaire():
    script = load_script(NETWORK, LIBRARY, VIEWS)
    words = []
    for step in script.steps:
        text = step.text("fr")
        words += [text.title, text.task, *text.points, text.question or ""]
    assert all(typeset(w, "fr") == w for w in words)
    joined = " ".join(words)
    assert "couche intermédiaire" in joined
    assert "cachés" not in joined and "Clown" not in joined
    assert "2 × COL2 + COL3 − COL1" in joined


def test_no_brain_claim_the_workshop_contradicts():
    for language, word in (("fr", "cerveau"), ("en", "brain")):
        texts = load_texts(language)
        assert word not in texts["screen.attract.invite"]
    assert load_texts("fr")["screen.network.hidden"] == "Couche intermédiaire"
