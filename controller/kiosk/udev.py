"""Stable names for the stations: udev rules mapping each USB serial to /dev/neuron-station-NN.

Linux numbers USB serial ports in the order they appear (ttyACM0, ttyACM1…), which changes with
every replug. The controller finds stations by USB serial anyway (docs/hardware.md §5); these names
are for people, so a technician can say "station 3" to ``mpremote`` or ``screen``. The generic rule
(``deploy/70-neurones.rules``) keeps ModemManager off every Pico; this module writes the per-station
rules once the stations are known (``neurones diagnose --udev-rules``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: USB ids of a Raspberry Pi Pico running MicroPython (every station).
PICO_VENDOR, PICO_PRODUCT = "2e8a", "0005"

_SAFE_SERIAL = re.compile(r"^[0-9A-Za-z_-]+$")


def station_name(station_id: int) -> str:
    """The stable device name of station ``station_id``: ``neuron-station-03``."""
    return f"neuron-station-{station_id:02d}"


def udev_rules(stations: Iterable[tuple[str, int]]) -> str:
    """The rules naming each ``(usb_serial, station_id)``, one line per station.

    :raises ValueError: for a serial udev could not match literally (quotes, globs).
    """
    lines = [
        "# Stable names for the neuron stations, by USB serial.",
        "# Written by `neurones diagnose --udev-rules`; see docs/install-pi.md.",
    ]
    for serial, station_id in sorted(stations, key=lambda s: s[1]):
        if not _SAFE_SERIAL.match(serial):
            raise ValueError(f"USB serial {serial!r} has characters udev would not match")
        lines.append(
            f'SUBSYSTEM=="tty", ATTRS{{idVendor}}=="{PICO_VENDOR}", '
            f'ATTRS{{idProduct}}=="{PICO_PRODUCT}", ATTRS{{serial}}=="{serial}", '
            f'ENV{{ID_MM_DEVICE_IGNORE}}="1", SYMLINK+="{station_name(station_id)}"'
        )
    return "\n".join(lines) + "\n"
