"""Storage that loses nothing: atomic saves, kept versions, fall-back reads, kills mid-save."""

import logging
import random
import signal
import subprocess
import sys
import time

import pytest

from controller.calibration import (
    CALIBRATIONS_FILE,
    CalibrationBook,
    SliderCalibration,
    StationCalibration,
    parse_book,
)
from controller.storage import Store, default_state_dir


def book(raw_min: int) -> CalibrationBook:
    station = StationCalibration("E6614C", SliderCalibration(raw_min, 4000))
    return CalibrationBook().with_station(station)


def test_save_replaces_the_file_and_keeps_the_previous_versions(tmp_path):
    store = Store(tmp_path, keep=3)
    for raw_min in range(5):
        store.save(CALIBRATIONS_FILE, book(raw_min).to_toml())
    assert parse_book(store.path(CALIBRATIONS_FILE)).get("E6614C").slider.raw_min == 4
    kept = [parse_book(p).get("E6614C").slider.raw_min for p in store.versions(CALIBRATIONS_FILE)]
    assert kept == [3, 2, 1]  # newest first, pruned to ``keep``


def test_a_corrupt_file_falls_back_to_the_previous_version_with_a_warning(tmp_path, caplog):
    store = Store(tmp_path)
    store.save(CALIBRATIONS_FILE, book(10).to_toml())
    store.save(CALIBRATIONS_FILE, book(20).to_toml())
    store.path(CALIBRATIONS_FILE).write_bytes(b"schema_version = 1\n[station.E6614C.sli\x00")
    with caplog.at_level(logging.WARNING):
        loaded = store.load(CALIBRATIONS_FILE, parse_book)
    assert loaded.value.get("E6614C").slider.raw_min == 10
    assert loaded.fell_back
    assert "calibrations.toml" in caplog.text and "previous version" in caplog.text


def test_a_missing_file_falls_back_to_the_newest_kept_version(tmp_path, caplog):
    store = Store(tmp_path)
    store.save(CALIBRATIONS_FILE, book(10).to_toml())
    store.save(CALIBRATIONS_FILE, book(20).to_toml())
    store.path(CALIBRATIONS_FILE).unlink()
    with caplog.at_level(logging.WARNING):
        loaded = store.load(CALIBRATIONS_FILE, parse_book)
    assert loaded.value.get("E6614C").slider.raw_min == 10
    assert "file not found" in caplog.text


def test_nothing_readable_gives_none_not_a_crash(tmp_path, caplog):
    store = Store(tmp_path)
    assert store.load(CALIBRATIONS_FILE, parse_book) is None
    store.path(CALIBRATIONS_FILE).write_text("not toml at all [")
    with caplog.at_level(logging.WARNING):
        assert store.load(CALIBRATIONS_FILE, parse_book) is None
    assert "syntax error" in caplog.text


def test_state_dir_follows_the_environment_then_systemd(tmp_path):
    assert default_state_dir({"NEURONES_STATE_DIR": str(tmp_path)}) == tmp_path
    assert default_state_dir({"STATE_DIRECTORY": "/var/lib/neurones"}).as_posix() == (
        "/var/lib/neurones"
    )
    assert default_state_dir({}).name == "neurones"


SAVER = """
import sys
from controller.calibration import CalibrationBook, SliderCalibration, StationCalibration
from controller.storage import Store

store = Store(sys.argv[1], keep=5)
n = 0
while True:
    stations = [StationCalibration(f"SERIAL{i:02d}", SliderCalibration(n % 400, 4000))
                for i in range(16)]
    book = CalibrationBook({s.usb_serial: s for s in stations})
    store.save("calibrations.toml", book.to_toml())
    if n == 0:
        print("saving", flush=True)
    n += 1
"""


@pytest.mark.parametrize("seed", range(2))
def test_killing_the_process_while_it_saves_never_leaves_a_calibration_unreadable(tmp_path, seed):
    rng = random.Random(seed)
    store = Store(tmp_path)
    for _ in range(6):
        saver = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(tmp_path)], stdout=subprocess.PIPE, text=True
        )
        assert saver.stdout.readline() == "saving\n"
        time.sleep(rng.uniform(0.0, 0.15))
        saver.send_signal(signal.SIGKILL)
        saver.wait()
        saver.stdout.close()
        # The current file itself must be whole: no fallback needed, ever.
        current = parse_book(store.path(CALIBRATIONS_FILE))
        assert len(current.stations) == 16
        for version in store.versions(CALIBRATIONS_FILE):
            assert len(parse_book(version).stations) == 16
