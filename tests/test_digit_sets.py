"""The shipped digit sets reproduce the workshop's story exactly (docs/design.md §2)."""

import numpy as np
import pytest

from controller.cli import main
from controller.datafile import DataError
from controller.digits import DigitSet, load_digit_set, load_grid_file, shipped_sets
from controller.network import forward, load_network

NETWORK = load_network()
REFERENCE = load_digit_set("grandeur-nature")
LEARNING = load_digit_set("learning")
SIX, THREE = LEARNING.find("6♠"), LEARNING.find("3♠")

# The workshop's moves: green after the 9th digit; outputs, then hidden, for the 10th.
GREEN_FIXED = {"0": 7}
OUTPUTS_MOVED = {**GREEN_FIXED, "3": 5, "9": 5}
ALL_MOVED = {**OUTPUTS_MOVED, "C": 18, "D": 6}


def decide(overrides, digit):
    d = forward(NETWORK.with_thresholds(overrides), digit.pixels).decision(0)
    return d.status, d.digits


def all_right(overrides, digits):
    result = forward(NETWORK.with_thresholds(overrides), np.stack([d.pixels for d in digits]))
    return bool(result.recognised(np.array([d.label for d in digits])).all())


def test_the_eight_reference_digits_are_all_recognised_by_the_default_network():
    assert len(REFERENCE) == 8
    assert REFERENCE.names() == ["0♥", "3♥", "6♥", "9♥", "0♦", "3♦", "6♦", "9♦"]
    assert all_right({}, REFERENCE.digits)


def test_ninth_digit_is_read_as_zero_and_six_by_the_default_network():
    assert SIX.label == 6
    assert decide({}, SIX) == ("ambiguous", (0, 6))


def test_green_threshold_at_seven_fixes_the_ninth_and_keeps_the_eight_right():
    assert decide(GREEN_FIXED, SIX) == ("clear", (6,))
    assert all_right(GREEN_FIXED, REFERENCE.digits)


def test_tenth_digit_is_not_recognised_before_or_after_the_green_fix():
    assert THREE.label == 3
    assert decide({}, THREE) == ("none", ())
    assert decide(GREEN_FIXED, THREE) == ("none", ())


def test_moving_blue_and_yellow_by_one_is_not_enough_for_the_tenth():
    assert decide(OUTPUTS_MOVED, THREE) == ("none", ())


@pytest.mark.parametrize("only", [{"C": 18}, {"D": 6}])
def test_moving_only_one_of_c_and_d_is_not_enough_either(only):
    assert decide({**OUTPUTS_MOVED, **only}, THREE) == ("none", ())


def test_moving_c_and_d_by_one_as_well_recognises_the_tenth_and_keeps_the_nine():
    assert decide(ALL_MOVED, THREE) == ("clear", (3,))
    assert all_right(ALL_MOVED, [*REFERENCE.digits, SIX])


def test_every_move_of_the_story_is_a_move_of_one():
    for neuron, value in ALL_MOVED.items():
        assert abs(value - NETWORK.threshold(neuron)) == 1


TRAINING = load_digit_set("training")


def test_training_set_has_the_ten_story_digits_first_then_six_more():
    assert "training" in shipped_sets()
    assert len(TRAINING) == 16
    assert TRAINING.names()[:10] == REFERENCE.names() + LEARNING.names()
    for name in REFERENCE.names() + LEARNING.names():  # included, not copied: the same drawings
        story = (REFERENCE if name in REFERENCE.names() else LEARNING).find(name)
        assert TRAINING.find(name).rows == story.rows
    assert len(set(TRAINING.names())) == 16


def test_training_set_has_every_label_four_times_one_per_suit():
    for label in (0, 3, 6, 9):
        digits = [d for d in TRAINING.digits if d.label == label]
        assert sorted(d.suit for d in digits) == sorted("♥♦♠♣"), label


def test_several_training_digits_are_badly_classified_by_the_default_network():
    wrong = ~forward(NETWORK, TRAINING.grids()).recognised(TRAINING.labels())
    assert wrong.sum() >= 4
    new = wrong[10:]  # the six new digits bring their own mistakes, not only the story's
    assert new.sum() >= 2


def test_a_digit_reads_back_as_the_rows_it_was_drawn_with():
    assert THREE.rows[0] == ".####." and THREE.suit == "♠"


def write(tmp_path, text, name="set.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_row_with_a_wrong_character_names_the_file_the_digit_and_the_row(tmp_path):
    rows = ", ".join(['"..##.."'] * 8 + ['"..#x.."'])
    path = write(tmp_path, f'[[digit]]\nname = "7?"\nlabel = 7\npixels = [{rows}]\n')
    with pytest.raises(DataError, match=r"set\.toml: digit\[0\]\.pixels \(grid '7\?'\): row 9"):
        load_digit_set(path)


def test_a_grid_file_with_eight_rows_is_refused_naming_the_grid(tmp_path):
    path = write(tmp_path, '[{"name": "mine", "pixels": ["......"]}]', "grids.json")
    with pytest.raises(
        DataError, match=r"grids\.json: \[0\]\.pixels \(grid 'mine'\): expected 9 rows"
    ):
        load_grid_file(path)


def test_a_grid_file_that_is_not_json_is_refused(tmp_path):
    with pytest.raises(DataError, match="syntax error"):
        load_grid_file(write(tmp_path, "[{", "grids.json"))


def test_grid_file_digits_without_names_or_labels_are_numbered(tmp_path):
    rows = ["......"] * 9
    path = write(tmp_path, f'[{{"pixels": {rows!r}}}]'.replace("'", '"'), "grids.json")
    digits = load_grid_file(path)
    assert isinstance(digits, DigitSet)
    assert digits.digits[0].name == "#1" and digits.digits[0].label is None


def test_two_digits_with_the_same_name_are_refused(tmp_path):
    path = write(
        tmp_path,
        'include = ["grandeur-nature"]\n'
        '[[digit]]\nname = "0♥"\nlabel = 0\npixels = '
        + str(REFERENCE.digits[0].rows).replace("'", '"'),
    )
    path.rename(tmp_path / "dup.toml")
    with pytest.raises(DataError, match="two digits are called '0♥'"):
        load_digit_set(tmp_path / "dup.toml")


def test_a_digit_labelled_with_a_digit_the_network_cannot_answer_is_refused(tmp_path):
    rows = str(REFERENCE.digits[0].rows).replace("'", '"')
    path = write(tmp_path, f'[[digit]]\nname = "7♥"\nlabel = 7\npixels = {rows}\n')
    with pytest.raises(DataError, match=r"digit\[0\]\.label: the network answers only 0, 3, 6, 9"):
        load_digit_set(path, labels=(0, 3, 6, 9))


def test_a_typo_key_in_a_digit_set_is_refused(tmp_path):
    rows = str(REFERENCE.digits[0].rows).replace("'", '"')
    path = write(tmp_path, f'[[digit]]\nname = "0?"\nlabl = 0\npixels = {rows}\n')
    with pytest.raises(DataError, match=r"digit\[0\]\.labl: unknown field"):
        load_digit_set(path)


def test_classify_refuses_a_grid_labelled_seven(tmp_path, capsys):
    rows = REFERENCE.digits[0].rows
    path = write(tmp_path, f'[{{"label": 7, "pixels": {rows!r}}}]'.replace("'", '"'), "g.json")
    assert main(["classify", "--grids", str(path)]) == 2
    assert "[0].label: the network answers only 0, 3, 6, 9" in capsys.readouterr().err
