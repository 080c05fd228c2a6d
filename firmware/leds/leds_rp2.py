"""The LED driver's board layer on a real Pico: WS2812 strips on PIO state machines, fed by DMA.

Not MicroPython's ``neopixel`` module: its write runs with interrupts off for 30 µs per LED
(18 ms for 600 LEDs, USB unserviced meanwhile). Here each strip has its own PIO state machine
running a WS2812 program and its own DMA channel feeding it from a byte buffer: once a show
is started, the strips shift their bits out by themselves, all in parallel, while the CPU
reads the next frame. The colour bytes are put in the strip's order by a viper (native) loop.

The wiring is in strips.py; the Pico itself (clocks, USB, watchdog, identity) is pico.py.
"""

# The PIO assembler's words (out, jmp, label…) and viper's ptr8 are names MicroPython's
# compiler provides inside those functions: not Python names a linter can see.
# ruff: noqa: F821

import time

import machine
import micropython
import rp2
import strips
from pico import Pico

#: The PIO program's clock: 8 MHz, 10 cycles per bit, so 800 kbit/s.
PIO_HZ = 8_000_000
US_PER_LED = 30
#: Low time that latches a frame: 280 µs for recent WS2812B, with a margin.
LATCH_US = 320


@rp2.asm_pio(
    sideset_init=rp2.PIO.OUT_LOW,
    out_shiftdir=rp2.PIO.SHIFT_LEFT,
    autopull=True,
    pull_thresh=8,
)
def ws2812():
    # Each bit: high 2 cycles, then high 5 more for a 1 or low for a 0, then low 3 cycles.
    # The DMA writes one byte per FIFO word (narrow writes are replicated across the word);
    # 8-bit pulls take its top byte, most significant bit first.
    wrap_target()
    label("bit")
    out(x, 1).side(0)[2]
    jmp(not_x, "zero").side(1)[1]
    jmp("bit").side(1)[4]
    label("zero")
    nop().side(0)[4]
    wrap()


@micropython.viper
def _reorder(dst: ptr8, src: ptr8, n: int, first: int, second: int, third: int):
    """dst[3i + k] = src[3i + order[k]]: RGB in, the strip's colour order out."""
    i = 0
    end = n * 3
    while i < end:
        dst[i] = src[i + first]
        dst[i + 1] = src[i + second]
        dst[i + 2] = src[i + third]
        i += 3


@micropython.viper
def _blend(out: ptr8, a: ptr8, b: ptr8, n: int, k: int):
    """out = a·(255−k)/255 + b·k/255, byte by byte, over n bytes (shifts, no division: the
    Cortex-M0+ has no divide instruction)."""
    w = k + (k >> 7)  # 0–255 to 0–256, so that k = 255 gives b exactly
    v = 256 - w
    i = 0
    while i < n:
        out[i] = (int(a[i]) * v + int(b[i]) * w) >> 8
        i += 1


@micropython.viper
def _expand(dst: ptr8, at: int, room: int, src: ptr8, start: int, end: int) -> int:
    """Decode LED_FRAME ops ``src[start:end]`` (wire.runs_decode) into ``dst`` from byte
    ``at``, writing at most ``room`` pixels; how many pixels the ops make, -1 if they are not
    whole ops of non-zero bytes."""
    made = 0
    i = start
    o = at
    while i < end:
        code = int(src[i])
        if code == 0:
            return -1
        n = code
        run = 0
        if code > 127:
            n = 1
            run = code - 126
        if i + 1 + 3 * n > end:
            return -1
        j = i + 1
        k = 0
        while k < n:
            r = int(src[j])
            g = int(src[j + 1])
            b = int(src[j + 2])
            if r == 0 or g == 0 or b == 0:
                return -1
            copies = run if run else 1
            while copies > 0:
                if made < room:
                    dst[o] = r - 1
                    dst[o + 1] = g - 1
                    dst[o + 2] = b - 1
                    o += 3
                made += 1
                copies -= 1
            j += 3
            k += 1
        i = j
    return made


class PioStrip:
    """One strip: a PIO state machine, a DMA channel, and two byte buffers to alternate."""

    def __init__(self, index, pin, count, order):
        self.count = count
        self._sm = rp2.StateMachine(
            index, ws2812, freq=PIO_HZ, sideset_base=machine.Pin(pin, machine.Pin.OUT)
        )
        self._sm.active(1)
        self._dma = rp2.DMA()
        # PIO block index // 4, state machine index % 4: its TX FIFO's data request line.
        dreq = (index // 4) * 8 + index % 4
        self._ctrl = self._dma.pack_ctrl(size=0, inc_write=False, treq_sel=dreq)
        self._buffers = (bytearray(3 * count), bytearray(3 * count))
        self._next = 0
        self._order = ["RGB".index(c) for c in order.upper()]
        self._ready_at = time.ticks_us()

    def show(self, rgb):
        """Send the strip its pixels (``rgb``: 3 bytes per LED, red first)."""
        buffer = self._buffers[self._next]
        first, second, third = self._order
        _reorder(buffer, rgb, self.count, first, second, third)
        # The previous frame must be out and latched before this one starts.
        while self._dma.active():
            pass
        wait = time.ticks_diff(self._ready_at, time.ticks_us())
        if wait > 0:
            time.sleep_us(wait)
        self._dma.config(read=buffer, write=self._sm, count=len(buffer), ctrl=self._ctrl)
        self._dma.active(1)
        self._ready_at = time.ticks_add(time.ticks_us(), self.count * US_PER_LED + LATCH_US)
        self._next ^= 1


class Board(Pico):
    """The real LED driver board: up to 8 PIO-driven strips."""

    def __init__(self):
        Pico.__init__(self)
        self._strips = [
            PioStrip(i, pin, count, order) for i, (pin, count, order) in enumerate(strips.STRIPS)
        ]
        self.STRIP_LEDS = tuple(count for _, count, _ in strips.STRIPS)
        self.read = self._line.read_blocks  # frames are long: read whole COBS blocks

    def show(self, strip, rgb):
        """Send strip ``strip`` its pixels; returns once the DMA has started."""
        self._strips[strip].show(rgb)

    def expand(self, dst, at, room, ops, start):
        """Decode an LED_FRAME's pixel ops ``ops[start:]`` into ``dst`` from byte ``at``, at
        most ``room`` pixels (native code); how many pixels they make, -1 if malformed."""
        return _expand(dst, at, room, ops, start, len(ops))

    def blend(self, out, a, b, k):
        """``out = a·(255−k)/255 + b·k/255``, byte by byte (native code)."""
        _blend(out, a, b, len(out), k)

    def maintenance(self):
        """True if the maintenance jumper pulls its pin low at power-up."""
        pin = machine.Pin(strips.MAINTENANCE_PIN, machine.Pin.IN, machine.Pin.PULL_UP)
        time.sleep_ms(5)
        return pin.value() == 0
