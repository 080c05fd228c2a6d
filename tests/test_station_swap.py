"""A station swapped in ten minutes: a new board where a station is missing takes its place,
in the installation file (one line changed, the old file kept) and in the running links, and
its slider is calibrated next; from ``neurones diagnose`` and from the technician desk."""

import io
import os
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from controller.commands.diagnose import assign_board, assignment, format_table, listen
from controller.commands.installation_file import (
    assign_serial,
    assign_station,
    load_installation,
)
from controller.commands.stations import Stations, station_assigner
from controller.datafile import DataError
from controller.diagnosis import Diagnosis, StationFigures, swap_offers
from controller.digits import load_digit_set
from controller.events import DiagnosisUpdated, KeyTurned
from controller.modes import engine
from controller.network import load_network
from controller.session import Session
from controller.stations.emulation import StationEmulator
from controller.stations.links import Links
from controller.storage import Store
from controller.technician.desk import Calibrator, TechnicianDesk
from controller.technician.procedure import Holding
from controller.technician.store import CalibrationStore
from controller.texts import load_texts

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "data" / "installation.toml"
NETWORK = load_network()
NEW = "E66FFFFFFFFF0001"  # the board that replaced station 7's (neuron A)


@pytest.fixture
def installation(tmp_path):
    """A copy of the shipped installation file, as on the Pi."""
    path = tmp_path / "conf" / "installation.toml"
    path.parent.mkdir()
    path.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    return [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]


# --- the file ------------------------------------------------------------------------------------


def test_assigning_edits_only_the_station_s_serial_line_and_keeps_its_comment():
    text = (
        "# the stations\n[[station]]\nid = 7\nserial = 'E660000000000007'   # dead on 3 May\n"
        'neuron = "A"\n\n[[station]]\nid = 8\nserial = "E660000000000008"\nneuron = "B"\n'
    )
    edited = assign_serial(text, 7, NEW)
    assert changed_lines(text, edited) == [
        (
            "serial = 'E660000000000007'   # dead on 3 May",
            f'serial = "{NEW}"   # dead on 3 May',
        )
    ]
    with pytest.raises(DataError, match="station 9"):
        assign_serial(text, 9, NEW, "installation.toml")


def test_the_shipped_file_is_rewritten_in_place_with_its_previous_version_kept(installation):
    before = installation.read_text(encoding="utf-8")
    setup = assign_station(installation, 7, NEW.lower(), NETWORK)
    after = installation.read_text(encoding="utf-8")
    assert changed_lines(before, after) == [('serial = "E660000000000007"', f'serial = "{NEW}"')]
    assert setup.roster.by_serial[NEW].neuron == "A"
    assert load_installation(installation, NETWORK).roster == setup.roster
    (kept,) = Store(installation.parent).versions("installation.toml")
    assert kept.read_text(encoding="utf-8") == before


def test_a_board_already_another_station_s_or_a_station_not_in_the_file_writes_nothing(
    installation,
):
    before = installation.read_text(encoding="utf-8")
    with pytest.raises(DataError, match="is station 8's board"):
        assign_station(installation, 7, "E660000000000008", NETWORK)
    with pytest.raises(DataError, match="station 99: no such station"):
        assign_station(installation, 99, NEW, NETWORK)
    with pytest.raises(DataError, match=r"station\[6\]\.serial: a USB serial is hexadecimal"):
        assign_station(installation, 7, "E66-NOT-HEX", NETWORK)
    assert installation.read_text(encoding="utf-8") == before
    assert Store(installation.parent).versions("installation.toml") == []


# --- the offer ---------------------------------------------------------------------------------


def test_a_new_board_online_is_offered_every_missing_station_and_no_other():
    stations = (
        StationFigures(6, "E6606", "F", online=True),
        StationFigures(7, "E6607", "A", online=False),
        StationFigures(8, "E6608", "B", online=False),
        StationFigures(None, NEW, online=True),
        StationFigures(None, "E66FF02", online=False),  # gone again: nothing to offer
    )
    (offer,) = swap_offers(stations, {NEW: 3})
    assert (offer.serial, offer.missing, offer.station) == (NEW, ((7, "A"), (8, "B")), (8, "B"))
    all_here = tuple(replace(s, online=True) for s in stations[:3]) + stations[3:]
    assert swap_offers(all_here) == ()  # a spare board plugged in with nothing missing


def test_diagnose_prints_the_command_that_gives_the_new_board_its_place():
    stations = (StationFigures(7, "E6607", "A"), StationFigures(None, NEW, online=True))
    diagnosis = Diagnosis(stations, swaps=swap_offers(stations))
    table = format_table(diagnosis, load_texts("en"))
    assert table.splitlines()[-1] == (
        f"Unknown board {NEW}: it may replace missing station 7 (A): "
        f"neurones diagnose --assign N={NEW}"
    )
    assert diagnosis.to_json()["swaps"] == [
        {"serial": NEW, "missing": [{"station_id": 7, "neuron": "A"}]}
    ]
    assert assignment(f"7={NEW.lower()}") == (7, NEW)


