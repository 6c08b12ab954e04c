"""Applying a monitor's decision rules to one of its statistical detections, with the detectors' state.

Used by the drift run (inside the transaction that holds the monitor's lock, so concurrent runs advance
the detectors one after the other) and by the backtest (over a replayed history). A monitor's segments
take a share of the alert budget as its multivariate tests do (:func:`judged_segments`).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Final

from aumos_drift_detector.core.decisions.decide import CheckDecision, decide
from aumos_drift_detector.core.decisions.state import DecisionState
from aumos_drift_detector.core.detections.model import DetectionStatus, FeatureResult, StatisticalDetection
from aumos_drift_detector.core.detections.multivariate import MultivariateOutcome
from aumos_drift_detector.core.detections.segments import SegmentsOutcome
from aumos_drift_detector.core.monitors.model import Monitor

#: The multivariate tests' weight in the split of the alert budget: together, the share of one feature
#: of importance 1.
MULTIVARIATE_WEIGHT: Final[float] = 1.0
#: The segments' weight in the split of the alert budget: together, the share of one feature of importance 1.
SEGMENTS_WEIGHT: Final[float] = 1.0


def judge_detection(
    monitor: Monitor,
    detection: StatisticalDetection,
    state: DecisionState | None,
    *,
    checks_per_year: float,
    now: datetime,
) -> tuple[StatisticalDetection, DecisionState | None]:
    """The detection decided under the monitor's rules, its severity assessed, and the detectors' new state.

    A detection that did not succeed is returned assessed and the state unchanged. A state gathered
    against another reference version restarts from zero. A multivariate test that fired (at its
    Bonferroni level, :mod:`~aumos_drift_detector.core.detections.multivariate_run`) makes the check
    drift; it alarms when its p-value is also within the tests' share of the alert budget: the
    multivariate tests take the share of one feature of importance :data:`MULTIVARIATE_WEIGHT` in the
    split (:func:`~.sequential.share_level`), spent on the check's own p-values, Bonferroni among them.
    """
    if detection.status is not DetectionStatus.SUCCEEDED:
        return dataclasses.replace(detection, severity=monitor.alert_policy.assess(detection)), state
    version = detection.summary.reference_version or 0
    fresh = state is None or state.reference_version != version
    levels = {} if fresh or state is None else state.levels
    decision = decide(
        detection.features,
        rule=monitor.dataset_rule,
        critical=frozenset(feature.name for feature in monitor.features if feature.critical),
        budget=monitor.alert_policy.budget,
        checks_per_year=checks_per_year,
        levels=levels,
        joint_weight=_extra_weight(monitor),
    )
    decided = _decided(monitor, detection, decision, checks_per_year)
    previous = state if state is not None and not fresh else None
    return decided, DecisionState(
        monitor_id=monitor.id,
        tenant_id=monitor.tenant_id,
        reference_version=version,
        levels=decision.levels,
        checks=(previous.checks if previous else 0) + 1,
        alarms=(previous.alarms if previous else 0) + int(decision.alarm),
        updated_at=now,
    )


def _decided(
    monitor: Monitor, detection: StatisticalDetection, decision: CheckDecision, checks_per_year: float
) -> StatisticalDetection:
    """The detection with the decision's verdict, its summary's counts and budget, and its severity."""
    budget = monitor.alert_policy.budget
    summary = detection.summary.model_copy(
        update={
            "n_drifted": sum(feature.drift_detected for feature in decision.features),
            "checks_per_year": checks_per_year,
            "false_alerts_per_year": budget.false_alerts_per_year,
        }
    )
    mv_level, segments_level = _split_level(monitor, decision.joint_level)
    joint = _judged(detection.multivariate, mv_level)
    fired, alarmed = joint is not None and bool(joint.fired), joint is not None and joint.alarmed
    segments = judged_segments(detection.segments, segments_level)
    fired = fired or (segments is not None and bool(segments.drifted))
    alarmed = alarmed or (segments is not None and segments.alarmed)
    decided = dataclasses.replace(
        detection, features=tuple(sorted(decision.features, key=_order)), is_drift=decision.is_drift or fired,
        drift_share=decision.drift_share, alarm=decision.alarm or alarmed, summary=summary, multivariate=joint,
        segments=segments,
    )  # fmt: skip
    return dataclasses.replace(decided, severity=monitor.alert_policy.assess(decided))


def _extra_weight(monitor: Monitor) -> float:
    """The weight of the members of the budget's split besides the features: multivariate tests, segments."""
    return (MULTIVARIATE_WEIGHT if monitor.multivariate is not None else 0.0) + (
        SEGMENTS_WEIGHT if monitor.segments is not None else 0.0
    )


def _split_level(monitor: Monitor, level: float | None) -> tuple[float | None, float | None]:
    """The extra members' share split by weight (the share is linear in the weight): multivariate, segments."""
    total = _extra_weight(monitor)
    if level is None or total <= 0:
        return None, None
    joint = level * MULTIVARIATE_WEIGHT / total if monitor.multivariate is not None else None
    segments = level * SEGMENTS_WEIGHT / total if monitor.segments is not None else None
    return joint, segments


def judged_segments(outcome: SegmentsOutcome | None, share: float | None) -> SegmentsOutcome | None:
    """The segments with their alarm level and alarms.

    A drifted segment makes the check drift (:func:`judge_detection`); it alarms when a drifted
    feature's p-value in it is within the segments' share of the budget (weight
    :data:`SEGMENTS_WEIGHT`), split equally among all the p-value tests of the tested segments
    (Bonferroni), so the segments together spend no more than their share.
    """
    if outcome is None or share is None or not outcome.p_value_tests:
        return outcome
    level = share / outcome.p_value_tests
    segments = [
        item.model_copy(update={"alarm": item.is_drift and any(
            feature.drift_detected and feature.p_value is not None and feature.p_value <= level
            for feature in item.features
        )})
        for item in outcome.segments
    ]  # fmt: skip
    return outcome.model_copy(update={"alarm_level": level, "segments": segments})


def _judged(outcome: MultivariateOutcome | None, share: float | None) -> MultivariateOutcome | None:
    """The multivariate outcome with its alarm level: the tests' share of the budget, split among them."""
    if outcome is None or share is None or not outcome.tests:
        return outcome
    return outcome.model_copy(update={"alarm_level": share / len(outcome.tests)})


def _order(feature: FeatureResult) -> tuple[bool, float, str]:
    """Drifted features first, the strongest first."""
    return (not feature.drift_detected, -(feature.strength or 0.0), feature.name)
