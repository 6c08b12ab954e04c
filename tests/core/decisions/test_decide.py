"""One check's decision: the verdict's rules, the budget's alarm, the detectors' state across checks."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from aumos_drift_detector.adapters.scheduling.croniter_calendar import CroniterCalendar
from aumos_drift_detector.core.alerts.policy import AlertBudget
from aumos_drift_detector.core.decisions.decide import decide
from aumos_drift_detector.core.decisions.judge import judge_detection
from aumos_drift_detector.core.decisions.rate import checks_per_year
from aumos_drift_detector.core.detections.model import FeatureResult
from aumos_drift_detector.core.monitors.config import DatasetRule, FeatureConfig, Schedule
from aumos_drift_detector.core.severity import Severity
from tests.core.builders import T0, make_detection, make_feature, make_monitor

RULE = DatasetRule()
BUDGET = AlertBudget()


def feature(name: str, *, p: float, effect: float, significant: bool | None = None) -> FeatureResult:
    base = make_feature(name, drift=True, effect=effect)
    fired = p < 0.05 if significant is None else significant
    return base.model_copy(update={"p_value": p, "test_drift_detected": fired, "drift_detected": fired})


def quiet(name: str) -> FeatureResult:
    return make_feature(name, drift=False)


def test_one_large_shift_among_many_quiet_features_is_drift_and_alarms() -> None:
    features = [feature("bp", p=5e-11, effect=0.6), *(quiet(f"x{i}") for i in range(9))]
    decision = decide(features, rule=RULE, critical=frozenset(), budget=BUDGET, checks_per_year=365, levels={})
    assert decision.is_drift
    assert decision.alarm
    assert decision.drift_share == 0.1
    (bp,) = [item for item in decision.features if item.name == "bp"]
    assert bp.drift_detected
    assert bp.evidence is not None
    assert bp.evidence.alarm


def test_a_significant_shift_below_the_effect_floor_is_not_drift_and_adds_no_evidence() -> None:
    tiny = feature("age", p=1e-30, effect=0.01)
    decision = decide(
        [tiny, quiet("b")], rule=RULE, critical=frozenset(), budget=BUDGET, checks_per_year=365, levels={}
    )
    (age,) = [item for item in decision.features if item.name == "age"]
    assert (age.practical, age.drift_detected, decision.is_drift, decision.alarm) == (False, False, False, False)
    assert age.evidence is not None
    assert age.evidence.e_value == 1.0


def test_a_critical_feature_alone_makes_the_dataset_drift() -> None:
    moved = feature("plan", p=1e-3, effect=0.2)  # significant, but no alarm of the budget at one check
    features = [moved, *(quiet(f"x{i}") for i in range(5))]
    plain = decide(features, rule=RULE, critical=frozenset(), budget=BUDGET, checks_per_year=365, levels={})
    marked = decide(features, rule=RULE, critical=frozenset({"plan"}), budget=BUDGET, checks_per_year=365, levels={})
    assert (plain.is_drift, marked.is_drift) == (False, True)


def test_weak_evidence_alarms_only_after_it_accumulates_over_checks() -> None:
    levels: dict[str, float] = {}
    alarms = []
    for _ in range(6):
        features = [feature("age", p=2e-3, effect=0.1), quiet("plan")]  # above the one-check 1/(2A) = 6.8e-4
        decision = decide(features, rule=RULE, critical=frozenset(), budget=BUDGET, checks_per_year=365, levels=levels)
        levels = decision.levels
        alarms.append(decision.alarm)
    assert alarms[0] is False
    assert True in alarms
    assert alarms.index(True) >= 1


def test_a_drift_the_budget_cannot_weigh_alarms_at_once() -> None:
    missing = quiet("age")
    missing = missing.model_copy(
        update={"missing": missing.missing.model_copy(update={"drift_detected": True}), "drift_detected": True}
    )
    decision = decide(
        [missing, quiet("b")], rule=RULE, critical=frozenset(), budget=BUDGET, checks_per_year=365, levels={}
    )
    assert decision.alarm


def test_judging_a_detection_keeps_state_per_reference_version() -> None:
    monitor = make_monitor()
    detection = make_detection(monitor, T0, drifted=2)
    decided, state = judge_detection(monitor, detection, None, checks_per_year=365.0, now=T0)
    assert state is not None
    assert (state.checks, state.alarms, state.reference_version) == (1, 1, 1)
    assert decided.alarm
    assert decided.severity is Severity.HIGH
    assert decided.summary.checks_per_year == 365.0
    newer = dataclasses.replace(detection, summary=detection.summary.model_copy(update={"reference_version": 2}))
    _, restarted = judge_detection(monitor, newer, state, checks_per_year=365.0, now=T0)
    assert restarted is not None
    assert (restarted.checks, restarted.reference_version) == (1, 2)


def test_importance_lowers_a_features_threshold() -> None:
    features = [feature("age", p=1e-3, effect=0.2), quiet("plan")]
    heavy = [features[0].model_copy(update={"weight": 9.0}), features[1]]
    light = decide(features, rule=RULE, critical=frozenset(), budget=BUDGET, checks_per_year=365, levels={})
    strong = decide(heavy, rule=RULE, critical=frozenset(), budget=BUDGET, checks_per_year=365, levels={})
    (a,) = [f for f in light.features if f.name == "age"]
    (b,) = [f for f in strong.features if f.name == "age"]
    assert a.evidence is not None
    assert b.evidence is not None
    assert b.evidence.log_threshold < a.evidence.log_threshold


def test_the_check_rate_follows_the_cron() -> None:
    calendar, now = CroniterCalendar(), datetime(2026, 11, 30, tzinfo=UTC)
    assert round(checks_per_year(calendar, Schedule(cron="0 6 * * *"), now)) == 365
    assert round(checks_per_year(calendar, Schedule(cron="0 * * * *"), now)) == 8766
    assert 255 < checks_per_year(calendar, Schedule(cron="0 9 * * 1-5"), now) < 266
    assert checks_per_year(calendar, None, now) == 365.0
    assert FeatureConfig(name="x").importance == 1.0


def test_an_alarm_drifts_the_dataset_and_its_feature_sets_the_severity() -> None:
    # One feature of fifty moved by 0.3 sd: far below the drifted share and the large-effect bound.
    features = [feature("x", p=1e-12, effect=0.3), *(quiet(f"q{i}") for i in range(49))]
    decision = decide(features, rule=RULE, critical=frozenset(), budget=BUDGET, checks_per_year=365, levels={})
    assert (decision.alarm, decision.is_drift, decision.drift_share) == (True, True, 0.02)
    monitor = make_monitor()
    detection = make_detection(monitor, T0, drifted=1)
    decided, _ = judge_detection(monitor, detection, None, checks_per_year=365.0, now=T0)
    assert (decided.alarm, decided.is_drift, decided.severity) == (True, True, Severity.MEDIUM)
    assert monitor.alert_policy.breaches(decided)


def test_a_feature_whose_evidence_alarms_drifts_though_its_own_test_did_not_fire_after_correction() -> None:
    levels: dict[str, float] = {}
    decisions = []
    for _ in range(8):
        weak = feature("age", p=2e-3, effect=0.12, significant=False)
        decision = decide(
            [weak, quiet("plan")], rule=RULE, critical=frozenset(), budget=BUDGET, checks_per_year=365, levels=levels
        )
        levels = decision.levels
        decisions.append(decision)
    alarmed = [decision for decision in decisions if decision.alarm]
    quiet_checks = [decision for decision in decisions if not decision.alarm]
    assert alarmed
    assert quiet_checks
    assert all(decision.is_drift and decision.features[0].drift_detected for decision in alarmed)
    assert not any(decision.is_drift or decision.features[0].drift_detected for decision in quiet_checks)


def test_a_p_value_below_half_the_share_alarms_at_its_first_check() -> None:
    """Two features checked daily: A = 730, so p <= 1/(2A) = 6.85e-4 alarms at once, though e(p) is far from 2A."""
    at_once = decide(
        [feature("age", p=6.5e-4, effect=0.3), quiet("plan")],
        rule=RULE, critical=frozenset(), budget=BUDGET, checks_per_year=365, levels={},
    )  # fmt: skip
    (age,) = [item for item in at_once.features if item.name == "age"]
    assert age.evidence is not None
    assert (at_once.alarm, age.evidence.alarm, age.evidence.at_once) == (True, True, True)
    assert age.evidence.e_value < 100
    assert age.evidence.p_threshold is not None
    assert abs(age.evidence.p_threshold - 1 / 1460) < 1e-12
    assert at_once.levels["age"] == 0.0
    later = decide(
        [feature("age", p=7.5e-4, effect=0.3), quiet("plan")],
        rule=RULE, critical=frozenset(), budget=BUDGET, checks_per_year=365, levels={},
    )  # fmt: skip
    assert not later.alarm
    tiny = decide(
        [feature("age", p=1e-9, effect=0.01), quiet("plan")],
        rule=RULE, critical=frozenset(), budget=BUDGET, checks_per_year=365, levels={},
    )  # fmt: skip
    assert not tiny.alarm  # below the practical floor: neither half of the budget fires
