"""Building a reference profile from rows that arrive batch by batch.

A large reference upload is read a block at a time. :class:`ProfileBuilder` keeps of each batch only
what the profile needs: the values of a feature read as numbers (float64, 8 bytes a row) and the
category counts of the others, so the rows themselves never have to be in memory together. When the
last batch is in, each numerical column is sorted in place and profiled; :meth:`ProfileBuilder.payload`
then serialises the profile while letting go of each column once it is written, so building and
storing a profile needs about one copy of the sorted values, not two or three.

:meth:`ReferenceProfile.from_data` is this builder fed the whole table as one batch, so both paths
give the same profile.

>>> builder = ProfileBuilder([FeatureSpec("x"), FeatureSpec("plan")], min_samples=2)
>>> builder.start(["x", "plan"])
True
>>> builder.add({"x": [3.0, 1.0, 2.5], "plan": ["a", "b", "a"]})
>>> builder.add({"x": [float("nan"), 7.0, 9.0, 4.0], "plan": ["b", None, "a", "a"]})
>>> [(item.name, item.kind, item.n_total, item.n_missing) for item in builder.features()]
[('x', 'numerical', 7, 1), ('plan', 'binary', 7, 1)]
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.columns import CategoryCounts, ColumnSource, as_columns, counts_from_pairs
from aumos_drift_detector.core.statistical.feature_profile import FeatureProfile
from aumos_drift_detector.core.statistical.features import FeatureSpec
from aumos_drift_detector.core.statistical.kernels import DEFAULT_BINS
from aumos_drift_detector.core.statistical.profile import (
    ReferenceProfile,
    categorical_profile,
    check_settings,
    numerical_profile,
    sort_with_missing_last,
    takes_numbers,
)
from aumos_drift_detector.core.statistical.profile_format import dump_features
from aumos_drift_detector.core.statistical.samples import DEFAULT_MIN_SAMPLES
from aumos_drift_detector.core.statistical.selection import DISCRETE_MAX_DISTINCT

FloatArray = npt.NDArray[np.float64]

#: Values of a batch looked at to tell a column with many distinct values without counting them all.
_PREVIEW: int = 1024
#: Values per block of :class:`_Values`: a little over 32 MiB, the size from which glibc always maps.
_BLOCK_VALUES: int = (1 << 22) + 512


class _Categories:
    """Category counts merged over batches."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.n_missing = 0

    def add(self, found: CategoryCounts) -> None:
        for label, count in zip(found.labels, found.counts.tolist(), strict=True):
            self.counts[label] = self.counts.get(label, 0) + count
        self.n_missing += found.n_missing

    def distinct_numbers(self) -> int:
        """Distinct values of a column of numbers (its labels are numbers written out exactly)."""
        return len({float(label) for label in self.counts})

    def result(self) -> CategoryCounts:
        counts = np.fromiter(self.counts.values(), np.int64, len(self.counts))
        return CategoryCounts(tuple(self.counts), counts, self.n_missing)


class _Values:
    """Float64 values copied out of the batches into large blocks.

    A batch's own arrays are let go as soon as it is read (a column source may hand out views of
    them), and the blocks are large enough to be mapped by the allocator on their own, so freeing
    one returns its memory to the system instead of leaving a heap fragmented by small arrays.
    """

    def __init__(self) -> None:
        self._blocks: list[FloatArray] = []
        self._used = 0  # values in the last block

    def append(self, values: FloatArray) -> None:
        start = 0
        while start < values.size:
            if not self._blocks or self._used == self._blocks[-1].size:
                self._blocks.append(np.empty(_BLOCK_VALUES, dtype=np.float64))
                self._used = 0
            count = min(values.size - start, _BLOCK_VALUES - self._used)
            self._blocks[-1][self._used : self._used + count] = values[start : start + count]
            self._used += count
            start += count

    def take(self) -> FloatArray:
        """All values in one array, which the caller owns (one block is handed over, several are joined)."""
        blocks, self._blocks = self._blocks, []
        if not blocks:
            return np.zeros(0, dtype=np.float64)
        blocks[-1] = blocks[-1][: self._used]
        return blocks[0] if len(blocks) == 1 else np.concatenate(blocks)


