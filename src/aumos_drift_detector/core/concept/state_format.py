"""How a detector's JSON state is versioned and how it carries non-finite floats."""

from __future__ import annotations

import math

STATE_FORMAT_VERSION = 1
"""Version of the dict ``to_state`` returns; ``from_state`` refuses any other."""


def encode_float(value: float) -> float | str:
    """Encode a float for a JSON state: finite values as-is, others as ``"inf"``, ``"-inf"``, ``"nan"``."""
    return value if math.isfinite(value) else repr(value)


def decode_float(value: float | str) -> float:
    """Invert :func:`encode_float`."""
    return float(value)
