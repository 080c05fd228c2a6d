"""Run by MicroPython's unix port (tests/micropython.py starts it): the firmware's modules on
the path, and questions answered one a line on stdin/stdout, as JSON:

    {"exec": "d = wire.Deframer(56)"}           → {"value": "None"}
    {"eval": "wire.crc32(b'123456789')"}         → {"value": "3421780262"}
    an exception                                  → {"error": ["WireError", "CRC mismatch", "crc"]}

Values travel as their repr(): bytes, numbers, strings, tuples, lists, dicts and None read back
in CPython with ast.literal_eval.
"""

import json

import usys

here = usys.argv[0].rsplit("/", 1)[0]
for folder in usys.argv[1:]:
    usys.path.insert(0, folder)
namespace = {}
while True:
    line = usys.stdin.readline()
    if not line:
        break
    request = json.loads(line)
    try:
        if "exec" in request:
            exec(request["exec"], namespace)
            value = None
        else:
            value = eval(request["eval"], namespace)
        answer = {"value": repr(value)}
    except Exception as exc:
        answer = {"error": [type(exc).__name__, str(exc), getattr(exc, "kind", None)]}
    usys.stdout.write(json.dumps(answer) + "\n")
