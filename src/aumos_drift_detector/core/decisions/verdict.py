"""One check's verdict: which features drifted, and whether the dataset did.

A feature **drifted** at a check when

* its test fired after the dataset rule's multiple-testing correction (Benjamini–Hochberg by default,
  across the features tested by a p-value) **and** its effect reached the rule's practical floor
  (``effect_floor_sd`` of the reference's standard deviation for a numerical feature,
  ``effect_floor_tv`` of total variation for a categorical one), **or**
* its share of missing values moved past its limit, **or**
* its sequential detector alarmed at this check (decided in :mod:`.decide`, after this module's
  :func:`judge_feature`).

The **dataset drifted** when any of these holds:

* the importance-weighted share of drifted features reaches ``drift_share``;
* a feature marked ``critical`` drifted;
* a feature drifted with a large effect: ``large_effect_sd`` standard deviations (numerical) or
  ``large_effect_tv`` of total variation (categorical);
* a feature's sequential detector alarmed: its evidence over the checks crossed the alert budget's
  threshold (:mod:`.sequential`).

So one feature moved far cannot hide among many unmoved ones, and a shift too small to matter is not
drift however large the sample.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from aumos_drift_detector.core.detections.model import FeatureResult
from aumos_drift_detector.core.monitors.config import DatasetRule


def reaches(feature: FeatureResult, numerical_bound: float, categorical_bound: float) -> bool:
    """Whether a feature's effect reaches a bound of its unit.

    An effect recorded as null (not finite: a constant reference that moved; or not measured, in
    detections stored before effect sizes existed) reaches every bound.
    """
    if feature.effect_size is None:
        return True
    bound = numerical_bound if feature.effect_unit == "reference_sd" else categorical_bound
    return feature.effect_size >= bound


def judge_feature(feature: FeatureResult, rule: DatasetRule, *, critical: bool) -> FeatureResult:
    """The feature's result with ``practical``, ``critical`` and ``drift_detected`` decided by the rule."""
    practical = reaches(feature, rule.effect_floor_sd, rule.effect_floor_tv)
    drifted = (feature.test_drift_detected and practical) or feature.missing.drift_detected
    return feature.model_copy(update={"practical": practical, "drift_detected": drifted, "critical": critical})


def weighted_share(features: Sequence[FeatureResult]) -> float:
    """The importance-weighted share of drifted features."""
    total = math.fsum(feature.weight for feature in features)
    drifted = math.fsum(feature.weight for feature in features if feature.drift_detected)
    return drifted / total if total > 0 else 0.0


@dataclass(frozen=True, slots=True)
class DriftRule:
    """One rule by which a dataset drifted.

    Attributes:
        rule: ``share`` (the weighted share of drifted features reached the rule's), ``critical`` (a
            critical feature drifted), ``large_effect`` (a feature drifted by a large effect) or ``alarm``
            (a feature's sequential detector alarmed).
        feature: The feature concerned (``None`` for ``share``).
    """

    rule: Literal["share", "critical", "large_effect", "alarm"]
    feature: str | None = None


def drift_rules(features: Sequence[FeatureResult], rule: DatasetRule) -> tuple[DriftRule, ...]:
    """Every rule by which judged features make the dataset drift (none: it did not drift)."""
    fired = [DriftRule("share")] if weighted_share(features) >= rule.drift_share else []
    for feature in features:
        if feature.drift_detected and feature.critical:
            fired.append(DriftRule("critical", feature.name))
        if feature.drift_detected and reaches(feature, rule.large_effect_sd, rule.large_effect_tv):
            fired.append(DriftRule("large_effect", feature.name))
        if feature.drift_detected and _alarmed(feature):
            fired.append(DriftRule("alarm", feature.name))
    return tuple(fired)


def dataset_drifted(features: Sequence[FeatureResult], rule: DatasetRule) -> bool:
    """The dataset verdict of judged features (rules in the module docstring)."""
    return bool(drift_rules(features, rule))


def _alarmed(feature: FeatureResult) -> bool:
    return feature.evidence is not None and feature.evidence.alarm
