"""Import the firmware's modules as the boards do: flat, from the folders copied onto them.

On a board, firmware/common/*.py and firmware/station/*.py (or firmware/leds/*.py) sit side by
side in its filesystem, so the firmware imports ``wire``, ``station``… without a package. The
tests put those folders on ``sys.path`` the same way (station first; the LED driver's modules
have names of their own, so both boards' code can be imported in one test run).
"""

from __future__ import annotations

import sys
from pathlib import Path

FIRMWARE = Path(__file__).resolve().parent.parent / "firmware"

for folder in ("common", "station", "leds", "sim"):
    path = str(FIRMWARE / folder)
    if path not in sys.path:
        sys.path.append(path)
