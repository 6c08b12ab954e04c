"""What the engine needs to know about one two-sample test: its functions, threshold and reading.

Every test module declares its own ``SPEC``; :mod:`.catalogue` lists them.

* ``kind == "p_value"``: drift when ``p_value < threshold`` (a significance level);
* ``kind == "distance"``: drift when ``statistic >= threshold`` (or the test's documented rule).

Every test has a public function ``(reference, current, *, threshold, ...)`` and at least one kernel:
``sorted_kernel(reference_sorted, current_sorted, *, threshold, ...)`` for numeric features and/or
``counts_kernel(reference_counts, current_counts, categories, *, threshold, ...)`` for categorical ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from aumos_drift_detector.core.statistical.features import FeatureKind
from aumos_drift_detector.core.statistical.result import StatTestResult

TestKind = Literal["p_value", "distance"]
StatTestFunction = Callable[..., StatTestResult]


@dataclass(frozen=True, slots=True)
class StatTestSpec:
    """How to call one test and how to read its result.

    Attributes:
        name: Canonical name, equal to ``StatTestResult.test``.
        function: The public function taking raw array-likes.
        sorted_kernel: Kernel on clean sorted float64 arrays, or ``None`` for categorical-only tests.
        counts_kernel: Kernel on aligned int64 count vectors, or ``None`` for numeric-only tests.
        default_threshold: The threshold used when a monitor does not configure one.
        kind: ``"p_value"`` or ``"distance"``.
        feature_kinds: The feature kinds the test applies to.
        binned: Whether ``sorted_kernel`` bins on reference quantiles and takes ``bins`` and the
            profile's precomputed ``edges``.
        scaled: Whether ``sorted_kernel`` divides by the reference standard deviation and takes the
            profile's precomputed ``reference_std``.
        merges: Whether ``sorted_kernel`` reads the merge of the two sorted samples
            (:mod:`.merge_pass`) and takes one the engine already made as ``merged``.
    """

    name: str
    function: StatTestFunction
    sorted_kernel: StatTestFunction | None
    counts_kernel: StatTestFunction | None
    default_threshold: float
    kind: TestKind
    feature_kinds: frozenset[FeatureKind]
    binned: bool = False
    scaled: bool = False
    merges: bool = False
