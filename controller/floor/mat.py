"""The LED floor's layout: strips, neuron rings, connection segments, power zones and outputs.

The floor mat carries one LED *ring* around each neuron's circle and one LED *segment* along
each connection of the network (every non-zero weight). Physically the LEDs are a few long
*strips*, each on one data line, cut into pieces joined by jumper wires: a ring or a segment is
a range of LEDs on a strip. A technician describes all this in ``data/installation.toml``::

    [floor]                      # the mat, the LED pitch, brightness cap, gamma, frame rate…
    [[floor.zone]]               # each power supply: its current and the budget drawn from it
    [[strip]]                    # name, LED count, colour order ("GRB"), power zone
    [[ring]]                     # neuron, centre on the mat, strip, first LED, count, direction
    [[segment]]                  # from, to, strip, first LED, count, direction
    [[led_output]]               # where frames go: the on-screen floor, WLED (DDP), the Pico

:func:`load_floor` reads and checks it against the network: a ring for an unknown neuron, a
segment for a connection the network does not have (or none for one it has), pieces that
overlap or run past the end of their strip, a segment too long for the gap between its rings,
a bad colour order or a budget above 80 % of its supply each stop the start with one sentence
naming the file and the entry. The result is plain data; :meth:`FloorLayout.positions` says
where every LED lies on the mat (metres, x from the inputs towards the outputs, y down the
columns, as on the screen's network view).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise, permutations
from pathlib import Path

import numpy as np

from controller.datafile import INSTALLATION_FILE, DataError, Field, check_keys, unique
from controller.floor.pico import PICO_FPS
from controller.network import Network

#: Every order in which a strip may expect the red, green and blue bytes.
COLOUR_ORDERS = tuple("".join(p) for p in permutations("RGB"))

#: Where frames may go (``[[led_output]] kind``): the on-screen floor, a WLED controller over
#: DDP, our own Pico LED driver on USB serial (firmware/leds/).
OUTPUT_KINDS = ("screen", "ddp", "pico")

#: A ring's LEDs run clockwise or counter-clockwise as seen from above (on the plan).
RING_DIRECTIONS = ("cw", "ccw")

#: A segment's data runs from its source to its target ("forward") or back ("reverse").
SEGMENT_DIRECTIONS = ("forward", "reverse")

#: The installation file's sections this module reads.
SECTIONS = ("floor", "strip", "ring", "segment", "led_output")

#: The share of a supply's rating a zone may draw (docs/hardware.md §6).
MAX_BUDGET_SHARE = 0.8

#: WS2812 timing: 30 µs per LED on the data line, then a 280 µs latch (docs/hardware.md §6).
LED_TIME_S = 30e-6
LATCH_TIME_S = 280e-6

#: The gap kept between a ring and the end of a segment, so the two read apart.
END_GAP_M = 0.05


@dataclass(frozen=True)
class FloorSettings:
    """The floor's global figures (``[floor]``)."""

    size_m: tuple[float, float]  # the mat: width (inputs → outputs) and depth
    pitch_m: float = 1 / 30  # from one LED to the next along a strip
    brightness: float = 0.4  # cap on the light output, 0–1 (glare, heat, supply size)
    gamma: float = 2.6
    fps: float = 40.0  # frames sent to the LEDs per second
    pulse_speed: float = 1.0  # metres per second a value walks along a connection
    led_full_ma: float = 60.0  # one LED at full white
    led_standby_ma: float = 1.0  # one dark LED


@dataclass(frozen=True)
class PowerZone:
    """A power supply and the strips it feeds; the limiter keeps the zone within ``budget_a``."""

    name: str
    supply_a: float
    budget_a: float


@dataclass(frozen=True)
class Strip:
    """One data line of LEDs; ``offset`` is the index of its first LED in the whole floor."""

    name: str
    leds: int
    colour_order: str
    zone: str
    offset: int


