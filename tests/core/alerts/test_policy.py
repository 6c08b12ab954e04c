"""Alert and retraining policies: documented defaults, validation naming the field, severity levels."""

from __future__ import annotations

import pytest

from aumos_drift_detector.core.alerts.policy import AlertPolicy
from aumos_drift_detector.core.detections.model import DetectionKind, DetectionStatus
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.retraining.policy import RetrainingPolicy
from aumos_drift_detector.core.severity import Severity
from tests.core.builders import T0, make_detection, make_monitor


def test_defaults_round_trip_through_dicts() -> None:
    assert AlertPolicy.from_dict(AlertPolicy().to_dict()) == AlertPolicy()
    assert AlertPolicy.from_dict(None) == AlertPolicy()
    assert RetrainingPolicy.from_dict(RetrainingPolicy().to_dict()) == RetrainingPolicy()
    custom = AlertPolicy.from_dict({"min_severity": "high", "m_of_n": {"m": 2, "n": 5}, "auto_resolve_after": 0})
    assert AlertPolicy.from_dict(custom.to_dict()) == custom


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"m_of_n": {"m": 4, "n": 3}}, "alert_policy.m_of_n.m: must be <= n"),
        ({"min_severity": "severe"}, "alert_policy.min_severity: must be one of"),
        ({"renotify_interval_seconds": 0}, "alert_policy.renotify_interval_seconds: must be >= 1"),
        ({"severity": {"medium_share": 0.6, "high_share": 0.5}}, "alert_policy.severity.high_share"),
        ({"min_severty": "high"}, "alert_policy.min_severty: unknown field"),
        ({"auto_resolve_after": True}, "alert_policy.auto_resolve_after: must be an integer"),
    ],
)
def test_invalid_alert_policy_names_the_field(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace(".", r"\.")):
        AlertPolicy.from_dict(data)


def test_invalid_retraining_policy_names_the_field() -> None:
    with pytest.raises(ValidationError, match=r"retraining_policy\.combine"):
        RetrainingPolicy.from_dict({"combine": "either"})
    with pytest.raises(ValidationError, match=r"retraining_policy\.min_severity"):
        RetrainingPolicy.from_dict({"min_severity": None, "consecutive_runs": None})


@pytest.mark.parametrize(
    ("drifted", "strong", "expected"),
    [
        (0, False, Severity.NONE),
        (1, False, Severity.LOW),
        (2, False, Severity.HIGH),
        (3, False, Severity.CRITICAL),
        (2, True, Severity.CRITICAL),
        (1, True, Severity.LOW),
    ],
)
def test_severity_follows_drift_share_and_strong_features(drifted: int, strong: bool, expected: Severity) -> None:
    monitor = make_monitor()
    detection = make_detection(monitor, T0, drifted=drifted, strong=strong)
    assert AlertPolicy().assess(detection) is expected


def test_severity_of_concept_and_failed_runs() -> None:
    monitor = make_monitor()
    policy = AlertPolicy.from_dict({"severity": {"concept": "critical"}})
    assert policy.assess(make_detection(monitor, T0, drifted=1, kind=DetectionKind.CONCEPT)) is Severity.CRITICAL
    assert policy.assess(make_detection(monitor, T0, drifted=4, status=DetectionStatus.FAILED)) is Severity.NONE
