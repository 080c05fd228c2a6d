"""What the floor shows for a scene: a colour level (0–1 per channel) for every LED.

Pure NumPy, without a loop over LEDs: :class:`FloorMap` turns the layout into index arrays once
(which LED belongs to which ring or segment, how far along it lies), and :func:`paint` then
computes a frame with a few array operations. What is painted follows ``scene.floor_mode``:

- ``"network"`` — every ring lit by its neuron's value (outputs in their workshop colour, dim
  when silent); every segment lit by the value it carries, neutral white when its weight is
  positive, vermilion and dashed when negative (as the screen's edges); and when the values
  change (``scene.changed_at``) a pulse walks along each connection that carries something, at
  walking pace, inputs → hidden first, then hidden → outputs, and each neuron it reaches flashes;
- ``"signal"`` — the grandeur-nature run, lit layer by layer up to ``scene.signal_layers``: the
  newest layer's connections fill from source to target, then its rings light;
- ``"attract"`` — waves in the four output colours roll from the inputs to the outputs;
- ``"dim"`` — only the circles glow faintly, to show where to stand.

The technician's test patterns live in :mod:`controller.floor.patterns`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from controller.floor.mat import FloorLayout, connections
from controller.network import Network
from controller.scene import Scene

#: Ring colour of the input and hidden neurons: a warm white.
NEURON_WHITE = (1.0, 0.86, 0.66)
#: Segment colours; the negative one is the screen's (display.theme.Palette.negative).
POSITIVE_HEX = "#c8dcff"
NEGATIVE_HEX = "#d1462f"
#: Level of a silent ring (still visible: pupils see where to stand) and of an idle segment.
RING_DIM = 0.3
SEGMENT_DIM = 0.2
#: How fast a ring or segment brightens with its value: level = base + span · v / (v + k).
RING_SOFTNESS = {0: 6.0, 1: 2.0, 2: 2.0}  # by layer: inputs count up to 18 pixels
SEGMENT_SOFTNESS = 2.0
#: Negative connections are dashed on the floor too: lit, then dark, along the segment (m).
DASH_M, GAP_M = 0.2, 0.1
#: The pulse: a bright head with a tail behind it (metres), and the pause at the hidden layer.
HEAD_M, TAIL_M = 0.12, 0.45
HIDDEN_PAUSE_S = 0.3
#: The share of its level a part of the network not yet reached by a change's pulse shows.
UNREACHED = 0.45
#: A neuron the pulse reaches flashes, fading over this many seconds.
FLASH_S = 0.4
#: A flash fainter than this share of full brightness is over: below one step of an 8-bit LED.
FLASH_END = 1 / 512
#: Attract: a wave leaves the inputs every ``ATTRACT_PERIOD_S`` and crosses a layer in
#: ``ATTRACT_LAYER_S`` seconds.
ATTRACT_PERIOD_S = 2.5
ATTRACT_LAYER_S = 1.6


def hex_level(colour: str) -> np.ndarray:
    """``"#d1462f"`` → its three channel levels, 0–1."""
    value = colour.lstrip("#")
    return np.array([int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)], dtype=np.float32)


#: The same constants as arrays, made once: positive then negative segment colour, and the ring
#: softness of each layer.
SEGMENT_COLOURS = np.stack([hex_level(POSITIVE_HEX), hex_level(NEGATIVE_HEX)])
_RING_SOFTNESS = np.array([RING_SOFTNESS[layer] for layer in range(3)])


@dataclass(frozen=True, eq=False)
class FloorMap:
    """The layout as index arrays, built once by :meth:`build` and shared by every frame.

    Neurons are numbered inputs, hidden, outputs (the network's order); segments in the
    layout's order. ``*_leds`` arrays hold floor indices of LEDs.
    """

    led_count: int
    neurons: tuple[str, ...]
    neuron_layer: np.ndarray  # (neurons,) 0 input, 1 hidden, 2 output
    ring_softness: np.ndarray  # (neurons,) how fast each ring brightens with its value
    ring_colour: np.ndarray  # (neurons, 3)
    ring_leds: np.ndarray  # LEDs belonging to a ring …
    ring_neuron: np.ndarray  # … and whose
    ring_channels: np.ndarray  # … and their channels' indices in a raveled (leds, 3) array
    seg_leds: np.ndarray  # LEDs belonging to a segment …
    seg_channels: np.ndarray  # … their channels' indices in a raveled (leds, 3) array
    seg_of: np.ndarray  # … which one
    seg_dist: np.ndarray  # … and how far from the source ring (m)
    seg_gap: np.ndarray  # … True where a dashed segment is dark
    seg_source: np.ndarray  # (segments,) neuron index
    seg_target: np.ndarray
    seg_layer: np.ndarray  # 1: input → hidden, 2: hidden → output
    seg_weight: np.ndarray  # where each segment's weight is in both weight matrices, raveled
    seg_length: np.ndarray  # (segments,) metres from ring edge to ring edge
    layer_start: np.ndarray  # (3,) when the pulse leaves each layer, after a change (s)
    fan_in_s: np.ndarray  # (neurons,) time for the longest connection into each neuron (s)
    depth: np.ndarray  # (leds,) 0 at the inputs, 1 at the hidden layer, 2 at the outputs
    strip_of: np.ndarray  # (leds,) strip index
    index_in_strip: np.ndarray  # (leds,)
    strip_leds: np.ndarray  # (strips,)
    piece_of: np.ndarray  # (leds,) rings then segments in layout order; -1 for a spare LED
    piece_count: int
    speed: float  # m/s
    settle_s: float  # after a change, when no pulse walks and no flash shows any more (s)

    @classmethod
    def build(cls, layout: FloorLayout, network: Network) -> FloorMap:
        """Index arrays for ``layout`` on ``network`` (whose names the layout was checked on)."""
        neurons = network.input_names + network.hidden_names + network.output_names
        layer_of = np.repeat(
            [0, 1, 2], [len(network.input_names), len(network.hidden_names), len(network.outputs)]
        )
        colours = np.tile(np.array(NEURON_WHITE, dtype=np.float32), (len(neurons), 1))
        for o, output in enumerate(network.outputs):
            colours[len(neurons) - len(network.outputs) + o] = hex_level(output.colour)
        n = layout.led_count
        piece_of = np.full(n, -1, dtype=np.intp)
        ring_parts = [layout.ring_indices(r) for r in layout.rings]
        ring_neuron = [np.full(r.count, neurons.index(r.neuron)) for r in layout.rings]
        seg_parts = [layout.segment_indices(s) for s in layout.segments]
        for piece, leds in enumerate(ring_parts + seg_parts):
            piece_of[leds] = piece
        layers = {(s, t): layer for s, t, layer in connections(network)}
        seg_layer = np.array([layers[(s.source, s.target)] for s in layout.segments])
        seg_source = np.array([neurons.index(s.source) for s in layout.segments])
        seg_target = np.array([neurons.index(s.target) for s in layout.segments])
        first_of_layer = np.array([0, len(network.input_names), len(network.input_names)])
        first_of_layer[2] += len(network.hidden_names)
        seg_length = np.array([layout.segment_span(s)[2] for s in layout.segments])
        speed = layout.settings.pulse_speed
        crossing = [seg_length[seg_layer == k].max(initial=0.0) / speed for k in (1, 2)]
        layer_start = np.array([0.0, 0.0, crossing[0] + HIDDEN_PAUSE_S])
        fan_in = np.zeros(len(neurons))
        np.maximum.at(fan_in, seg_target, seg_length / speed)
        walked = layer_start[seg_layer] + (seg_length + 3 * TAIL_M) / speed
        flashed = layer_start[layer_of] + fan_in - FLASH_S * np.log(FLASH_END)
        settle_s = float(max(walked.max(initial=0.0), flashed.max(initial=0.0)))
        seg_of = np.concatenate([np.full(s.count, i) for i, s in enumerate(layout.segments)])
        seg_dist = np.concatenate([layout.segment_distances(s) for s in layout.segments])
        seg_leds = np.concatenate(seg_parts)
        depth = np.zeros(n)
        ring_leds = np.concatenate(ring_parts)
        depth[ring_leds] = layer_of[np.concatenate(ring_neuron)]
        depth[seg_leds] = seg_layer[seg_of] - 1 + seg_dist / seg_length[seg_of]
        strip_of = np.concatenate([np.full(s.leds, i) for i, s in enumerate(layout.strips)])
        index_in_strip = np.concatenate([np.arange(s.leds) for s in layout.strips])
        return cls(
            led_count=n,
            neurons=neurons,
            neuron_layer=layer_of,
            ring_softness=_RING_SOFTNESS[layer_of],
            ring_colour=colours,
            ring_leds=ring_leds,
            ring_neuron=np.concatenate(ring_neuron),
            ring_channels=_channels(ring_leds),
            seg_leds=seg_leds,
            seg_channels=_channels(seg_leds),
            seg_of=seg_of,
            seg_dist=seg_dist,
            seg_gap=(seg_dist % (DASH_M + GAP_M)) >= DASH_M,
            seg_source=seg_source,
            seg_target=seg_target,
            seg_layer=seg_layer,
            seg_weight=_weight_index(network, seg_layer, seg_target, seg_source, first_of_layer),
            seg_length=seg_length,
            layer_start=layer_start,
            fan_in_s=fan_in,
            depth=depth,
            strip_of=strip_of,
            index_in_strip=index_in_strip,
            strip_leds=np.array([s.leds for s in layout.strips]),
            piece_of=piece_of,
            piece_count=len(ring_parts) + len(seg_parts),
            speed=speed,
            settle_s=settle_s,
        )

    def values(self, scene: Scene) -> np.ndarray:
        """Every neuron's value on the digit shown (input counts, then what the others pass on)."""
        r = scene.result
        return np.concatenate([r.inputs[0], r.hidden[0], r.outputs[0]])

    def weights(self, network: Network) -> np.ndarray:
        """Each segment's weight in ``network`` now (training may have changed it)."""
        both = np.concatenate([network.hidden_weights.ravel(), network.output_weights.ravel()])
        return both[self.seg_weight]


def _channels(leds: np.ndarray) -> np.ndarray:
    """The indices of ``leds``' R, G and B in a raveled ``(leds, 3)`` array: numpy scatters
    rows through them several times faster than through the rows' own indices."""
    return (leds[:, None] * 3 + np.arange(3)).ravel()


def _weight_index(network, layer, target, source, first_of_layer) -> np.ndarray:
    """Each segment's weight's index in ``hidden_weights`` then ``output_weights``, raveled."""
    row = target - first_of_layer[layer]
    col = source - first_of_layer[layer - 1]
    hidden = row * len(network.input_names) + col
    output = network.hidden_weights.size + row * len(network.hidden_names) + col
    return np.where(layer == 1, hidden, output)


@dataclass(frozen=True)
class Timeline:
    """What the signal has reached at one instant after the values changed.

    Whatever it has not reached yet is shown at ``unreached`` of its level: dimmed in network
    mode (the old picture is gone, the new one is on its way), dark in signal mode.
    """

    reached: np.ndarray  # (neurons,) bool: the neuron's ring shows its value
    arrival: np.ndarray  # (neurons,) seconds after the change when the signal reaches it
    reach: np.ndarray  # (segments,) LEDs up to this distance (m) from the source are reached
    head: np.ndarray  # (segments,) where the pulse's head is (m); -inf for none
    unreached: float  # the share of its level a part not yet reached shows


def paint(fm: FloorMap, scene: Scene) -> np.ndarray:
    """The level of every LED for ``scene`` (``(leds, 3)`` float32, 0–1).

    Once a change has settled (:func:`moving`), the picture is the same at any later instant.
    """
    mode = scene.floor_mode
    if mode == "attract":
        return attract(fm, scene.t)
    if mode == "dim":
        return dim(fm)
    values = fm.values(scene)
    weights = fm.weights(scene.network)
    carried = weights * values[fm.seg_source]
    elapsed = scene.t - scene.changed_at
    if elapsed >= fm.settle_s:
        elapsed = np.inf  # every pulse arrived, every flash over: the still picture
    if mode == "signal" and scene.signal_layers is not None:
        timeline = signal_timeline(fm, elapsed, scene.signal_layers)
    else:
        timeline = network_timeline(fm, elapsed)
    return network_picture(fm, values, weights, carried, elapsed, timeline)


def picture_key(fm: FloorMap, scene: Scene) -> tuple:
    """What the floor's picture of ``scene`` depends on besides the time: two scenes with the
    same key paint the same levels at the same instant, and at any instant while the picture
    stands still (:func:`moving`)."""
    mode = scene.floor_mode
    if mode in ("attract", "dim"):
        return (mode,)
    layers = scene.signal_layers if mode == "signal" else None
    # The values come from the scene's result, the weights from its network: both immutable,
    # and the same objects while nothing changes, so they are compared as such (cheaply).
    change = scene.changed_at if moving(fm, scene) else None  # settled: any change looks alike
    return (mode, layers, scene.result, scene.network, change)


def moving(fm: FloorMap, scene: Scene) -> bool:
    """Whether the floor's picture changes with time now: a pulse walking or a flash fading
    after a change, or the attract waves."""
    mode = scene.floor_mode
    if mode == "dim":
        return False
    return mode == "attract" or scene.t - scene.changed_at < fm.settle_s


def at_rest(fm: FloorMap, scene: Scene) -> Scene:
    """``scene`` as a sleeping floor shows it, dimmed, all night: still. Every pulse arrived
    and every flash over (the picture the animation ends on), and instead of the attract
    waves only the circles, faintly (``dim``)."""
    if scene.floor_mode == "attract":
        return replace(scene, floor_mode="dim")
    return replace(scene, t=max(scene.t, scene.changed_at + fm.settle_s))


def network_timeline(fm: FloorMap, elapsed: float) -> Timeline:
    """Pulses leave the inputs at the change, and the hidden layer once they have all arrived.

    Ahead of the pulses the network shows at half its level, so a slider being dragged (a
    change every frame) never blanks the floor.
    """
    head = (elapsed - fm.layer_start[fm.seg_layer]) * fm.speed
    arrival = fm.layer_start[fm.neuron_layer] + fm.fan_in_s
    return Timeline(elapsed >= arrival, arrival, head, head, UNREACHED)


def signal_timeline(fm: FloorMap, elapsed: float, layers: int) -> Timeline:
    """Lit up to ``layers`` layers: the newest layer's connections fill from the change on."""
    newest = layers - 1  # the layer (0 inputs, 1 hidden, 2 outputs) the signal just reached
    filling = fm.seg_layer == newest
    head = np.where(filling, elapsed * fm.speed, -np.inf)
    reach = np.where(fm.seg_layer < newest, np.inf, head)
    arrival = np.where(fm.neuron_layer == newest, fm.fan_in_s, -np.inf)
    reached = (fm.neuron_layer < newest) | ((fm.neuron_layer == newest) & (elapsed >= arrival))
    return Timeline(reached, arrival, reach, head, 0.0)


def network_picture(
    fm: FloorMap,
    values: np.ndarray,
    weights: np.ndarray,
    carried: np.ndarray,
    elapsed: float,
    timeline: Timeline,
) -> np.ndarray:
    """Rings by value, segments by what they carry, pulses and flashes, as the timeline says."""
    out = np.zeros((fm.led_count, 3), dtype=np.float32)  # spare LEDs stay dark
    channels = out.reshape(-1)
    channels[fm.ring_channels] = _rings(fm, values, elapsed, timeline).reshape(-1)
    channels[fm.seg_channels] = _segments(fm, weights, carried, timeline).reshape(-1)
    return out


def _rings(fm: FloorMap, values: np.ndarray, elapsed: float, timeline: Timeline) -> np.ndarray:
    """Each ring LED's colour: dim when silent, brighter with the value, a flash on arrival."""
    level = np.where(values > 0, 0.55 + 0.45 * values / (values + fm.ring_softness), RING_DIM)
    level = np.where(timeline.reached, level, np.maximum(RING_DIM, level * timeline.unreached))
    fired = (values > 0) & timeline.reached
    flash = np.where(fired, np.exp(-np.maximum(elapsed - timeline.arrival, 0) / FLASH_S), 0.0)
    colour = fm.ring_colour + (1 - fm.ring_colour) * (0.6 * flash)[:, None]
    colour *= np.minimum(1.0, level + 0.45 * flash)[:, None]
    return colour.take(fm.ring_neuron, axis=0)  # per neuron first, then one gather to its LEDs


def _segments(
    fm: FloorMap, weights: np.ndarray, carried: np.ndarray, timeline: Timeline
) -> np.ndarray:
    """Each segment LED's colour: what its connection carries, dashed when negative, full
    where the signal reached, and the pulse walking along it."""
    strength = np.abs(carried)
    level = np.where(
        strength > 0, 0.4 + 0.35 * strength / (strength + SEGMENT_SOFTNESS), SEGMENT_DIM
    ).astype(np.float32)
    negative = weights < 0
    # take(): numpy gathers rows so several times faster than by indexing.
    s, dist = fm.seg_of, fm.seg_dist
    led_level = level.take(s)
    led_level[dist > timeline.reach.take(s)] *= timeline.unreached
    led_level[fm.seg_gap & negative.take(s)] = 0.0
    colour = SEGMENT_COLOURS[negative.astype(np.intp)].take(s, axis=0)
    # The pulse: a bright head walking to the target, a tail fading behind it. Only the LEDs
    # of segments with a pulse on them are computed: most frames, none has one.
    walking = (strength > 0) & (timeline.head >= 0)
    walking &= timeline.head <= fm.seg_length + 3 * TAIL_M
    if walking.any():
        on = np.flatnonzero(walking[s])
        ahead = dist[on] - timeline.head[s[on]]
        blob = np.where(
            ahead >= 0, np.exp(-((ahead / HEAD_M) ** 2)), np.exp(np.minimum(ahead, 0) / TAIL_M)
        ).astype(np.float32)
        whiter = np.zeros(len(s), dtype=np.float32)  # 0 leaves a colour exactly as it was
        whiter[on] = 0.7 * blob
        colour += (1 - colour) * whiter[:, None]
        led_level[on] = np.maximum(led_level[on], blob)
    colour *= led_level[:, None]
    return colour


def attract(fm: FloorMap, t: float) -> np.ndarray:
    """Waves in the output colours roll through the network, one every few seconds."""
    out = np.zeros((fm.led_count, 3), dtype=np.float32)
    launched = t - fm.depth * ATTRACT_LAYER_S  # when the wave now passing each LED left
    wave = np.floor(launched / ATTRACT_PERIOD_S)
    since = launched - wave * ATTRACT_PERIOD_S  # seconds since that wave passed the LED
    outputs = fm.ring_colour[fm.neuron_layer == 2]
    colour = outputs[wave.astype(np.int64) % len(outputs)]
    level = 0.95 * np.exp(-since / 0.5)
    breathing = 0.3 + 0.06 * np.sin(t * 2 * np.pi / 4.0)
    ring_base = np.zeros(fm.led_count)
    ring_base[fm.ring_leds] = breathing
    white = np.array(NEURON_WHITE, dtype=np.float32)
    out[:] = colour * level[:, None]
    out = np.maximum(out, white * ring_base[:, None])
    return out


def dim(fm: FloorMap) -> np.ndarray:
    """Only the circles, faintly: the class is away from the mat."""
    out = np.zeros((fm.led_count, 3), dtype=np.float32)
    out[fm.ring_leds] = fm.ring_colour[fm.ring_neuron] * RING_DIM
    return out


__all__ = [
    "FloorMap",
    "Timeline",
    "attract",
    "dim",
    "hex_level",
    "moving",
    "network_picture",
    "network_timeline",
    "paint",
    "picture_key",
    "signal_timeline",
]
