"""A board's end of the line to the host, and the protocol's main loop around a board program.

Both boards (the station and the LED driver) use it the same way:

- :class:`HostLink` reads and checks the host's frames, answers ``HELLO`` with the board's
  ``HELLO_ACK`` and ``REPL`` with ``LOG "repl"``, remembers when the host last spoke, and sends
  frames within an output budget (a frame the line cannot take now is dropped and counted,
  never waited for);
- :func:`run` is the loop: Ctrl-C off, the watchdog on, the program's ``step()`` until the host
  asks for the REPL, then a reset into maintenance (:func:`maintenance` at the next boot).

The board object is the one the programs get (station.py lists what it gives).
"""

import wire

#: The watchdog's timeout: a loop stuck this long resets the board (RP2040 maximum 8388 ms).
WATCHDOG_MS = 3000
#: Output budget (token bucket): far above what a board sends (~1 KB/s), so only a runaway
#: sender or a stuck line ever drops a frame here.
OUT_BYTES_PER_S = 8000
OUT_BURST = 1024

#: The program running the protocol (a station or the LED driver), kept for a look at its
#: state and counters from the REPL after it stops: ``import host_link; host_link.running``.
running = None


class HostLink:
    """Frames to and from the host, the handshake's answer and the REPL word.

    :param limit: the channel's frame limit (wire.STATION_LIMIT or wire.LED_LIMIT).
    :param kind: wire.KIND_STATION or wire.KIND_LED_DRIVER, for HELLO_ACK.
    :param firmware: (major, minor, patch) of this firmware.
    """

    def __init__(self, board, limit, kind, firmware, adc_bits=0, buttons=0):
        self.board = board
        self.kind = kind
        self.firmware = firmware
        self.adc_bits = adc_bits
        self.buttons = buttons
        self.boot_id = board.random_u32()
        self.reset_cause = board.reset_cause()
        self.uid = board.unique_id()
        self.deframer = wire.Deframer(limit)
        self.sender = wire.Sender(limit)
        now = board.ticks_ms()
        self.last_host = now
        self.handshakes = 0
        self.sent = 0
        self.dropped = 0
        self.leave_for_repl = False
        self._tokens = OUT_BURST
        self._tokens_at = now

    def receive(self, limit):
        """Read what the host sent (up to ``limit`` bytes); return its checked frames.

        HELLO is answered and REPL acknowledged here; every frame is also returned, for the
        program to act on (a HELLO resets its settings, a REPL ends its loop).
        """
        data = self.board.read(limit)
        if not data:
            return ()
        frames = self.deframer.feed(data)
        if frames:
            self.last_host = self.board.ticks_ms()
        for frame in frames:
            # Any HELLO is answered, of whatever version or length: the host of another major
            # then reads our version in the HELLO_ACK and can say why it refuses us.
            if frame.type == wire.HELLO and len(frame.body) >= 2:
                self.handshakes += 1
                self.send(wire.HELLO_ACK, self.hello_ack())
                note = getattr(self.board, "note", None)
                if note:  # what this board cannot do, said to each host
                    self.send(wire.LOG, wire.pack(wire.LOG, note[: wire.LOG_MAX]))
            elif frame.type == wire.REPL and frame.body == wire.REPL_WORD:
                self.send(wire.LOG, wire.pack(wire.LOG, "repl"))
                self.leave_for_repl = True
        return frames

    def parse(self, frame):
        """The fields of ``frame``'s message, or None (counted as malformed) if it does not fit."""
        try:
            return wire.parse(frame.type, frame.body)
        except wire.WireError as exc:
            self.deframer.count(exc.kind)
            return None

    def silent_ms(self, now):
        """Milliseconds since the host's last valid frame."""
        return self.board.ticks_diff(now, self.last_host)

    def hello_ack(self):
        """This board's HELLO_ACK body."""
        return wire.pack(
            wire.HELLO_ACK,
            wire.PROTOCOL_MAJOR,
            wire.PROTOCOL_MINOR,
            self.firmware,
            self.kind,
            self.reset_cause,
            self.boot_id,
            self.adc_bits,
            self.buttons,
            self.uid,
        )

    def send(self, type, body, flags=0):
        """Frame and send; a frame the budget or the line cannot take now is dropped."""
        data = self.sender.frame(type, body, flags)
        board = self.board
        now = board.ticks_ms()
        elapsed = board.ticks_diff(now, self._tokens_at)
        if elapsed > 0:
            self._tokens = min(OUT_BURST, self._tokens + elapsed * OUT_BYTES_PER_S // 1000)
            self._tokens_at = now
        if self._tokens >= len(data) and board.write(data):
            self._tokens -= len(data)
            self.sent += 1
            return True
        self.dropped += 1
        return False


def start(board):
    """Take over the line (Ctrl-C off: 0x03 is just a byte) and start the watchdog."""
    board.kbd_intr(-1)
    board.start_watchdog(WATCHDOG_MS)


def run(program, name):
    """Run ``program.step()`` until it returns False (the host asked for the REPL).

    A crash leaves the loop too, with Ctrl-C back on, and the watchdog, no longer fed, resets
    the board. Only the REPL request gets to the end: the board then resets into maintenance
    (Pico.enter_maintenance), the one way to a REPL that no watchdog interrupts.
    """
    global running
    running = program
    board = program.board
    start(board)
    try:
        while program.step():
            pass
    finally:
        board.kbd_intr(3)
    board.flush(200)
    board.enter_maintenance()


def maintenance(board, name):
    """At boot: True (and a word for the person at the REPL) if this boot is for maintenance,
    after the REPL message; then the protocol and the watchdog stay off."""
    if not board.maintenance_requested():
        return False
    board.console(name + ": maintenance, protocol and watchdog off: this is the REPL\r\n")
    return True
