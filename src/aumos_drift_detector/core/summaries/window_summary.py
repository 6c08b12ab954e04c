"""A window summary: the counts of every feature of a monitor over some rows, mergeable.

A :class:`WindowSummary` is the unit the service stores and adds: the summary of a batch, an hour, a
partition or a machine. :meth:`WindowSummary.merge` adds counts, so merging is associative and
commutative and :func:`merge_all` of any grouping equals the summary of all the rows at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.summaries.feature_counts import (
    CategoricalCounts,
    CountArray,
    FeatureCounts,
    NumericCounts,
)
from aumos_drift_detector.core.summaries.layout import CategoricalBins, NumericBins, SummaryLayout
from aumos_drift_detector.core.summaries.moments import Moments


def _fits(bins: NumericBins | CategoricalBins, counts: FeatureCounts) -> bool:
    kind_ok = isinstance(counts, NumericCounts) == isinstance(bins, NumericBins)
    return kind_ok and counts.name == bins.name and int(counts.counts.size) == bins.n_bins


@dataclass(frozen=True, slots=True)
class WindowSummary:
    """Counts of every feature of a layout over a set of rows.

    Attributes:
        layout: The bins counted into.
        features: One :data:`FeatureCounts` per layout feature, in layout order.
        rows: Rows counted.
        flat_counts: Every feature's counts end to end, in layout order (computed; what
            :func:`merge_all` adds).
    """

    layout: SummaryLayout
    features: tuple[FeatureCounts, ...]
    rows: int
    flat_counts: CountArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.features) != len(self.layout.features) or not all(
            _fits(bins, counts) for bins, counts in zip(self.layout.features, self.features, strict=False)
        ):
            raise ValidationError(
                "the counts of a summary must match its layout, feature by feature",
                details={"features": list(self.layout.names)},
            )
        if self.rows < 0:
            raise ValidationError("a summary counts a non-negative number of rows", details={"rows": self.rows})
        flat = np.concatenate([item.counts for item in self.features]) if self.features else np.zeros(0, np.int64)
        flat.setflags(write=False)
        object.__setattr__(self, "flat_counts", flat)

    @classmethod
    def empty(cls, layout: SummaryLayout) -> WindowSummary:
        """The summary of no rows: the identity of :meth:`merge`."""
        features: list[FeatureCounts] = []
        for bins in layout.features:
            zeros = np.zeros(bins.n_bins, dtype=np.int64)
            if isinstance(bins, NumericBins):
                features.append(NumericCounts(bins.name, zeros, Moments()))
            else:
                features.append(CategoricalCounts(bins.name, zeros))
        return cls(layout, tuple(features), 0)

    @classmethod
    def from_flat(
        cls, layout: SummaryLayout, flat: CountArray, extras: Sequence[Moments | int], rows: int
    ) -> WindowSummary:
        """A summary from every feature's counts end to end and each feature's moments or missing count.

        ``extras`` holds, in layout order, the :class:`Moments` of a numeric feature or the missing count
        of a categorical one. ``flat`` is frozen and used as it is: the features' counts are views of it,
        so a decoded or merged summary is built without copying its counts.

        Raises:
            ValidationError: Counts that do not fill the layout, negative counts, or extras of the wrong kind.
        """
        sizes = [bins.n_bins for bins in layout.features]
        counts = np.asarray(flat, dtype=np.int64)
        if counts.ndim != 1 or counts.size != sum(sizes) or len(extras) != len(sizes) or rows < 0:
            raise ValidationError(
                "the counts of a summary must match its layout, feature by feature",
                details={"features": list(layout.names)},
            )
        counts.setflags(write=False)
        parts = np.split(counts, np.cumsum(sizes)[:-1]) if sizes else []
        features = tuple(
            _feature_of(bins, part, extra) for bins, part, extra in zip(layout.features, parts, extras, strict=True)
        )
        summary = cls.__new__(cls)
        for name, value in (("layout", layout), ("features", features), ("rows", rows), ("flat_counts", counts)):
            object.__setattr__(summary, name, value)
        return summary

    def merge(self, other: WindowSummary) -> WindowSummary:
        """The summary of the rows of both summaries.

        Raises:
            ValidationError: Summaries counted on different layouts.
        """
        if other.layout.fingerprint != self.layout.fingerprint:
            raise ValidationError(
                "cannot merge summaries counted on different bins",
                details={"layouts": [self.layout.fingerprint[:12], other.layout.fingerprint[:12]]},
            )
        merged = tuple(_merge_feature(left, right) for left, right in zip(self.features, other.features, strict=True))
        return WindowSummary(self.layout, merged, self.rows + other.rows)

    def feature(self, name: str) -> FeatureCounts:
        """The counts of the feature called ``name``.

        Raises:
            ValidationError: If the layout has no such feature.
        """
        return self.features[self.layout.index(name)]

    def for_segment(self, segment: str, family: str = "") -> WindowSummary:
        """The same counts as the rows of ``segment`` of the segment set ``family`` (see ``SummaryLayout``)."""
        return WindowSummary(self.layout.for_segment(segment, family), self.features, self.rows)

    def select(self, names: Sequence[str]) -> WindowSummary:
        """The counts of ``names`` only, in that order, on the layout of their bins alone.

        Raises:
            ValidationError: If the layout has no such feature.
        """
        indexes = [self.layout.index(name) for name in names]
        layout = SummaryLayout(
            tuple(self.layout.features[index] for index in indexes), self.layout.segment, self.layout.family
        )
        return WindowSummary(layout, tuple(self.features[index] for index in indexes), self.rows)


def _feature_of(bins: NumericBins | CategoricalBins, counts: CountArray, extra: Moments | int) -> FeatureCounts:
    if isinstance(bins, NumericBins) and isinstance(extra, Moments):
        return NumericCounts(bins.name, counts, extra)
    if isinstance(bins, CategoricalBins) and isinstance(extra, int) and not isinstance(extra, bool):
        return CategoricalCounts(bins.name, counts, extra)
    raise ValidationError(f"feature {bins.name!r} is counted differently than its bins", details={"feature": bins.name})


def _merge_feature(left: FeatureCounts, right: FeatureCounts) -> FeatureCounts:
    if isinstance(left, NumericCounts) and isinstance(right, NumericCounts):
        return left.merge(right)
    if isinstance(left, CategoricalCounts) and isinstance(right, CategoricalCounts):
        return left.merge(right)
    raise ValidationError(f"feature {left.name!r} is counted differently in the two summaries")


def merge_all(layout: SummaryLayout, summaries: Iterable[WindowSummary]) -> WindowSummary:
    """The merge of any number of summaries on ``layout`` (the empty summary when there is none).

    Each summary's counts are added as one flat vector (:attr:`WindowSummary.flat_counts`), so merging
    hundreds of hourly summaries costs one vector addition per summary, whatever the number of features.

    Raises:
        ValidationError: A summary counted on another layout.
    """
    items = list(summaries)
    for item in items:
        if item.layout.fingerprint != layout.fingerprint:
            raise ValidationError("cannot merge summaries counted on different bins")
    if not items:
        return WindowSummary.empty(layout)
    if not layout.features:
        return WindowSummary(layout, (), sum(item.rows for item in items))
    flat = np.zeros(items[0].flat_counts.size, dtype=np.int64)
    for item in items:
        flat += item.flat_counts
    extras: list[Moments | int] = []
    for position, bins in enumerate(layout.features):
        parts = [item.features[position] for item in items]
        if isinstance(bins, NumericBins):
            extras.append(Moments.combine(part.moments for part in parts if isinstance(part, NumericCounts)))
        else:
            extras.append(sum(part.missing for part in parts if isinstance(part, CategoricalCounts)))
    return WindowSummary.from_flat(layout, flat, extras, sum(item.rows for item in items))
