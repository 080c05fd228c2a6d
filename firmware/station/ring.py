"""What the station's LED ring shows, pattern by pattern (PROTOCOL.md §3, RING).

:func:`render` is a pure function of the pattern, its colour and level, the time since the
pattern started and the ring's size: the station calls it a few dozen times a second and the
tests call it with any time they like.
"""

#: The patterns by their RING number (controller/stations/messages.py RING_PATTERNS, same order).
PATTERNS = (
    "idle",
    "firing",
    "right",
    "wrong",
    "move_up",
    "move_down",
    "offline",
    "calibrating",
    "calibration_ok",
    "calibration_fault",
)
#: What the station shows by itself after host_lost_ms of silence (not a RING pattern).
HOST_LOST = "host_lost"
HOST_LOST_COLOUR = (255, 0, 0)

IDLE_LEVEL = 24  # a faint glow, out of 255
OFFLINE_LEVEL = 40
PULSE_MS = 600  # one pulse of "right"; two, then steady
WRONG_BLINK_MS = 125  # on, off, on…: four blinks a second
FAULT_BLINK_MS = 250
RUN_LAP_MS = 1000  # the running light of "move" goes round once a second
RUN_TAIL = (255, 90, 30)  # the running light's head and its fading tail
BREATH_MS = 3000  # host lost: one slow breath every three seconds
BREATH_LOW, BREATH_HIGH = 6, 120

#: Patterns that change with time (the others are redrawn only when they change).
_ANIMATED = ("right", "wrong", "move_up", "move_down", "calibration_fault", HOST_LOST)


def animated(name, elapsed_ms):
    """True while the pattern still changes with time."""
    if name == "right":
        return elapsed_ms < 2 * PULSE_MS
    return name in _ANIMATED


def render(name, colour, level, elapsed_ms, leds, brightness=255, clockwise=True):
    """The ring's pixels, a list of ``leds`` (red, green, blue) tuples.

    :param name: a name of :data:`PATTERNS`, :data:`HOST_LOST`, or None (the ring off).
    :param colour: the pattern's (red, green, blue).
    :param level: the pattern's level, 0–255 (the neuron's value, or calibration progress).
    :param elapsed_ms: milliseconds since the pattern started.
    :param brightness: the ring's brightness cap, 0–255.
    :param clockwise: whether the ring's LED index grows clockwise.
    """
    strengths = _strengths(name, level, elapsed_ms, leds, clockwise)
    if name == HOST_LOST:
        colour = HOST_LOST_COLOUR
    red, green, blue = colour
    out = []
    for k in strengths:
        k = k * brightness
        out.append((red * k // 65025, green * k // 65025, blue * k // 65025))
    return out


def _strengths(name, level, t, n, clockwise):
    """Each LED's strength, 0–255, before the colour and the brightness cap."""
    if name is None:
        return [0] * n
    if name == "idle":
        return [IDLE_LEVEL] * n
    if name == "firing":
        return [level] * n
    if name == "right":
        if t >= 2 * PULSE_MS:
            return [255] * n
        return [_triangle(t % PULSE_MS, PULSE_MS, 0, 255)] * n
    if name == "wrong":
        return [255 if (t // WRONG_BLINK_MS) % 2 == 0 else 0] * n
    if name in ("move_up", "move_down"):
        head = (t % RUN_LAP_MS) * n // RUN_LAP_MS
        up = name == "move_up"
        step = 1 if up == clockwise else -1
        out = [0] * n
        for i, k in enumerate(RUN_TAIL):
            out[(head * step - i * step) % n] = k
        return out
    if name == "offline":
        return [OFFLINE_LEVEL] + [0] * (n - 1)
    if name == "calibrating":
        lit = (level * n + 127) // 255
        return [255] * lit + [0] * (n - lit)
    if name == "calibration_ok":
        return [255] * n
    if name == "calibration_fault":
        return [255 if (t // FAULT_BLINK_MS) % 2 == 0 else 0] * n
    if name == HOST_LOST:
        return [_triangle(t % BREATH_MS, BREATH_MS, BREATH_LOW, BREATH_HIGH)] * n
    return [IDLE_LEVEL] * n  # a pattern from a newer protocol minor: show idle


def _triangle(t, period, low, high):
    """Up from ``low`` to ``high`` over the first half of ``period``, back down the second."""
    half = period // 2
    rise = t if t < half else period - t
    return low + (high - low) * rise // half
