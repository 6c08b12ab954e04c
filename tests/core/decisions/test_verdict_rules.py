"""Which dataset rules fired: the explanation the ``check`` command prints, and the verdict itself."""

from __future__ import annotations

from aumos_drift_detector.core.decisions.verdict import DriftRule, dataset_drifted, drift_rules, judge_feature
from aumos_drift_detector.core.detections.model import FeatureResult
from aumos_drift_detector.core.monitors.config import DatasetRule
from tests.core.builders import make_feature

RULE = DatasetRule()


def judged(name: str, *, drift: bool, effect: float = 0.3, critical: bool = False) -> FeatureResult:
    return judge_feature(make_feature(name, drift=drift, effect=effect), RULE, critical=critical)


def test_no_rule_fires_for_a_quiet_dataset() -> None:
    features = [judged("a", drift=False), judged("b", drift=False)]
    assert drift_rules(features, RULE) == ()
    assert not dataset_drifted(features, RULE)


def test_a_large_effect_fires_alone_below_the_share() -> None:
    features = [judged("bp", drift=True, effect=0.58), *(judged(f"x{i}", drift=False) for i in range(9))]
    assert drift_rules(features, RULE) == (DriftRule("large_effect", "bp"),)
    assert dataset_drifted(features, RULE)


def test_every_rule_that_holds_is_named() -> None:
    features = [judged("a", drift=True, effect=0.7, critical=True), judged("b", drift=True, effect=0.1)]
    assert drift_rules(features, RULE) == (
        DriftRule("share"),
        DriftRule("critical", "a"),
        DriftRule("large_effect", "a"),
    )


def test_a_significant_shift_below_the_floor_fires_nothing() -> None:
    features = [judged("a", drift=True, effect=0.01, critical=True)]
    assert features[0].test_drift_detected
    assert not features[0].drift_detected
    assert drift_rules(features, RULE) == ()
