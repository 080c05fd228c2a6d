"""An emulated board: the real firmware of a station or of the LED driver, run by MicroPython's
unix port on a simulated RP2040. MicroPython only; controller/stations/board_process.py starts
it, on the master side of the board's pseudo-terminal (its fd 0 and 1)::

    micropython board.py station --serial E66038B7133B5C2F --control 3 --rx 4,5
                         [--clock manual] [--start-ms 0] [--reset-cause 1] [--chip RP2040]
                         [--seed 0]

- ``--control`` is a socket inherited from the parent: its commands come in and the board's
  answers go out there, one JSON object a line (hal/world.py says which); ``--rx R,W`` a
  pipe, the line's receive buffer (hal/world.py's Line).
- The board's filesystem is the current directory (a flag file, a strips.py of its own),
  then the firmware's folders: firmware/station/ (or leds/) and firmware/common/, as flat as
  on the board.
- MicroPython runs ``main.py`` at power-up and at each soft reset, with Ctrl-C armed while it
  runs (as the rp2 port does), and gives the REPL when it ends.
- The process exits with status 75 when the board resets itself (watchdog, machine.reset):
  a real Pico drops off USB then, and the parent gives it a fresh pseudo-terminal.
"""

import os

import usys

EXIT_RESET = 75
#: The simulated hardware's modules: they stay through a soft reset (the chip does not).
HAL = ("world", "stdio", "repl", "machine", "neopixel", "rp2", "time")


def options(argv):
    """The command line as a dict (MicroPython has no argparse)."""
    found = {
        "kind": argv[0],
        "clock": "real",
        "start-ms": "0",
        "reset-cause": "1",
        "chip": "RP2040",
        "seed": "0",
    }
    for i in range(1, len(argv) - 1, 2):
        found[argv[i].lstrip("-")] = argv[i + 1]
    return found


def main(argv):
    here = usys.argv[0].rsplit("/", 1)[0] if "/" in usys.argv[0] else "."
    firmware = here + "/.."
    usys.path.insert(0, here + "/hal")
    import world

    opts = options(argv)
    board = world.World(
        opts["serial"],
        int(opts["control"]),
        [int(fd) for fd in opts["rx"].split(",")],
        manual=opts["clock"] == "manual",
        start_ms=int(opts["start-ms"]),
        cause=int(opts["reset-cause"]),
        chip=opts["chip"],
        seed=int(opts["seed"]),
    )
    world.board = board
    import repl
    import stdio

    stdio.install(opts["chip"])
    flash = os.getcwd()
    usys.path[1:1] = [flash, firmware + "/" + opts["kind"], firmware + "/common"]
    if opts["kind"] == "station":
        import pins

        board.buttons = {name: pins.BUTTONS[i] for i, name in enumerate(world.BUTTON_ORDER)}
    try:
        while True:
            if not run_main(board):
                repl.serve({"__name__": "__main__"})
            forget_firmware()
    except world.BoardReset as reset:
        if reset.cause == world.POWER_OFF:
            return 0
        board.control.send({"reset": reset.cause, "us": board.clock.us})
        return EXIT_RESET


def run_main(board):
    """main.py, as the rp2 port runs it: Ctrl-C armed only while it runs. True if it ended
    in a soft reset (main.py runs again at once), False for the REPL."""
    import world

    line = board.line
    line.pump()  # what came before is data: MicroPython was not running code then
    line.kbd = 3
    try:
        with open(find("main.py")) as source:
            code = source.read()
        exec(code, {"__name__": "__main__"})
    except world.BoardReset as reset:
        if reset.cause != world.RESET_SOFT:
            raise
        return True
    except BaseException as exc:  # a crash or a Ctrl-C: printed on the line, then the REPL
        usys.print_exception(exc)
        usys.print_exception(exc, usys.stderr)
    finally:
        line.kbd = -1
    return False


def exists(name):
    try:
        os.stat(name)
        return True
    except OSError:
        return False


def find(name):
    for folder in usys.path:
        if folder and exists(folder + "/" + name):
            return folder + "/" + name
    raise OSError(2)


def forget_firmware():
    """A soft reset: the firmware's modules are loaded afresh, the hardware's stay."""
    for name in list(usys.modules):
        if name not in HAL:
            del usys.modules[name]


usys.exit(main(usys.argv[1:]))
