"""The consumer takes the records already fetched at once and waits for a batch only when there are none."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry

from aumos_drift_detector.adapters.files.rows_reader import read_rows
from aumos_drift_detector.adapters.messaging.stream_consumer import KafkaStreamConsumer, parts_of
from aumos_drift_detector.adapters.messaging.stream_metrics import StreamMetrics
from aumos_drift_detector.bootstrap import bootstrap
from aumos_drift_detector.core.streams.in_memory import InMemoryDeadLetterSink
from aumos_drift_detector.core.streams.model import StreamKind, StreamRecord
from aumos_drift_detector.core.streams.service import StreamIngest
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.settings import load_settings


class QueuedConsumer:
    """Answers ``consume`` from a queue of fetched messages, and notes each call's count and wait."""

    def __init__(self, queued: list[str]) -> None:
        self.queued = queued
        self.calls: list[tuple[int, float]] = []

    def consume(self, num_messages: int, timeout: float) -> list[Any]:
        self.calls.append((num_messages, timeout))
        taken, self.queued = self.queued[:num_messages], self.queued[num_messages:]
        return taken


def consumer() -> KafkaStreamConsumer:
    storage = InMemoryStorage()
    container = bootstrap(load_settings(kafka_bootstrap_servers=None, scheduler_enabled=False), storage=storage)
    services = container.services()
    ingest = StreamIngest(
        storage.unit_of_work,
        services.datasets,
        services.concept,
        InMemoryDeadLetterSink(),
        read_rows,
        group="ingest",
        topics={"drift.outcomes": StreamKind.OUTCOMES},
    )
    metrics = StreamMetrics(CollectorRegistry())
    return KafkaStreamConsumer(ingest, "127.0.0.1:1", metrics=metrics, max_records=3, max_wait_seconds=0.5)


def test_records_already_fetched_are_taken_without_waiting() -> None:
    fetched = QueuedConsumer(["a", "b", "c", "d"])
    assert consumer()._poll(fetched) == ["a", "b", "c"]  # type: ignore[arg-type]
    assert fetched.calls == [(3, 0)]


def test_the_wait_applies_only_when_nothing_was_fetched() -> None:
    idle = QueuedConsumer([])
    assert consumer()._poll(idle) == []  # type: ignore[arg-type]
    assert idle.calls == [(3, 0), (3, 0.5)]


def test_a_batch_is_applied_in_parts_of_at_most_the_byte_bound_a_larger_record_alone() -> None:
    sizes = [300, 300, 500, 2_000, 100, 0, 900]
    records = [StreamRecord("drift.outcomes", 0, offset, None, b"x" * size) for offset, size in enumerate(sizes)]
    parts = parts_of(records, 1_000)
    assert [[record.offset for record in part] for part in parts] == [[0, 1], [2], [3], [4, 5, 6]]
    assert all(sum(len(r.value or b"") for r in part) <= 1_000 for part in parts if len(part) > 1)
    assert parts_of([], 1_000) == []
    assert [len(part) for part in parts_of(records, 10_000)] == [7]
