# The LED floor driver's entry point: MicroPython runs /main.py at every boot and soft reset.
# Ctrl-C goes off first, before any other import: from here on a 0x03 from the host is data,
# not a KeyboardInterrupt that would leave the board stopped in the REPL. A jumper from
# strips.MAINTENANCE_PIN to GND at power-up gives the REPL instead.
import micropython

micropython.kbd_intr(-1)

from driver import boot  # noqa: E402
from leds_rp2 import Board  # noqa: E402

boot(Board())
