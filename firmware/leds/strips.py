"""How the LED floor driver is wired: the only file to edit when the strips change.

One entry per strip, in the protocol's strip order (``LED_FRAME.strip`` 0, 1, …), which is the
order of the ``[[strip]]`` entries in the Pi's ``data/installation.toml``: the GPIO of
its data line, how many LEDs it has, and the order its LEDs take their colour bytes in
("GRB" for WS2812B). Up to 8 strips: the RP2040 has 2 PIO blocks of 4 state machines.

Each data line goes through a 74AHCT125 level shifter (3.3 V → 5 V) and a ~330 Ω resistor to
the strip's DIN. The LED counts must match the floor layout the Pi sends (installation file):
the driver shows a frame only when every strip here got all its LEDs, and says so in a LOG
when they do not match.
"""

#: (GPIO, LED count, colour order) per strip.
STRIPS = (
    (2, 192, "GRB"),  # IN: the input neurons' rings and their segments
    (3, 329, "GRB"),  # A
    (4, 339, "GRB"),  # B
    (5, 281, "GRB"),  # C
    (6, 289, "GRB"),  # D
    (7, 320, "GRB"),  # E
    (8, 245, "GRB"),  # F
    (9, 128, "GRB"),  # OUT: the output neurons' rings
)

#: A jumper from this GPIO to GND at power-up keeps the protocol off: maintenance at the REPL.
MAINTENANCE_PIN = 22
