"""The reference side of one feature: what a drift check needs from its reference column.

:class:`NumericalProfile` keeps the sorted values and what the tests precompute from them;
:class:`CategoricalProfile` keeps the category counts. :mod:`.profile` builds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.statistical.features import FeatureKind

FloatArray = npt.NDArray[np.float64]
CountArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class NumericalProfile:
    """Reference side of a numerical feature.

    Attributes:
        name: Feature name.
        test: Test to run.
        threshold: Decision threshold of the test.
        weight: Importance weight in the dataset verdict.
        sorted_values: Non-missing reference values sorted ascending (read-only float64).
        edges: Interior bin edges at the reference quantiles (empty when the binned tests bin by value).
        bins: Number of bins of the binned tests.
        n_total: Reference rows, missing included.
        n_missing: ``None``/NaN values.
        n_neg_inf: ``-inf`` values (kept in ``sorted_values``).
        n_pos_inf: ``+inf`` values (kept in ``sorted_values``).
        n_distinct: Distinct non-missing values.
        summary: ``mean``, ``std``, ``min``, ``p25``, ``median``, ``p75``, ``max`` of the finite values,
            and ``population_std`` (``ddof=0``), the scale of Wasserstein and energy distance.
        counted: Whether the values were let go once counted (a large reference keeps its counts on
            reference-quantile bins instead, stored with its summaries); ``sorted_values`` is then empty.
    """

    name: str
    test: str
    threshold: float
    weight: float
    sorted_values: FloatArray
    edges: FloatArray
    bins: int
    n_total: int
    n_missing: int
    n_neg_inf: int
    n_pos_inf: int
    n_distinct: int
    summary: dict[str, float] = field(default_factory=dict)
    counted: bool = False

    @property
    def kind(self) -> FeatureKind:
        """Always ``"numerical"``."""
        return "numerical"

    @property
    def n_values(self) -> int:
        """Non-missing reference values."""
        return self.n_total - self.n_missing if self.counted else int(self.sorted_values.size)

    def without_values(self) -> NumericalProfile:
        """This profile with its values let go (:attr:`counted`): what is stored of a large reference."""
        empty = np.zeros(0, dtype=np.float64)
        empty.setflags(write=False)
        return replace(self, sorted_values=empty, counted=True)


@dataclass(frozen=True, slots=True)
class CategoricalProfile:
    """Reference side of a categorical or binary feature.

    Attributes:
        name: Feature name.
        kind: ``"categorical"`` or ``"binary"``.
        test: Test to run.
        threshold: Decision threshold of the test.
        weight: Importance weight in the dataset verdict.
        labels: Category labels (normalised strings, sorted).
        counts: Reference count of each label (int64).
        n_total: Reference rows, missing included.
        n_missing: ``None``/NaN values.
    """

    name: str
    kind: FeatureKind
    test: str
    threshold: float
    weight: float
    labels: tuple[str, ...]
    counts: CountArray
    n_total: int
    n_missing: int

    @property
    def n_values(self) -> int:
        """Non-missing reference values."""
        return int(self.counts.sum())

    @property
    def n_distinct(self) -> int:
        """Number of categories seen in the reference."""
        return len(self.labels)

    @property
    def codes(self) -> dict[str, int]:
        """Label to integer code (its position in ``labels``)."""
        return {label: code for code, label in enumerate(self.labels)}


FeatureProfile = NumericalProfile | CategoricalProfile
