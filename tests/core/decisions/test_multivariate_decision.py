"""A multivariate test that fired decides a check: drift, an alarm within the budget's share, and its severity."""

from __future__ import annotations

import dataclasses

from aumos_drift_detector.core.decisions.judge import judge_detection
from aumos_drift_detector.core.detections.multivariate import MultivariateOutcome, MultivariateTestResult
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.multivariate import MultivariateConfig
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.validation import parse
from tests.core.builders import T0, make_detection, make_monitor

OPTION = parse(MultivariateConfig, {"tests": ["classifier", "pca"]})
#: Four features of importance 1 and the multivariate tests (weight 1) share one false alert a year over 365
#: checks: the tests' share is 1/5 of 1/365 per check, split between the two tests.
ALARM_LEVEL = 1 / 5 / 365 / 2


def _monitor(**policy: object) -> Monitor:
    return dataclasses.replace(make_monitor(alert_policy=dict(policy)), multivariate=OPTION)


def _outcome(*p_values: float) -> MultivariateOutcome:
    tests = [
        MultivariateTestResult(
            method="domain_classifier", embedding=None, columns=["age", "income"], statistic=0.7, p_value=p,
            threshold=0.025, drift_detected=p < 0.025, n_reference=500, n_current=500, score=0.4,
        )
        for p in p_values
    ]  # fmt: skip
    return MultivariateOutcome(alpha=0.05, tests=tests)


def _judge(monitor: Monitor, outcome: MultivariateOutcome | None):
    detection = dataclasses.replace(make_detection(monitor, T0), multivariate=outcome)
    return judge_detection(monitor, detection, None, checks_per_year=365, now=T0)[0]


def test_a_test_within_the_budget_share_drifts_and_alarms_at_the_policys_severity() -> None:
    monitor = _monitor(severity={"multivariate": "critical"})
    decided = _judge(monitor, _outcome(0.4, ALARM_LEVEL * 0.99))
    assert decided.multivariate is not None
    assert decided.multivariate.alarm_level is not None
    assert abs(decided.multivariate.alarm_level - ALARM_LEVEL) < 1e-12
    assert (decided.is_drift, decided.alarm, decided.severity) == (True, True, Severity.CRITICAL)
    assert monitor.alert_policy.breaches(decided)


def test_a_test_that_fired_outside_the_budget_share_drifts_without_alarming() -> None:
    monitor = _monitor()
    decided = _judge(monitor, _outcome(0.4, ALARM_LEVEL * 1.01))
    assert (decided.is_drift, decided.alarm, decided.severity) == (True, False, Severity.HIGH)
    assert not monitor.alert_policy.breaches(decided)
    unbudgeted = _monitor(budget={"sequential": False})
    assert unbudgeted.alert_policy.breaches(_judge(unbudgeted, _outcome(0.4, ALARM_LEVEL * 1.01)))


def test_the_option_takes_its_share_from_the_features_thresholds() -> None:
    without = _judge(make_monitor(), None)
    with_option = _judge(_monitor(), _outcome(0.4, 0.5))
    log_thresholds = [
        [feature.evidence.log_threshold for feature in decided.features if feature.evidence is not None]
        for decided in (without, with_option)
    ]
    # 4 features, then 4 features and the tests: each feature's threshold grows by log(5/4)
    assert abs(log_thresholds[1][0] - log_thresholds[0][0] - 0.22314355) < 1e-6


def test_tests_that_did_not_fire_or_did_not_run_change_nothing() -> None:
    monitor = _monitor()
    for outcome in (_outcome(0.4, 0.5), MultivariateOutcome(alpha=0.05, skipped="no sample")):
        decided = _judge(monitor, outcome)
        assert (decided.is_drift, decided.alarm, decided.severity) == (False, False, Severity.NONE)
