# The station's entry point: MicroPython runs /main.py at every boot and soft reset.
# Hold OK while plugging the station in to get the REPL instead (station.boot says how).
from board_rp2 import Board
from station import boot

boot(Board())
