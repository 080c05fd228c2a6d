"""The station's board layer on a real Raspberry Pi Pico: slider ADC, buttons, LED ring.

The Pico itself (clocks, USB line, watchdog, identity) is common/pico.py; the wiring is in
pins.py. Everything the station touches goes through here (station.py lists it).
"""

import machine
import neopixel
import pins
from pico import Pico


class Board(Pico):
    """The real station board: ADC slider, pulled-up buttons, WS2812 ring."""

    SAMPLE_HZ = pins.SAMPLE_HZ
    RING_LEDS = pins.RING_LEDS
    RING_CLOCKWISE = pins.RING_CLOCKWISE

    def __init__(self):
        Pico.__init__(self)
        self._adc = machine.ADC(machine.Pin(pins.SLIDER))
        self._buttons = [machine.Pin(p, machine.Pin.IN, machine.Pin.PULL_UP) for p in pins.BUTTONS]
        self._ring = neopixel.NeoPixel(machine.Pin(pins.RING_DATA, machine.Pin.OUT), pins.RING_LEDS)

    def read_adc(self):
        """The slider, 12-bit (read_u16 repeats the top 4 bits below: they carry nothing)."""
        return self._adc.read_u16() >> 4

    def buttons(self):
        """Bitmask of the buttons held (a held button pulls its pin low)."""
        mask = 0
        for i, pin in enumerate(self._buttons):
            if not pin.value():
                mask |= 1 << i
        return mask

    def show_ring(self, pixels):
        """Light the ring (a 12-LED neopixel write takes ~0.4 ms with interrupts off: fine for
        a ring; the LED floor's long strips use PIO and DMA instead)."""
        ring = self._ring
        for i, pixel in enumerate(pixels):
            ring[i] = pixel
        ring.write()
