"""One statistical check from counts: the reference profile's bins, a source's counts, the engine's verdict.

The reference profile fixes a :class:`~aumos_drift_detector.core.summaries.layout.SummaryLayout` of the
monitor's features (reference-quantile bins, top categories); the source counts the current data into
it; :func:`~aumos_drift_detector.core.summaries.comparison.compare_feature` runs each feature's test on
the two summaries. The results then take the raw path's route: missing-share rule, effect size
(Wasserstein from counts in reference standard deviations, total variation of the category counts),
multiple-testing correction and the dataset rule, so the detection reads the same.

A test that does not run on counts is replaced by the closest one that does (:data:`SUBSTITUTES`:
KS for numerical, chi-squared for categorical and binary); the result says so in its details
(``requested_test``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from aumos_drift_detector.core.decisions.default_tests import specs_for_kinds
from aumos_drift_detector.core.detections.summary_picture import summary_distribution
from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.statistical import DEFAULT_MAX_MISSING_SHIFT, DatasetDriftResult, ReferenceProfile
from aumos_drift_detector.core.statistical.catalogue import get_test
from aumos_drift_detector.core.statistical.distribution import Distribution
from aumos_drift_detector.core.statistical.drift_result import FeatureDriftResult
from aumos_drift_detector.core.statistical.effect_size import categorical_effect_size
from aumos_drift_detector.core.statistical.features import FeatureKind
from aumos_drift_detector.core.statistical.missing import MissingShare
from aumos_drift_detector.core.statistical.result import StatTestResult
from aumos_drift_detector.core.statistical.verdict import Correction, adjust_p_values, p_value_drifts, strength
from aumos_drift_detector.core.summaries.comparison import SUMMARY_TESTS, compare_feature
from aumos_drift_detector.core.summaries.feature_counts import FeatureCounts, NumericCounts
from aumos_drift_detector.core.summaries.layout import NumericBins, SummaryLayout
from aumos_drift_detector.core.summaries.layout_builder import layout_from_profile
from aumos_drift_detector.core.summaries.stored import ReferenceFacts
from aumos_drift_detector.core.summaries.wasserstein_bound import wasserstein_from_counts
from aumos_drift_detector.core.summaries.window_summary import WindowSummary

#: The test that replaces one that does not run on counts, by feature kind.
SUBSTITUTES: Final[dict[str, str]] = {"numerical": "ks", "categorical": "chi_squared", "binary": "chi_squared"}


def monitor_layout(monitor: Monitor, profile: ReferenceProfile) -> SummaryLayout:
    """The bins of the monitor's features, fixed from the reference profile.

    Raises:
        ValidationError: A monitored feature the reference does not hold.
    """
    missing = [name for name in monitor.feature_names if name not in set(profile.names)]
    if missing:
        raise ValidationError(f"the reference has no feature {missing[0]!r}", details={"feature": missing[0]})
    full = layout_from_profile(profile)
    return SummaryLayout(tuple(full.features[full.index(name)] for name in monitor.feature_names))


def _test_of(kind: str, requested: str, threshold: float | None) -> tuple[str, float]:
    """The test to run on counts and its threshold: the requested one when it runs on counts."""
    if requested in SUMMARY_TESTS and not (requested in ("ks", "wasserstein") and kind != "numerical"):
        return requested, threshold if threshold is not None else get_test(requested).default_threshold
    chosen = SUBSTITUTES[kind]
    return chosen, get_test(chosen).default_threshold


def _effect(reference: FeatureCounts, current: FeatureCounts, bins: object) -> float:
    if isinstance(bins, NumericBins) and isinstance(reference, NumericCounts) and isinstance(current, NumericCounts):
        try:
            return wasserstein_from_counts(reference, current, bins.edges).statistic
        except ValidationError:
            return math.inf
    return categorical_effect_size(reference.counts, current.counts)


@dataclass(frozen=True, slots=True)
class _Measured:
    """What checking one feature from counts measured, before the dataset's correction."""

    result: StatTestResult
    effect: float
    missing: MissingShare
    picture: Distribution | None