# --- with emulated boards ---------------------------------------------------------------------


class Bench:
    """Station 1's board and the new board on the bench; station 7's board is dead."""

    def __init__(self, installation, state):
        self.path = installation
        self.setup = load_installation(installation, NETWORK)
        roster = self.setup.roster
        self.emulator = StationEmulator([roster.serials()[0], NEW])
        self.emulator.start()
        self.links = Links(roster, thresholds=NETWORK.thresholds(), discover=self.emulator.ports)
        store = CalibrationStore(Store(state))
        self.stations = Stations(self.links, roster, store, store.load(), self.emulator)

    def close(self):
        self.links.close()
        self.emulator.close()

    def reading(self, serial):
        return next(r for r in self.links.figures() if r.serial == serial)


@pytest.fixture
def bench(installation, tmp_path):
    bench = Bench(installation, tmp_path / "state")
    try:
        yield bench
    finally:
        bench.close()


@pytest.mark.slow
def test_diagnose_assigns_the_new_board_to_the_missing_station_then_calibrates_it(bench):
    diagnosis = listen(bench.links, bench.stations.store, 3.0)
    (offer,) = diagnosis.swaps
    assert offer.serial == NEW and (7, "A") in offer.missing
    read, write = os.pipe()
    keys, typing = os.fdopen(read), os.fdopen(write, "w", buffering=1)
    out = io.StringIO()
    typing.write("\n")  # yes: calibrate it now

    def technician():  # slides it as the walk-through says, with the hand it lends
        while "fully left" not in out.getvalue():
            time.sleep(0.05)
        typing.write("<\n")
        while "Fully right" not in out.getvalue():
            time.sleep(0.05)
        typing.write(">\n")

    hand = threading.Thread(target=technician, daemon=True)
    hand.start()
    try:
        status = assign_board(
            bench.stations,
            bench.path,
            (7, NEW),
            diagnosis,
            load_texts("en"),
            out,
            keys,
            Holding(hold_s=0.4),
        )
    finally:
        hand.join(5)
        keys.close()
        typing.close()
    assert status == 0, out.getvalue()
    assert f"Station 7 (A) is now the board {NEW}" in out.getvalue()
    assert load_installation(bench.path, NETWORK).roster.by_neuron["A"].serial == NEW
    now_a = bench.reading(NEW)
    assert (now_a.station_id, now_a.neuron, now_a.online) == (7, "A", True)
    calibration = bench.stations.store.load().get(NEW)
    assert calibration.station_id == 7 and calibration.slider.raw_max > 4045


@pytest.mark.slow
def test_diagnose_refuses_a_station_whose_board_is_here(bench):
    diagnosis = listen(bench.links, bench.stations.store, 3.0)
    with pytest.raises(DataError, match="--assign: 1: not a missing station"):
        assign_board(bench.stations, bench.path, (1, NEW), diagnosis, load_texts("en"), None, None)
    with pytest.raises(DataError, match="no new board with this serial"):
        assign_board(
            bench.stations,
            bench.path,
            (7, "E66000000000ABCD"),
            diagnosis,
            load_texts("en"),
            None,
            None,
        )


@pytest.mark.slow
def test_on_the_technician_desk_the_new_board_s_buttons_choose_and_take_the_place(bench):
    calibrator = Calibrator(bench.links, bench.stations.store, by="test")
    assign = station_assigner(bench.stations, bench.path, NETWORK)
    desk = TechnicianDesk(bench.links, calibrator, assign=assign)
    session = Session.start(NETWORK, load_digit_set("grandeur-nature"))
    desk.show(engine.scene(engine.apply(session, KeyTurned("technician", 0.0)), 0.0))

    def diagnosis_until(condition, what):
        end = time.monotonic() + 20
        while time.monotonic() < end:
            bench.links.poll(time.monotonic())
            for event in desk.poll(time.monotonic()):
                if isinstance(event, DiagnosisUpdated) and condition(event.diagnosis):
                    return event.diagnosis
            bench.links.wait(1 / 60)
        raise AssertionError(f"timed out waiting for {what}")

    first = diagnosis_until(lambda d: d.swaps, "the new board's offer").swaps[0]
    assert first.station == (2, "COL2")  # the first missing station
    seventh = [number for number, _ in first.missing].index(7)
    for step in range(1, seventh + 1):  # + on the board, up to station 7
        bench.emulator.click(NEW, "plus")
        diagnosis_until(lambda d, n=step: d.swaps[0].chosen == n, f"choice {step}")
    assert first.missing[seventh] == (7, "A")
    bench.emulator.click(NEW, "ok")
    done = diagnosis_until(
        lambda d: not d.swaps and NEW in d.calibrations, "the board assigned, its calibration"
    )
    assert done.calibrations[NEW].step == "left"  # asks for its calibration at once
    assert load_installation(bench.path, NETWORK).roster.by_neuron["A"].serial == NEW
    diagnosis_until(
        lambda d: any(s.serial == NEW and s.neuron == "A" and s.online for s in d.stations),
        "the board online as station 7",
    )
