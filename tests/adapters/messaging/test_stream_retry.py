"""A batch that fails is read again from the stored offsets: nothing of it is lost, nothing applied twice."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from prometheus_client import CollectorRegistry

from aumos_drift_detector.adapters.files.rows_reader import read_rows
from aumos_drift_detector.adapters.messaging.stream_consumer import KafkaStreamConsumer
from aumos_drift_detector.adapters.messaging.stream_metrics import StreamMetrics
from aumos_drift_detector.bootstrap import bootstrap
from aumos_drift_detector.core.errors import PublishError
from aumos_drift_detector.core.streams.in_memory import InMemoryDeadLetterSink
from aumos_drift_detector.core.streams.model import DeadLetter, StreamKind
from aumos_drift_detector.core.streams.service import StreamIngest
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.settings import load_settings
from tests import servers
from tests.adapters.messaging.streams import (
    GROUP,
    OBSERVATIONS,
    OUTCOMES,
    Produced,
    concept_monitors,
    create_topics,
    outcomes,
    produce,
    run_until_applied,
)
from tests.core.inputs import ADMIN

pytestmark = pytest.mark.integration


class FlakySink(InMemoryDeadLetterSink):
    """Fails its first ``failures`` sends, then delivers."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def send(self, letters: Sequence[DeadLetter]) -> None:
        if letters and self.failures:
            self.failures -= 1
            raise PublishError("dead-letter topic unavailable")
        await super().send(letters)


async def test_a_failed_batch_is_read_again_from_the_stored_offsets(broker: servers.Broker) -> None:
    storage = InMemoryStorage()
    container = bootstrap(load_settings(kafka_bootstrap_servers=None, scheduler_enabled=False), storage=storage)
    (monitor_id,) = await concept_monitors(container, 1)
    key = str(monitor_id).encode()
    values = [[n % 2, 1, 0] for n in range(40)]
    sent = [Produced(OUTCOMES, key, outcomes(monitor_id, batch)) for batch in values]
    sent.insert(13, Produced(OUTCOMES, key, b"not json"))
    create_topics(broker.bootstrap_servers, OBSERVATIONS, OUTCOMES)
    produce(broker.bootstrap_servers, sent)
    services = container.services()
    sink = FlakySink(failures=2)
    topics = {OBSERVATIONS: StreamKind.OBSERVATIONS, OUTCOMES: StreamKind.OUTCOMES}
    ingest = StreamIngest(
        storage.unit_of_work, services.datasets, services.concept, sink, read_rows, group=GROUP, topics=topics
    )
    registry = CollectorRegistry()
    metrics = StreamMetrics(registry)
    consumer = KafkaStreamConsumer(
        ingest,
        broker.bootstrap_servers,
        metrics=metrics,
        max_records=5,
        max_wait_seconds=0.2,
        retry_seconds=0.1,
        config={"session.timeout.ms": 1000, "heartbeat.interval.ms": 300},
    )
    await run_until_applied(container, consumer.run, len(sent))
    assert registry.get_sample_value("aumos_drift_stream_failed_batches_total") == 2
    assert (consumer.status.consecutive_failures, consumer.status.last_error) == (0, "dead-letter topic unavailable")
    assert [letter.record.value for letter in sink.letters] == [b"not json"]
    status = await services.concept.status(ADMIN, monitor_id)
    assert status.n_seen == sum(len(batch) for batch in values)
