"""Running drift tests on two window summaries: the reference's and the current window's.

Every test reads the counts only. KS uses :mod:`.ks_bound`, Wasserstein :mod:`.wasserstein_bound`;
PSI, Jensen-Shannon, Hellinger, L-infinity and chi-squared run their own counts kernels from
:mod:`aumos_drift_detector.core.statistical` on the bins, so on the same edges the summary path and the
raw path give the same result. On numeric features those tests first group the fine bins into
``bins`` groups of equal reference share (:mod:`.coarsening`; ten by default, as the raw path), because
their thresholds and null distributions are set for a few bins; ``bins=None`` keeps every fine bin.
"""

from __future__ import annotations

from collections.abc import Mapping

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.catalogue import get_test
from aumos_drift_detector.core.statistical.histogram import DEFAULT_BINS
from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.summaries.coarsening import coarsen
from aumos_drift_detector.core.summaries.feature_counts import FeatureCounts, NumericCounts
from aumos_drift_detector.core.summaries.ks_bound import ks_from_counts
from aumos_drift_detector.core.summaries.layout import OTHER, CategoricalBins, FeatureBins, NumericBins
from aumos_drift_detector.core.summaries.wasserstein_bound import wasserstein_from_counts
from aumos_drift_detector.core.summaries.window_summary import WindowSummary

COUNTED_TESTS = frozenset({"psi", "jensen_shannon", "hellinger", "l_infinity", "chi_squared"})
"""Tests that run their statistical-library counts kernel on the bins."""

NUMERIC_TESTS = frozenset({"ks", "wasserstein"})
"""Tests with a summary-specific computation, for numeric features only."""

SUMMARY_TESTS = COUNTED_TESTS | NUMERIC_TESTS
"""Every test that runs on summaries."""


def _counted(
    test: str,
    bins: FeatureBins,
    reference: FeatureCounts,
    current: FeatureCounts,
    *,
    threshold: float,
    groups: int | None,
) -> StatTestResult:
    kernel = get_test(test).counts_kernel
    if kernel is None:  # pragma: no cover - every counted test has a counts kernel
        raise ValidationError(f"test {test!r} has no counts kernel", details={"test": test})
    reference_counts, current_counts = reference.counts, current.counts
    if isinstance(bins, CategoricalBins):
        labels = [*bins.labels, OTHER]
    else:
        if groups is not None:
            reference_counts, current_counts = coarsen(reference_counts, current_counts, groups)
        labels = [f"bin_{index}" for index in range(reference_counts.size)]
    result: StatTestResult = kernel(reference_counts, current_counts, labels, threshold=threshold)
    result.details["binning"] = "summary"
    return result


def compare_feature(
    test: str,
    bins: FeatureBins,
    reference: FeatureCounts,
    current: FeatureCounts,
    *,
    threshold: float | None = None,
    bins_for_distances: int | None = DEFAULT_BINS,
) -> StatTestResult:
    """Run one test on one feature's reference and current counts.

    Args:
        test: A name in :data:`SUMMARY_TESTS`.
        bins: The feature's bins.
        reference: The reference counts.
        current: The current counts, on the same bins.
        threshold: The decision threshold (the test's default when ``None``).
        bins_for_distances: Groups of fine numeric bins for PSI, Jensen-Shannon, Hellinger, L-infinity
            and chi-squared (``None``: every fine bin).

    Returns:
        The result, with ``details["binning"] == "summary"``.

    Raises:
        ValidationError: An unknown test, or a numeric-only test on a categorical feature.
    """
    if test not in SUMMARY_TESTS:
        raise ValidationError(
            f"test {test!r} does not run on summaries", details={"test": test, "supported": sorted(SUMMARY_TESTS)}
        )
    chosen = get_test(test).default_threshold if threshold is None else threshold
    if test in NUMERIC_TESTS:
        if not (isinstance(bins, NumericBins) and isinstance(reference, NumericCounts)):
            raise ValidationError(
                f"test {test!r} needs a numeric feature, {bins.name!r} is categorical",
                details={"feature": bins.name, "test": test},
            )
        if not isinstance(current, NumericCounts):
            raise ValidationError(f"feature {bins.name!r} is counted differently in the two summaries")
        if test == "ks":
            return ks_from_counts(reference.counts, current.counts, threshold=chosen)
        return wasserstein_from_counts(reference, current, bins.edges, threshold=chosen)
    return _counted(test, bins, reference, current, threshold=chosen, groups=bins_for_distances)


def compare_summaries(
    reference: WindowSummary,
    current: WindowSummary,
    tests: Mapping[str, str],
    *,
    thresholds: Mapping[str, float] | None = None,
    bins_for_distances: int | None = DEFAULT_BINS,
) -> dict[str, StatTestResult]:
    """Run one test per feature on two summaries of the same layout.

    Args:
        reference: The reference summary.
        current: The current window's summary (e.g. a :func:`~.window_summary.merge_all` of hours).
        tests: Feature name to test name, for the features to check.
        thresholds: Feature name to threshold, where not the test's default.
        bins_for_distances: See :func:`compare_feature`.

    Returns:
        Feature name to result, in the order of ``tests``.

    Raises:
        ValidationError: Summaries on different layouts, an unknown feature or test.
    """
    if reference.layout.fingerprint != current.layout.fingerprint:
        raise ValidationError("the reference and current summaries are counted on different bins")
    chosen = thresholds or {}
    results: dict[str, StatTestResult] = {}
    for name, test in tests.items():
        position = reference.layout.index(name)
        results[name] = compare_feature(
            test,
            reference.layout.features[position],
            reference.features[position],
            current.features[position],
            threshold=chosen.get(name),
            bins_for_distances=bins_for_distances,
        )
    return results


__all__ = ["COUNTED_TESTS", "NUMERIC_TESTS", "SUMMARY_TESTS", "compare_feature", "compare_summaries"]
