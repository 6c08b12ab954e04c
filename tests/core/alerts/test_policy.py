"""Alert and retraining policies: documented defaults, validation naming the field, severity levels."""

from __future__ import annotations

import re

import pytest

from aumos_drift_detector.core.alerts.policy import AlertPolicy
from aumos_drift_detector.core.detections.model import DetectionStatus
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.retraining.policy import RetrainingPolicy
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.validation import parse
from tests.core.builders import T0, make_concept_detection, make_detection, make_monitor


def test_defaults_round_trip_through_json_documents() -> None:
    assert AlertPolicy.model_validate(AlertPolicy().model_dump(mode="json")) == AlertPolicy()
    assert AlertPolicy.model_validate({}) == AlertPolicy()
    assert RetrainingPolicy.model_validate(RetrainingPolicy().model_dump(mode="json")) == RetrainingPolicy()
    custom = parse(AlertPolicy, {"min_severity": "high", "m_of_n": {"m": 2, "n": 5}, "auto_resolve_after": 0})
    assert AlertPolicy.model_validate(custom.model_dump(mode="json")) == custom


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"m_of_n": {"m": 4, "n": 3}}, "alert_policy.m_of_n.n: must be >= m (4)"),
        ({"min_severity": "severe"}, "alert_policy.min_severity: Input should be"),
        ({"min_severity": "none"}, "alert_policy.min_severity: must be one of low, medium, high, critical"),
        ({"renotify_interval_seconds": 0}, "alert_policy.renotify_interval_seconds: Input should be greater than"),
        ({"severity": {"medium_effect_sd": 0.6, "high_effect_sd": 0.5}}, "alert_policy.severity.high_effect_sd"),
        ({"budget": {"false_alerts_per_year": 0}}, "alert_policy.budget.false_alerts_per_year"),
        ({"min_severty": "high"}, "alert_policy.min_severty: Extra inputs are not permitted"),
        ({"auto_resolve_after": True}, "alert_policy.auto_resolve_after: Input should be a valid integer"),
        ({"auto_resolve_after": "3"}, "alert_policy.auto_resolve_after: Input should be a valid integer"),
    ],
)
def test_invalid_alert_policy_names_the_field(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        parse(AlertPolicy, data, path="alert_policy")


def test_invalid_retraining_policy_names_the_field() -> None:
    with pytest.raises(ValidationError, match=r"retraining_policy\.combine"):
        parse(RetrainingPolicy, {"combine": "either"}, path="retraining_policy")
    with pytest.raises(ValidationError, match=r"retraining_policy\.consecutive_runs: an enabled policy needs"):
        parse(RetrainingPolicy, {"min_severity": None, "consecutive_runs": None}, path="retraining_policy")


@pytest.mark.parametrize(
    ("drifted", "strong", "expected"),
    [
        (0, False, Severity.NONE),
        (1, False, Severity.LOW),
        (2, False, Severity.HIGH),
        (3, False, Severity.HIGH),
        (4, False, Severity.CRITICAL),
        (2, True, Severity.CRITICAL),
        (1, True, Severity.LOW),
    ],
)
def test_severity_follows_the_largest_drifted_effect(drifted: int, strong: bool, expected: Severity) -> None:
    monitor = make_monitor()
    detection = make_detection(monitor, T0, drifted=drifted, strong=strong)
    assert AlertPolicy().assess(detection) is expected


def test_severity_of_concept_and_failed_runs() -> None:
    monitor = make_monitor()
    policy = parse(AlertPolicy, {"severity": {"concept": "critical"}})
    assert policy.assess(make_concept_detection(monitor, T0)) is Severity.CRITICAL
    assert policy.assess(make_detection(monitor, T0, drifted=4, status=DetectionStatus.FAILED)) is Severity.NONE
