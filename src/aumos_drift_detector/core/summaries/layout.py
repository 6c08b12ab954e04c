"""The bins every summary of a monitor counts into, fixed once from the reference.

* A **numeric** feature has interior edges ``e_1 < ... < e_k`` at reference quantiles (or at its
  distinct values when it has few), giving ``k + 1`` half-open bins
  ``(-inf, e_1), [e_1, e_2), ..., [e_k, +inf]`` -- the convention of
  :func:`aumos_drift_detector.core.statistical.histogram.counts_by_edges`, so the binned tests see the
  same counts on the raw path and on the summary path. ``-inf`` falls in the first bin and ``+inf`` in
  the last; ``NaN`` is missing.
* A **categorical** feature has its labels (the reference's most frequent ones, normalised by
  :func:`~aumos_drift_detector.core.statistical.category_counts.category_label`) and one last bin,
  ``other``, for every label outside them.

Two summaries merge only when their layouts are equal; :attr:`SummaryLayout.fingerprint` compares
them cheaply (a digest of every name, edge and label).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError

FloatArray = npt.NDArray[np.float64]

DEFAULT_SUMMARY_BINS = 2000
"""Numeric bins per feature unless configured: the KS bound is then at most about 1/2000 wide."""

DEFAULT_MAX_CATEGORIES = 200
"""Categories kept per categorical feature (the most frequent in the reference) before ``other``."""

OTHER = "__other__"
"""The label of the last categorical bin, where every label outside the layout is counted."""


@dataclass(frozen=True, slots=True)
class NumericBins:
    """The bins of one numeric feature.

    Attributes:
        name: Feature name.
        edges: Interior edges, finite, strictly increasing, read-only float64 (``k`` edges, ``k + 1`` bins).
    """

    name: str
    edges: FloatArray

    def __post_init__(self) -> None:
        edges = np.array(self.edges, dtype=np.float64, copy=True) + 0.0  # -0.0 becomes 0.0
        if edges.ndim != 1 or not np.isfinite(edges).all() or np.any(np.diff(edges) <= 0):
            raise ValidationError(
                f"the bin edges of feature {self.name!r} must be strictly increasing finite numbers",
                details={"feature": self.name},
            )
        edges.setflags(write=False)
        object.__setattr__(self, "edges", edges)

    @property
    def n_bins(self) -> int:
        """Number of bins (interior edges plus one)."""
        return int(self.edges.size) + 1


@dataclass(frozen=True, slots=True)
class CategoricalBins:
    """The bins of one categorical feature: its labels, then ``other``.

    Attributes:
        name: Feature name.
        labels: Distinct normalised labels (never :data:`OTHER`).
    """

    name: str
    labels: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(set(self.labels)) != len(self.labels) or OTHER in self.labels:
            raise ValidationError(
                f"the labels of feature {self.name!r} must be distinct and must not be {OTHER!r}",
                details={"feature": self.name},
            )

    @property
    def n_bins(self) -> int:
        """Number of bins (labels plus ``other``)."""
        return len(self.labels) + 1

    @property
    def codes(self) -> dict[str, int]:
        """Label to bin index (``other`` is ``len(labels)``)."""
        return {label: code for code, label in enumerate(self.labels)}


FeatureBins = NumericBins | CategoricalBins


@dataclass(frozen=True, slots=True)
class SummaryLayout:
    """The bins of every feature of a monitor, in order.

    Attributes:
        features: One :data:`FeatureBins` per feature, names distinct.
        segment: The segment whose rows are counted on these bins (``""``: every row of the monitor).
            Segments share the monitor's bins; their summaries differ by fingerprint, so no window of
            one segment ever adds up another's.
        family: Names the set of segments counted beside this one (``""`` for the monitor's own), so a
            version that counts other segments never adds up summaries counted for another set.
        fingerprint: Hex digest of the whole layout (computed).
    """

    features: tuple[FeatureBins, ...]
    segment: str = ""
    family: str = ""
    fingerprint: str = field(init=False, default="")

    def __post_init__(self) -> None:
        names = [item.name for item in self.features]
        if len(set(names)) != len(names):
            raise ValidationError("feature names in a summary layout must be distinct", details={"features": names})
        digest = hashlib.sha256()
        for item in self.features:
            digest.update(item.name.encode() + b"\x00")
            if isinstance(item, NumericBins):
                digest.update(b"n" + item.edges.tobytes())
            else:
                digest.update(b"c" + "\x00".join(item.labels).encode() + b"\x01")
        if self.segment:
            digest.update(b"s" + self.segment.encode() + b"\x00f" + self.family.encode())
        object.__setattr__(self, "fingerprint", digest.hexdigest())

    def for_segment(self, segment: str, family: str = "") -> SummaryLayout:
        """The same bins for the rows of ``segment`` (``""``: every row) of the segment set ``family``."""
        return SummaryLayout(self.features, segment, family if segment else "")

    @property
    def names(self) -> tuple[str, ...]:
        """Feature names in order."""
        return tuple(item.name for item in self.features)

    def index(self, name: str) -> int:
        """Position of the feature called ``name``.

        Raises:
            ValidationError: If the layout has no such feature.
        """
        for position, item in enumerate(self.features):
            if item.name == name:
                return position
        raise ValidationError(f"the summary layout has no feature {name!r}", details={"feature": name})
