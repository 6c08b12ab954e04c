"""Distinct values of a column and their counts, under normalised category labels.

Category labels are strings, normalised by :func:`category_label` so that the same value read from
CSV, Parquet, pandas or numpy gets the same label (``1``, ``1.0`` and ``"1"`` are all ``"1"``;
booleans are ``"true"``/``"false"``). Missing values (:func:`is_missing`) are counted, never a category.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class CategoryCounts:
    """Counts of each distinct non-missing value of a column.

    Attributes:
        labels: Normalised labels, unique, in first-seen or sorted order.
        counts: How often each label occurs (int64, aligned with ``labels``).
        n_missing: Number of ``None``/NaN values.
    """

    labels: tuple[str, ...]
    counts: npt.NDArray[np.int64]
    n_missing: int


def is_missing(value: Any) -> bool:
    """Whether a scalar is a missing value: ``None``, NaN, a not-a-time, or pandas' ``NA``.

    A value that differs from itself (NaN, NaT) is missing, and so is one whose comparison with
    itself has no truth value (pandas' ``NA`` answers ``NA``), without importing any data-frame library.

    >>> [is_missing(v) for v in (None, float("nan"), 0.0, "", "nan")]
    [True, True, False, False, False]
    """
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:
        return True


def category_label(value: Any) -> str | None:
    """Normalise one distinct value to its category label; ``None`` for a missing value.

    >>> [category_label(v) for v in (1, 1.0, "1", True, 2.5, None, float("nan"))]
    ['1', '1', '1', 'true', '2.5', None, None]
    """
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return None
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return None if is_missing(value) else str(value)


def counts_from_pairs(values: Sequence[Any], counts: Sequence[int] | npt.NDArray[np.int64]) -> CategoryCounts:
    """Build :class:`CategoryCounts` from distinct raw values and their counts, merging equal labels."""
    merged: dict[str, int] = {}
    n_missing = 0
    for value, count in zip(values, counts, strict=True):
        label = category_label(value)
        if label is None:
            n_missing += int(count)
        else:
            merged[label] = merged.get(label, 0) + int(count)
    return CategoryCounts(tuple(merged), np.fromiter(merged.values(), dtype=np.int64, count=len(merged)), n_missing)
