"""``rp2`` on an emulated RP2040: the PIO programs, state machines and DMA the LED driver uses.

MicroPython only (see machine.py). A PIO program is assembled as the rp2 port's own
``asm_pio`` does it, by running its function with the assembler's words as names; a DMA
transfer into a state machine completes at once, and what it carried is kept as that state
machine's output: the bytes the strip's LEDs would get, in their colour order.
"""

import builtins

import world as _world


class PIO:
    IN_LOW = 0
    IN_HIGH = 1
    OUT_LOW = 2
    OUT_HIGH = 3
    SHIFT_LEFT = 0
    SHIFT_RIGHT = 1
    JOIN_NONE = 0
    JOIN_TX = 1
    JOIN_RX = 2


class _Instruction:
    """One assembled instruction; ``.side(n)`` and ``[delay]`` return it, as in rp2."""

    def __init__(self, program, name):
        self.name = name
        program.instructions.append(self)

    def side(self, value):
        return self

    def __getitem__(self, delay):
        return self


class Program:
    """An assembled PIO program: its instructions' names and its settings."""

    def __init__(self, settings):
        self.settings = settings
        self.instructions = []
        self.labels = []


_WORDS = ("nop", "jmp", "wait", "in_", "out", "push", "pull", "mov", "irq", "set")
_NAMES = (
    "x",
    "y",
    "pins",
    "pindirs",
    "pc",
    "isr",
    "osr",
    "null",
    "status",
    "not_x",
    "not_y",
    "x_dec",
    "y_dec",
    "x_not_y",
    "pin",
    "not_osre",
    "block",
    "noblock",
    "iffull",
    "ifempty",
    "rel",
    "clear",
    "exec",
    "invert",
    "reverse",
)


def asm_pio(**settings):
    """Assemble the decorated function's PIO program (its words are names only while it runs)."""

    def assemble(function):
        program = Program(settings)
        words = {}
        for word in _WORDS:
            words[word] = (lambda name: lambda *args: _Instruction(program, name))(word)
        for name in _NAMES:
            words[name] = name
        words["label"] = program.labels.append
        words["wrap_target"] = lambda: None
        words["wrap"] = lambda: None
        words["word"] = lambda *args: _Instruction(program, "word")
        for name, value in words.items():
            setattr(builtins, name, value)
        try:
            function()
        finally:
            for name in words:
                delattr(builtins, name)
        if not program.instructions or len(program.instructions) > 32:
            raise ValueError("a PIO program has 1 to 32 instructions")
        return program

    return assemble


class StateMachine:
    """A PIO state machine (0–7 on an RP2040) running its program."""

    def __init__(self, id, program=None, freq=-1, **settings):
        self.id = id
        self.program = program
        self.freq = freq
        self.running = False

    def active(self, value=None):
        if value is None:
            return self.running
        self.running = bool(value)
        return None


class DMA:
    """A DMA channel; a transfer into a state machine is that state machine's output."""

    def __init__(self):
        self._read = None
        self._write = None
        self._count = 0

    def pack_ctrl(self, size=2, inc_read=True, inc_write=True, treq_sel=0x3F, **fields):
        return (treq_sel & 0x3F) << 15 | bool(inc_write) << 5 | bool(inc_read) << 4 | size << 2 | 1

    def config(self, read=None, write=None, count=None, ctrl=None, trigger=False):
        self._read = read
        self._write = write
        self._count = count
        if trigger:
            self.active(1)

    def active(self, value=None):
        if value and isinstance(self._write, StateMachine):
            _world.board.pio_output(self._write.id, bytes(self._read[: self._count]))
        return False
