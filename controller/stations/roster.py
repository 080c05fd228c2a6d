"""The station roster: which station is which neuron, how the links and sliders behave.

A technician edits ``data/installation.toml``; this module reads its ``[stations]``,
``[[station]]`` and ``[slider]`` sections (the direct build's ``[direct]`` wiring is read by
:mod:`controller.stations.wiring`, the leader console's ``[console]`` by
:mod:`controller.console`) and names the file and the entry of any mistake::

    roster = load_roster(neurons=network_names)
    roster.by_serial["E660000000000007"].neuron    # "A"
    roster.ruler_for("A")                          # Ruler(low=0, high=20, step=1)

Stations are found by their board's USB serial number, never by port order (docs/hardware.md §5), so
the roster maps serials to neurons. Each hidden or output neuron's slider sits beside a printed
ruler whose range and step are given here, so the thresholds it sets match the marks.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from controller.calibration import Ruler, SliderCalibration, StationCalibration
from controller.datafile import INSTALLATION_FILE, Field, check_keys, hex_colour
from controller.stations.link import Timings
from controller.stations.slider import SliderPath, SliderSettings
from controller.stations.wiring import STATION_KEYS, slider_wire, station_key

#: USB ids of a Raspberry Pi Pico running MicroPython (every station, docs/hardware.md §5).
PICO_VID, PICO_PID = 0x2E8A, 0x0005

#: Where the stations are read from (``[stations] source``): Picos on USB, or chips wired
#: straight to the Pi (:mod:`controller.stations.wiring`).
SOURCES = ("pico", "direct")
#: The installation file's sections this module reads.
SECTIONS = ("stations", "station", "slider")

_SERIAL = re.compile(r"^[0-9A-F]{2,64}$")


@dataclass(frozen=True)
class StationEntry:
    """One station of the roster: its number, its board's USB serial, its neuron, its ruler.

    ``ruler`` is None for a station whose neuron has no threshold (an input neuron). A station
    wired straight to the Pi has no USB serial: ``serial`` is its slider's input, ``ADC0-CH6``
    (:func:`controller.stations.wiring.station_key`), which keys its calibration the same way.
    """

    station_id: int
    serial: str
    neuron: str
    ruler: Ruler | None = None


@dataclass(frozen=True)
class StationSettings:
    """How the links find and keep the stations (``[stations]``), and what they tell them."""

    source: str = "pico"  # one of SOURCES
    usb_vid: int = PICO_VID
    usb_pid: int = PICO_PID
    ports: tuple[str, ...] = ()  # listed ports: used instead of finding boards by USB id
    ignore: frozenset[str] = frozenset()  # serials never opened (the LED floor's driver)
    timings: Timings = field(default_factory=Timings)
    report_hz: int = 50  # most state frames a second while the slider moves
    debounce_ms: int = 20
    ring_brightness: int = 64
    host_lost_ms: int = 3000
    heartbeat_ms: int = 200  # a still station's state frame, this often
    change_lsb: int = 8  # how far the filtered slider moves before a station reports it
    ring_colour: tuple[int, int, int] = (255, 176, 80)  # for neurons without a colour

    def config(self) -> dict[str, int]:
        """The settings pushed to every station after its handshake (firmware/PROTOCOL.md §3)."""
        return {
            "report_hz": self.report_hz,
            "debounce_ms": self.debounce_ms,
            "ring_brightness": self.ring_brightness,
            "host_lost_ms": self.host_lost_ms,
            "heartbeat_ms": self.heartbeat_ms,
            "change_lsb": self.change_lsb,
        }


@dataclass(frozen=True)
class Roster:
    """The stations of this installation and how to treat them."""

    stations: tuple[StationEntry, ...] = ()
    settings: StationSettings = field(default_factory=StationSettings)
    slider: SliderSettings = field(default_factory=SliderSettings)
    default_ruler: Ruler = field(default_factory=Ruler)
    source: str = ""

    @property
    def by_serial(self) -> dict[str, StationEntry]:
        """Each station by its board's USB serial."""
        return {s.serial: s for s in self.stations}

    @property
    def by_neuron(self) -> dict[str, StationEntry]:
        """Each station by its neuron's name."""
        return {s.neuron: s for s in self.stations}

    def ruler_for(self, neuron: str) -> Ruler:
        """The ruler printed beside ``neuron``'s slider (the default ruler if none is given)."""
        entry = self.by_neuron.get(neuron)
        return entry.ruler if entry is not None and entry.ruler else self.default_ruler

    def slider_path(
        self, serial: str, neuron: str | None, calibration: StationCalibration | None
    ) -> SliderPath:
        """The slider path of a station: its ``calibration`` (None: the default map) on the
        ruler printed beside it (the station's, its neuron's, or the calibration's)."""
        entry = self.by_serial.get(serial)
        if entry is not None and entry.ruler is not None:
            ruler = entry.ruler
        elif neuron is not None:
            ruler = self.ruler_for(neuron)
        else:
            ruler = calibration.ruler if calibration else self.default_ruler
        if calibration is None:
            calibration = StationCalibration(serial, SliderCalibration(), ruler)
        return SliderPath(replace(calibration, ruler=ruler), self.slider)

    def rulers_by_serial(self) -> dict[str, Ruler]:
        """The rulers of the stations that have one, by USB serial (for the calibrator)."""
        return {s.serial: s.ruler for s in self.stations if s.ruler is not None}

    def serials(self) -> list[str]:
        """The stations' serials in station order."""
        return [s.serial for s in sorted(self.stations, key=lambda s: s.station_id)]


