"""Every path a command writes: a folder, a missing folder or a device is a usage error told in
one line (exit 2); what only the write can tell (a full disk, a folder nothing can be created
in) is a failure told in one line (exit 1). Never a traceback, never half a file."""

import os
import subprocess
import sys

import pytest

from controller.cli import main

#: Commands that write a file, with the option that names it.
WRITERS = [
    ["render", "network", "--out"],
    ["calibrate", "--export"],
    ["train", "--iterations", "10", "--out"],
    ["run", "--headless", "--for", "0.2", "--health-port", "-1", "--report"],
]


def usage_error(capsys, argv):
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w[0])
def test_a_folder_given_as_the_file_is_a_usage_error(tmp_path, capsys, writer):
    line = usage_error(capsys, [*writer, f"{tmp_path}/"])
    assert line.endswith(f"{tmp_path}/ is a folder: name a file in it")


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w[0])
def test_a_missing_folder_is_a_usage_error(tmp_path, capsys, writer):
    line = usage_error(capsys, [*writer, str(tmp_path / "nope" / "out.x")])
    assert line.endswith(f"no folder {tmp_path / 'nope'} to write out.x in")
    assert not (tmp_path / "nope").exists()


def test_a_device_is_never_replaced_by_a_file(capsys):
    line = usage_error(capsys, ["render", "network", "--out", os.devnull])
    assert line.endswith(f"{os.devnull} is not a plain file")


def test_a_state_dir_that_is_a_file_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "state").write_text("", encoding="utf-8")
    line = usage_error(
        capsys, ["calibrate", "--export", "x.toml", "--state-dir", f"{tmp_path}/state"]
    )
    assert line.endswith("state is not a folder")


def test_a_folder_nothing_can_be_created_in_fails_in_one_line(capsys):
    # /proc exists, but no file can be made in it: the kernel refuses at the write.
    assert main(["render", "network", "--size", "320x240", "--out", "/proc/neurones.png"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["neurones: error: cannot write /proc/neurones.png: No such file or directory"]


def test_an_import_into_a_state_dir_that_cannot_be_made_fails_in_one_line(tmp_path, capsys):
    book = tmp_path / "book.toml"
    assert main(["calibrate", "--export", str(book), "--state-dir", str(tmp_path / "s")]) == 0
    capsys.readouterr()
    argv = ["calibrate", "--import", str(book), "--state-dir", "/proc/neurones"]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("neurones: error: cannot write /proc/neurones/")


FULL_DISK = """
import resource, sys
from controller.cli import main
# The file size limit makes every write past 1 kB fail as a full disk does (EFBIG for ENOSPC).
resource.setrlimit(resource.RLIMIT_FSIZE, (1024, resource.RLIM_INFINITY))
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["render", "network", "--size", "320x240", "--out", "{dir}/frame.png"],
        ["train", "--iterations", "10", "--out", "{dir}/trained.toml"],
        ["run", "--headless", "--for", "0.2", "--health-port", "-1", "--report", "{dir}/r.json"],
    ],
    ids=lambda argv: argv[0],
)
def test_a_full_disk_fails_in_one_line_and_leaves_nothing_behind(tmp_path, argv):
    argv = [a.format(dir=tmp_path) for a in argv]
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "NEURONES_STATE_DIR": str(tmp_path / "s")}
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, *argv], capture_output=True, text=True, env=env
    )
    assert done.returncode == 1, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("neurones: error: cannot write ") and "File too large" in last
    assert "Traceback" not in done.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name != "s"] == []
