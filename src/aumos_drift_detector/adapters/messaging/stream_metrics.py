"""Prometheus metrics of the ingest stream consumer."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from aumos_drift_detector.core.streams.model import BatchResult, StreamRecord


class StreamMetrics:
    """Records and rows consumed, dead letters per reason, failed batches, batch durations and lag per partition.

    Args:
        registry: The registry the metrics are exposed from.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        def counter(name: str, documentation: str, labels: Sequence[str] = ()) -> Counter:
            return Counter(f"aumos_drift_stream_{name}_total", documentation, labels, registry=registry)

        self.records = counter("records", "Stream records consumed (applied or dead-lettered)", ["topic"])
        self.rows = counter("rows", "Production rows stored from the stream")
        self.outcomes = counter("outcomes", "Outcome values fed to concept detectors from the stream")
        self.dead_letters = counter(
            "dead_letters",
            "Stream records sent to the dead-letter topic, per reason and message key (the monitor the record "
            "names, by the keying convention; '-' for a record without a key)",
            ["reason", "key"],
        )
        self.joined = counter("label_joins", "Labels from the stream joined to their stored prediction")
        self.unknown_labels = counter(
            "unknown_labels", "Labels from the stream whose prediction was not stored, kept pending"
        )
        self.expired_predictions = counter("expired_predictions", "Predictions dropped unlabelled after their time")
        self.failed_batches = counter("failed_batches", "Batches rolled back and read again")
        self.batch_seconds = Histogram(
            "aumos_drift_stream_batch_seconds",
            "Seconds to apply and commit one batch (rows, joins, detector state and offsets in one transaction)",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
            registry=registry,
        )
        self.lag = Gauge(
            "aumos_drift_stream_lag",
            "Records on the partition not yet applied",
            ["topic", "partition"],
            registry=registry,
        )

    def observe(self, records: Sequence[StreamRecord], result: BatchResult, seconds: float) -> None:
        """Count a committed batch that took ``seconds`` to apply."""
        self.batch_seconds.observe(seconds)
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
