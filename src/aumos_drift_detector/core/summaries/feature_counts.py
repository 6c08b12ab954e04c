"""The counts of one feature over a window, on the bins of its :mod:`.layout` entry.

:class:`NumericCounts` holds the bin counts and the exact :class:`~.moments.Moments`;
:class:`CategoricalCounts` holds one count per label plus ``other``, and the missing count. Both
merge by adding counts, which is associative and commutative, so any grouping of batches, hours,
partitions or machines adds up to the counts of all their rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.summaries.moments import Moments

CountArray = npt.NDArray[np.int64]


def frozen_counts(counts: object, *, name: str) -> CountArray:
    """A read-only int64 copy of non-negative counts (a read-only int64 array is taken as it is, uncopied).

    Raises:
        ValidationError: Counts that are not a 1-D array of non-negative integers.
    """
    if isinstance(counts, np.ndarray) and counts.dtype == np.int64 and not counts.flags.writeable:
        array: CountArray = counts
    else:
        array = np.array(counts, dtype=np.int64, copy=True)
    if array.ndim != 1 or np.any(array < 0):
        raise ValidationError(
            f"the counts of feature {name!r} must be non-negative integers", details={"feature": name}
        )
    array.setflags(write=False)
    return array


def _check_same_shape(name: str, left: CountArray, right: CountArray) -> None:
    if left.shape != right.shape:
        raise ValidationError(
            f"cannot merge counts of feature {name!r} over {left.size} and {right.size} bins",
            details={"feature": name},
        )


@dataclass(frozen=True, slots=True)
class NumericCounts:
    """A numeric feature's bin counts and moments.

    Attributes:
        name: Feature name.
        counts: Non-missing values per bin (int64, read-only; infinities in the outer bins).
        moments: Exact moments of the finite values, and the missing count.
    """

    name: str
    counts: CountArray
    moments: Moments

    def __post_init__(self) -> None:
        object.__setattr__(self, "counts", frozen_counts(self.counts, name=self.name))

    @property
    def n_values(self) -> int:
        """Non-missing values counted."""
        return int(self.counts.sum())

    @property
    def missing(self) -> int:
        """Missing values."""
        return self.moments.missing

    def merge(self, other: NumericCounts) -> NumericCounts:
        """The counts of both windows together.

        Raises:
            ValidationError: Counts over different bins.
        """
        _check_same_shape(self.name, self.counts, other.counts)
        return NumericCounts(self.name, self.counts + other.counts, self.moments.merge(other.moments))


@dataclass(frozen=True, slots=True)
class CategoricalCounts:
    """A categorical feature's counts per label, ``other`` last.

    Attributes:
        name: Feature name.
        counts: Values per label, then the values of every other label (int64, read-only).
        missing: Missing values.
    """

    name: str
    counts: CountArray
    missing: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "counts", frozen_counts(self.counts, name=self.name))

    @property
    def n_values(self) -> int:
        """Non-missing values counted."""
        return int(self.counts.sum())

    def merge(self, other: CategoricalCounts) -> CategoricalCounts:
        """The counts of both windows together.

        Raises:
            ValidationError: Counts over different bins.
        """
        _check_same_shape(self.name, self.counts, other.counts)
        return CategoricalCounts(self.name, self.counts + other.counts, self.missing + other.missing)


FeatureCounts = NumericCounts | CategoricalCounts
