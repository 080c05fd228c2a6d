"""The LED floor driver: frames from the Pi, assembled per strip, shown on their PUSH.

The Pi sends each frame as LED_FRAME chunks (PROTOCOL.md §3): pixels of one strip from one
LED on, in order; the last chunk of the whole frame carries PUSH. The driver copies each chunk
into the strip's buffer for the frame being built and shows the frame, every strip at once,
only when the PUSH arrives and every strip got all its LEDs. A frame is *dropped* (counted,
never shown) when a chunk is missing, or when a chunk of a newer frame arrives before its
PUSH. With no frame for 2.5 s the floor fades to a quiet idle pattern; the next frame ends it.
LED_OFF (protocol 2.1: the host is stopping, the exhibit is closed) puts every strip out at once
and holds them out, with no idle glow, until the next frame is shown.

Once a second the driver sends LED_STATUS: last frame shown, frames shown, frames dropped,
frames per second ×10, and 0 showing frames, 1 idle, 2 held dark.

The board (leds_rp2.Board, on the Pico or on the simulated RP2040 of firmware/sim/) gives
what the station's board gives for the Pico and the line (station.py lists it), plus
``STRIP_LEDS`` (LEDs per strip), ``show(strip, rgb)`` (send a strip its pixels, 3 bytes each,
red first), ``expand(dst, at, room, ops, start)`` (an LED_FRAME's pixel runs decoded into a
strip's buffer) and ``blend(out, a, b, k)`` (``out = a·(255−k)/255 + b·k/255``, byte by byte),
``maintenance()``.
"""

import host_link
import wire

FIRMWARE_VERSION = (2, 1, 0)
#: Silence after which the floor fades to idle (WLED's realtime timeout), and the fade's length.
IDLE_AFTER_MS = 2500
FADE_MS = 1000
#: The idle pattern: a slow, dim breath of this colour, redrawn this often.
IDLE_COLOUR = (0, 40, 90)
IDLE_BREATH_MS = 4000
IDLE_LOW, IDLE_HIGH = 40, 140  # of 255
IDLE_FRAME_MS = 50
STATUS_MS = 1000
#: A loop is healthy while its status reports go out; only then is the watchdog fed.
HEALTHY_STATUS_MS = 2500
#: Most bytes read from the host per loop turn, and the wait when nothing came.
READ_LIMIT = 4096
WAIT_US = 1000


