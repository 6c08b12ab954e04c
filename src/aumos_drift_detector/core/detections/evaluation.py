"""One statistical check of a monitor: the engine's pass over a window, and the detection it makes.

The drift run and the ``check`` command both call these, so a check of two files runs the tests,
the correction and the dataset rule exactly as a run of the service does; the decision itself
(effect floors, the verdict rules, severity, the alert budget) then follows in
:func:`~aumos_drift_detector.core.decisions.judge.judge_detection`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from aumos_drift_detector.core.decisions.default_tests import check_specs
from aumos_drift_detector.core.detections.model import (
    DetectionStatus,
    FeatureResult,
    RunTrigger,
    StatisticalDetection,
    StatisticalSummary,
)
from aumos_drift_detector.core.detections.results import feature_result
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.statistical import (
    DEFAULT_MAX_MISSING_SHIFT,
    DatasetDriftResult,
    ReferenceProfile,
    evaluate,
)


def evaluate_check(
    monitor: Monitor,
    profile: ReferenceProfile,
    current: object,
    *,
    max_missing_shift: float | None = DEFAULT_MAX_MISSING_SHIFT,
) -> DatasetDriftResult:
    """Test the monitor's features in ``current`` against the profile, under its dataset rule's correction.

    Raises:
        ValidationError: A column is missing or unusable.
        InsufficientDataError: A feature has too few usable values.
    """
    return evaluate(
        profile,
        current,
        features=check_specs(monitor, profile),
        drift_share=monitor.dataset_rule.drift_share,
        correction=monitor.dataset_rule.correction.engine_name,
        max_missing_shift=max_missing_shift,
    )


def statistical_detection(
    monitor: Monitor,
    summary: StatisticalSummary,
    *,
    trigger: RunTrigger,
    started: datetime,
    finished: datetime,
    status: DetectionStatus,
    error: str | None = None,
    result: DatasetDriftResult | None = None,
) -> StatisticalDetection:
    """A detection of the monitor, with the engine's per-feature results when the check ran (not yet decided)."""
    features: tuple[FeatureResult, ...] = ()
    if result is not None:
        features = tuple(feature_result(item) for item in result.features)
        summary = summary.model_copy(update={"n_drifted": result.n_drifted, "n_features": result.n_features})
    return StatisticalDetection(
        id=uuid.uuid4(),
        tenant_id=monitor.tenant_id,
        monitor_id=monitor.id,
        model_id=monitor.model_id,
        model_version=monitor.model_version,
        status=status,
        trigger=trigger,
        started_at=started,
        finished_at=finished,
        summary=summary,
        error=error,
        is_drift=result.drift_detected if result is not None else False,
        drift_share=result.share_drifted if result is not None else 0.0,
        features=features,
    )
