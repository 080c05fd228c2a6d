"""The shared wire test vectors (firmware/vectors.json), for the host's and firmware's tests."""

from __future__ import annotations

import json
from dataclasses import fields

from controller.stations import messages
from controller.stations.messages import VECTORS_FILE

VECTORS = json.loads(VECTORS_FILE.read_text())
MESSAGE_VECTORS = VECTORS["messages"]
STREAM_VECTORS = VECTORS["streams"]


def message_of(vector: dict) -> messages.Message:
    """The host's message a vector means: its class by name, its fields converted back."""
    kind = getattr(messages, vector["message"])
    values = {}
    for f in fields(kind):
        value = vector["fields"][f.name]
        if f.type == "bytes":
            value = bytes.fromhex(value)
        elif isinstance(value, list):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        values[f.name] = value
    return kind(**values)