@dataclass(frozen=True)
class Ring:
    """The LEDs around a neuron's circle, centred at ``centre`` (metres) on the mat."""

    neuron: str
    centre: tuple[float, float]
    strip: str
    first: int
    count: int
    direction: str = "cw"
    start_deg: float = 180.0  # where its first LED sits: 0 = towards the outputs, 90 = down


@dataclass(frozen=True)
class Segment:
    """The LEDs along one connection, from neuron ``source`` to neuron ``target``."""

    source: str
    target: str
    strip: str
    first: int
    count: int
    direction: str = "forward"


@dataclass(frozen=True)
class OutputConfig:
    """One ``[[led_output]]``: the on-screen floor, or a WLED controller fed by DDP."""

    kind: str
    host: str | None = None
    port: int = 4048
    strips: tuple[str, ...] = ()  # the strips it shows, in its own order (empty: every strip)
    serial: str | None = None  # pico: the driver's USB serial number …
    device: str | None = None  # … or its port (e.g. "/dev/neuron-leds")
    fps: float | None = None  # pico: at most this many frames a second (its USB link's budget)
    wled_api: str | None = None  # ddp: WLED's address, to switch it on, and off at the end


@dataclass(frozen=True, eq=False)
class FloorLayout:
    """The whole floor, checked against a network. Build it with :func:`load_floor`."""

    settings: FloorSettings
    zones: tuple[PowerZone, ...]
    strips: tuple[Strip, ...]
    rings: tuple[Ring, ...]
    segments: tuple[Segment, ...]
    outputs: tuple[OutputConfig, ...] = ()
    source: str = ""  # the file it came from

    @property
    def led_count(self) -> int:
        """How many LEDs the floor has, over all its strips."""
        return sum(s.leds for s in self.strips)

    def strip(self, name: str) -> Strip:
        """The strip called ``name``."""
        return next(s for s in self.strips if s.name == name)

    def ring(self, neuron: str) -> Ring:
        """The ring around ``neuron``."""
        return next(r for r in self.rings if r.neuron == neuron)

    def ring_radius(self, ring: Ring) -> float:
        """A ring's radius in metres, from its LED count and the pitch."""
        return ring.count * self.settings.pitch_m / (2 * math.pi)

    def ring_indices(self, ring: Ring) -> np.ndarray:
        """The floor indices of a ring's LEDs, in its own order (first LED first)."""
        return self.strip(ring.strip).offset + ring.first + np.arange(ring.count)

    def segment_indices(self, segment: Segment) -> np.ndarray:
        """The floor indices of a segment's LEDs, from the source end to the target end."""
        start = self.strip(segment.strip).offset + segment.first
        indices = start + np.arange(segment.count)
        return indices if segment.direction == "forward" else indices[::-1]

    def segment_span(self, segment: Segment) -> tuple[np.ndarray, np.ndarray, float]:
        """Where a segment lies: its start point and unit direction, and the gap's length.

        The gap runs from the source ring's edge to the target ring's edge (metres).
        """
        a = np.array(self.ring(segment.source).centre)
        b = np.array(self.ring(segment.target).centre)
        distance = float(np.linalg.norm(b - a))
        unit = (b - a) / distance
        start = a + unit * self.ring_radius(self.ring(segment.source))
        gap = distance - self.ring_radius(self.ring(segment.source))
        gap -= self.ring_radius(self.ring(segment.target))
        return start, unit, gap

    def segment_distances(self, segment: Segment) -> np.ndarray:
        """Each LED's distance from the source ring's edge (metres), source end first.

        The LEDs sit at the pitch, centred in the gap between the two rings.
        """
        _, _, gap = self.segment_span(segment)
        pitch = self.settings.pitch_m
        lead = (gap - segment.count * pitch) / 2
        return lead + (np.arange(segment.count) + 0.5) * pitch

    @cached_property
    def positions(self) -> np.ndarray:
        """Every LED's ``(x, y)`` on the mat in metres, shape ``(led_count, 2)``.

        LEDs of a strip that no ring or segment uses (spares) lie at the mat's corner.
        """
        xy = np.zeros((self.led_count, 2))
        for ring in self.rings:
            sign = 1.0 if ring.direction == "cw" else -1.0
            turns = np.arange(ring.count) / ring.count
            angles = math.radians(ring.start_deg) + sign * 2 * math.pi * turns
            radius = self.ring_radius(ring)
            xy[self.ring_indices(ring)] = np.column_stack(
                (ring.centre[0] + radius * np.cos(angles), ring.centre[1] + radius * np.sin(angles))
            )
        for segment in self.segments:
            start, unit, _ = self.segment_span(segment)
            along = self.segment_distances(segment)
            xy[self.segment_indices(segment)] = start + along[:, None] * unit
        xy.setflags(write=False)
        return xy

    def zone_of_leds(self) -> np.ndarray:
        """For every LED, the index of its power zone in :attr:`zones`."""
        names = [z.name for z in self.zones]
        return np.concatenate(
            [np.full(s.leds, names.index(s.zone), dtype=np.intp) for s in self.strips]
        )

    def strip_indices(self, names: tuple[str, ...] = ()) -> np.ndarray:
        """The floor indices of the named strips' LEDs, strip after strip (all if none named)."""
        chosen = [self.strip(n) for n in names] if names else list(self.strips)
        return np.concatenate([s.offset + np.arange(s.leds) for s in chosen])

    def wire_order(self, rgb: np.ndarray) -> np.ndarray:
        """The frame's bytes as the strips expect them, each in its own colour order.

        ``rgb`` is ``(led_count, 3)`` in R, G, B order; the result has the same shape with
        each LED's channels permuted for its strip (``"GRB"`` → green, red, blue).
        """
        return np.take_along_axis(rgb, self._channel_order, axis=1)

    @cached_property
    def _channel_order(self) -> np.ndarray:
        rows = [np.tile(["RGB".index(c) for c in s.colour_order], (s.leds, 1)) for s in self.strips]
        return np.concatenate(rows).astype(np.intp)