class _Column:
    """What one feature keeps of the batches: category counts, or values as numbers.

    A feature of automatic kind read as numbers also counts its categories while it has seen no more
    than :data:`DISCRETE_MAX_DISTINCT` distinct numbers, since so few make it categorical or binary
    (whose labels come from the values as read, not from their float64 form).
    """

    def __init__(self, spec: FeatureSpec, source: ColumnSource) -> None:
        self.spec = spec
        self.is_numeric = source.is_numeric(spec.name)
        self.is_boolean = source.is_boolean(spec.name)
        self.numbers = takes_numbers(spec, is_numeric=self.is_numeric, is_boolean=self.is_boolean)
        self.values = _Values()
        self.categories: _Categories | None = _Categories() if not self.numbers or spec.kind == "auto" else None

    def add(self, source: ColumnSource) -> None:
        name = self.spec.name
        if self.numbers:
            values = source.numeric(name)
            self.values.append(values)
            if self.categories is not None and _has_many_values(values):
                self.categories = None
        if self.categories is not None:
            self.categories.add(source.category_counts(name))
            if self.numbers and self.categories.distinct_numbers() > DISCRETE_MAX_DISTINCT:
                self.categories = None

    def take_values(self) -> FloatArray:
        """All values in one array of their own (which the caller may sort)."""
        values, self.values = self.values, _Values()
        return values.take()

    def categories_of(self, sorted_values: FloatArray, n_missing: int) -> CategoryCounts:
        """The category counts of the column.

        Counting stops only after more distinct numbers than a categorical feature may have were seen,
        so the counts are there whenever the kind resolves to categorical or binary; the sorted values
        are counted only should labels and numbers ever disagree on that.
        """
        if self.categories is not None:
            return self.categories.result()
        distinct, counts = np.unique(sorted_values, return_counts=True)  # pragma: no cover - see docstring
        found = counts_from_pairs(distinct.tolist(), counts)
        return CategoryCounts(found.labels, found.counts, n_missing)


def _has_many_values(values: FloatArray) -> bool:
    """Whether the first values of a batch already hold more distinct numbers than a categorical feature may."""
    preview = values[:_PREVIEW]
    return bool(np.unique(preview[~np.isnan(preview)]).size > DISCRETE_MAX_DISTINCT)


class ProfileBuilder:
    """Profiles reference rows given batch by batch (call :meth:`start`, :meth:`add` for each batch, then finish).

    Args:
        features: The features to profile, each a column of every batch.
        min_samples: Fewest usable (non-missing) values per feature, here and in later checks.
        n_bins: Number of bins of the binned tests.
        max_workers: Threads sorting the numerical columns (default: one per CPU, up to the columns).

    Raises:
        ValidationError: No features, or ``min_samples`` or ``n_bins`` below 1.
    """

    def __init__(
        self,
        features: Sequence[FeatureSpec],
        *,
        min_samples: int = DEFAULT_MIN_SAMPLES,
        n_bins: int = DEFAULT_BINS,
        max_workers: int | None = None,
    ) -> None:
        check_settings(min_samples, n_bins)
        if not features:
            raise ValidationError("no features to profile", details={})
        self._specs = tuple(features)
        self._min_samples = min_samples
        self._n_bins = n_bins
        self._max_workers = max_workers
        self._columns: list[_Column] = []

    def start(self, names: Sequence[str]) -> bool:
        """Forget any batch added so far; return whether batches with these columns can be profiled."""
        self._columns = []
        present = set(names)
        return all(spec.name in present for spec in self._specs)

    def add(self, batch: Any) -> None:
        """Take one batch of rows: any container :func:`~.columns.as_columns` reads."""
        self.add_columns(as_columns(batch))

    def add_columns(self, source: ColumnSource) -> None:
        """Take one batch of rows already wrapped as a column source."""
        if not self._columns:
            self._columns = [_Column(spec, source) for spec in self._specs]
        for column in self._columns:
            column.add(source)

    def features(self) -> list[FeatureProfile]:
        """Profile every feature from the batches taken (which are let go).

        Raises:
            InsufficientDataError: A feature with fewer than ``min_samples`` usable values.
            ValidationError: A configured kind or test that does not fit its column.
        """
        columns, self._columns = self._columns, []
        values = {id(column): column.take_values() for column in columns if column.numbers}
        workers = self._max_workers or max(1, min(len(values), (os.cpu_count() or 1)))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            missing = dict(zip(values, pool.map(sort_with_missing_last, values.values()), strict=True))
        return [self._profile(column, values.pop(id(column), None), missing.get(id(column), 0)) for column in columns]

    def payload(self) -> bytes:
        """The profile of the batches taken, serialised (see :mod:`.profile_format`)."""
        return dump_features(self._min_samples, self.features())

    def profile(self) -> ReferenceProfile:
        """The profile of the batches taken, in memory (it holds every sorted value until let go)."""
        return ReferenceProfile(tuple(self.features()), self._min_samples)

    def _profile(self, column: _Column, values: FloatArray | None, n_missing: int) -> FeatureProfile:
        if values is None:
            return categorical_profile(
                column.categories_of(np.zeros(0), 0),
                column.spec,
                is_numeric=column.is_numeric,
                is_boolean=column.is_boolean,
                min_samples=self._min_samples,
            )
        return numerical_profile(
            values,
            n_missing,
            column.spec,
            categories=column.categories_of,
            min_samples=self._min_samples,
            n_bins=self._n_bins,
        )
