"""``neurones calibrate``: export and import, and the terminal walk-through on emulated stations."""

from controller.calibration import CalibrationBook, SliderCalibration, StationCalibration
from controller.cli import main
from controller.storage import Store
from controller.technician.store import CalibrationStore


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
