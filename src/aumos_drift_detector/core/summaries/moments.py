"""Exact moments of one numeric feature over a window: count, sum, sum of squares, extremes, missing.

Moments merge by addition (and ``min``/``max``), so the moments of a month are the merge of the
moments of its hours. Counts and extremes merge exactly; the two sums are float64 and merge up to
rounding (a relative error near ``1e-15`` per addition), which no statistic here is sensitive to.

Missing values (``NaN``) are counted in ``missing``; infinities are counted in neither ``count`` nor
the sums (they still land in the outer bins of the counts), so the moments describe the finite values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Moments:
    """Moments of the finite values of a numeric feature.

    Attributes:
        count: Finite values.
        total: Their sum.
        total_squares: The sum of their squares.
        minimum: The smallest finite value (``+inf`` when there is none).
        maximum: The largest finite value (``-inf`` when there is none).
        missing: Missing (``NaN``) values.
    """

    count: int = 0
    total: float = 0.0
    total_squares: float = 0.0
    minimum: float = math.inf
    maximum: float = -math.inf
    missing: int = 0

    @classmethod
    def of(cls, values: FloatArray) -> Moments:
        """The moments of a float64 array (``NaN`` is missing, infinities are left out).

        Example:
            >>> Moments.of(np.array([1.0, 3.0, np.nan, np.inf]))
            Moments(count=2, total=4.0, total_squares=10.0, minimum=1.0, maximum=3.0, missing=1)
        """
        missing = int(np.count_nonzero(np.isnan(values)))
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            return cls(missing=missing)
        return cls(
            count=int(finite.size),
            total=float(finite.sum()),
            total_squares=float(np.dot(finite, finite)),
            minimum=float(finite.min()),
            maximum=float(finite.max()),
            missing=missing,
        )

    @classmethod
    def of_sorted(cls, ordered: FloatArray, missing: int) -> Moments:
        """The moments of values already sorted ascending with their ``missing`` NaN last (no copy made).

        Example:
            >>> values = np.array([3.0, -np.inf, np.nan, 1.0])
            >>> Moments.of_sorted(np.sort(values), 1) == Moments.of(values)
            True
        """
        present = ordered[: ordered.size - missing]
        start = int(np.searchsorted(present, -np.inf, side="right"))
        stop = int(np.searchsorted(present, np.inf, side="left"))
        finite = present[start:stop]
        if finite.size == 0:
            return cls(missing=missing)
        return cls(
            count=int(finite.size),
            total=float(finite.sum()),
            total_squares=float(np.dot(finite, finite)),
            minimum=float(finite[0]),
            maximum=float(finite[-1]),
            missing=missing,
        )

    def merge(self, other: Moments) -> Moments:
        """The moments of the union of the two windows.

        Example:
            >>> Moments.of(np.array([1.0])).merge(Moments.of(np.array([5.0, np.nan]))).maximum
            5.0
        """
        return Moments(
            count=self.count + other.count,
            total=self.total + other.total,
            total_squares=self.total_squares + other.total_squares,
            minimum=min(self.minimum, other.minimum),
            maximum=max(self.maximum, other.maximum),
            missing=self.missing + other.missing,
        )

    @classmethod
    def combine(cls, parts: Iterable[Moments]) -> Moments:
        """The merge of any number of moments in one pass (the same as merging them one by one).

        Example:
            >>> Moments.combine([Moments.of(np.array([1.0])), Moments(), Moments.of(np.array([3.0]))]).total
            4.0
        """
        items = list(parts)
        return cls(
            count=sum(item.count for item in items),
            total=sum(item.total for item in items),
            total_squares=sum(item.total_squares for item in items),
            minimum=min((item.minimum for item in items), default=math.inf),
            maximum=max((item.maximum for item in items), default=-math.inf),
            missing=sum(item.missing for item in items),
        )

    @property
    def mean(self) -> float:
        """Mean of the finite values (``NaN`` when there is none)."""
        return self.total / self.count if self.count else math.nan

    @property
    def variance(self) -> float:
        """Population variance (``ddof=0``) of the finite values, never negative (``NaN`` when empty).

        Example:
            >>> Moments.of(np.array([1.0, 2.0, 3.0, 4.0])).variance
            1.25
        """
        if not self.count:
            return math.nan
        mean = self.total / self.count
        return max(self.total_squares / self.count - mean * mean, 0.0)

    @property
    def std(self) -> float:
        """Population standard deviation (``ddof=0``) of the finite values."""
        return math.sqrt(self.variance)
