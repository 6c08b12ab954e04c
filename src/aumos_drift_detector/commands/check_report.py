"""What the ``check`` command prints and writes: each feature's evidence, the verdict and why.

The table shows, per feature, the test, its statistic, its p-value and the p-value after the
dataset rule's correction, the effect size with its unit (``sd``: Wasserstein distance in standard
deviations of the reference; ``TV``: total variation distance), the missing shares and the decision.
Below it, one line each says which rule made the verdict, where the severity comes from, how the
p-values were corrected, and whether the check would raise an alert under the monitor's policy.
The multivariate tests, when asked for, follow in a second table (:mod:`.multivariate_report`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aumos_drift_detector.commands.multivariate_report import multivariate_lines, multivariate_reason
from aumos_drift_detector.commands.text_table import text_table
from aumos_drift_detector.core.decisions.verdict import DriftRule
from aumos_drift_detector.core.detections.model import FeatureResult, StatisticalDetection
from aumos_drift_detector.core.monitors.config import DatasetRule, MultipleTestingCorrection
from aumos_drift_detector.core.monitors.model import Monitor

if TYPE_CHECKING:  # the library loads scikit-learn
    from aumos_drift_detector.core.multivariate import MultivariateResult

_CORRECTIONS = {
    MultipleTestingCorrection.NONE: "none",
    MultipleTestingCorrection.BONFERRONI: "Bonferroni",
    MultipleTestingCorrection.BENJAMINI_HOCHBERG: "Benjamini-Hochberg",
}


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """One decided check of two files.

    Attributes:
        monitor: The monitor the files were checked as.
        detection: The detection, decided under the monitor's rules.
        rules: The dataset rules that fired (none: no drift).
        alert: Whether the check would raise an alert under the monitor's alert policy.
        checks_per_year: The check rate the alert budget was spread over.
        multivariate: The multivariate and embedding tests (none unless asked for).
    """

    monitor: Monitor
    detection: StatisticalDetection
    rules: tuple[DriftRule, ...]
    alert: bool
    checks_per_year: float
    multivariate: tuple[MultivariateResult, ...] = field(default=())

    @property
    def is_drift(self) -> bool:
        """The check's verdict: the dataset rules fired, or a multivariate test did."""
        return self.detection.is_drift or any(result.drift_detected for result in self.multivariate)


