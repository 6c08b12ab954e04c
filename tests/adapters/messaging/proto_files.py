"""Reading the message definitions of a ``.proto`` file of ``proto/``, to compare them with the runtime schemas."""

from __future__ import annotations

import re
from pathlib import Path

PROTO_DIR = Path(__file__).parents[3] / "proto" / "aumos" / "drift" / "v1"


def parse_proto(text: str) -> tuple[str, dict[str, list[tuple[str, int, str, str]]]]:
    """The package and the messages of a flat proto3 file, fields as ``(name, number, type, label)``."""
    text = re.sub(r"//[^\n]*", "", text)
    package = re.search(r"package\s+([\w.]+)\s*;", text)
    assert package is not None
    messages = {}
    for name, body in re.findall(r"message\s+(\w+)\s*\{([^}]*)\}", text):
        fields = re.findall(r"(optional|repeated)?\s*(\w+)\s+(\w+)\s*=\s*(\d+)\s*;", body)
        messages[name] = [(field, int(number), kind, label) for label, kind, field, number in fields]
    return package.group(1), messages
