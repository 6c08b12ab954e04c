"""Checks on embedding matrices: two-dimensional, finite, and of one width in both samples."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError

FloatArray = npt.NDArray[np.float64]


def embedding_matrix(values: npt.ArrayLike, *, column: str, side: str) -> FloatArray:
    """``values`` as a float64 matrix of one vector per row.

    Raises:
        ValidationError: Not a 2-D array of numbers, or a value that is not finite; the message
            names the column and the sample.
    """
    try:
        matrix = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            f"embedding column {column!r} of the {side} sample is not a list of equal-length number vectors",
            details={"column": column, "sample": side},
        ) from exc
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        raise ValidationError(
            f"embedding column {column!r} of the {side} sample must hold one non-empty vector per row",
            details={"column": column, "sample": side, "shape": list(matrix.shape)},
        )
    if not np.isfinite(matrix).all():
        raise ValidationError(
            f"embedding column {column!r} of the {side} sample has a missing or non-finite value",
            details={"column": column, "sample": side},
        )
    return matrix


def embedding_pair(reference: npt.ArrayLike, current: npt.ArrayLike, *, column: str) -> tuple[FloatArray, FloatArray]:
    """Both samples as matrices of the same width.

    Raises:
        ValidationError: As :func:`embedding_matrix`, or widths that differ.
    """
    ref, cur = (
        embedding_matrix(reference, column=column, side="reference"),
        embedding_matrix(current, column=column, side="current"),
    )
    if ref.shape[1] != cur.shape[1]:
        raise ValidationError(
            f"embedding column {column!r} has {ref.shape[1]} dimensions in the reference and {cur.shape[1]} in "
            "the current sample",
            details={"column": column, "reference_dimensions": ref.shape[1], "current_dimensions": cur.shape[1]},
        )
    return ref, cur