class LedDriver:
    """The driver's state and its main loop over a ``board``."""

    def __init__(self, board):
        self.board = board
        self.link = host_link.HostLink(
            board, wire.LED_LIMIT, wire.KIND_LED_DRIVER, FIRMWARE_VERSION
        )
        self.counts = tuple(board.STRIP_LEDS)
        self.back = [bytearray(3 * n) for n in self.counts]  # the frame being built
        self.front = [bytearray(3 * n) for n in self.counts]  # the frame shown last
        self.fading = [bytearray(3 * n) for n in self.counts]
        self.building = None  # frame_id of the frame being built
        self.filled = [0] * len(self.counts)  # LEDs received so far, per strip
        self.broken = False  # a chunk of the frame being built went missing
        self.frame_id = 0  # last frame shown
        self.shown = 0
        self.dropped = 0
        now = board.ticks_ms()
        self.last_frame = now
        self.idle = False
        self.dark = False  # held dark by LED_OFF until the next frame
        self._idle_since = now
        self._next_idle_frame = now
        self._next_status = board.ticks_add(now, STATUS_MS)
        self._last_status = now
        self._shown_at_status = 0
        self._warned = []

    # --- the loop -----------------------------------------------------------------------------

    def run(self):
        """Run the protocol until the host sends REPL; then leave the board to the REPL."""
        host_link.run(self, "led driver")

    def start(self):
        """Take over the line and start the watchdog (what run() does first)."""
        host_link.start(self.board)

    def step(self):
        """One turn of the main loop; False once the host has asked for the REPL."""
        board = self.board
        frames = self.link.receive(READ_LIMIT)
        now = board.ticks_ms()
        for frame in frames:
            if frame.type == wire.LED_FRAME:
                self.chunk(frame, now)
            elif frame.type == wire.LED_OFF:
                self.lights_out()
        self._idle(now)
        self._status(now)
        if board.ticks_diff(now, self._last_status) < HEALTHY_STATUS_MS:
            board.feed_watchdog()
        if self.link.leave_for_repl:
            return False
        if not frames:
            board.idle_us(WAIT_US)
        return True

    # --- frames -------------------------------------------------------------------------------

    def chunk(self, frame, now):
        """Take one LED_FRAME chunk; show the frame if it is the complete, pushed last one."""
        try:
            frame_id, strip, first, count = wire.parse_led_frame_head(frame.body)
        except wire.WireError as exc:
            self.link.deframer.count(exc.kind)
            return
        if self.building is not None and frame_id != self.building:
            self.dropped += 1  # superseded: a newer frame began before this one's PUSH
            self.building = None
        if self.building is None:
            self.building = frame_id
            self.broken = False
            for i in range(len(self.filled)):
                self.filled[i] = 0
        if strip >= len(self.counts):
            self._warn("strip", "no strip " + str(strip) + " here")
        elif first != self.filled[strip]:
            self.broken = True  # a chunk before this one never came
        else:
            room = max(0, self.counts[strip] - first)
            made = self.board.expand(
                self.back[strip], 3 * first, room, frame.body, wire.LED_FRAME_PIXELS_AT
            )
            if made != count:
                self.link.deframer.count("malformed")
                self.broken = True
            elif room < count:
                self._warn("long", "strip " + str(strip) + " is shorter than sent")
            self.filled[strip] = first + count
        if frame.flags & wire.PUSH:
            self.building = None
            if self.broken or not self._complete():
                self.dropped += 1
                self._warn("short", "frame " + str(frame_id) + " incomplete")
                return
            self._show(frame_id, now)

    def lights_out(self):
        """Every strip black now, and held black (no idle glow) until the next frame."""
        if self.building is not None:  # a frame that will never get its PUSH
            self.dropped += 1
            self.building = None
        for i, rgb in enumerate(self.front):
            rgb[:] = bytes(len(rgb))
            self.board.show(i, rgb)
        self.dark = True
        self.idle = False

    def _complete(self):
        return all(self.filled[i] >= count for i, count in enumerate(self.counts))

    def _show(self, frame_id, now):
        self.front, self.back = self.back, self.front  # the next frame is built in the old one
        for i, rgb in enumerate(self.front):
            self.board.show(i, rgb)
        self.frame_id = frame_id
        self.shown += 1
        self.last_frame = now
        self.idle = False
        self.dark = False

    # --- idle -----------------------------------------------------------------------------------

    def _idle(self, now):
        board = self.board
        if self.dark or board.ticks_diff(now, self.last_frame) < IDLE_AFTER_MS:
            return
        if not self.idle:
            self.idle = True
            self._idle_since = now
            self._next_idle_frame = now
            if self.building is not None:  # a frame that never got its PUSH
                self.dropped += 1
                self.building = None
        if board.ticks_diff(now, self._next_idle_frame) < 0:
            return
        self._next_idle_frame = board.ticks_add(now, IDLE_FRAME_MS)
        t = board.ticks_diff(now, self._idle_since)
        level = idle_level(t)
        colour = bytes(c * level // 255 for c in IDLE_COLOUR)
        fade = min(255, t * 255 // FADE_MS)
        for i, count in enumerate(self.counts):
            pattern = colour * count
            if fade < 255:
                board.blend(self.fading[i], self.front[i], pattern, fade)
                board.show(i, self.fading[i])
            else:
                board.show(i, pattern)

    # --- reports --------------------------------------------------------------------------------

    def _status(self, now):
        board = self.board
        if board.ticks_diff(now, self._next_status) < 0:
            return
        elapsed = max(1, board.ticks_diff(now, self._last_status))
        fps_x10 = (self.shown - self._shown_at_status) * 10000 // elapsed
        self._next_status = board.ticks_add(now, STATUS_MS)
        self._last_status = now
        self._shown_at_status = self.shown
        body = wire.pack(
            wire.LED_STATUS,
            self.frame_id & 0xFFFF,
            self.shown & 0xFFFFFFFF,
            self.dropped & 0xFFFFFFFF,
            min(fps_x10, 0xFFFF),
            2 if self.dark else 1 if self.idle else 0,
        )
        self.link.send(wire.LED_STATUS, body)

    def _warn(self, kind, text):
        """Tell the host once per boot (a LOG) about a mismatch it can fix."""
        if kind not in self._warned:
            self._warned.append(kind)
            self.link.send(wire.LOG, wire.pack(wire.LOG, text[: wire.LOG_MAX]))


def idle_level(t_ms):
    """The idle breath's strength (0–255) at ``t_ms`` into idle."""
    phase = t_ms % IDLE_BREATH_MS
    half = IDLE_BREATH_MS // 2
    rise = phase if phase < half else IDLE_BREATH_MS - phase
    return IDLE_LOW + (IDLE_HIGH - IDLE_LOW) * rise // half


def boot(board):
    """What main.py does at power-up: run the driver, unless the maintenance jumper is on.

    Returns the driver, or None when the protocol was skipped (REPL, no watchdog).
    """
    if host_link.maintenance(board, "led driver"):
        return None
    if board.maintenance():
        board.console("led driver: maintenance jumper on, protocol not started: REPL\r\n")
        return None
    driver = LedDriver(board)
    driver.run()
    return driver
