"""The sliders' ADCs: MCP3008 chips on the Pi's SPI bus, read through gpiozero.

Each slider of the direct build is one input of an MCP3008 (:mod:`controller.stations.wiring`).
gpiozero reads it (``gpiozero.MCP3008``), on the Pi's hardware SPI when the SPI pins are used,
so the program never bit-bangs the bus itself::

    chip = AdcChip(port=0, chip_select=0, channels=[0, 1, 2])
    chip.read()          # {0: 2047.0, 1: 12.0, 2: 4095.0}, on the stations' 12-bit scale

SPI has no acknowledgement: a chip that is unplugged or unpowered does not fail, it reads
whatever its MISO line floats to. The build puts a pull-up on MISO (``docs/direct-build.md``),
so a silent chip reads all ones, and :class:`CheckedMCP3008` checks the one bit a working chip
always sends low (the null bit before the result): a 1 there is :class:`SilentChip`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gpiozero import MCP3008

from controller.calibration import FULL_SCALE

#: The MCP3008's codes (10 bits) on the stations' 12-bit scale, which the calibration, its
#: limits and the slider path all use.
TO_STATION_SCALE = FULL_SCALE / 1023
#: In the reply's second byte, the null bit a working chip sends low before the result's MSBs.
NULL_BIT = 0x04


class SilentChip(OSError):
    """An MCP3008 did not answer: its reply was all ones (MISO left to its pull-up)."""


class CheckedMCP3008(MCP3008):
    """gpiozero's MCP3008, which also checks that a chip answered (the null bit), and builds
    its channel's command once (it never changes; the Pi reads each input 50 times a second)."""

    _command: list[int] | None = None  # declared: gpiozero refuses attributes it does not know

    def _read(self) -> int:
        command = self._command
        if command is None:
            command = self._command = self._send()
        reply = self._spi.transfer(command)
        if reply[-2] & NULL_BIT:
            raise SilentChip(f"no answer from the MCP3008 on {self._spi!r}")
        return (reply[-2] & 0x03) << 8 | reply[-1]


class AdcChip:
    """One MCP3008: the gpiozero device of each of its inputs the stations use.

    :param port: the Pi's SPI port (0: SCLK GPIO11, MOSI GPIO10, MISO GPIO9).
    :param chip_select: its chip select on that port (0: CE0, GPIO8; 1: CE1, GPIO7).
    :param channels: the inputs in use.
    :param pin_factory: gpiozero's pin factory (default: gpiozero's own choice).
    """

    def __init__(
        self, port: int, chip_select: int, channels: Iterable[int], pin_factory: Any = None
    ) -> None:
        self.port, self.chip_select = port, chip_select
        self.devices: dict[int, CheckedMCP3008] = {}
        try:
            for channel in sorted(set(channels)):
                self.devices[channel] = CheckedMCP3008(
                    channel=channel, port=port, device=chip_select, pin_factory=pin_factory
                )
        except BaseException:
            self.close()
            raise

    def name(self) -> str:
        """``MCP3008 on SPI0 CE1`` for the log."""
        return f"MCP3008 on SPI{self.port} CE{self.chip_select}"

    def read(self) -> dict[int, float]:
        """Every input in use, once, on the stations' 12-bit scale.

        :raises OSError: the chip did not answer (:class:`SilentChip`) or the bus failed.
        """
        return {ch: device.raw_value * TO_STATION_SCALE for ch, device in self.devices.items()}

    def close(self) -> None:
        """Release the SPI devices."""
        for device in self.devices.values():
            device.close()
        self.devices = {}