def max_leds_per_line(fps: float) -> int:
    """The most WS2812 LEDs one data line can refresh ``fps`` times a second
    (docs/hardware.md §6)."""
    return int((1 / fps - LATCH_TIME_S) / LED_TIME_S)


# --- loading -------------------------------------------------------------------------------


def load_floor(network: Network, path: str | Path = INSTALLATION_FILE) -> FloorLayout | None:
    """Read the floor's sections of the installation file and check them against ``network``.

    Returns None when the file has no ``[floor]`` section (an installation without LEDs).

    :raises DataError: naming the file and the entry, for anything wrong.
    """
    return floor_from(Field.load(path), network)


def floor_from(root: Field, network: Network) -> FloorLayout | None:
    """The floor of a parsed installation document (see :func:`load_floor`)."""
    if "floor" not in root:
        return None
    floor = root["floor"]
    check_keys(
        floor,
        (
            "size_m",
            "led_pitch_mm",
            "brightness",
            "gamma",
            "fps",
            "pulse_speed_m_s",
            "led_full_ma",
            "led_standby_ma",
            "zone",
        ),
    )
    settings = _settings(floor)
    zones = _zones(floor["zone"])
    strips = _strips(root["strip"], zones, settings)
    rings = _rings(root["ring"], network, strips, settings)
    segments = _segments(root["segment"], network, strips)
    outputs = tuple(_output(f, strips) for f in root.get("led_output", []).list())
    layout = FloorLayout(settings, zones, strips, rings, segments, outputs, root.source)
    _check_overlaps(root, layout)
    _check_segment_lengths(root["segment"], layout)
    _check_zone_budgets(floor["zone"], layout)
    return layout