def _number(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def effect_text(feature: FeatureResult) -> str:
    """The effect size with its unit, e.g. ``0.586 sd`` or ``0.12 TV`` (``inf`` when not finite)."""
    if feature.effect_size is None:
        return "inf"
    return f"{feature.effect_size:.3g} {'sd' if feature.effect_unit == 'reference_sd' else 'TV'}"


def _decision(feature: FeatureResult) -> str:
    if feature.drift_detected:
        marks = ["DRIFT" if feature.test_drift_detected and feature.practical else "DRIFT (missing)"]
        return ", ".join(marks + (["critical"] if feature.critical else []))
    return "below floor" if feature.test_drift_detected else "-"


def _row(feature: FeatureResult, with_adjusted: bool) -> list[str]:
    row = [feature.name, feature.kind, feature.test, _number(feature.statistic, ".4g")]
    row.append(_number(feature.p_value, ".3g"))
    if with_adjusted:
        row.append(_number(feature.adjusted_p_value, ".3g"))
    missing = f"{feature.missing.reference_share:.1%} -> {feature.missing.current_share:.1%}"
    return [*row, effect_text(feature), format(feature.threshold, "g"), missing, _decision(feature)]


def _share(detection: StatisticalDetection, rule: DatasetRule) -> str:
    drifted, total = len(detection.drifted_features), len(detection.features)
    comparison = ">=" if detection.drift_share >= rule.drift_share else "<"
    return (
        f"{drifted} of {total} features drifted (importance-weighted share {detection.drift_share:.2f} "
        f"{comparison} {rule.drift_share:g})"
    )


def _reason(fired: DriftRule, outcome: CheckOutcome) -> str:
    detection, rule = outcome.detection, outcome.monitor.dataset_rule
    if fired.rule == "share":
        return f"the share rule: {_share(detection, rule)}"
    (feature,) = [item for item in detection.features if item.name == fired.feature]
    if fired.rule == "critical":
        return f"the critical rule: {feature.name!r} is critical and drifted"
    if fired.rule == "alarm":
        return f"the alert budget: the evidence on {feature.name!r} crossed its detector's threshold"
    bound = f"{rule.large_effect_sd:g} sd" if feature.effect_unit == "reference_sd" else f"{rule.large_effect_tv:g} TV"
    return f"the large-effect rule: {feature.name!r} moved {effect_text(feature)} (bound {bound})"


def verdict_line(outcome: CheckOutcome) -> str:
    """The verdict and the rule that made it."""
    line = _feature_verdict(outcome)
    reason = multivariate_reason(outcome.multivariate)
    return line if reason is None else f"{line} {reason}"


def _feature_verdict(outcome: CheckOutcome) -> str:
    detection, rule = outcome.detection, outcome.monitor.dataset_rule
    if not outcome.rules:
        return (
            f"No dataset drift: {_share(detection, rule)}; no critical feature drifted, and none moved by "
            f"{rule.large_effect_sd:g} sd or {rule.large_effect_tv:g} TV (the large-effect bounds), and no "
            "feature's detector crossed its threshold."
        )
    reasons = [_reason(fired, outcome) for fired in outcome.rules]
    if all(fired.rule != "share" for fired in outcome.rules):
        reasons.append(_share(detection, rule))
    return f"Dataset drift detected by {'; '.join(reasons)}."


def _severity_line(outcome: CheckOutcome) -> str:
    detection, policy = outcome.detection, outcome.monitor.alert_policy
    drifted = detection.drifted_features
    if not detection.is_drift:
        why = "a feature drifted, the dataset did not" if drifted else "nothing drifted"
        return f"Severity: {detection.severity.value} ({why})."
    largest = max(drifted, key=lambda feature: policy.severity.level(feature).rank)
    raised = ", one level up: a critical feature drifted" if any(item.critical for item in drifted) else ""
    effect = f"{largest.name!r} {effect_text(largest)}"
    return f"Severity: {detection.severity.value} (the largest drifted effect: {effect}{raised})."


def _correction_line(outcome: CheckOutcome) -> str:
    rule = outcome.monitor.dataset_rule
    tested = sum(feature.p_value is not None for feature in outcome.detection.features)
    return (
        f"Correction: {_CORRECTIONS[rule.correction]} across {tested} p-value tests; a significant feature "
        f"drifts only if it moved at least {rule.effect_floor_sd:g} sd (numerical) or {rule.effect_floor_tv:g} TV "
        "(categorical)."
    )


def _best_evidence(features: Sequence[FeatureResult]) -> str:
    stepped = [feature for feature in features if feature.evidence is not None]
    if not stepped:
        return "no feature has a p-value to weigh"
    best = max(stepped, key=lambda feature: feature.evidence.level if feature.evidence else -math.inf)
    assert best.evidence is not None
    threshold = math.exp(best.evidence.log_threshold)
    return f"the strongest evidence, {best.name!r}, has e-value {best.evidence.e_value:.3g} < threshold {threshold:.4g}"


def _alert_line(outcome: CheckOutcome) -> str:
    detection, policy = outcome.detection, outcome.monitor.alert_policy
    budget = f"{policy.budget.false_alerts_per_year:g} false alert a year over {outcome.checks_per_year:.6g} checks"
    if detection.severity.rank < policy.min_severity.rank:
        return f"Alert: no (severity {detection.severity.value} is below the policy's {policy.min_severity.value})."
    if not policy.budget.sequential:
        return f"Alert: yes (severity {detection.severity.value} reaches {policy.min_severity.value}; budget off)."
    if outcome.alert:
        return f"Alert: yes (severity {detection.severity.value} and the alert budget alarmed: {budget})."
    return f"Alert: no (the alert budget did not alarm: {_best_evidence(detection.features)}; {budget})."


def render_table(outcome: CheckOutcome) -> str:
    """The human-readable report: one row per feature, then the verdict and its explanation."""
    with_adjusted = outcome.monitor.dataset_rule.correction is not MultipleTestingCorrection.NONE
    header = ["feature", "kind", "test", "statistic", "p-value", *(["p adj."] if with_adjusted else [])]
    header += ["effect", "threshold", "missing", "drift"]
    lines = text_table(header, (_row(feature, with_adjusted) for feature in outcome.detection.features))
    lines += multivariate_lines(outcome.multivariate)
    lines += ["", verdict_line(outcome), _severity_line(outcome), _correction_line(outcome), _alert_line(outcome)]
    return "\n".join(lines) + "\n"


def check_document(outcome: CheckOutcome) -> dict[str, Any]:
    """The JSON document of a check: the verdict, its rules, severity, alert, and every feature."""
    detection, rule = outcome.detection, outcome.monitor.dataset_rule
    return {
        "drift_detected": outcome.is_drift,
        "feature_drift_detected": detection.is_drift,
        "verdict": verdict_line(outcome),
        "rules": [{"rule": fired.rule, "feature": fired.feature} for fired in outcome.rules],
        "severity": detection.severity.value,
        "alarm": detection.alarm,
        "alert": outcome.alert,
        "share_drifted": detection.drift_share,
        "drift_share": rule.drift_share,
        "n_drifted": len(detection.drifted_features),
        "n_features": len(detection.features),
        "correction": rule.correction.value,
        "checks_per_year": outcome.checks_per_year,
        "features": [feature.model_dump(mode="json") for feature in detection.features],
        "multivariate": [result.to_dict() for result in outcome.multivariate],
    }