def load_roster(
    path: str | Path = INSTALLATION_FILE, neurons: Collection[str] | None = None
) -> Roster:
    """Read the stations' part of the installation file.

    :param neurons: the network's neuron names, to check each station's neuron against.
    :raises DataError: naming the file and the entry, for anything malformed.
    """
    return roster_from(Field.load(path), neurons)


def roster_from(root: Field, neurons: Collection[str] | None = None) -> Roster:
    """The roster held in a parsed installation document (see :func:`load_roster`)."""
    slider = root.get("slider", {})
    check_keys(slider.table(), ("ema_alpha", "hysteresis", "ruler"))
    default = SliderSettings()
    settings = SliderSettings(
        alpha=slider.get("ema_alpha", default.alpha).number(minimum=0.01, maximum=1),
        hysteresis=slider.get("hysteresis", default.hysteresis).number(minimum=0.01, maximum=1),
    )
    default_ruler = _ruler(slider["ruler"]) if "ruler" in slider else Ruler()
    station_settings = _settings(root.get("stations", {}))
    stations = _stations(root.get("station", []), neurons, _spi_port(root, station_settings))
    # The LED floor's Pico driver shares the stations' USB id: never open it as a station.
    drivers = frozenset(led_driver_serials(root))
    return Roster(
        stations=stations,
        settings=replace(station_settings, ignore=station_settings.ignore | drivers),
        slider=settings,
        default_ruler=default_ruler,
        source=root.source,
    )


_SETTINGS_KEYS = (
    "source",
    "usb_vid",
    "usb_pid",
    "ports",
    "ignore",
    "offline_after_ms",
    "handshake_timeout_ms",
    "rescan_s",
    "rescan_max_s",
    "ping_every_s",
    "report_hz",
    "debounce_ms",
    "ring_brightness",
    "host_lost_ms",
    "heartbeat_ms",
    "change_lsb",
    "ring_colour",
)


def led_driver_serials(root: Field) -> list[str]:
    """The USB serials of the Pico LED drivers the ``[[led_output]]`` entries name."""
    outputs = root.get("led_output", []).list()
    return [
        f["serial"].text().upper()
        for f in outputs
        if f.table().value.get("kind") == "pico" and "serial" in f
    ]


