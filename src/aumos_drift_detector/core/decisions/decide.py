"""The decision of one statistical check: the verdict, each feature's evidence, and the budget's alarm.

:func:`decide` is the one function the service, the ``check`` command and the backtest call, so a
history replayed offline is judged exactly as the service judges it live.

A check **alarms** when

* a feature's sequential detector crosses its threshold, or the check's own p-value of a feature is at
  most the other half of its share of the budget (:mod:`.sequential`; features tested by a p-value
  whose effect reached the practical floor), or
* a feature drifted that the budget cannot weigh: its share of missing values moved past its limit,
  or its test is a distance without a p-value (these alarm at the check where they drift).

A feature whose sequential detector alarms has **drifted** at that check, whatever its single test
said after the correction: its evidence gathered over the checks crossed a threshold that holds the
alert budget across features and time, and an alarm needs a practical effect at the check itself (a
check below the effect floor adds no evidence). So the dataset drifts (:func:`.verdict.dataset_drifted`)
and the severity follows that feature's effect: a persistent shift of one feature among many, too small
to drift the dataset at any single check, still pages people once its evidence is strong enough.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aumos_drift_detector.core.alerts.policy import AlertBudget
from aumos_drift_detector.core.decisions.evidence import check_evidence
from aumos_drift_detector.core.decisions.sequential import (
    DetectorStep,
    advance,
    halved,
    log_thresholds,
    one_check_alarms,
    share_level,
)
from aumos_drift_detector.core.decisions.verdict import dataset_drifted, judge_feature, weighted_share
from aumos_drift_detector.core.detections.model import FeatureEvidence, FeatureResult
from aumos_drift_detector.core.monitors.config import DatasetRule


@dataclass(frozen=True, slots=True)
class CheckDecision:
    """What one check decided.

    Attributes:
        features: The features, judged, each with its detector's step when it has evidence.
        is_drift: The check's dataset verdict.
        drift_share: The importance-weighted share of drifted features.
        alarm: Whether the check alarms (the signal that opens alerts when the budget decides).
        levels: Every feature's detector level after the check, to keep for the next one.
        joint_level: The multivariate tests' share of the budget at this check (a p-value level, split
            among the tests by the caller); ``None`` when the monitor has none.
    """

    features: tuple[FeatureResult, ...]
    is_drift: bool
    drift_share: float
    alarm: bool
    levels: dict[str, float]
    joint_level: float | None = None


def _alarms_without_evidence(feature: FeatureResult) -> bool:
    return feature.drift_detected and (feature.missing.drift_detected or feature.p_value is None)


def decide(
    features: Sequence[FeatureResult],
    *,
    rule: DatasetRule,
    critical: frozenset[str],
    budget: AlertBudget,
    checks_per_year: float,
    levels: Mapping[str, float],
    joint_weight: float = 0.0,
) -> CheckDecision:
    """Judge one check's features, advance their detectors and decide whether it alarms.

    Args:
        features: The engine's per-feature results (``weight`` is the feature's importance).
        rule: The monitor's dataset rule.
        critical: Names of the features marked critical.
        budget: The monitor's alert budget.
        checks_per_year: How often the monitor is checked.
        levels: Each feature's detector level after the previous check (empty for a first check).
        joint_weight: The multivariate tests' weight in the split of the budget (0: the monitor has none).
    """
    judged = [judge_feature(feature, rule, critical=feature.name in critical) for feature in features]
    weights = {feature.name: feature.weight for feature in judged}
    rate, allowed = checks_per_year, budget.false_alerts_per_year
    halves = halved(log_thresholds(weights, checks_per_year=rate, budget=allowed, extra_weight=joint_weight))
    weighed = [feature for feature in judged if feature.p_value is not None and math.isfinite(feature.p_value)]
    e_values = {
        feature.name: check_evidence(feature.p_value or 0.0, practical=feature.practical) for feature in weighed
    }
    after, steps = advance(levels, e_values, halves)
    at_once = one_check_alarms({f.name: f.p_value or 0.0 for f in weighed if f.practical}, halves)
    steps = {name: _or_at_once(step, name in at_once) for name, step in steps.items()}
    after |= dict.fromkeys(at_once, 0.0)
    decided = tuple(_with_evidence(feature, steps.get(feature.name)) for feature in judged)
    alarm = any(step.alarm for step in steps.values()) or any(_alarms_without_evidence(f) for f in decided)
    total = math.fsum(weights.values()) + joint_weight
    joint = share_level(joint_weight, total, checks_per_year=rate, budget=allowed) if joint_weight > 0 else None
    return CheckDecision(decided, dataset_drifted(decided, rule), weighted_share(decided), alarm, after, joint)


def _with_evidence(feature: FeatureResult, step: DetectorStep | None) -> FeatureResult:
    """The judged feature with its detector's step; a feature whose detector alarmed has drifted."""
    if step is None:
        return feature.model_copy(update={"evidence": None})
    update: dict[str, object] = {"evidence": _evidence(step)}
    if step.alarm:
        update["drift_detected"] = True
    return feature.model_copy(update=update)


def _or_at_once(step: DetectorStep, at_once: bool) -> DetectorStep:
    """The step, alarming also when the check's own p-value alarmed (the detector then restarts)."""
    return dataclasses.replace(step, alarm=True, at_once=True) if at_once else step


#: The lowest detector level reported (any level below 0 acts as 0; an e-value of 0 has level -inf).
_LOWEST_LEVEL = -1000.0


def _evidence(step: DetectorStep) -> FeatureEvidence:
    return FeatureEvidence(
        e_value=math.exp(step.log_e_value) if step.log_e_value > _LOWEST_LEVEL else 0.0,
        level=max(step.level, _LOWEST_LEVEL),
        log_threshold=step.log_threshold,
        p_threshold=math.exp(-step.log_threshold),
        alarm=step.alarm,
        at_once=step.at_once,
    )