def _settings(f: Field) -> FloorSettings:
    width, depth = (v.number(minimum=0.5, maximum=100) for v in f["size_m"].list(length=2))
    default = FloorSettings((width, depth))
    return FloorSettings(
        size_m=(width, depth),
        pitch_m=f.get("led_pitch_mm", 1000 * default.pitch_m).number(minimum=2, maximum=500) / 1000,
        brightness=f.get("brightness", default.brightness).number(minimum=0.01, maximum=1),
        gamma=f.get("gamma", default.gamma).number(minimum=1, maximum=4),
        fps=f.get("fps", default.fps).number(
            minimum=1,
            maximum=120,
            why="frames a second: the eye sees no more, a strip sends no more",
        ),
        pulse_speed=f.get("pulse_speed_m_s", default.pulse_speed).number(minimum=0.05, maximum=20),
        led_full_ma=f.get("led_full_ma", default.led_full_ma).number(
            minimum=1, maximum=200, why="mA of one LED at full white: a WS2812 draws about 60"
        ),
        led_standby_ma=f.get("led_standby_ma", default.led_standby_ma).number(
            minimum=0, maximum=20
        ),
    )


def _zones(f: Field) -> tuple[PowerZone, ...]:
    zones: list[PowerZone] = []
    for entry in f.list(min_length=1):
        check_keys(entry, ("name", "supply_a", "budget_a"))
        name = unique(entry["name"], [z.name for z in zones], "power zone")
        supply = entry["supply_a"].number(
            minimum=0.1, maximum=200, why="amperes of one 5 V LED supply"
        )
        budget = entry["budget_a"].number(minimum=0.01)
        if budget > MAX_BUDGET_SHARE * supply + 1e-9:
            limit = MAX_BUDGET_SHARE * supply
            raise entry["budget_a"].error(
                f"a zone may draw at most {MAX_BUDGET_SHARE:.0%} of its supply: "
                f"{budget:g} A is more than {limit:g} A of a {supply:g} A supply"
            )
        zones.append(PowerZone(name, supply, budget))
    return tuple(zones)


def _strips(f: Field, zones: tuple[PowerZone, ...], settings: FloorSettings) -> tuple[Strip, ...]:
    strips: list[Strip] = []
    offset = 0
    zone_names = tuple(z.name for z in zones)
    most = max_leds_per_line(settings.fps)
    for entry in f.list(min_length=1):
        check_keys(entry, ("name", "leds", "colour_order", "zone"))
        name = unique(entry["name"], [s.name for s in strips], "strip")
        leds = entry["leds"].integer(minimum=1, why="a strip has LEDs")
        if leds > most:
            ms = 1000 * (leds * LED_TIME_S + LATCH_TIME_S)
            raise entry["leds"].error(
                f"{leds} LEDs on one data line take {ms:.1f} ms to refresh: at "
                f"{settings.fps:g} fps a line takes at most {most} LEDs (split the strip)"
            )
        order = entry["colour_order"].text().upper()
        if order not in COLOUR_ORDERS:
            raise entry["colour_order"].error(
                f'expected the letters R, G and B once each (like "GRB"), got {order!r}'
            )
        zone = entry["zone"].text(choices=zone_names)
        strips.append(Strip(name, leds, order, zone, offset))
        offset += leds
    return tuple(strips)


def _piece(entry: Field, strips: tuple[Strip, ...], kind: str) -> tuple[str, int, int]:
    """A piece's strip, first LED and count, checked to lie within the strip."""
    names = tuple(s.name for s in strips)
    strip_name = entry["strip"].text(choices=names)
    strip = strips[names.index(strip_name)]
    first = entry["first"].integer(minimum=0)
    count = entry["count"].integer(minimum=1, why="a piece has LEDs")
    if first + count > strip.leds:
        raise entry.error(
            f"{kind} LEDs {first}–{first + count - 1} run past the end of strip "
            f"{strip.name!r}, which has {strip.leds} LEDs (0–{strip.leds - 1})"
        )
    return strip_name, first, count


