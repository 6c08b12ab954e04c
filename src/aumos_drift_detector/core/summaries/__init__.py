"""Mergeable window summaries: exact counts on reference-quantile bins, and drift tests from counts.

A monitor's :class:`SummaryLayout` is fixed once from its reference profile
(:func:`layout_from_profile`): per numeric feature, thousands of bin edges at reference quantiles; per
categorical feature, its most frequent labels plus ``other``. Any set of rows is counted into a
:class:`WindowSummary` (bin counts, plus exact :class:`Moments` of numeric features), in memory by
:func:`count_columns` or where the data lives by a :class:`SummarySource`. Summaries merge by adding
counts (:meth:`WindowSummary.merge`, :func:`merge_all`), so any grouping of batches, hours or machines
gives the summary of all their rows. :func:`compare_summaries` runs KS (with its guaranteed bound),
PSI, Jensen-Shannon, Hellinger, L-infinity, chi-squared and Wasserstein (with its bound) on counts.

>>> import numpy as np
>>> from aumos_drift_detector.core.statistical import ReferenceProfile
>>> rng = np.random.default_rng(0)
>>> profile = ReferenceProfile.from_data({"x": rng.normal(0, 1, 5000)})
>>> layout = layout_from_profile(profile, n_bins=1000)
>>> hours = [count_columns(layout, {"x": rng.normal(0.3, 1, 1000)}) for _ in range(3)]
>>> result = compare_summaries(reference_summary(profile, layout), merge_all(layout, hours), {"x": "ks"})["x"]
>>> result.drift_detected, result.statistic <= result.details["statistic_upper"]
(True, True)
"""

from aumos_drift_detector.core.summaries.comparison import SUMMARY_TESTS, compare_feature, compare_summaries
from aumos_drift_detector.core.summaries.counting import count_columns
from aumos_drift_detector.core.summaries.feature_counts import CategoricalCounts, FeatureCounts, NumericCounts
from aumos_drift_detector.core.summaries.ks_bound import KsInterval, ks_from_counts, ks_interval
from aumos_drift_detector.core.summaries.layout import (
    DEFAULT_MAX_CATEGORIES,
    DEFAULT_SUMMARY_BINS,
    OTHER,
    CategoricalBins,
    FeatureBins,
    NumericBins,
    SummaryLayout,
)
from aumos_drift_detector.core.summaries.layout_builder import layout_from_profile, numeric_edges, reference_summary
from aumos_drift_detector.core.summaries.moments import Moments
from aumos_drift_detector.core.summaries.source import InMemorySummarySource, SummarySource
from aumos_drift_detector.core.summaries.wasserstein_bound import wasserstein_from_counts, wasserstein_interval
from aumos_drift_detector.core.summaries.window_summary import WindowSummary, merge_all

__all__ = [
    "DEFAULT_MAX_CATEGORIES",
    "DEFAULT_SUMMARY_BINS",
    "OTHER",
    "SUMMARY_TESTS",
    "CategoricalBins",
    "CategoricalCounts",
    "FeatureBins",
    "FeatureCounts",
    "InMemorySummarySource",
    "KsInterval",
    "Moments",
    "NumericBins",
    "NumericCounts",
    "SummaryLayout",
    "SummarySource",
    "WindowSummary",
    "compare_feature",
    "compare_summaries",
    "count_columns",
    "ks_from_counts",
    "ks_interval",
    "layout_from_profile",
    "merge_all",
    "numeric_edges",
    "reference_summary",
    "wasserstein_from_counts",
    "wasserstein_interval",
]
