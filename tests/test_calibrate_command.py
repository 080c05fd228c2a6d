"""``neurones calibrate``: export and import, and the terminal walk-through on emulated stations."""

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from controller.calibration import CalibrationBook, Ruler, SliderCalibration, StationCalibration
from controller.cli import main
from controller.commands.calibrate import EmulatedHand
from controller.storage import Store
from controller.technician.desk import Calibrator
from controller.technician.store import CalibrationStore
from controller.texts import load_texts


def saved(state_dir, *serials):
    store = CalibrationStore(Store(state_dir))
    for i, serial in enumerate(serials):
        store.save(StationCalibration(serial, SliderCalibration(10 + i, 4000), station_id=i + 1))
    return store


def test_export_then_import_carries_every_calibration_to_another_pi(tmp_path, capsys):
    first = saved(tmp_path / "pi1", "E661A", "E661B")
    exported = tmp_path / "spare.toml"
    assert main(["calibrate", "--state-dir", str(tmp_path / "pi1"), "--export", str(exported)]) == 0
    assert main(["calibrate", "--state-dir", str(tmp_path / "pi2"), "--import", str(exported)]) == 0
    assert CalibrationStore(Store(tmp_path / "pi2")).load() == first.load()
    assert "(2 stations)" in capsys.readouterr().out.splitlines()[-1]


def test_importing_a_bad_file_names_it_and_keeps_the_calibrations(tmp_path, capsys):
    store = saved(tmp_path / "pi", "E661A")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        "schema_version = 1\n[station.X.slider]\nraw_min = -5\nraw_max = 4000\n"
        "[station.X.ruler]\nlow = 0\nhigh = 20\nstep = 1\n"
    )
    assert main(["calibrate", "--state-dir", str(tmp_path / "pi"), "--import", str(bad)]) == 2
    assert "bad.toml: station.X.slider.raw_min" in capsys.readouterr().err
    assert list(store.load().stations) == ["E661A"]
    assert store.load() != CalibrationBook()


# --- the walk-through on emulated stations, as a technician runs it -----------------------------

ROOT = Path(__file__).resolve().parent.parent


class Terminal:
    """``neurones calibrate`` in a process of its own, its lines read as they come and answered
    as a technician types them."""

    def __init__(self, tmp_path, *args):
        command = [sys.executable, "-m", "controller", "calibrate", "--lang", "en"]
        self.process = subprocess.Popen(
            [*command, "--state-dir", str(tmp_path / "state"), *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text, timeout=60.0):
        """Read lines until one holds ``text``; return it."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} within {timeout} s; seen:\n{''.join(self.seen)}")

    def type(self, line):
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def finish(self, timeout=30.0):
        """The exit status, and everything it printed."""
        status = self.process.wait(timeout=timeout)
        rest = self.process.stdout.read() if not self.process.stdout.closed else ""
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return status, "".join(self.seen) + rest, self.process.stderr.read()

    def close(self):
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            stream.close()


@pytest.mark.slow
def test_calibrate_with_two_emulated_stations_completes_end_to_end(tmp_path):
    terminal = Terminal(tmp_path, "--emulate-stations", "2", "--hold", "0.4")
    try:
        terminal.wait_for("type < or >")
        for _ in range(2):  # each station: slide it left, then right, from the walk-through
            terminal.wait_for("fully left")
            terminal.type("<")
            terminal.wait_for("Fully right")
            terminal.type(">")
            terminal.wait_for("calibrated")
        status, out, err = terminal.finish()
    finally:
        terminal.close()
    assert status == 0, out + err
    book = CalibrationStore(Store(tmp_path / "state")).load()
    assert len(book.stations) == 2
    for calibration in book.stations.values():
        assert calibration.slider.raw_min < 50 and calibration.slider.raw_max > 4045
    assert "Traceback" not in err


@pytest.mark.slow
def test_one_ctrl_c_leaves_calibrate_with_one_clean_line(tmp_path):
    terminal = Terminal(tmp_path, "--emulate-stations", "2")
    try:
        terminal.wait_for("fully left")
        terminal.process.send_signal(signal.SIGINT)
        status, out, err = terminal.finish(timeout=15)
    finally:
        terminal.close()
    assert status == 130
    assert "Calibration interrupted (Ctrl-C): 0 of 2 station(s) calibrated" in out
    assert out.count("fully left") == 1  # not on to the next station
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert CalibrationStore(Store(tmp_path / "state")).load().stations == {}


def test_the_walk_through_s_hand_reads_the_ends_and_ruler_values_the_technician_types():
    calibrator = Calibrator(None, None, by="", rulers={"S": Ruler(0, 20, 1)})
    hand = EmulatedHand(None, calibrator)  # where it would move the slider; nothing moved
    typed = ("<", ">", "5", "7,5", "", "x", "21", "nan")
    assert [hand.raw_for("S", t) for t in typed] == [
        0.0,
        4095.0,
        4095 / 4,
        4095 * 7.5 / 20,
        *(None,) * 4,
    ]


def test_no_station_found_says_how_to_try_without_hardware(tmp_path, capsys):
    assert main(["calibrate", "--state-dir", str(tmp_path), "--lang", "en"]) == 1
    assert "neurones calibrate --emulate-stations 2" in capsys.readouterr().out
    assert "--emulate-stations" in load_texts("fr")["calibration.none_found"]
