"""Reading policy fields out of plain JSON data, with errors that name the field.

Policies arrive as JSON objects (``monitor.settings["alert_policy"]``); each reader below takes the
object, the field name and the dotted path of the object, and raises
:class:`~aumos_drift_detector.core.errors.ValidationError` saying ``path.field: problem``.
"""

from __future__ import annotations

from typing import Any

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.severity import Severity

_MISSING = object()


def fail(path: str, problem: str) -> ValidationError:
    """Return the error for a bad field at ``path``."""
    return ValidationError(f"{path}: {problem}", details={"field": path})


def require_object(data: object, path: str) -> dict[str, Any]:
    """Return ``data`` if it is a JSON object."""
    if not isinstance(data, dict):
        raise fail(path, f"must be an object, got {type(data).__name__}")
    return data


def reject_unknown(data: dict[str, Any], path: str, known: set[str]) -> None:
    """Refuse fields the policy does not define (typos would otherwise be ignored silently)."""
    unknown = sorted(set(data) - known)
    if unknown:
        raise fail(f"{path}.{unknown[0]}", f"unknown field (known: {', '.join(sorted(known))})")


def read_number(
    data: dict[str, Any], name: str, path: str, default: float, *, low: float, high: float | None = None
) -> float:
    """Read a number within ``[low, high]``."""
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(f"{path}.{name}", "must be a number")
    if value < low or (high is not None and value > high):
        bound = f"between {low:g} and {high:g}" if high is not None else f">= {low:g}"
        raise fail(f"{path}.{name}", f"must be {bound}, got {value}")
    return float(value)


def read_int(data: dict[str, Any], name: str, path: str, default: int, *, low: int) -> int:
    """Read an integer ``>= low``."""
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(f"{path}.{name}", "must be an integer")
    if value < low:
        raise fail(f"{path}.{name}", f"must be >= {low}, got {value}")
    return value


def read_optional_int(data: dict[str, Any], name: str, path: str, default: int | None, *, low: int) -> int | None:
    """Read an integer ``>= low`` or ``null``."""
    if data.get(name, default) is None:
        return None
    return read_int(data, name, path, default or low, low=low)


def read_bool(data: dict[str, Any], name: str, path: str, default: bool) -> bool:
    """Read a boolean."""
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise fail(f"{path}.{name}", "must be true or false")
    return value


def read_severity(data: dict[str, Any], name: str, path: str, default: Severity | None) -> Severity | None:
    """Read a severity level name (``low``, ``medium``, ``high``, ``critical``) or ``null``."""
    value = data.get(name, default.value if default else None)
    if value is None:
        return None
    levels = [level.value for level in Severity if level is not Severity.NONE]
    if value not in levels:
        raise fail(f"{path}.{name}", f"must be one of {', '.join(levels)}, got {value!r}")
    return Severity(value)


def read_choice(data: dict[str, Any], name: str, path: str, default: str, choices: tuple[str, ...]) -> str:
    """Read one of a fixed set of strings."""
    value = data.get(name, default)
    if value not in choices:
        raise fail(f"{path}.{name}", f"must be one of {', '.join(choices)}, got {value!r}")
    return str(value)
