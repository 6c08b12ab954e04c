"""Reference profiles: everything a drift check needs from the reference data, computed once.

:meth:`ReferenceProfile.from_data` reads each reference column once (through the
:class:`~aumos_drift_detector.core.statistical.profile_builder.ProfileBuilder`, which also takes the rows
batch by batch) and keeps, per feature (the records of :mod:`.feature_profile`),

* for a numerical feature: the non-missing values sorted ascending (float64, infinities kept at the
  ends, as the tests' cleaning does), the quantile bin edges of the binned tests (PSI,
  Jensen-Shannon, Hellinger, L-infinity), the counts of missing values and of infinities, the
  number of distinct values and summary statistics;
* for a categorical or binary feature: the category labels, their counts and the missing count;
* for every feature: its resolved kind, its test and threshold (chosen automatically unless the
  :class:`FeatureSpec` overrides them) and its importance weight.

A profile serialises to bytes (:meth:`ReferenceProfile.to_bytes`, layout in
:mod:`aumos_drift_detector.core.statistical.profile_format`), so a service stores it and never
rescans the raw reference data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.statistical.columns import CategoryCounts, as_columns
from aumos_drift_detector.core.statistical.feature_profile import CategoricalProfile, FeatureProfile, NumericalProfile
from aumos_drift_detector.core.statistical.features import FeatureKind, FeatureSpec, normalise_specs
from aumos_drift_detector.core.statistical.kernels import DEFAULT_BINS, bin_edges, resolve_test
from aumos_drift_detector.core.statistical.samples import DEFAULT_MIN_SAMPLES
from aumos_drift_detector.core.statistical.selection import choose_test, resolve_kind
from aumos_drift_detector.core.statistical.sorted_summary import sorted_summary

FloatArray = npt.NDArray[np.float64]

__all__ = ["CategoricalProfile", "FeatureProfile", "NumericalProfile", "ReferenceProfile", "count_distinct_sorted"]


def count_distinct_sorted(sorted_values: FloatArray) -> int:
    """Distinct values of a sorted array, in one pass.

    >>> count_distinct_sorted(np.array([1.0, 1.0, 2.0, 5.0]))
    3
    """
    if sorted_values.size == 0:
        return 0
    return 1 + int(np.count_nonzero(sorted_values[1:] != sorted_values[:-1]))


def check_settings(min_samples: int, n_bins: int) -> None:
    """Refuse a profile's settings that no data could satisfy.

    Raises:
        ValidationError: ``min_samples`` or ``n_bins`` below 1.
    """
    if min_samples < 1:
        raise ValidationError("min_samples must be at least 1", details={"min_samples": min_samples})
    if n_bins < 1:
        raise ValidationError("n_bins must be at least 1", details={"n_bins": n_bins})


def _check_size(name: str, n_values: int, n_total: int, min_samples: int) -> None:
    if n_values < min_samples:
        raise InsufficientDataError(
            f"feature {name!r} has {n_values} usable reference values (of {n_total} rows), "
            f"at least {min_samples} needed",
            details={"feature": name, "n_reference": n_values, "n_total": n_total, "min_samples": min_samples},
        )


def categorical_profile(
    found: CategoryCounts, spec: FeatureSpec, *, is_numeric: bool, is_boolean: bool, min_samples: int
) -> CategoricalProfile:
    """The profile of a categorical or binary feature from its category counts.

    Raises:
        InsufficientDataError: Fewer than ``min_samples`` non-missing values.
        ValidationError: The configured kind does not fit the column.
    """
    order = sorted(range(len(found.labels)), key=lambda index: found.labels[index])
    labels = tuple(found.labels[index] for index in order)
    counts = found.counts[order] if order else np.zeros(0, dtype=np.int64)
    n_values = int(counts.sum())
    n_total = n_values + found.n_missing
    _check_size(spec.name, n_values, n_total, min_samples)
    kind = resolve_kind(spec.kind, name=spec.name, is_numeric=is_numeric, is_boolean=is_boolean, n_distinct=len(labels))
    test, threshold = _test_for(spec, kind, n_values)
    counts.setflags(write=False)
    return CategoricalProfile(
        spec.name,
        kind,
        test,
        threshold,
        1.0 if spec.weight is None else spec.weight,
        labels,
        counts,
        n_total,
        found.n_missing,
    )


def _test_for(spec: FeatureSpec, kind: FeatureKind, n_values: int) -> tuple[str, float]:
    test = spec.test or choose_test(kind, n_reference=n_values)
    entry = resolve_test(test, kind=kind, feature=spec.name)
    return entry.name, spec.threshold if spec.threshold is not None else entry.default_threshold


def takes_numbers(spec: FeatureSpec, *, is_numeric: bool, is_boolean: bool) -> bool:
    """Whether a feature is profiled from its values as numbers (else from its category counts)."""
    boolean = is_boolean and spec.kind != "numerical"
    return spec.kind not in ("categorical", "binary") and is_numeric and not boolean


def sort_with_missing_last(values: FloatArray) -> int:
    """Sort a float64 array in place (NaN sorts last) and return how many NaN it holds."""
    n_missing = int(np.count_nonzero(np.isnan(values)))
    values.sort()
    return n_missing


def _infinities(sorted_values: FloatArray) -> tuple[int, int]:
    """How many ``-inf`` and ``+inf`` a sorted array holds (at its two ends)."""
    n_neg_inf = int(np.searchsorted(sorted_values, -np.inf, side="right"))
    return n_neg_inf, int(sorted_values.size - np.searchsorted(sorted_values, np.inf, side="left"))


def numerical_profile(
    values: FloatArray,
    n_missing: int,
    spec: FeatureSpec,
    *,
    categories: Callable[[FloatArray, int], CategoryCounts],
    min_samples: int,
    n_bins: int,
) -> FeatureProfile:
    """The profile of a feature read as numbers, from its values sorted by :func:`sort_with_missing_last`.

    An automatic kind may still turn out categorical or binary (few distinct values); its profile
    then comes from ``categories``, called with the sorted non-missing values and the missing count.

    Raises:
        InsufficientDataError: Fewer than ``min_samples`` non-missing values.
        ValidationError: The configured kind or test does not fit the column.
    """
    sorted_values = values[: values.size - n_missing]
    n_distinct = count_distinct_sorted(sorted_values)
    kind = resolve_kind(spec.kind, name=spec.name, is_numeric=True, is_boolean=False, n_distinct=n_distinct)
    if kind != "numerical":
        found = categories(sorted_values, n_missing)
        return categorical_profile(found, spec, is_numeric=True, is_boolean=False, min_samples=min_samples)
    _check_size(spec.name, sorted_values.size, values.size, min_samples)
    test, threshold = _test_for(spec, kind, sorted_values.size)
    n_neg_inf, n_pos_inf = _infinities(sorted_values)
    edges = bin_edges(sorted_values, n_bins, n_distinct)
    sorted_values.setflags(write=False)
    edges.setflags(write=False)
    return NumericalProfile(
        name=spec.name,
        test=test,
        threshold=threshold,
        weight=1.0 if spec.weight is None else spec.weight,
        sorted_values=sorted_values,
        edges=edges,
        bins=n_bins,
        n_total=int(values.size),
        n_missing=n_missing,
        n_neg_inf=n_neg_inf,
        n_pos_inf=n_pos_inf,
        n_distinct=n_distinct,
        summary=sorted_summary(sorted_values),
    )


@dataclass(frozen=True, slots=True)
class ReferenceProfile:
    """What every later drift check needs from the reference data.

    Attributes:
        features: One profile per feature, in configuration order.
        min_samples: Fewest usable values a check accepts per sample and feature.
    """

    features: tuple[FeatureProfile, ...]
    min_samples: int = DEFAULT_MIN_SAMPLES

    @classmethod
    def from_data(
        cls,
        data: Any,
        features: Iterable[FeatureSpec | str] | None = None,
        *,
        columns: Sequence[str] | None = None,
        min_samples: int = DEFAULT_MIN_SAMPLES,
        n_bins: int = DEFAULT_BINS,
        max_workers: int | None = None,
    ) -> ReferenceProfile:
        """Profile reference data.

        Args:
            data: pandas DataFrame, pyarrow Table, mapping of name to 1-D array, or 2-D numpy array.
            features: Names or :class:`FeatureSpec` objects; ``None`` profiles every column with
                automatic kind and test.
            columns: Column names when ``data`` is a 2-D numpy array.
            min_samples: Fewest usable (non-missing) values per feature, here and in later checks.
            n_bins: Number of bins of the binned tests (PSI, Jensen-Shannon, Hellinger, L-infinity).
            max_workers: Threads used to sort numerical columns (default: one per CPU).

        Returns:
            The profile.

        Raises:
            ValidationError: Unsupported data, unknown column or test, a kind that does not fit.
            InsufficientDataError: A feature with fewer than ``min_samples`` usable values.
        """
        from aumos_drift_detector.core.statistical.profile_builder import ProfileBuilder

        check_settings(min_samples, n_bins)
        source = as_columns(data, columns)
        builder = ProfileBuilder(
            normalise_specs(features, source.names), min_samples=min_samples, n_bins=n_bins, max_workers=max_workers
        )
        builder.add_columns(source)
        return cls(tuple(builder.features()), min_samples)

    @property
    def counted(self) -> bool:
        """Whether a numerical feature let its values go once counted (the check then runs on counts)."""
        return any(isinstance(item, NumericalProfile) and item.counted for item in self.features)

    def without_values(self) -> ReferenceProfile:
        """This profile with every numerical feature's values let go: the stored form of a large reference."""
        kept = tuple(item.without_values() if isinstance(item, NumericalProfile) else item for item in self.features)
        return ReferenceProfile(kept, self.min_samples)

    @property
    def names(self) -> tuple[str, ...]:
        """Feature names in configuration order."""
        return tuple(item.name for item in self.features)

    def feature(self, name: str) -> FeatureProfile:
        """The profile of the feature called ``name``.

        Raises:
            ValidationError: If the profile has no such feature.
        """
        for item in self.features:
            if item.name == name:
                return item
        raise ValidationError(f"the reference profile has no feature {name!r}", details={"feature": name})

    def to_bytes(self) -> bytes:
        """Serialise to the versioned binary format (see ``profile_format``)."""
        from aumos_drift_detector.core.statistical.profile_format import dump_profile

        return dump_profile(self)

    @classmethod
    def from_bytes(cls, payload: bytes) -> ReferenceProfile:
        """Read a profile written by :meth:`to_bytes`.

        Raises:
            ValidationError: If the payload is not a profile or has an unsupported format version.
        """
        from aumos_drift_detector.core.statistical.profile_format import load_profile

        return load_profile(payload)
