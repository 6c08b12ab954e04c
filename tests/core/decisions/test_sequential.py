"""The e-CUSUM detectors: thresholds split the budget, levels accumulate evidence and restart after an alarm."""

from __future__ import annotations

import math

import numpy as np

from aumos_drift_detector.core.decisions.evidence import mixture_e_value
from aumos_drift_detector.core.decisions.sequential import advance, halved, log_thresholds, one_check_alarms


def test_thresholds_split_the_yearly_budget_by_importance() -> None:
    thresholds = log_thresholds({"a": 1.0, "b": 1.0, "c": 2.0}, checks_per_year=365.0, budget=2.0)
    rates = {name: 1 / math.exp(value) for name, value in thresholds.items()}
    assert math.isclose(sum(rates.values()) * 365.0, 2.0, rel_tol=1e-12)
    assert math.isclose(rates["c"], 2 * rates["a"], rel_tol=1e-12)


def test_levels_accumulate_reset_below_zero_and_restart_after_an_alarm() -> None:
    thresholds = {"x": math.log(100.0)}
    levels, steps = advance({}, {"x": 5.0}, thresholds)
    assert math.isclose(levels["x"], math.log(5.0))
    assert not steps["x"].alarm
    levels, steps = advance(levels, {"x": 0.5}, thresholds)
    assert math.isclose(levels["x"], math.log(2.5))
    levels, steps = advance(levels, {"x": 1e-6}, thresholds)
    assert levels["x"] == 0.0
    assert steps["x"].level < 0
    levels, steps = advance(levels, {"x": 50.0}, thresholds)
    levels, steps = advance(levels, {"x": 3.0}, thresholds)
    assert steps["x"].alarm
    assert levels["x"] == 0.0


def test_a_feature_without_evidence_keeps_its_level_and_removed_features_are_dropped() -> None:
    levels, _ = advance({"x": 2.0, "gone": 4.0}, {}, {"x": 10.0})
    assert levels == {"x": 2.0}


def test_a_seeded_null_stream_alarms_at_most_about_once_per_threshold_checks() -> None:
    """Uniform p-values (no drift): over 200,000 checks a threshold of 1,000 alarms at most ~200 times."""
    rng = np.random.default_rng(11)
    thresholds = {"x": math.log(1000.0)}
    levels: dict[str, float] = {}
    alarms = 0
    for p in rng.uniform(size=200_000):
        levels, steps = advance(levels, {"x": mixture_e_value(float(p))}, thresholds)
        alarms += steps["x"].alarm
    assert alarms <= 200, alarms


def test_a_persistent_small_shift_is_found_by_accumulation() -> None:
    """p-values of about 1e-3 at every check (too weak for one check at threshold 1e4) alarm within 4."""
    thresholds = {"x": math.log(1e4)}
    levels: dict[str, float] = {}
    alarms = []
    for _ in range(9):
        levels, steps = advance(levels, {"x": mixture_e_value(1e-3)}, thresholds)
        alarms.append(steps["x"].alarm)
    assert alarms.index(True) == 3


def test_both_halves_together_hold_the_features_share_under_no_drift() -> None:
    """Uniform p-values, share 1/A with A = 500: detector at 2A plus one-check p <= 1/(2A) alarm at most ~1/A."""
    rng = np.random.default_rng(12)
    halves = halved({"x": math.log(500.0)})
    levels: dict[str, float] = {}
    alarms = 0
    checks = 200_000
    for p in rng.uniform(size=checks):
        levels, steps = advance(levels, {"x": mixture_e_value(float(p))}, halves)
        if "x" in one_check_alarms({"x": float(p)}, halves):
            levels["x"] = 0.0
            alarms += 1
        else:
            alarms += steps["x"].alarm
    assert alarms <= checks / 500, alarms
    assert alarms >= checks / 500 / 4, alarms  # the one-check half alone fires about checks/1000 times
