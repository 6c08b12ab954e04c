"""Per-feature results of the statistical engine, recorded as the detection's typed feature results."""

from __future__ import annotations

import math

from pydantic import JsonValue

from aumos_drift_detector.core.detections.model import FeatureDistribution, FeatureResult, MissingValues
from aumos_drift_detector.core.statistical import FeatureDriftResult
from aumos_drift_detector.core.statistical.distribution import Distribution


def finite(value: float | None) -> float | None:
    """JSON has no NaN or infinity: such values are recorded as ``None``."""
    return float(value) if value is not None and math.isfinite(value) else None


def json_value(value: object) -> JsonValue:
    """A test's detail as JSON: non-finite numbers become ``None``, containers are walked."""
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return finite(value)
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return str(value)


def _distribution(picture: Distribution | None) -> FeatureDistribution | None:
    if picture is None:
        return None
    return FeatureDistribution(
        kind="histogram" if picture.kind == "histogram" else "categories",
        reference_counts=list(picture.reference_counts),
        current_counts=list(picture.current_counts),
        edges=list(picture.edges),
        labels=list(picture.labels),
        other_categories=picture.other_categories,
    )


def feature_result(item: FeatureDriftResult) -> FeatureResult:
    """The recorded result of one feature of a check.

    >>> import numpy as np
    >>> from aumos_drift_detector.core.statistical import ReferenceProfile, evaluate
    >>> rng = np.random.default_rng(1)
    >>> profile = ReferenceProfile.from_data({"x": rng.normal(0, 1, 300)})
    >>> found = feature_result(evaluate(profile, {"x": rng.normal(3, 1, 300)}).features[0])
    >>> found.name, found.test, found.drift_detected
    ('x', 'ks', True)
    """
    missing = item.missing
    return FeatureResult(
        name=item.name,
        kind=item.kind,
        test=item.result.test,
        statistic=finite(item.result.statistic),
        p_value=finite(item.result.p_value),
        adjusted_p_value=finite(item.adjusted_p_value),
        threshold=float(item.result.threshold),
        test_drift_detected=item.test_drift_detected,
        drift_detected=item.drift_detected,
        strength=finite(item.strength),
        weight=float(item.weight),
        n_reference=int(item.result.n_reference),
        n_current=int(item.result.n_current),
        missing=MissingValues(
            reference_missing=missing.reference_missing,
            reference_total=missing.reference_total,
            current_missing=missing.current_missing,
            current_total=missing.current_total,
            reference_share=missing.reference_share,
            current_share=missing.current_share,
            shift=missing.shift,
            max_shift=missing.max_shift,
            drift_detected=missing.drift_detected,
        ),
        details={str(key): json_value(value) for key, value in item.result.details.items()},
        effect_size=finite(item.effect_size),
        effect_unit=item.effect_unit,
        distribution=_distribution(item.distribution),
    )
