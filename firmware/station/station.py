"""A neuron station: slider and buttons in, state and events out, the LED ring from the host.

This is the station's whole behaviour (firmware/PROTOCOL.md), written against a small *board*
object (board_rp2.Board, on the RP2040 or on the simulated RP2040 of firmware/sim/, where the
tests and the emulator run it in MicroPython's unix port). The board gives:

- ``SAMPLE_HZ``, ``RING_LEDS``, ``RING_CLOCKWISE``;
- ``ticks_ms()``, ``ticks_us()``, ``ticks_diff(a, b)``, ``ticks_add(t, d)`` (MicroPython's
  wrapping clocks) and ``idle_us(us)`` (wait);
- ``read_adc()`` (the slider, 0–4095) and ``buttons()`` (bitmask, 1 = pressed);
- ``show_ring(pixels)`` (light the ring);
- ``read(limit)`` (bytes from the host, never waiting) and ``write(data)`` (False if the
  frame could not be sent now), ``flush(timeout_ms)``;
- ``start_watchdog(ms)``, ``feed_watchdog()``, ``kbd_intr(char)``;
- ``enter_maintenance()`` (reset into the REPL) and ``maintenance_requested()`` (at boot);
- ``unique_id()``, ``reset_cause()``, ``random_u32()``, ``console(text)``, ``note`` (what the
  board cannot do, told to the host, or None).

The main loop runs one :meth:`Station.step` per slider sample (1 kHz on the Pico): sample,
debounce, read the host, report, redraw the ring, feed the watchdog, wait for the next tick.

A station says what changed (PROTOCOL.md §5): a STATE goes out when the filtered slider has
moved by ``change_lsb`` since the last one (at most ``report_hz`` a second), once more when the
slider comes to rest between two such steps, at once when the buttons held change, and as a
heartbeat every ``heartbeat_ms`` when nothing does; an EVENT at once on each button edge.
"""

import host_link
import wire
from inputs import BUTTON_NAMES, OK_BUTTON, Buttons, Slider
from ring import HOST_LOST, PATTERNS, animated, render

FIRMWARE_VERSION = (2, 0, 0)
ADC_BITS = 12
BUTTON_COUNT = len(BUTTON_NAMES)

#: A loop is healthy while it still samples and reports; only then is the watchdog fed.
HEALTHY_SAMPLE_MS = 200
HEALTHY_REPORT_MS = 1500
#: STATE period while the host is lost (2 Hz), and how often animated rings are redrawn.
HOST_LOST_REPORT_MS = 500
RING_FRAME_MS = 40
#: A slider that stopped short of a whole ``change_lsb`` step is reported once its filtered
#: reading has not changed for this long (the filter has settled), so the host gets exactly
#: where it came to rest.
SETTLE_MS = 60
#: Most bytes read from the host per loop turn.
READ_LIMIT = 64

#: CONFIG keys (PROTOCOL.md §3): key → (default, lowest, highest).
REPORT_HZ, DEBOUNCE_MS, RING_BRIGHTNESS, HOST_LOST_MS, STATION_ID = 1, 2, 3, 4, 5
HEARTBEAT_MS, CHANGE_LSB = 6, 7
SETTINGS = {
    REPORT_HZ: (50, 1, 100),
    DEBOUNCE_MS: (20, 5, 100),
    RING_BRIGHTNESS: (64, 0, 255),
    HOST_LOST_MS: (3000, 500, 60000),
    STATION_ID: (0, 0, 65535),
    HEARTBEAT_MS: (200, 50, 1000),
    CHANGE_LSB: (8, 1, 200),
}


def default_settings():
    """The settings a station starts with, and goes back to at each HELLO."""
    return {key: spec[0] for key, spec in SETTINGS.items()}


