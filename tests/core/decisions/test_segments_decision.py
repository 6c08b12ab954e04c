"""A drifted segment decides a check: drift, an alarm within the segments' share of the budget, its severity.

With four features of importance 1, the segments (weight 1) take 1/5 of the per-check budget; with the
multivariate tests as well (weight 1), 1/6 each, and the features' shares shrink to match, so the shares
of one check still add up to the budget over the checks of a year.
"""

from __future__ import annotations

import dataclasses
import math

from aumos_drift_detector.core.decisions.judge import judge_detection
from aumos_drift_detector.core.decisions.sequential import log_thresholds
from aumos_drift_detector.core.detections.model import StatisticalDetection
from aumos_drift_detector.core.detections.segments import SegmentFeature, SegmentResult, SegmentsOutcome
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.multivariate import MultivariateConfig
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.validation import parse
from tests.core.builders import T0, make_detection, make_monitor

OPTION = parse(SegmentsConfig, {"by": ["country"]})
#: One false alert a year over 365 checks; the segments' share is 1/5 of it, split among 2 segments × 2 tests.
ALARM_LEVEL = 1 / 5 / 365 / 4


def _monitor(**policy: object) -> Monitor:
    return dataclasses.replace(make_monitor(alert_policy=dict(policy)), segments=OPTION)


def _segment(name: str, p_age: float, *, drift: bool) -> SegmentResult:
    features = [
        SegmentFeature(name="age", test="ks", statistic=0.3, p_value=p_age, threshold=0.05, drift_detected=drift,
                       effect_size=0.3, effect_unit="reference_sd"),
        SegmentFeature(name="plan", test="chisquare", statistic=1.0, p_value=0.6, threshold=0.05,
                       drift_detected=False, effect_size=0.01, effect_unit="total_variation"),
    ]  # fmt: skip
    return SegmentResult(
        segment=name, status="tested", n_reference=500, n_current=500, is_drift=drift, drift_share=0.5 * drift,
        n_drifted=int(drift), n_features=2, features=features,
    )  # fmt: skip


def _outcome(p_de: float) -> SegmentsOutcome:
    drifted = p_de < 0.05
    return SegmentsOutcome(
        by=["country"], segments=[_segment("country=DE", p_de, drift=drifted), _segment("country=FR", 0.5, drift=False)]
    )


def _judge(monitor: Monitor, outcome: SegmentsOutcome | None) -> StatisticalDetection:
    detection = dataclasses.replace(make_detection(monitor, T0), segments=outcome)
    return judge_detection(monitor, detection, None, checks_per_year=365, now=T0)[0]


def test_a_segment_within_its_share_drifts_the_check_and_alarms_at_its_effects_severity() -> None:
    monitor = _monitor()
    decided = _judge(monitor, _outcome(ALARM_LEVEL * 0.99))
    assert decided.segments is not None
    assert decided.segments.alarm_level is not None
    assert math.isclose(decided.segments.alarm_level, ALARM_LEVEL, rel_tol=1e-12)
    assert [item.segment for item in decided.segments.drifted] == ["country=DE"]
    assert decided.segments.segments[0].alarm
    # effect 0.3 reference sd: high under the default bands (0.25 high, 0.5 critical)
    assert (decided.is_drift, decided.alarm, decided.severity) == (True, True, Severity.HIGH)
    assert monitor.alert_policy.breaches(decided)


def test_a_segment_that_drifted_outside_its_share_drifts_without_alarming() -> None:
    monitor = _monitor()
    decided = _judge(monitor, _outcome(ALARM_LEVEL * 1.01))
    assert (decided.is_drift, decided.alarm) == (True, False)
    assert not monitor.alert_policy.breaches(decided)


def test_segments_that_did_not_drift_or_were_not_tested_change_nothing() -> None:
    monitor = _monitor()
    for outcome in (_outcome(0.4), SegmentsOutcome(by=["country"], skipped="no segment profiles")):
        decided = _judge(monitor, outcome)
        assert (decided.is_drift, decided.alarm, decided.severity) == (False, False, Severity.NONE)


def test_the_shares_of_features_multivariate_tests_and_segments_add_up_to_the_budget() -> None:
    both = dataclasses.replace(_monitor(), multivariate=parse(MultivariateConfig, {"tests": ["pca"]}))
    decided = _judge(both, _outcome(0.4))
    assert decided.segments is not None
    assert decided.segments.alarm_level is not None
    segments_share = decided.segments.alarm_level * decided.segments.p_value_tests
    assert math.isclose(segments_share, 1 / 6 / 365, rel_tol=1e-12)
    # each feature's detector spends half its share on evidence and half on the check's own p-value
    thresholds = log_thresholds(dict.fromkeys(("age", "income", "tenure", "plan"), 1.0), checks_per_year=365,
                                budget=1.0, extra_weight=2.0)  # fmt: skip
    features_share = sum(math.exp(-value) for value in thresholds.values())
    assert math.isclose(features_share + 2 * segments_share, 1 / 365, rel_tol=1e-9)
