"""Tabular columns of both samples turned into one float matrix each, categoricals as integer codes.

Numerical and boolean columns become float64 (missing values as NaN). A column is categorical when
it is declared so or holds text or objects; its labels are coded ``0, 1, …`` by decreasing frequency
in the pooled sample, the rarest beyond ``max_categories`` share one last code ("other"), and
missing values stay NaN. Both matrices use the same codes, which is what the gradient-boosted
classifier's native categorical support expects.

>>> pair = encode_columns({"x": [1.0, 2.0], "c": ["a", "b"]}, {"x": [3.0, None], "c": ["a", "a"]})
>>> pair.names, pair.categorical.tolist(), pair.current.tolist()
(('x', 'c'), [False, True], [[3.0, 0.0], [nan, 0.0]])
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Columns = Mapping[str, npt.ArrayLike]
#: Codes per categorical column, so that codes fit the classifier's 255 bins (the last one is "other").
DEFAULT_MAX_CATEGORIES = 250


@dataclass(frozen=True, slots=True)
class EncodedPair:
    """The reference and current samples as float matrices with the same columns.

    Attributes:
        names: Column names, one per matrix column.
        reference: Reference rows × columns.
        current: Current rows × columns.
        categorical: Which columns hold category codes.
    """

    names: tuple[str, ...]
    reference: FloatArray
    current: FloatArray
    categorical: BoolArray


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _is_text_like(values: npt.NDArray[Any]) -> bool:
    if values.dtype.kind in "biuf":
        return False
    if values.dtype.kind != "O":
        return True
    return any(not isinstance(value, int | float) for value in values.tolist() if not _is_missing(value))


def _numeric(name: str, values: npt.NDArray[Any], side: str) -> FloatArray:
    try:
        return np.array([math.nan if _is_missing(value) else value for value in values.tolist()], dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            f"column {name!r} of the {side} sample is not numeric; declare it categorical",
            details={"column": name, "sample": side},
        ) from exc


def _codes(name: str, reference: npt.NDArray[Any], current: npt.NDArray[Any], limit: int) -> tuple[FloatArray, ...]:
    labels = [[None if _is_missing(value) else str(value) for value in side.tolist()] for side in (reference, current)]
    counts = Counter(label for side in labels for label in side if label is not None)
    ranked = [label for label, _ in counts.most_common()]
    codes = {label: float(min(index, limit)) for index, label in enumerate(ranked)}
    return tuple(np.array([math.nan if label is None else codes[label] for label in side]) for side in labels)


def _column(data: Columns, name: str, side: str) -> npt.NDArray[Any]:
    if name not in data:
        raise ValidationError(f"column {name!r} is missing from the {side} sample", details={"column": name})
    values = np.asarray(data[name])
    if values.ndim != 1:
        raise ValidationError(f"column {name!r} of the {side} sample is not one-dimensional", details={"column": name})
    return values


def _stack(columns: list[FloatArray], name: str) -> FloatArray:
    lengths = {len(column) for column in columns}
    if len(lengths) > 1:
        raise ValidationError(f"the columns of the {name} sample have different lengths", details={"sample": name})
    return np.column_stack(columns) if columns else np.empty((0, 0))


def encode_columns(
    reference: Columns,
    current: Columns,
    *,
    categorical: Collection[str] = (),
    max_categories: int = DEFAULT_MAX_CATEGORIES,
) -> EncodedPair:
    """Encode the reference's columns in both samples.

    Args:
        reference: Column name → 1-D values of the reference sample.
        current: The same columns of the current sample.
        categorical: Columns to treat as categorical even when they hold numbers.
        max_categories: Codes per categorical column before the rarest labels share one.

    Returns:
        The encoded pair.

    Raises:
        ValidationError: A column missing from the current sample, not one-dimensional, of ragged
            length, or not numeric though not categorical; the message names the column.
    """
    names = tuple(str(name) for name in reference)
    if not names:
        raise ValidationError("no columns to test together", details={"columns": []})
    encoded: list[tuple[FloatArray, FloatArray]] = []
    flags: list[bool] = []
    for name in names:
        ref_values, cur_values = _column(reference, name, "reference"), _column(current, name, "current")
        is_categorical = name in categorical or _is_text_like(ref_values) or _is_text_like(cur_values)
        if is_categorical:
            ref_codes, cur_codes = _codes(name, ref_values, cur_values, max_categories)
            encoded.append((ref_codes, cur_codes))
        else:
            encoded.append((_numeric(name, ref_values, "reference"), _numeric(name, cur_values, "current")))
        flags.append(is_categorical)
    return EncodedPair(
        names=names,
        reference=_stack([pair[0] for pair in encoded], "reference"),
        current=_stack([pair[1] for pair in encoded], "current"),
        categorical=np.array(flags, dtype=bool),
    )
