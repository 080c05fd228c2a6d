"""The station roster: the shipped file, and mistakes named by file and entry."""

import pytest

from controller.calibration import Ruler
from controller.datafile import DataError
from controller.network import load_network
from controller.stations.roster import load_roster

NETWORK = load_network()
NEURONS = (*NETWORK.input_names, *NETWORK.thresholds())


def test_the_shipped_layout_has_a_station_for_every_neuron_and_a_ruler_for_each_threshold():
    roster = load_roster(neurons=NEURONS)
    assert sorted(s.neuron for s in roster.stations) == sorted(NEURONS)
    assert [s.station_id for s in roster.stations] == list(range(1, 17))
    for neuron in NETWORK.thresholds():
        ruler = roster.by_neuron[neuron].ruler
        assert ruler is not None and ruler.low <= NETWORK.threshold(neuron) <= ruler.high
    assert roster.settings.usb_vid == 0x2E8A and roster.settings.usb_pid == 0x0005
    assert roster.settings.timings.offline_after == 0.5
    config = roster.settings.config()  # pushed to each station after its handshake
    assert (config["heartbeat_ms"], config["change_lsb"], config["report_hz"]) == (200, 8, 50)
    assert roster.slider.alpha == 0.25 and roster.slider.hysteresis == 0.5


def write(tmp_path, text):
    path = tmp_path / "installation.toml"
    path.write_text(text)
    return path


STATION = '[[station]]\nid = 1\nserial = "e66038b7133b5c2f"\nneuron = "A"\n'


def test_serials_are_read_in_upper_case_and_rulers_are_optional(tmp_path):
    roster = load_roster(write(tmp_path, STATION), NEURONS)
    entry = roster.by_serial["E66038B7133B5C2F"]
    assert entry.ruler is None and roster.ruler_for("A") == Ruler(0, 20, 1)


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        (STATION.replace('"A"', '"Z"'), "station[0].neuron", "expected one of"),
        (STATION.replace("e66038b7133b5c2f", "not-hex"), "station[0].serial", "hexadecimal"),
        (STATION + STATION.replace("id = 1", "id = 2"), "station[1].serial", "already used"),
        (STATION + "ruler = { low = 5, high = 5 }\n", "station[0].ruler.high", "above low"),
        (STATION + "ruler = { low = 0, high = 5, step = 2 }\n", "ruler.step", "whole number"),
        ("[stations]\noffline_after_ms = 5\n", "stations.offline_after_ms", "at least 100"),
        ("[stations]\nrescan_s = 3\nrescan_max_s = 2\n", "stations.rescan_max_s", "at least"),
        ("[stations]\nring_colour = 'red'\n", "stations.ring_colour", "a colour like"),
        ("[stations]\nport = []\n", "stations.port", "unknown field"),
        ("[slider]\nema_alpha = 2\n", "slider.ema_alpha", "at most 1"),
        # a still station must outlive one lost heartbeat before it counts as offline
        ("[stations]\nheartbeat_ms = 300\n", "stations.heartbeat_ms", "more than half"),
        ("[stations]\nchange_lsb = 0\n", "stations.change_lsb", "at least 1"),
    ],
)
def test_a_mistake_names_the_file_and_the_entry(tmp_path, text, field, words):
    with pytest.raises(DataError) as caught:
        load_roster(write(tmp_path, text), NEURONS)
    message = str(caught.value)
    assert "installation.toml" in message and field in message and words in message
