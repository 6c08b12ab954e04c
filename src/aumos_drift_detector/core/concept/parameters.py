"""Checks for detector constructor parameters and observed values.

Every check raises :class:`~aumos_drift_detector.core.errors.ValidationError` with a message that
names the parameter, the rule and the offending value, so a bad monitor configuration is rejected
when the detector is built rather than misbehaving later in the stream.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from aumos_drift_detector.core.errors import ValidationError


def require_int(name: str, value: Any, *, minimum: int, maximum: int | None = None) -> int:
    """Return ``value`` if it is an integer (not a bool) of at least ``minimum`` (and at most ``maximum``).

    Args:
        name: Parameter name used in the error message.
        value: The value to check.
        minimum: Smallest allowed value.
        maximum: Largest allowed value, for a parameter that sizes a buffer; ``None``: no bound.

    Returns:
        The value as a Python ``int``.

    Raises:
        ValidationError: If the value is not an integer or lies outside the bounds.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValidationError(f"{name} must be an integer, got {value!r}", details={"parameter": name})
    number = int(value)
    if number < minimum:
        raise ValidationError(f"{name} must be >= {minimum}, got {number}", details={"parameter": name})
    if maximum is not None and number > maximum:
        raise ValidationError(f"{name} must be <= {maximum}, got {number}", details={"parameter": name})
    return number


def require_open_unit(name: str, value: Any, *, upper_inclusive: bool = False) -> float:
    """Return ``value`` if it is a real number in ``(0, 1)`` (or ``(0, 1]``).

    Args:
        name: Parameter name used in the error message.
        value: The value to check.
        upper_inclusive: Whether 1 itself is allowed.

    Returns:
        The value as a Python ``float``.

    Raises:
        ValidationError: If the value is not a finite real number in the interval.
    """
    number = require_real(name, value)
    upper_ok = number <= 1.0 if upper_inclusive else number < 1.0
    if not (number > 0.0 and upper_ok):
        interval = "(0, 1]" if upper_inclusive else "(0, 1)"
        raise ValidationError(f"{name} must lie in {interval}, got {number!r}", details={"parameter": name})
    return number


def require_real(name: str, value: Any) -> float:
    """Return ``value`` as a float if it is a finite real number (not a bool).

    Args:
        name: Parameter name used in the error message.
        value: The value to check.

    Returns:
        The value as a Python ``float``.

    Raises:
        ValidationError: If the value is not a finite real number.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValidationError(f"{name} must be a real number, got {value!r}", details={"parameter": name})
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError(f"{name} must be finite, got {number!r}", details={"parameter": name})
    return number


def require_bool(name: str, value: Any) -> bool:
    """Return ``value`` if it is a bool.

    Args:
        name: Parameter name used in the error message.
        value: The value to check.

    Returns:
        The value.

    Raises:
        ValidationError: If the value is not a bool.
    """
    if not isinstance(value, bool):
        raise ValidationError(f"{name} must be True or False, got {value!r}", details={"parameter": name})
    return value
