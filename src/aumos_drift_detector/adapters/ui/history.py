"""A monitor's history as chart series: its drift share and its features' effect sizes, run by run."""

from __future__ import annotations

from collections.abc import Sequence

from aumos_drift_detector.adapters.ui.charts import Series
from aumos_drift_detector.core.detections.model import DetectionStatus, DriftDetection, StatisticalDetection

#: The most features drawn in the effect-size chart: those that moved the most.
MAX_EFFECT_SERIES = 6
_UNITS = {"reference_sd": "σ", "total_variation": "TV"}


def statistical_runs(detections: Sequence[DriftDetection]) -> list[StatisticalDetection]:
    """The succeeded statistical runs among the detections, oldest first."""
    runs = [
        item
        for item in detections
        if isinstance(item, StatisticalDetection) and item.status is DetectionStatus.SUCCEEDED
    ]
    return sorted(runs, key=lambda item: item.started_at)


def drift_share_series(runs: Sequence[StatisticalDetection]) -> Series:
    """The share of drifted features of each run."""
    return Series("drift share", [(run.started_at, run.drift_share) for run in runs])


def effect_series(runs: Sequence[StatisticalDetection], *, limit: int = MAX_EFFECT_SERIES) -> list[Series]:
    """Per feature, its effect size at each run; the ``limit`` features with the largest effect at any run.

    The unit follows the name: ``σ`` (reference standard deviations) or ``TV`` (total variation).
    """
    largest: dict[str, float] = {}
    units: dict[str, str] = {}
    for run in runs:
        for feature in run.features:
            size = feature.effect_size if feature.effect_size is not None else 0.0
            largest[feature.name] = max(largest.get(feature.name, 0.0), size)
            units[feature.name] = _UNITS.get(str(feature.effect_unit), "")
    chosen = sorted(largest, key=lambda name: (-largest[name], name))[:limit]
    series = []
    for name in chosen:
        points = []
        for run in runs:
            found = next((feature for feature in run.features if feature.name == name), None)
            points.append((run.started_at, None if found is None else found.effect_size))
        series.append(Series(f"{name} ({units[name]})" if units[name] else name, points))
    return series
