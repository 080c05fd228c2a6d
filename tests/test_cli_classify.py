"""`neurones classify` shows the network's verdict on digits, for people and for machines."""

import json
import subprocess
import sys

from controller.cli import main


def run_json(capsys, *args):
    assert main(["classify", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_default_run_shows_eight_out_of_eight_recognised(capsys):
    assert main(["classify"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "8/8 reconnus"
    assert sum("✓" in line for line in out) == 8


def test_english_summary(capsys):
    main(["classify", "--lang", "en"])
    assert capsys.readouterr().out.splitlines()[-1] == "8/8 recognised"


def test_json_has_every_neuron_in_file_order_and_the_decision(capsys):
    first = run_json(capsys)[0]
    assert first["name"] == "0♥" and first["label"] == 0
    assert first["inputs"] == [7, 7, 7, 8, 6, 7]
    assert first["hidden_sums"] == [7, 6, 21, 6, 20, 9]
    assert first["hidden"] == [0, 0, 4, 0, 4, 4]
    assert first["output_sums"] == [12, -8, -4, 0]
    assert first["outputs"] == [6, 0, 0, 0]
    assert first["decision"] == {"status": "clear", "digits": [0]}


def test_set_overrides_tell_the_learning_story(capsys):
    six, three = run_json(capsys, "--dataset", "learning")
    assert six["decision"] == {"status": "ambiguous", "digits": [0, 6]}
    assert three["decision"]["status"] == "none"
    six, three = run_json(
        capsys,
        "--dataset",
        "learning",
        "--set",
        "0=7",
        "--set",
        "3=5",
        "--set",
        "9=5",
        "--set",
        "C=18",
        "--set",
        "D=6",
    )
    assert six["decision"] == {"status": "clear", "digits": [6]}
    assert three["decision"] == {"status": "clear", "digits": [3]}


def test_grids_file_is_classified(tmp_path, capsys):
    path = tmp_path / "mine.json"
    rows = [
        "..##..",
        ".####.",
        ".#..#.",
        ".#..#.",
        ".#..#.",
        ".#..#.",
        ".#..#.",
        ".#.##.",
        "..##..",
    ]
    path.write_text(json.dumps([{"name": "mon zéro", "label": 0, "pixels": rows}]))
    (result,) = run_json(capsys, "--grids", str(path))
    assert result["name"] == "mon zéro" and result["decision"]["digits"] == [0]


def test_bad_grid_file_exits_2_naming_file_and_grid(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"name": "x", "pixels": ["......"] * 8}]))
    assert main(["classify", "--grids", str(path)]) == 2
    assert "bad.json: [0].pixels (grid 'x'): expected 9 rows, got 8" in capsys.readouterr().err


def test_malformed_set_argument_exits_2_without_traceback():
    done = subprocess.run(
        [sys.executable, "-m", "controller", "classify", "--set", "A"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "expected NEURON=VALUE" in done.stderr and "Traceback" not in done.stderr
