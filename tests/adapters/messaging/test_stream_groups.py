"""Two consumers of one group on the real broker and PostgreSQL: they split the partitions, and when one
leaves, the other takes its partitions over from the stored offsets; the result equals one uninterrupted run.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from prometheus_client import CollectorRegistry

from aumos_drift_detector.adapters.files.rows_reader import read_rows
from aumos_drift_detector.adapters.messaging.stream_consumer import KafkaStreamConsumer
from aumos_drift_detector.adapters.messaging.stream_metrics import StreamMetrics
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.streams.in_memory import InMemoryDeadLetterSink
from aumos_drift_detector.core.streams.model import StreamKind
from aumos_drift_detector.core.streams.service import StreamIngest
from tests import servers
from tests.adapters.messaging.streams import (
    GROUP,
    OBSERVATIONS,
    OUTCOMES,
    Produced,
    all_partitions,
    concept_monitors,
    consumed,
    container_of,
    create_topics,
    detections_stored,
    eventually,
    produce,
    seeded_records,
    stored,
    stream_settings,
    uninterrupted,
)
from tests.conftest import DatabaseTarget

pytestmark = [pytest.mark.integration, pytest.mark.slow]


class Member:
    """One consumer of the group, run in this process, with its own metrics."""

    def __init__(self, container: Container, bootstrap_servers: str) -> None:
        services = container.services()
        topics = {OBSERVATIONS: StreamKind.OBSERVATIONS, OUTCOMES: StreamKind.OUTCOMES}
        ingest = StreamIngest(
            container.unit_of_work,
            services.datasets,
            services.concept,
            InMemoryDeadLetterSink(),
            read_rows,
            group=GROUP,
            topics=topics,
        )
        self.registry = CollectorRegistry()
        config = {"session.timeout.ms": 1000, "heartbeat.interval.ms": 300}
        self.consumer = KafkaStreamConsumer(
            ingest,
            bootstrap_servers,
            metrics=StreamMetrics(self.registry),
            max_records=5,
            max_wait_seconds=0.1,
            config=config,
        )
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(self.consumer.run(self.stop))

    def applied(self) -> int:
        counts = [
            self.registry.get_sample_value("aumos_drift_stream_records_total", {"topic": topic})
            for topic in (OBSERVATIONS, OUTCOMES)
        ]
        return int(sum(count or 0 for count in counts))

    async def leave(self) -> None:
        self.stop.set()
        await self.task


def placed(records: list[Produced], monitors: list[uuid.UUID]) -> list[Produced]:
    """The records with monitor n's on partition n (mod 3), so every partition has work."""
    return [Produced(r.topic, r.key, r.value, monitors.index(uuid.UUID(r.key.decode())) % 3) for r in records]


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_two_consumers_split_the_partitions_and_one_takes_over_when_the_other_leaves(
    database: DatabaseTarget, broker: servers.Broker
) -> None:
    container = container_of(stream_settings(database.url, broker.bootstrap_servers))
    await container.prepare_schema()
    members: list[Member] = []
    try:
        monitors = await concept_monitors(container, 3)
        records = placed(seeded_records(monitors, per_topic=60, seed=31), monitors)
        half = len(records) // 2
        create_topics(broker.bootstrap_servers, OBSERVATIONS, OUTCOMES)
        everything = frozenset(all_partitions(OBSERVATIONS, OUTCOMES))
        first = Member(container, broker.bootstrap_servers)
        members.append(first)
        await eventually(lambda: _holds(first, everything), "the first consumer holds every partition")
        second = Member(container, broker.bootstrap_servers)
        members.append(second)

        async def split() -> bool:
            one, other = first.consumer.status.assignment, second.consumer.status.assignment
            return bool(one) and bool(other) and one | other == everything and not one & other

        await eventually(split, "the two consumers split the partitions")
        produce(broker.bootstrap_servers, records[:half])
        await eventually(lambda: _consumed_at_least(container, half), "the first half is applied")
        assert first.applied() > 0
        assert second.applied() > 0
        await first.leave()
        await eventually(lambda: _holds(second, everything), "the second consumer takes every partition over")
        produce(broker.bootstrap_servers, records[half:])
        await eventually(lambda: _consumed_at_least(container, len(records)), "every record is applied")
        assert first.applied() + second.applied() == len(records)
        await second.leave()
        reference, storage = await uninterrupted(container, monitors, records)
        assert await stored(container, monitors) == await stored(reference, monitors)
        assert await detections_stored(container) == len(storage.detections)
    finally:
        for member in members:
            await member.leave()
        await container.close()


async def _holds(member: Member, partitions: frozenset[object]) -> bool:
    return member.consumer.status.assignment == partitions


async def _consumed_at_least(container: Container, count: int) -> bool:
    return await consumed(container, OBSERVATIONS, OUTCOMES) >= count
