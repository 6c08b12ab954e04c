"""Prometheus metrics of the ingest stream consumer."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge

from aumos_drift_detector.core.streams.model import BatchResult, StreamRecord


class StreamMetrics:
    """Records and rows consumed, dead letters per reason, failed batches and lag per partition.

    Args:
        registry: The registry the metrics are exposed from.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self.records = Counter(
            "aumos_drift_stream_records_total",
            "Stream records consumed (applied or dead-lettered)",
            ["topic"],
            registry=registry,
        )
        self.rows = Counter(
            "aumos_drift_stream_rows_total", "Production rows stored from the stream", registry=registry
        )
        self.outcomes = Counter(
            "aumos_drift_stream_outcomes_total",
            "Outcome values fed to concept detectors from the stream",
            registry=registry,
        )
        self.dead_letters = Counter(
            "aumos_drift_stream_dead_letters_total",
            "Stream records sent to the dead-letter topic, per reason and message key (the monitor the record "
            "names, by the keying convention; '-' for a record without a key)",
            ["reason", "key"],
            registry=registry,
        )
        self.joined = Counter(
            "aumos_drift_stream_label_joins_total",
            "Labels from the stream joined to their stored prediction",
            registry=registry,
        )
        self.unknown_labels = Counter(
            "aumos_drift_stream_unknown_labels_total",
            "Labels from the stream whose prediction was not stored, kept pending",
            registry=registry,
        )
        self.expired_predictions = Counter(
            "aumos_drift_stream_expired_predictions_total",
            "Predictions dropped unlabelled after their time",
            registry=registry,
        )
        self.failed_batches = Counter(
            "aumos_drift_stream_failed_batches_total", "Batches rolled back and read again", registry=registry
        )
        self.lag = Gauge(
            "aumos_drift_stream_lag",
            "Records on the partition not yet applied",
            ["topic", "partition"],
            registry=registry,
        )

    def observe(self, records: Sequence[StreamRecord], result: BatchResult) -> None:
        """Count a committed batch."""
        for record in records:
            self.records.labels(record.topic).inc()
        self.rows.inc(result.rows)
        self.outcomes.inc(result.outcomes)
        self.joined.inc(result.joined)
        self.unknown_labels.inc(result.unknown_labels)
        self.expired_predictions.inc(result.expired_predictions)
        for letter in result.dead_letters:
            self.dead_letters.labels(letter.reason.value, _key(letter.record.key)).inc()


#: The longest message key kept as a metric label (a monitor id is 36 characters).
_MAX_KEY = 64


def _key(key: bytes | None) -> str:
    r"""A message key as a metric label: its text, cut to a bounded length; ``-`` when absent or not text.

    >>> _key(b"0b5c4a9e-1d5f-4a57-9a43-3d4bbf0a1a2e"), _key(None), _key(b"\xff")
    ('0b5c4a9e-1d5f-4a57-9a43-3d4bbf0a1a2e', '-', '-')
    """
    if not key:
        return "-"
    try:
        return key.decode("utf-8")[:_MAX_KEY]
    except UnicodeDecodeError:
        return "-"
