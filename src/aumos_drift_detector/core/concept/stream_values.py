"""Validation of the values fed to a detector, one at a time or as a batch.

NaN silently disables most streaming detectors (every comparison with it is false), so NaN and
infinities are refused outright, and error-stream detectors also refuse values outside ``[0, 1]``.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

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
            f"error-stream input must lie in [0, 1] (1 = error), got {value!r}", details={"value": repr(value)}
        )
    return value


def check_batch(values: Iterable[Any] | npt.ArrayLike, *, error_stream: bool) -> npt.NDArray[np.float64]:
    """Return a batch as a contiguous one-dimensional float64 array, refusing any invalid value.

    Args:
        values: A sequence or array of values.
        error_stream: Whether values must also lie in ``[0, 1]``.

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
    valid = (batch >= 0.0) & (batch <= 1.0) if error_stream else np.isfinite(batch)
    if not valid.all():
        position = int(np.argmin(valid))
        rule = "lie in [0, 1] (1 = error)" if error_stream else "be finite"
        raise ValidationError(
            f"detector input must {rule}; value {batch[position]!r} at position {position} is not",
            details={"position": position},
        )
    return batch
