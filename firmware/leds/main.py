# The LED floor driver's entry point: MicroPython runs /main.py at every boot and soft reset.
# A jumper from strips.MAINTENANCE_PIN to GND at power-up gives the REPL instead.
from driver import boot
from leds_rp2 import Board

boot(Board())
