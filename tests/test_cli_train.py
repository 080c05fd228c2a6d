"""`neurones train` learns the 16 digits, says how it went, and keeps the network it reached."""

import json
import os
import pty
import select

import numpy as np
import pytest

from controller.cli import main
from controller.digits import load_digit_set
from controller.network import forward, load_network

TRAINING = load_digit_set("training")
WORKSHOP = load_network()


def train_json(capsys, *args):
    assert main(["train", "--json", *args]) == 0
    captured = capsys.readouterr()
    return json.loads(captured.out), captured.err


def test_json_reaches_sixteen_of_sixteen_with_the_workshops_snapshots(capsys):
    report, err = train_json(capsys)
    assert err == ""  # no progress bar when the output is for a machine
    assert [s["iteration"] for s in report["snapshots"]] == [100, 1000, 5000, 20000, 50000]
    assert report["start"] == {"loss": pytest.approx(1.375), "correct": 9}
    last = report["snapshots"][-1]
    assert last["correct"] == last["total"] == 16
    assert report["first_all_right"] <= 50000
    losses = [s["loss"] for s in report["snapshots"]]
    assert losses == sorted(losses, reverse=True)


def test_json_snapshots_hold_every_weight_and_threshold_by_neuron(capsys):
    report, _ = train_json(capsys, "--iterations", "3000", "--snapshots", "3000,7,300")
    assert [s["iteration"] for s in report["snapshots"]] == [7, 300, 3000]
    assert report["iterations"] == 3000
    snapshot = report["snapshots"][-1]
    assert set(snapshot["thresholds"]) == set("ABCDEF0369")
    assert set(snapshot["weights"]) == set("ABCDEF0369")
    assert set(snapshot["weights"]["E"]) == {"COL1", "COL2", "COL3", "LIG1", "LIG2", "LIG3"}
    assert set(snapshot["weights"]["3"]) == set("ABCDEF")
    # The numbers are the network's: rebuild it and its score is the one reported.
    rebuilt = network_from_snapshot(snapshot)
    recognised = forward(rebuilt, TRAINING.grids()).recognised(TRAINING.labels())
    assert recognised.sum() == snapshot["correct"]
    # The workshop's absent connections are still absent.
    assert snapshot["weights"]["E"]["COL2"] == 0 and snapshot["weights"]["3"]["F"] == 0


def network_from_snapshot(snapshot):
    hidden, outputs = WORKSHOP.hidden_names, WORKSHOP.output_names
    weights, thresholds = snapshot["weights"], snapshot["thresholds"]
    return WORKSHOP.with_parameters(
        [[weights[h][i] for i in WORKSHOP.input_names] for h in hidden],
        [thresholds[h] for h in hidden],
        [[weights[o][h] for h in hidden] for o in outputs],
        [thresholds[o] for o in outputs],
    )


def test_all_connections_lets_absent_weights_grow(capsys):
    report, _ = train_json(capsys, "--iterations", "500", "--all-connections", "--lr", "0.002")
    assert report["all_connections"] is True and report["learning_rate"] == 0.002
    weights = report["snapshots"][-1]["weights"]
    assert weights["E"]["COL2"] != 0


def test_the_trained_network_file_loads_back_and_classifies_all_sixteen(tmp_path, capsys):
    out = tmp_path / "trained.toml"
    assert main(["train", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert str(out) in text
    trained = load_network(out)
    for name in ("hidden_weights", "output_weights"):
        assert np.all(getattr(trained, name)[getattr(WORKSHOP, name) == 0] == 0)
    assert trained.outputs == WORKSHOP.outputs and trained.bands == WORKSHOP.bands
    assert main(["classify", "--network", str(out), "--dataset", "training"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "16/16 reconnus"
    assert not list(tmp_path.glob(".*tmp*"))  # written atomically: no temporary left


def test_the_table_shows_the_start_each_snapshot_and_when_all_were_right(capsys):
    assert main(["train", "--iterations", "2000", "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Training on 16 digits (training): 2,000 iterations")
    rows = [line.split() for line in lines[3:-1]]
    assert [r[0] for r in rows] == ["0", "100", "1,000", "2,000"]
    assert rows[0][2] == "9/16"
    assert lines[-1].startswith("After 2,000 iterations: 14/16 recognised")


def test_a_progress_bar_is_drawn_on_a_terminal(monkeypatch, capsys):
    leader, follower = pty.openpty()
    with os.fdopen(follower, "w", encoding="utf-8") as terminal:
        monkeypatch.setattr("sys.stderr", terminal)
        assert main(["train", "--iterations", "3000", "--lang", "en"]) == 0
    drawn = read_all(leader)
    assert "3,000/3,000 iterations" in drawn and "█" * 30 in drawn
    assert "\r" in drawn  # redrawn in place


def read_all(leader: int, timeout: float = 10.0) -> str:
    """Everything written to the terminal: the kernel hands a pty's bytes over in pieces."""
    data = b""
    while select.select([leader], [], [], timeout)[0]:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end is closed and everything has been read
            break
        if not chunk:
            break
        data += chunk
    os.close(leader)
    return data.decode("utf-8")


def test_a_snapshot_past_the_last_iteration_is_refused(capsys):
    assert main(["train", "--iterations", "1000", "--snapshots", "100,5000"]) == 2
    assert "--snapshots" in capsys.readouterr().err


def test_digits_without_labels_cannot_be_learnt(tmp_path, capsys):
    grids = tmp_path / "mine.json"
    rows = json.dumps(TRAINING.digits[0].rows)
    grids.write_text(f'[{{"name": "a", "pixels": {rows}}}]')
    assert main(["train", "--grids", str(grids)]) == 2
    assert "none on a" in capsys.readouterr().err
