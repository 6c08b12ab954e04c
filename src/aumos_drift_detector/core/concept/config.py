"""A monitor's concept-drift detector configuration: which detector, with which parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aumos_drift_detector.core.concept import DriftDetector
from aumos_drift_detector.core.errors import ValidationError

DEFAULT_DETECTOR = "ADWIN"


def detector_names() -> list[str]:
    """The detectors a monitor may use."""
    return sorted(DriftDetector._registry)


def build_detector(config: Mapping[str, Any]) -> DriftDetector:
    """Construct the configured detector, checking the name and the parameters.

    Raises:
        ValidationError: Unknown detector, unknown parameter or a bad value; the message names the field.

    >>> type(build_detector({"detector": "DDM", "params": {"warm_start": 50}})).__name__
    'DDM'
    """
    name = config.get("detector", DEFAULT_DETECTOR)
    detector_class = DriftDetector._registry.get(str(name))
    if detector_class is None:
        raise ValidationError(
            f"concept.detector: unknown detector {name!r}; one of {', '.join(detector_names())}",
            details={"field": "concept.detector"},
        )
    params = config.get("params") or {}
    if not isinstance(params, Mapping):
        raise ValidationError("concept.params: must be an object", details={"field": "concept.params"})
    try:
        return detector_class(**params)
    except TypeError as exc:
        raise ValidationError(f"concept.params: {exc}", details={"field": "concept.params"}) from exc
    except ValidationError as exc:
        raise ValidationError(f"concept.params: {exc.message}", details={"field": "concept.params"}) from exc


def validate_concept(config: Mapping[str, Any]) -> dict[str, Any]:
    """Check a concept configuration and return its normalised form (``detector`` and ``params``)."""
    unknown = set(config) - {"detector", "params"}
    if unknown:
        field = sorted(unknown)[0]
        raise ValidationError(f"concept.{field}: unknown field", details={"field": f"concept.{field}"})
    detector = build_detector(config)
    return {"detector": type(detector).__name__, "params": dict(config.get("params") or {})}
