"""The installation file is read whole: ``--installation`` governs every section, and a section
or key nobody reads is refused, naming the file and the key path."""

import pytest

from controller.cli import main
from controller.commands.installation_file import SECTIONS, load_installation
from controller.datafile import INSTALLATION_FILE, DataError
from controller.network import load_network

NETWORK = load_network()
SHIPPED = INSTALLATION_FILE.read_text(encoding="utf-8")


def copy(tmp_path, old="", new=""):
    """A copy of the shipped installation file with ``old`` replaced by ``new`` (once)."""
    assert old in SHIPPED, old
    path = tmp_path / "museum.toml"
    path.write_text(SHIPPED.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_shipped_file_loads_whole():
    setup = load_installation(INSTALLATION_FILE, NETWORK)
    assert len(setup.expected_stations) == 16 and setup.floor is not None
    assert setup.console_configured and setup.modes.start == "visitor"


def test_a_copy_governs_the_modes_and_the_floor(tmp_path):
    path = copy(tmp_path, 'start = "visitor"', 'start = "workshop"')
    path.write_text(
        path.read_text(encoding="utf-8").replace("fps = 40 ", "fps = 30 ", 1), encoding="utf-8"
    )
    setup = load_installation(path, NETWORK)
    assert setup.modes.start == "workshop" and setup.floor.settings.fps == 30
    assert setup.floor.source == str(path)


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("\n[console]\n", "\n[consol]\n", "consol", "unknown table"),
        ("\n[modes]\n", "\n[[mode]]\nstart = 'x'\n[modes]\n", "mode", "unknown table"),
        ("debounce_ms = 30 ", "debounce = 30 ", "console.debounce", "unknown field"),
        ("idle_timeout_s = 90", "idle_timeout = 90", "modes.idle_timeout", "unknown field"),
        ("fps = 40 ", "fps = 0 ", "floor.fps", "at least 1 (frames a second"),
        ("fps = 40 ", "fps = 500 ", "floor.fps", "at most 120"),
        ("supply_a = 10\nbudget_a = 8", "supply_a = 10\nbudget_a = 50", "zone[0].budget_a", "80%"),
        ("supply_a = 10", "supply_a = 5000", "zone[0].supply_a", "amperes of one 5 V LED supply"),
        ("leds = 192", "leds = -5", "strip[0].leds", "at least 1"),
        ("first = 30", "first = 20", "segment[1]", "overlap"),
        ('start = "visitor"', 'start = "museum"', "modes.start", "expected one of"),
    ],
)
def test_a_mistake_in_any_section_names_the_copy_and_the_key_path(tmp_path, old, new, field, words):
    path = copy(tmp_path, old, new)
    with pytest.raises(DataError) as caught:
        load_installation(path, NETWORK)
    assert caught.value.source == str(path)
    assert field in caught.value.field and words in caught.value.message


def test_every_section_of_the_shipped_file_has_a_reader():
    import tomllib

    assert set(tomllib.loads(SHIPPED)) <= set(SECTIONS)


@pytest.mark.parametrize(
    "argv",
    [
        ["render", "--window", "network"],
        ["render", "--mode", "visitor"],
        ["diagnose", "--emulate-stations", "1", "--for", "0.1"],
    ],
)
def test_an_unknown_table_ends_every_command_that_reads_the_file_with_one_line(
    tmp_path, capsys, argv
):
    path = copy(tmp_path, "\n[console]\n", "\n[consol]\n")
    out = tmp_path / "out.png"
    argv = [*argv, "--installation", str(path)]
    if argv[0] == "render":
        argv += ["--out", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"neurones: error: {path}: consol: unknown table (known: {', '.join(SECTIONS)})"]
    assert not out.exists()
