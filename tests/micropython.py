"""The firmware's own code asked questions in MicroPython's unix port, from a CPython test.

The boards run MicroPython, not CPython: code that CPython accepts may fail there (an
exception's constructor, a missing method), so the tests of the firmware's pure code (its
codec, its ring patterns, its slider and button logic) run it in the real interpreter::

    mp = MicroPython("common")
    mp.exec("import wire")
    mp.eval("wire.crc32(b'123456789')")       # 3421780262
    mp.call("wire.pack", 0x02)                # b''

An exception in MicroPython comes back as :class:`BoardError` with its class name, message
and (for WireError) kind.
"""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

from controller.stations.board_process import FIRMWARE_DIR, micropython

SERVER = Path(__file__).with_name("micropython_server.py")


class BoardError(Exception):
    """An exception raised in MicroPython: ``name`` its class, ``kind`` a WireError's kind."""

    def __init__(self, name: str, message: str, kind: str | None) -> None:
        super().__init__(f"{name}: {message}")
        self.name, self.message, self.kind = name, message, kind


class MicroPython:
    """One MicroPython process with the firmware's ``folders`` (under firmware/) on its path."""

    def __init__(self, *folders: str) -> None:
        paths = [str(FIRMWARE_DIR / folder) for folder in folders]
        self._process = subprocess.Popen(
            [micropython(), "-X", "heapsize=4M", str(SERVER), *paths],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def close(self) -> None:
        """End the interpreter."""
        self._process.stdin.close()
        self._process.wait(timeout=5)

    def _ask(self, request: dict) -> object:
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("MicroPython ended (see its output above)")
        answer = json.loads(line)
        if "error" in answer:
            raise BoardError(*answer["error"])
        return ast.literal_eval(answer["value"])

    def exec(self, source: str) -> None:
        """Run statements."""
        self._ask({"exec": source})

    def eval(self, expression: str) -> object:
        """The value of an expression (bytes, numbers, strings, tuples, lists, dicts, None)."""
        return self._ask({"eval": expression})

    def call(self, function: str, *args: object) -> object:
        """``function(*args)`` in MicroPython, the arguments passed as their ascii() (text
        beyond the BMP would reach it through JSON as two halves of a surrogate pair)."""
        return self.eval(f"{function}({', '.join(ascii(a) for a in args)})")
