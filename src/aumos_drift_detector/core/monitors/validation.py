"""Validation of monitor configuration: features, the dataset rule, the window and the schedule.

Messages name the offending field the way a request body spells it (``features[1].test``), so the
HTTP layer can return them unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.model import DatasetRule, Schedule, WindowSpec
from aumos_drift_detector.core.monitors.schedule import validate_schedule
from aumos_drift_detector.core.statistical import CATALOGUE

FEATURE_KINDS = ("numerical", "categorical", "binary", "auto")
MAX_FEATURES = 2000


def _fail(field: str, problem: str) -> ValidationError:
    return ValidationError(f"{field}: {problem}", details={"field": field})


def _feature(index: int, raw: dict[str, Any]) -> dict[str, Any]:
    prefix = f"features[{index}]"
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(f"{prefix}.name", "must be a non-empty string")
    kind = raw.get("kind", "auto")
    if kind not in FEATURE_KINDS:
        raise _fail(f"{prefix}.kind", f"must be one of {', '.join(FEATURE_KINDS)}, got {kind!r}")
    test = raw.get("test")
    if test is not None:
        spec = CATALOGUE.get(test)
        if spec is None:
            raise _fail(f"{prefix}.test", f"unknown test {test!r}; known tests: {', '.join(sorted(CATALOGUE))}")
        if kind != "auto" and kind not in spec.feature_kinds:
            allowed = ", ".join(sorted(spec.feature_kinds))
            raise _fail(f"{prefix}.test", f"{test!r} does not apply to {kind} features (it takes {allowed})")
    threshold = raw.get("threshold")
    valid_number = isinstance(threshold, int | float) and math.isfinite(threshold) and threshold > 0
    if threshold is not None and not valid_number:
        raise _fail(f"{prefix}.threshold", f"must be a positive number, got {threshold!r}")
    feature: dict[str, Any] = {"name": name, "kind": kind}
    if test is not None:
        feature["test"] = test
    if threshold is not None:
        feature["threshold"] = float(threshold)
    return feature


def validate_features(features: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check and normalise a monitor's feature list.

    Raises:
        ValidationError: Empty list, duplicate names, unknown kind or test, a test that does not fit
            the kind, a non-positive threshold.

    >>> validate_features([{"name": "age", "kind": "numerical", "test": "psi"}])
    [{'name': 'age', 'kind': 'numerical', 'test': 'psi'}]
    """
    if not features:
        raise _fail("features", "at least one feature is required")
    if len(features) > MAX_FEATURES:
        raise _fail("features", f"at most {MAX_FEATURES} features are supported")
    checked = [_feature(index, dict(raw)) for index, raw in enumerate(features)]
    seen: set[str] = set()
    for index, feature in enumerate(checked):
        if feature["name"] in seen:
            raise _fail(f"features[{index}].name", f"duplicate feature name {feature['name']!r}")
        seen.add(feature["name"])
    return checked


def validate_dataset_rule(rule: DatasetRule) -> DatasetRule:
    """Check the drift share lies in (0, 1]."""
    if not 0 < rule.drift_share <= 1:
        raise _fail("dataset_rule.drift_share", f"must be in (0, 1], got {rule.drift_share}")
    return rule


def validate_window(window: WindowSpec) -> WindowSpec:
    """Check the current-window bounds are positive and the minimum is reachable."""
    if window.last_rows is not None and window.last_rows < 1:
        raise _fail("window.last_rows", "must be at least 1")
    if window.last_seconds is not None and window.last_seconds < 1:
        raise _fail("window.last_seconds", "must be at least 1")
    if window.min_rows < 1:
        raise _fail("window.min_rows", "must be at least 1")
    if window.last_rows is not None and window.min_rows > window.last_rows:
        raise _fail("window.min_rows", f"cannot exceed window.last_rows ({window.last_rows})")
    return window


def validate_optional_schedule(schedule: Schedule | None) -> Schedule | None:
    """Check a schedule when one is given."""
    return validate_schedule(schedule) if schedule is not None else None
