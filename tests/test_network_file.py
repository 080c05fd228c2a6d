"""A malformed network file gives one clear error naming the file and the field."""

import pytest

from controller.cli import main
from controller.datafile import DataError
from controller.network import DEFAULT_NETWORK, load_network

GOOD = DEFAULT_NETWORK.read_text(encoding="utf-8")


def broken(tmp_path, old, new):
    assert old in GOOD, old
    path = tmp_path / "network.toml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "weights = { COL2 = 1, COL3 = 1, COL1 = -1 }",
            "weights = { COL7 = 1 }",
            "hidden[0].weights.COL7",
            "unknown neuron 'COL7'",
        ),
        ("threshold = 8", 'threshold = "huit"', "hidden[0].threshold", "expected a number"),
        (
            "rows = [1, 9]\ncols = [1, 2]",
            "rows = [1, 10]\ncols = [1, 2]",
            "inputs[0].rows",
            "band outside the grid",
        ),
        ("cols = [5, 6]", "cols = [5, 6, 7]", "inputs[2].cols", "expected 2 entries"),
        ('name = "B"', 'name = "A"', "hidden[1].name", "duplicate neuron name 'A'"),
        ('colour = "#2fb344"', 'colour = "green"', "outputs[0].colour", "expected a colour"),
        ("grid = { rows = 9, cols = 6 }", "", "grid", "missing"),
        (
            "weights = { C = 1, E = 1, F = 1, A = -1, B = -1, D = -1 }",
            "weights = [1, 2]",
            "outputs[0].weights",
            "expected a table",
        ),
        ("threshold = 8", "threshhold = 9\nthreshold = 8", "hidden[0].threshhold", "unknown field"),
        ('name = "Connecte', '[network]\nname = "Connecte', "network", "unknown table"),
        ("rows = 9, cols = 6", "rows = 9, cols = 6, colz = 2", "grid.colz", "unknown field"),
        ("COL2 = 1, COL3 = 1", "COL2 = 1e308, COL3 = 1", "hidden[0].weights.COL2", "typo"),
        (
            "COL2 = 1, COL3 = 1",
            "COL2 = 9223372036854775808, COL3 = 1",
            "hidden[0].weights.COL2",
            "±100",
        ),
        ("threshold = 8", "threshold = nan", "hidden[0].threshold", "expected a number"),
        ("threshold = 8", "threshold = -inf", "hidden[0].threshold", "expected a number"),
        ("threshold = 8", "threshold = 1e300", "hidden[0].threshold", "at most"),
    ],
)
def test_malformed_network_names_file_and_field(tmp_path, old, new, field, message):
    path = broken(tmp_path, old, new)
    with pytest.raises(DataError) as error:
        load_network(path)
    assert error.value.source == str(path)
    assert error.value.field == field
    assert message in error.value.message


def test_toml_syntax_error_names_the_file(tmp_path):
    path = broken(tmp_path, "threshold = 8", "threshold = = 8")
    with pytest.raises(DataError, match=r"network\.toml: syntax error"):
        load_network(path)


def test_classify_with_a_bad_network_exits_2_with_one_line(tmp_path, capsys):
    path = broken(tmp_path, "threshold = 17", "threshold = true")
    assert main(["classify", "--network", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"neurones: error: {path}: hidden[2].threshold: expected a number, got a boolean (True)"
    ]


def test_missing_network_file_is_reported(tmp_path, capsys):
    assert main(["classify", "--network", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml: file not found" in capsys.readouterr().err


def test_a_typo_key_ends_classify_with_one_line_naming_the_file_and_the_key(tmp_path, capsys):
    path = broken(tmp_path, "threshold = 8", "threshhold = 9\nthreshold = 8")
    assert main(["classify", "--network", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"{path}: hidden[0].threshhold: unknown field" in err[0]


def test_a_huge_weight_no_longer_reaches_the_drawings(tmp_path, capsys):
    path = broken(tmp_path, "COL2 = 1, COL3 = 1", "COL2 = 1e308, COL3 = 1")
    out = tmp_path / "network.png"
    assert main(["render", "network", "--network", str(path), "--out", str(out)]) == 2
    assert "a weight past ±100 is a typo" in capsys.readouterr().err
    assert not out.exists()
