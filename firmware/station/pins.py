"""How a neuron station is wired: the only file to edit when the wiring changes.

Pico pin numbers are GPIO numbers (GP26 is 26), not the package's physical pin numbers.

- The slider is a linear potentiometer wired ratiometrically: its ends on 3V3(OUT)/ADC_VREF
  and AGND, its wiper on an ADC input (GP26–GP28). Never feed it from VBUS/5 V.
- The three buttons each connect their GPIO to GND when pressed; the firmware turns on the
  internal pull-ups, so no resistor is needed.
- The LED ring is a WS2812 ring; its DIN goes to the data GPIO through a ~330 Ω resistor. A
  12-LED ring at the firmware's brightness cap draws well under 100 mA from VBUS.
"""

#: GPIO of the slider's wiper (an ADC input: 26, 27 or 28).
SLIDER = 26
#: GPIO of the "−", "+" and "OK" buttons, in the protocol's button order (0, 1, 2).
BUTTONS = (14, 15, 13)
#: GPIO of the LED ring's data line, and how many LEDs the ring has.
RING_DATA = 16
RING_LEDS = 12
#: Slider samples per second, each the median of 5 ADC reads (1 kHz: well above the hand's
#: few hertz, and the loop's own tick).
SAMPLE_HZ = 1000
#: True if the ring's LED index grows clockwise seen from the front (flip it for a ring
#: mounted the other way, so "move the slider up" still runs clockwise).
RING_CLOCKWISE = True
