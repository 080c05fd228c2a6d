# The station's entry point: MicroPython runs /main.py at every boot and soft reset.
# Ctrl-C goes off first, before any other import: from here on a 0x03 from the host (every
# HELLO with sequence 0 holds one) is data, not a KeyboardInterrupt that would leave the
# board stopped in the REPL. Hold OK while plugging the station in to get the REPL instead.
import micropython

micropython.kbd_intr(-1)

from board_rp2 import Board  # noqa: E402
from station import boot  # noqa: E402

boot(Board())
