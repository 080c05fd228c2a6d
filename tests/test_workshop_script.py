"""The workshop script as data: the shipped one loads, a malformed one says where it is wrong."""

import tomllib

import pytest

from controller.conditions import FORMS, Situation, parse_condition
from controller.datafile import DataError
from controller.digits import load_digit_set, shipped_sets
from controller.network import load_network
from controller.scene import VIEWS
from controller.script import DEFAULT_SCRIPT, load_script
from controller.texts import languages

NETWORK = load_network()
LIBRARY = {name: load_digit_set(name) for name in shipped_sets()}


def load(path=DEFAULT_SCRIPT):
    return load_script(NETWORK, LIBRARY, VIEWS, path)


def test_the_shipped_script_walks_through_the_four_phases_in_order():
    script = load()
    phases = [step.phase for step in script.steps]
    assert phases == sorted(phases) and set(phases) >= {1, 2, 3, 4}
    ids = [step.id for step in script.steps]
    for story in ("gn-3", "gn-6", "learning-green", "learning-outputs", "learning-hidden"):
        assert story in ids
    assert (
        ids.index("learning-green") < ids.index("learning-outputs") < ids.index("learning-hidden")
    )


def test_every_step_has_its_words_in_every_language():
    for step in load().steps:
        for language in languages():
            text = step.texts[language]
            assert text.title and text.task and text.points


def test_the_grandeur_nature_steps_check_every_layer_in_order():
    script = load()
    step = script.steps[script.index("gn-3")]
    assert step.answers == ("input", "hidden", "output")
    assert step.digit == "3♥" and "digit" in step.reveal and step.reveal_view == "decision"
    assert len(step.stations) == 16


def test_the_learning_steps_allow_moves_of_one_on_the_story_s_stations():
    script = load()
    by_id = {step.id: step for step in script.steps}
    assert by_id["learning-green"].stations == ("0",)
    assert by_id["learning-outputs"].stations == ("3", "9")
    assert by_id["learning-hidden"].stations == ("C", "D")
    for step_id in ("learning-green", "learning-outputs", "learning-hidden"):
        assert by_id[step_id].max_move == 1


def write(tmp_path, text):
    path = tmp_path / "workshop.toml"
    path.write_text(text, encoding="utf-8")
    return path


STEP = """
[[step]]
id = "{id}"
show = ["grandeur-nature", "6♠"]
{extra}
complete_when = [{conditions}]
[step.fr]
title = "Titre"
task = "Tâche"
"""


def one_step(tmp_path, extra="", conditions='"always"', step_id="mine"):
    """A one-step script; ``extra`` fields replace the default phase and view if they name them."""
    fields = {"phase": "3", "view": '"rulers"'}
    for line in extra.splitlines():
        key = line.split(" =")[0]
        if key in fields:
            fields[key] = line.split("= ", 1)[1]
    extra = "\n".join(line for line in extra.splitlines() if line.split(" =")[0] not in fields)
    extra = "\n".join([f"{key} = {value}" for key, value in fields.items()] + [extra])
    return write(tmp_path, STEP.format(id=step_id, extra=extra, conditions=conditions))


@pytest.mark.parametrize(
    ("extra", "conditions", "field", "words"),
    [
        ("", '"threshold Z = 7"', "complete_when[0]", "unknown neuron 'Z'"),
        ("", '"recognised 5♣"', "complete_when[0]", "not on show"),
        ("", '"threshold 0 = seven"', "complete_when[0]", "expected a number"),
        ("", '"the class is happy"', "complete_when[0]", "cannot read condition"),
        ("", "", "complete_when", "at least 1"),
        ('view = "slides"', '"always"', "view", "expected one of"),
        ('digit = "3♠"', '"always"', "digit", "not on show"),
        ('stations = ["G"]', '"always"', "stations[0]", "unknown station 'G'"),
        ('thresholds = { "Q" = 3 }', '"always"', "thresholds.Q", "unknown neuron"),
        ("max_move = -1", '"always"', "max_move", "at least 0"),
        ('answers = ["output", "input"]', '"always"', "answers", "follow the signal"),
        ('stations = "output"\nanswers = ["hidden"]', '"always"', "answers", "take part"),
        ('floor = "disco"', '"always"', "floor", "expected one of"),
        ('reveal = ["answers"]', '"always"', "reveal[0]", "expected one of"),
        ('reveal_view = "slides"', '"always"', "reveal_view", "expected one of"),
        ("phase = 7", '"always"', "phase", None),
        ("colour = 3", '"always"', "colour", "unknown field"),
    ],
)
def test_a_malformed_step_names_the_file_the_step_and_the_field(
    tmp_path, extra, conditions, field, words
):
    path = one_step(tmp_path, extra, conditions)
    with pytest.raises(DataError) as error:
        load(path)
    assert error.value.source == str(path)
    assert error.value.field == f"step[0] (mine).{field}"
    if words:
        assert words in error.value.message
    assert str(error.value).startswith(f"{path}: step[0] (mine).{field}: ")