def _rings(
    f: Field, network: Network, strips: tuple[Strip, ...], settings: FloorSettings
) -> tuple[Ring, ...]:
    neurons = network.input_names + network.hidden_names + network.output_names
    rings: list[Ring] = []
    entries = f.list()
    for entry in entries:
        check_keys(entry, ("neuron", "at", "strip", "first", "count", "direction", "start_deg"))
        neuron = entry["neuron"].text()
        if neuron not in neurons:
            raise entry["neuron"].error(
                f"unknown neuron {neuron!r} (the network has {', '.join(neurons)})"
            )
        unique(entry["neuron"], [r.neuron for r in rings], "ring for neuron")
        x, y = (v.number() for v in entry["at"].list(length=2))
        width, depth = settings.size_m
        if not (0 <= x <= width and 0 <= y <= depth):
            raise entry["at"].error(f"({x:g}, {y:g}) m is off the {width:g} × {depth:g} m mat")
        strip, first, count = _piece(entry, strips, "ring")
        if count < 3:
            raise entry["count"].error(f"a ring needs at least 3 LEDs, got {count}")
        direction = entry.get("direction", "cw").text(choices=RING_DIRECTIONS)
        start = entry.get("start_deg", 180.0).number(minimum=-360, maximum=360)
        rings.append(Ring(neuron, (x, y), strip, first, count, direction, start))
    missing = [n for n in neurons if n not in {r.neuron for r in rings}]
    if missing:
        raise f.error(f"no ring for neuron {', '.join(map(repr, missing))}: every neuron needs one")
    return tuple(rings)


def connections(network: Network) -> list[tuple[str, str, int]]:
    """Every connection of the network (non-zero weight): ``(source, target, layer)``.

    Layer 1 joins an input to a hidden neuron, layer 2 a hidden neuron to an output.
    """
    found = []
    layers = (
        (network.input_names, network.hidden_names, network.hidden_weights),
        (network.hidden_names, network.output_names, network.output_weights),
    )
    for layer, (sources, targets, weights) in enumerate(layers, start=1):
        for t, target in enumerate(targets):
            found += [(sources[s], target, layer) for s in np.flatnonzero(weights[t])]
    return found


def _segments(f: Field, network: Network, strips: tuple[Strip, ...]) -> tuple[Segment, ...]:
    neurons = network.input_names + network.hidden_names + network.output_names
    wanted = {(s, t) for s, t, _ in connections(network)}
    segments: list[Segment] = []
    for entry in f.list():
        check_keys(entry, ("from", "to", "strip", "first", "count", "direction"))
        ends = []
        for key in ("from", "to"):
            name = entry[key].text()
            if name not in neurons:
                raise entry[key].error(
                    f"unknown neuron {name!r} (the network has {', '.join(neurons)})"
                )
            ends.append(name)
        source, target = ends
        if (source, target) not in wanted:
            raise entry.error(
                f"the network has no connection {source} → {target} "
                "(no weight of that neuron on that one)"
            )
        if any((s.source, s.target) == (source, target) for s in segments):
            raise entry.error(f"a second segment for the connection {source} → {target}")
        strip, first, count = _piece(entry, strips, "segment")
        direction = entry.get("direction", "forward").text(choices=SEGMENT_DIRECTIONS)
        segments.append(Segment(source, target, strip, first, count, direction))
    have = {(s.source, s.target) for s in segments}
    missing = [f"{s} → {t}" for s, t, _ in connections(network) if (s, t) not in have]
    if missing:
        raise f.error(f"no segment for the connection {', '.join(missing)}: each needs one")
    return tuple(segments)


def _output(entry: Field, strips: tuple[Strip, ...]) -> OutputConfig:
    check_keys(entry, ("kind", "host", "port", "strips", "serial", "device", "fps", "wled_api"))
    kind = entry["kind"].text(choices=OUTPUT_KINDS)
    if kind == "screen":
        return OutputConfig(kind)
    names = tuple(s.name for s in strips)
    chosen = tuple(v.text(choices=names) for v in entry.get("strips", []).list())
    if kind == "pico":
        return _pico_output(entry, chosen)
    api = entry["wled_api"].text() if "wled_api" in entry else None
    if api is not None and not api.startswith(("http://", "https://")):
        raise entry["wled_api"].error(
            f'expected WLED\'s address like "http://wled.local", got {api!r}'
        )
    return OutputConfig(
        kind,
        host=entry["host"].text(),
        port=entry.get("port", 4048).integer(minimum=1, maximum=65535),
        strips=chosen,
        wled_api=api,
    )


