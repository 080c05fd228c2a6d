"""The host's errors share one base, which the command line turns into one line."""

import pytest

from controller.cli import main
from controller.datafile import DataError
from controller.errors import NeuronesError
from controller.floor.pico import LedDriverError
from controller.stations.framing import FrameError
from controller.stations.messages import MessageError
from display.window import NoDisplayError


@pytest.mark.parametrize(
    "error", [DataError, FrameError, MessageError, LedDriverError, NoDisplayError]
)
def test_every_error_of_the_host_is_a_neurones_error(error):
    assert issubclass(error, NeuronesError)


def test_a_bad_file_ends_the_command_with_one_line_and_status_two(tmp_path, capsys):
    network = tmp_path / "network.toml"
    network.write_text("name = 3\n", encoding="utf-8")
    assert main(["classify", "--network", str(network)]) == DataError.exit_status == 2
    err = capsys.readouterr().err
    assert err.startswith("neurones: error: ") and str(network) in err
    assert len(err.strip().splitlines()) == 1