def _settings(section: Field) -> StationSettings:
    check_keys(section.table(), _SETTINGS_KEYS)
    d, t = StationSettings(), Timings()
    rescan = section.get("rescan_s", t.rescan).number(minimum=0.1, maximum=60)
    timings = Timings(
        offline_after=_ms(section, "offline_after_ms", t.offline_after, 100, 10_000),
        handshake_timeout=_ms(section, "handshake_timeout_ms", t.handshake_timeout, 100, 10_000),
        rescan=rescan,
        rescan_max=section.get("rescan_max_s", t.rescan_max).number(minimum=rescan, maximum=600),
        ping_every=section.get("ping_every_s", t.ping_every).number(minimum=0.1, maximum=10),
    )
    return StationSettings(
        source=section.get("source", d.source).text(choices=SOURCES),
        usb_vid=section.get("usb_vid", d.usb_vid).integer(minimum=0, maximum=0xFFFF),
        usb_pid=section.get("usb_pid", d.usb_pid).integer(minimum=0, maximum=0xFFFF),
        ports=tuple(p.text() for p in section.get("ports", []).list()),
        ignore=frozenset(_serial(s) for s in section.get("ignore", []).list()),
        timings=timings,
        report_hz=section.get("report_hz", d.report_hz).integer(minimum=1, maximum=100),
        debounce_ms=section.get("debounce_ms", d.debounce_ms).integer(minimum=5, maximum=100),
        ring_brightness=section.get("ring_brightness", d.ring_brightness).integer(
            minimum=0, maximum=255
        ),
        host_lost_ms=section.get("host_lost_ms", d.host_lost_ms).integer(
            minimum=500, maximum=60_000
        ),
        heartbeat_ms=_heartbeat_ms(section, timings),
        change_lsb=section.get("change_lsb", d.change_lsb).integer(minimum=1, maximum=200),
        ring_colour=_colour(section["ring_colour"]) if "ring_colour" in section else d.ring_colour,
    )


def _heartbeat_ms(section: Field, timings: Timings) -> int:
    """The heartbeat, at most half the time after which a silent station is offline: a still
    station then stays online through one lost heartbeat."""
    field = section.get("heartbeat_ms", StationSettings.heartbeat_ms)
    heartbeat = field.integer(minimum=50, maximum=1000)
    if heartbeat * 2 > timings.offline_after * 1000:
        raise field.error(
            f"{heartbeat} ms is more than half of offline_after_ms "
            f"({timings.offline_after * 1000:.0f}): a still station would go offline"
        )
    return heartbeat


def _ms(section: Field, key: str, default_s: float, low: int, high: int) -> float:
    return section.get(key, default_s * 1000).number(minimum=low, maximum=high) / 1000


def _spi_port(root: Field, settings: StationSettings) -> int | None:
    """The direct build's SPI port (its stations are named by their slider's input), or None
    for Pico stations (named by their USB serial)."""
    if settings.source != "direct":
        return None
    return root.get("direct", {}).get("spi_port", 0).integer()


def _stations(
    entries: Field, neurons: Collection[str] | None, spi_port: int | None = None
) -> tuple[StationEntry, ...]:
    stations: list[StationEntry] = []
    seen: dict[str, dict] = {"id": {}, "serial": {}, "slider": {}, "neuron": {}}
    for item in entries.list():
        direct = spi_port is not None
        check_keys(item.table(), STATION_KEYS if direct else ("id", "serial", "neuron", "ruler"))
        neuron_field = item["neuron"]
        if neurons is not None:
            neuron_field.text(choices=tuple(neurons))
        if spi_port is None:
            serial = _serial(item["serial"])
        else:  # the wiring module checks the rest of the slider and the buttons
            serial = station_key(slider_wire(item["slider"], spi_port))
        entry = StationEntry(
            station_id=item["id"].integer(minimum=1, maximum=99),
            serial=serial,
            neuron=neuron_field.text(),
            ruler=_ruler(item["ruler"]) if "ruler" in item else None,
        )
        for key, value in (
            ("id", entry.station_id),
            ("slider" if direct else "serial", entry.serial),
            ("neuron", entry.neuron),
        ):
            if value in seen[key]:
                raise item.get(key).error(f"{value} is already used by {seen[key][value]}")
            seen[key][value] = item.path
        stations.append(entry)
    return tuple(stations)


def _serial(f: Field) -> str:
    serial = f.text().strip().upper()
    if not _SERIAL.match(serial):
        raise f.error(f"a USB serial is hexadecimal digits (like E66038B7133B5C2F), got {serial!r}")
    return serial


def _ruler(f: Field) -> Ruler:
    check_keys(f.table(), ("low", "high", "step"))
    low = f["low"].number()
    high = f["high"].number()
    if high <= low:
        raise f["high"].error(f"must be above low ({low:g}), got {high:g}")
    step = f.get("step", 1).number(minimum=0.001)
    steps = (high - low) / step
    if abs(steps - round(steps)) > 1e-6:
        raise f["step"].error(f"the range {low:g}..{high:g} is not a whole number of steps")
    return Ruler(low, high, step)


def _colour(f: Field) -> tuple[int, int, int]:
    text = hex_colour(f)
    return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)