def test_a_step_without_french_words_is_refused(tmp_path):
    path = one_step(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("[step.fr]", "[step.en]"))
    with pytest.raises(DataError) as error:
        load(path)
    assert error.value.field == "step[0] (mine).fr" and error.value.message == "missing"


def test_two_steps_with_the_same_id_are_refused(tmp_path):
    step = one_step(tmp_path, step_id="twice").read_text(encoding="utf-8")
    path = write(tmp_path, step + step)
    with pytest.raises(DataError) as error:
        load(path)
    assert error.value.field == "step[1].id" and "twice" in error.value.message


def test_a_step_without_id_is_named_by_its_place(tmp_path):
    text = one_step(tmp_path, step_id="x").read_text(encoding="utf-8")
    with pytest.raises(DataError) as error:
        load(write(tmp_path, text.replace('id = "x"\n', "")))
    assert error.value.field == "step[0].id"


def test_a_script_with_no_steps_or_broken_syntax_is_refused(tmp_path):
    with pytest.raises(DataError) as error:
        load(write(tmp_path, 'name = "empty"\n'))
    assert error.value.field == "step"
    with pytest.raises(DataError) as error:
        load(write(tmp_path, "[[step]\n"))
    assert "syntax error" in error.value.message


def test_a_leader_s_own_step_loads_with_its_digits_and_conditions(tmp_path):
    path = one_step(
        tmp_path,
        'digit = "6♠"\nstations = ["0", "hidden"]\nthresholds = { "0" = 7 }\nmax_move = 1',
        '"recognised all", "threshold 0 == 7"',
    )
    step = load(path).steps[0]
    assert step.digit == "6♠" and step.thresholds == {"0": 7.0}
    assert step.stations == ("0", "A", "B", "C", "D", "E", "F")
    assert [c.key for c in step.complete_when] == ["recognised_all", "threshold"]


def test_the_shipped_script_is_valid_toml_with_a_comment_listing_every_condition():
    text = DEFAULT_SCRIPT.read_text(encoding="utf-8")
    tomllib.loads(text)
    header = text.split("name =")[0]
    for form in FORMS:
        assert form.split(" ")[0] in header


def test_conditions_read_their_words_and_judge_a_situation():
    neurons, digits = tuple(NETWORK.thresholds()), ("6♠", "3♠")
    situation = Situation(
        thresholds={**NETWORK.thresholds(), "0": 7.0},
        recognised={"6♠": True, "3♠": False},
        baseline=NETWORK.thresholds(),
    )
    expected = {
        "always": True,
        "threshold 0 = 7": True,
        "threshold 0 = 6": False,
        "recognised 6♠": True,
        "recognised all": False,
        "not recognised 3♠": True,
        "at most 1 moved": True,
        "at most 0 moved": False,
        "no move too far": True,
        "answers right": False,
        "revealed": False,
        "Recognised 6♠": True,
    }
    for text, holds in expected.items():
        assert parse_condition(text, neurons, digits).holds(situation) is holds, text
    condition = parse_condition("threshold  C =  18", neurons, digits)
    assert condition.text == "threshold C = 18" and dict(condition.values) == {
        "neuron": "C",
        "value": "18",
    }


def test_the_class_s_words_and_the_leader_s_are_apart_and_reveal_says_what_waits():
    steps = {step.id: step for step in load_script(NETWORK, LIBRARY, VIEWS).steps}
    ninth = steps["learning-ninth"]
    assert ninth.new_digits == ("6♠",)  # on show now, not in the step before
    assert steps["learning-tenth"].new_digits == ("3♠",)
    assert steps["table-all"].new_digits == tuple(
        n for n in LIBRARY["grandeur-nature"].names() if n != "0♦"
    )
    assert {"new digits", "score", "marks"} <= set(ninth.reveal)
    assert "revealed" in [c.key for c in ninth.complete_when]
    assert ninth.text("fr").question and ninth.text("en").question
    for step in steps.values():  # the task never gives a target away ("de 6 à 7")
        for language in ("fr", "en"):
            words = step.text(language)
            assert " à 7" not in words.task and " to 7" not in words.task
