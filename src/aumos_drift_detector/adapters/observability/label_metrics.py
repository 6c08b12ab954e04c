"""Prometheus counters of the label joins, by source: REST calls, the stream consumer and the expiry pass."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

from aumos_drift_detector.core.labels.model import JoinResult

#: Counter name (``aumos_drift_label_<name>_total``), the ``JoinResult`` field it adds, and its help text.
_COUNTS = (
    ("predictions", "predictions", "Predictions stored for joining"),
    ("joins", "joined", "Labels joined to their stored prediction"),
    ("unknown", "unknown", "Labels whose prediction was not stored, kept pending"),
    ("expired_predictions", "expired_predictions", "Predictions dropped unlabelled after their time"),
    ("expired_labels", "expired_labels", "Pending labels dropped without their prediction"),
    ("duplicates", "duplicates", "Predictions or labels refused as repeated"),
    ("errors_fed", "fed", "Joined errors fed to the concept detectors, in prediction order"),
)


class LabelJoinMetrics:
    """Counts committed label joins (core's ``JoinCounter``) with a ``source`` label: rest, stream or expiry.

    Args:
        registry: The container's registry.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self._counters = [
            (field, Counter(f"aumos_drift_label_{name}_total", documentation, ["source"], registry=registry))
            for name, field, documentation in _COUNTS
        ]

    def count(self, source: str, result: JoinResult) -> None:
        """Add a committed call's counts under ``source``."""
        for field, counter in self._counters:
            value = getattr(result, field)
            if value:
                counter.labels(source).inc(value)
