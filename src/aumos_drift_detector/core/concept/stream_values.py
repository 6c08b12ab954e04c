"""Validation of the values fed to a detector, one at a time or as a batch, by input domain.

Each detector declares the domain its algorithm is defined on (:data:`InputDomain`):

* ``"binary"``: 0 or 1, one Bernoulli trial per value (1 = wrong prediction), as DDM, EDDM and RDDM
  assume;
* ``"unit_interval"``: any real number in ``[0, 1]`` (an error or a bounded loss), as Hoeffding's
  and McDiarmid's bounds of HDDM_A and HDDM_W assume;
* ``"real"``: any finite real number (ADWIN, KSWIN, Page-Hinkley).

NaN silently disables most streaming detectors (every comparison with it is false), so NaN and
infinities are refused outright in every domain.
"""

from __future__ import annotations

import enum
import numbers
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError


def _as_float(x: Any) -> float:
    if isinstance(x, str | bytes) or not isinstance(x, numbers.Real):
        raise ValidationError(f"detector input must be a real number, got {x!r}", details={"value": repr(x)})
    return float(x)


def check_real_value(x: Any) -> float:
    """Return ``x`` as a float if it is a finite real number.

    Args:
        x: The value to check (bools and NumPy scalars are accepted).

    Returns:
        The value as a Python float.

    Raises:
        ValidationError: If ``x`` is not a real number, or is NaN or infinite.
    """
    value = x if type(x) is float else _as_float(x)
    if value - value != 0.0:  # true exactly for NaN and +-inf
        raise ValidationError(f"detector input must be finite, got {value!r}", details={"value": repr(value)})
    return value


def check_error_value(x: Any) -> float:
    """Return ``x`` as a float if it is an error value in ``[0, 1]`` (1 = wrong prediction).

    Args:
        x: The value to check (bools and NumPy scalars are accepted).

    Returns:
        The value as a Python float.

    Raises:
        ValidationError: If ``x`` is not a real number in ``[0, 1]`` (NaN included).
    """
    value = x if type(x) is float else _as_float(x)
    if not 0.0 <= value <= 1.0:
        raise ValidationError(
            f"detector input must lie in [0, 1] (1 = error), got {value!r}", details={"value": repr(value)}
        )
    return value


def check_binary_value(x: Any) -> float:
    """Return ``x`` as a float if it is 0 or 1 (1 = wrong prediction).

    Args:
        x: The value to check (bools and NumPy scalars are accepted).

    Returns:
        The value as a Python float.

    Raises:
        ValidationError: If ``x`` is not the number 0 or 1 (NaN included).

    Example:
        >>> check_binary_value(True), check_binary_value(0)
        (1.0, 0.0)
    """
    value = x if type(x) is float else _as_float(x)
    if value != 0.0 and value != 1.0:
        raise ValidationError(f"binary input must be 0 or 1 (1 = error), got {value!r}", details={"value": repr(value)})
    return value


class StreamKind(enum.Enum):
    """What a detector's input values mean."""

    ERROR = "error"
    """Per-prediction error (0 or 1, or in ``[0, 1]``); 1 is a wrong prediction."""
    REAL = "real"
    """Any finite real number (a loss, a residual, a score)."""


InputDomain = Literal["binary", "unit_interval", "real"]
"""The values a detector's algorithm is defined on (see the module docstring)."""

VALUE_CHECKS: Final[Mapping[InputDomain, Callable[[Any], float]]] = {
    "binary": check_binary_value,
    "unit_interval": check_error_value,
    "real": check_real_value,
}
"""The check of one value, by domain."""

_BATCH_RULES: Final[Mapping[InputDomain, tuple[Callable[[npt.NDArray[np.float64]], npt.NDArray[np.bool_]], str]]] = {
    "binary": (lambda batch: (batch == 0.0) | (batch == 1.0), "be 0 or 1 (1 = error)"),
    "unit_interval": (lambda batch: (batch >= 0.0) & (batch <= 1.0), "lie in [0, 1] (1 = error)"),
    "real": (np.isfinite, "be finite"),
}


def check_batch(values: Iterable[Any] | npt.ArrayLike, *, domain: InputDomain) -> npt.NDArray[np.float64]:
    """Return a batch as a contiguous one-dimensional float64 array, refusing any invalid value.

    Args:
        values: A sequence or array of values.
        domain: The detector's input domain.

    Returns:
        A float64 array (a copy when conversion was needed).

    Raises:
        ValidationError: If the batch is not one-dimensional and numeric, or holds an invalid value;
            the message gives the first offending position.
    """
    source = values if isinstance(values, np.ndarray) else list(values)  # type: ignore[arg-type]
    array = np.asarray(source)
    if array.dtype.kind not in "biuf":
        raise ValidationError(f"detector input must be numeric, got an array of dtype {array.dtype}")
    if array.ndim != 1:
        raise ValidationError(f"detector input must be one-dimensional, got shape {array.shape}")
    batch = np.ascontiguousarray(array, dtype=np.float64)
    is_valid, rule = _BATCH_RULES[domain]
    valid = is_valid(batch)
    if not valid.all():
        position = int(np.argmin(valid))
        value = float(batch[position])
        raise ValidationError(
            f"detector input must {rule}; value {value!r} at position {position} is not",
            details={"position": position, "value": repr(value)},
        )
    return batch