def _outcome(
    name: str, reference: WindowSummary, current: WindowSummary, requested: str, threshold: float | None, kind: str
) -> _Measured:
    position = reference.layout.index(name)
    bins, ref, cur = reference.layout.features[position], reference.features[position], current.features[position]
    test, chosen = _test_of(kind, requested, threshold)
    result = compare_feature(test, bins, ref, cur, threshold=chosen)
    if test != requested:
        result.details["requested_test"] = requested
    share = MissingShare.compare(
        reference_missing=ref.missing,
        reference_total=ref.n_values + ref.missing,
        current_missing=cur.missing,
        current_total=cur.n_values + cur.missing,
        max_shift=DEFAULT_MAX_MISSING_SHIFT,
    )
    return _Measured(result, _effect(ref, cur, bins), share, summary_distribution(bins, ref, cur))


def _feature(
    name: str,
    kind: FeatureKind,
    weight: float,
    found: _Measured,
    p_adjusted: float | None,
) -> FeatureDriftResult:
    result, share = found.result, found.missing
    test_drift = result.drift_detected if p_adjusted is None else p_value_drifts(p_adjusted, result.threshold)
    p_used = p_adjusted if p_adjusted is not None else result.p_value
    return FeatureDriftResult(
        name=name,
        kind=kind,
        result=result,
        missing=share,
        adjusted_p_value=p_adjusted,
        test_drift_detected=test_drift,
        drift_detected=bool(test_drift or share.drift_detected),
        strength=strength(result.statistic, p_used, result.threshold),
        weight=weight,
        effect_size=found.effect,
        effect_unit="reference_sd" if kind == "numerical" else "total_variation",
        distribution=found.picture,
    )


def _adjusted(found: Sequence[_Measured], correction: Correction) -> dict[int, float]:
    tested = [index for index, item in enumerate(found) if item.result.p_value is not None]
    if correction == "none" or not tested:
        return {}
    raw = [float(found[index].result.p_value or 0.0) for index in tested]
    return {index: float(p) for index, p in zip(tested, adjust_p_values(raw, correction), strict=True)}


def _check_sizes(facts: ReferenceFacts, current: WindowSummary, names: Sequence[str]) -> None:
    for name in names:
        counts = current.feature(name)
        if counts.n_values < facts.min_samples:
            raise InsufficientDataError(
                f"feature {counts.name!r} has {counts.n_values} usable values in the current window; "
                f"at least {facts.min_samples} are needed",
                details={"feature": counts.name},
            )


def profile_facts(profile: ReferenceProfile) -> ReferenceFacts:
    """The facts of a reference profile a check from counts needs (kinds, fewest usable values)."""
    return ReferenceFacts({item.name: item.kind for item in profile.features}, profile.min_samples)


def evaluate_summaries(
    monitor: Monitor, facts: ReferenceFacts, reference: WindowSummary, current: WindowSummary
) -> DatasetDriftResult:
    """Test the monitor's features from counts, under its dataset rule's correction.

    Args:
        monitor: The monitor (tests, thresholds, importance, dataset rule).
        facts: The reference's feature kinds and fewest usable values.
        reference: The reference counted into its layout.
        current: The current data counted into the same layout.

    Raises:
        ValidationError: Summaries on different layouts, or a monitored feature the reference lacks.
        InsufficientDataError: A feature with too few usable current values.
    """
    if reference.layout.fingerprint != current.layout.fingerprint:
        raise ValidationError("the reference and current summaries are counted on different bins")
    absent = [name for name in monitor.feature_names if name not in facts.kinds or name not in reference.layout.names]
    if absent:
        raise ValidationError(f"the reference has no feature {absent[0]!r}", details={"feature": absent[0]})
    _check_sizes(facts, current, monitor.feature_names)
    specs = specs_for_kinds(monitor, facts.kinds)
    kinds = [facts.kinds[spec.name] for spec in specs]
    found = [
        _outcome(spec.name, reference, current, spec.test or "ks", spec.threshold, kind)
        for spec, kind in zip(specs, kinds, strict=True)
    ]
    correction = monitor.dataset_rule.correction.engine_name
    adjusted = _adjusted(found, correction)
    features = [
        _feature(spec.name, kind, float(spec.weight or 1.0), item, adjusted.get(index))
        for index, (spec, kind, item) in enumerate(zip(specs, kinds, found, strict=True))
    ]
    return DatasetDriftResult.of(features, correction, monitor.dataset_rule.drift_share)
