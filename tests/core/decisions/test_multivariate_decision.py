"""A multivariate test that fired decides a check: drift, an alarm, and the severity its policy gives it."""

from __future__ import annotations

import dataclasses

from aumos_drift_detector.core.decisions.judge import judge_detection
from aumos_drift_detector.core.detections.multivariate import MultivariateOutcome, MultivariateTestResult
from aumos_drift_detector.core.severity import Severity
from tests.core.builders import T0, make_detection, make_monitor


def _outcome(*fired: bool) -> MultivariateOutcome:
    tests = [
        MultivariateTestResult(
            method="domain_classifier", embedding=None, columns=["age", "income"], statistic=0.7,
            p_value=1e-4 if drift else 0.4, threshold=0.025, drift_detected=drift, n_reference=500, n_current=500,
            score=0.4,
        )
        for drift in fired
    ]  # fmt: skip
    return MultivariateOutcome(alpha=0.05, tests=tests)


def test_a_fired_test_makes_an_otherwise_quiet_check_drift_and_alarm_at_its_policy_severity() -> None:
    monitor = make_monitor(alert_policy={"severity": {"multivariate": "critical"}})
    detection = dataclasses.replace(make_detection(monitor, T0), multivariate=_outcome(False, True))
    decided, _ = judge_detection(monitor, detection, None, checks_per_year=365, now=T0)
    assert (decided.is_drift, decided.alarm, decided.severity) == (True, True, Severity.CRITICAL)
    assert monitor.alert_policy.breaches(decided)


def test_tests_that_did_not_fire_change_nothing() -> None:
    monitor = make_monitor()
    quiet = make_detection(monitor, T0)
    with_tests = dataclasses.replace(quiet, multivariate=_outcome(False, False))
    decided, _ = judge_detection(monitor, with_tests, None, checks_per_year=365, now=T0)
    alone, _ = judge_detection(monitor, quiet, None, checks_per_year=365, now=T0)
    assert (decided.is_drift, decided.alarm, decided.severity) == (alone.is_drift, alone.alarm, alone.severity)
    assert (decided.is_drift, decided.severity) == (False, Severity.NONE)


def test_skipped_tests_change_nothing() -> None:
    monitor = make_monitor()
    skipped = MultivariateOutcome(alpha=0.05, skipped="no sample")
    detection = dataclasses.replace(make_detection(monitor, T0), multivariate=skipped)
    decided, _ = judge_detection(monitor, detection, None, checks_per_year=365, now=T0)
    assert (decided.is_drift, decided.alarm) == (False, False)