def _pico_output(entry: Field, chosen: tuple[str, ...]) -> OutputConfig:
    """The Pico LED driver: found by its USB serial, or at a listed port."""
    if "wled_api" in entry:
        raise entry["wled_api"].error('only a "ddp" output (WLED) has a JSON API to switch')
    serial = entry["serial"].text().upper() if "serial" in entry else None
    device = entry["device"].text() if "device" in entry else None
    if (serial is None) == (device is None):
        raise entry.error('a "pico" output needs its driver\'s "serial" or its "device", one only')
    if len(chosen) > 8:
        raise entry["strips"].error("the LED driver drives at most 8 strips")
    fps = entry.get("fps", PICO_FPS).number(minimum=1, maximum=100)
    return OutputConfig("pico", strips=chosen, serial=serial, device=device, fps=fps)


@dataclass(frozen=True)
class _Piece:
    """A ring or segment's LEDs on its strip, with its entry in the file (for errors)."""

    strip: str
    first: int
    count: int
    entry: Field
    what: str  # "the ring of COL1", "the segment COL2 → A"

    @property
    def last(self) -> int:
        return self.first + self.count - 1


def _check_overlaps(root: Field, layout: FloorLayout) -> None:
    """No two pieces may share an LED of the same strip."""
    rings, segments = root["ring"].list(), root["segment"].list()
    pieces = [
        _Piece(r.strip, r.first, r.count, rings[i], f"the ring of {r.neuron}")
        for i, r in enumerate(layout.rings)
    ]
    pieces += [
        _Piece(s.strip, s.first, s.count, segments[i], f"the segment {s.source} → {s.target}")
        for i, s in enumerate(layout.segments)
    ]
    pieces.sort(key=lambda p: (p.strip, p.first))
    for before, after in pairwise(pieces):
        if before.strip == after.strip and after.first <= before.last:
            raise after.entry.error(
                f"LEDs {after.first}–{after.last} of strip {after.strip!r} overlap "
                f"{before.what} ({before.entry.path}: LEDs {before.first}–{before.last})"
            )


def _check_segment_lengths(f: Field, layout: FloorLayout) -> None:
    """A segment's LEDs must fit between the two rings it joins."""
    pitch = layout.settings.pitch_m
    for entry, segment in zip(f.list(), layout.segments, strict=True):
        _, _, gap = layout.segment_span(segment)
        need = segment.count * pitch
        if need > gap:
            raise entry["count"].error(
                f"{segment.count} LEDs at {1000 * pitch:.1f} mm need {need:.2f} m, but only "
                f"{gap:.2f} m lie between the rings of {segment.source} and {segment.target}"
            )


def _check_zone_budgets(f: Field, layout: FloorLayout) -> None:
    """Each zone's budget must at least keep its dark LEDs powered."""
    settings = layout.settings
    for entry, zone in zip(f.list(), layout.zones, strict=True):
        leds = sum(s.leds for s in layout.strips if s.zone == zone.name)
        standby = leds * settings.led_standby_ma / 1000
        if zone.budget_a <= standby:
            raise entry["budget_a"].error(
                f"{zone.budget_a:g} A does not even cover its {leds} LEDs dark "
                f"({standby:g} A at {settings.led_standby_ma:g} mA each)"
            )


__all__ = [
    "COLOUR_ORDERS",
    "OUTPUT_KINDS",
    "DataError",
    "FloorLayout",
    "FloorSettings",
    "OutputConfig",
    "PowerZone",
    "Ring",
    "Segment",
    "Strip",
    "connections",
    "floor_from",
    "load_floor",
    "max_leds_per_line",
]