class Station:
    """The station's state and its main loop over a ``board`` (see the module's docstring)."""

    def __init__(self, board):
        self.board = board
        self.link = host_link.HostLink(
            board, wire.STATION_LIMIT, wire.KIND_STATION, FIRMWARE_VERSION, ADC_BITS, BUTTON_COUNT
        )
        self.settings = default_settings()
        self.slider = Slider(board.read_adc, board.SAMPLE_HZ)
        now = board.ticks_ms()
        self.buttons = Buttons(BUTTON_COUNT, self.settings[DEBOUNCE_MS], now, board.ticks_diff)
        self.sample_us = int(1000000 // board.SAMPLE_HZ)
        self.next_sample = board.ticks_us()
        self.missed = 0  # sample ticks missed since the last report
        self.last_sample = now
        self.last_report = now  # the last STATE sent
        self.last_attempt = now  # the last STATE the loop tried to send (the line may be full)
        self.reported = None  # (raw, buttons) of the last STATE that went out
        self.settled = True  # the last change reported has been followed by its rest
        self._raw = None  # the filtered reading lately, and since when it has not changed
        self._raw_since = now
        self.host_lost = False
        self.uptime_ms = 0  # the 32-bit t_ms of the protocol (ticks_ms wraps sooner)
        self._uptime_at = now
        self.ring_pattern = None  # the host's last RING: (name, colour, level), or None
        self._shown = None  # what the ring shows now (the host's pattern, or host lost)
        self._shown_since = now
        self._pixels = None
        self._next_ring = now

    # --- the loop -----------------------------------------------------------------------------

    def run(self):
        """Run the protocol until the host sends REPL; then leave the board to the REPL."""
        host_link.run(self, "station")

    def start(self):
        """Take over the line and start the watchdog (what run() does first)."""
        host_link.start(self.board)

    def step(self):
        """One turn of the main loop; False once the host has asked for the REPL."""
        board = self.board
        now_us = board.ticks_us()
        late = board.ticks_diff(now_us, self.next_sample)
        if late >= 0:
            if late >= self.sample_us:  # the loop was held up: count the ticks it missed
                self.missed += late // self.sample_us
                self.next_sample = board.ticks_add(now_us, self.sample_us)
            else:
                self.next_sample = board.ticks_add(self.next_sample, self.sample_us)
            self.slider.sample()
            now = self._clock()
            self.last_sample = now
            for button, pressed, at in self.buttons.update(board.buttons(), now):
                self.link.send(wire.EVENT, wire.pack(wire.EVENT, *self._event(button, pressed, at)))
        now = self._clock()
        self._receive(now)
        self._report(now)
        self._show_ring(now)
        if self._healthy(now):
            board.feed_watchdog()
        if self.link.leave_for_repl:
            return False
        wait = board.ticks_diff(self.next_sample, board.ticks_us())
        if wait > 0:
            board.idle_us(wait)
        return True

    def _clock(self):
        now = self.board.ticks_ms()
        self.uptime_ms = (self.uptime_ms + self.board.ticks_diff(now, self._uptime_at)) & 0xFFFFFFFF
        self._uptime_at = now
        return now

    def _event(self, button, pressed, at):
        age = self.board.ticks_diff(self._uptime_at, at)
        return ((self.uptime_ms - age) & 0xFFFFFFFF, button, pressed)

    def _healthy(self, now):
        diff = self.board.ticks_diff
        return (
            diff(now, self.last_sample) < HEALTHY_SAMPLE_MS
            and diff(now, self.last_attempt) < HEALTHY_REPORT_MS
        )

    # --- from the host ------------------------------------------------------------------------

    def _receive(self, now):
        for frame in self.link.receive(READ_LIMIT):
            if frame.type == wire.HELLO:  # a new session: settings back to their defaults
                self.settings = default_settings()
                self.reported = None  # and the new host hears the station's state at once
                self.buttons.debounce_ms = self.settings[DEBOUNCE_MS]
                self._pixels = None
            elif frame.type == wire.RING:
                fields = self.link.parse(frame)
                if fields is not None:
                    pattern, red, green, blue, level = fields
                    name = PATTERNS[pattern] if pattern < len(PATTERNS) else PATTERNS[0]
                    self.ring_pattern = (name, (red, green, blue), level)
            elif frame.type == wire.CONFIG:
                fields = self.link.parse(frame)
                if fields is not None:
                    self.configure(fields[0])
            # PING only proves the host is there (the link noted it); HELLO_ACK and REPL are
            # answered by the link; other types are not for a station.

    def configure(self, pairs):
        """Apply CONFIG settings, each held to its range; unknown keys are ignored."""
        for key, value in pairs:
            spec = SETTINGS.get(key)
            if spec is None:
                continue
            self.settings[key] = min(max(value, spec[1]), spec[2])
        self.buttons.debounce_ms = self.settings[DEBOUNCE_MS]
        self._pixels = None  # the brightness may have changed: redraw

    # --- to the host --------------------------------------------------------------------------

    def _report(self, now):
        board = self.board
        lost = self.link.silent_ms(now) >= self.settings[HOST_LOST_MS]
        back = self.host_lost and not lost
        self.host_lost = lost
        raw = self.slider.value()
        if raw != self._raw:
            self._raw, self._raw_since = raw, now
        held = self.buttons.held
        since = board.ticks_diff(now, self.last_report)
        reported = self.reported
        flags = 0
        if reported is None or back or held != reported[1]:
            pass  # the first report, the host back, the buttons held changed: at once
        elif lost:
            if since < HOST_LOST_REPORT_MS:
                return
            flags = wire.HOST_LOST | wire.HEARTBEAT
        elif abs(raw - reported[0]) >= self.settings[CHANGE_LSB]:
            if since * self.settings[REPORT_HZ] < 1000:
                return  # moving, but the last report was too recent
            self.settled = False
        elif (
            not self.settled
            and raw != reported[0]
            and board.ticks_diff(now, self._raw_since) >= SETTLE_MS
        ):
            self.settled = True  # come to rest within a step of the last report
        elif since >= self.settings[HEARTBEAT_MS]:
            flags = wire.HEARTBEAT
        else:
            return
        spikes, noise_x4, samples = self.slider.take()
        # OVERRUN when a quarter of the ticks since the last report were missed: a garbage
        # collection's few milliseconds are normal, a loop held up for long is worth a note.
        if self.missed and self.missed * 4 >= samples + self.missed:
            flags |= wire.OVERRUN
        self.missed = 0
        body = wire.pack(wire.STATE, self.uptime_ms, raw, held, min(spikes, 255), noise_x4)
        self.last_attempt = now
        if self.link.send(wire.STATE, body, flags):
            self.last_report = now
            self.reported = (raw, held)
        # Not sent (the line is full): tried again at the next sample, so the report goes out
        # as soon as the line takes it.

    # --- the ring -----------------------------------------------------------------------------

    def showing(self):
        """What the ring shows: (name, colour, level) of the host's RING or of host lost."""
        if self.host_lost:
            return (HOST_LOST, (255, 0, 0), 0)
        return self.ring_pattern

    def _show_ring(self, now):
        board = self.board
        shown = self.showing()
        if shown != self._shown:
            if shown is None or self._shown is None or shown[:2] != self._shown[:2]:
                self._shown_since = now  # a new pattern starts over (a new level does not)
            self._shown = shown
            self._pixels = None
        elapsed = board.ticks_diff(now, self._shown_since)
        if self._pixels is not None:
            if board.ticks_diff(now, self._next_ring) < 0:
                return
            if shown is None or not animated(shown[0], elapsed - RING_FRAME_MS):
                return
        self._next_ring = board.ticks_add(now, RING_FRAME_MS)
        if shown is None:
            pixels = render(None, (0, 0, 0), 0, 0, board.RING_LEDS)
        else:
            pixels = render(
                shown[0],
                shown[1],
                shown[2],
                elapsed,
                board.RING_LEDS,
                self.settings[RING_BRIGHTNESS],
                board.RING_CLOCKWISE,
            )
        if pixels != self._pixels:
            board.show_ring(pixels)
            self._pixels = pixels


def boot(board):
    """What main.py does at power-up: run the station, unless this boot is for maintenance.

    After the host's REPL message (the board reset itself into maintenance), or with OK held
    while plugging the station in, the protocol is skipped and the REPL stays, with no
    watchdog running (``mpremote`` works as on any Pico). Returns the station, or None when
    the protocol was skipped.
    """
    if host_link.maintenance(board, "station"):
        return None
    ok = 1 << OK_BUTTON
    held = board.buttons() & ok
    if held:
        board.idle_us(30000)  # held, not a bounce: it must still be held 30 ms later
        held = board.buttons() & ok
    if held:
        board.console("station: OK held at power-up, protocol not started: this is the REPL\r\n")
        return None
    station = Station(board)
    station.run()
    return station
