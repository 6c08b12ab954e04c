"""What the stream consumer tests share: seeded records, topics on the broker, and reading what was stored."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import numpy as np
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
from sqlalchemy import func, select

from aumos_drift_detector.adapters.files.rows_reader import read_rows
from aumos_drift_detector.adapters.persistence.tables import DetectionRow
from aumos_drift_detector.bootstrap import Container, bootstrap
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.streams.in_memory import InMemoryDeadLetterSink
from aumos_drift_detector.core.streams.model import Partition, StreamKind, StreamRecord
from aumos_drift_detector.core.streams.service import StreamIngest
from aumos_drift_detector.core.unit_of_work import UnitOfWork
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.settings import Settings, load_settings
from tests.core.inputs import ADMIN, draft

OBSERVATIONS, OUTCOMES, DEAD_LETTERS = "drift.observations", "drift.outcomes", "drift.ingest.dead_letter"
GROUP = "aumos-drift-ingest"
PARTITIONS = 3
#: How long a test waits for the broker and the consumers before it fails.
WAIT_SECONDS = 60


@dataclass(frozen=True)
class Produced:
    """A record as produced: its topic, key, value, and where given its partition and headers."""

    topic: str
    key: bytes
    value: bytes
    partition: int | None = None
    headers: tuple[tuple[str, bytes], ...] = ()


def stream_settings(database_url: str, bootstrap_servers: str) -> dict[str, str]:
    """The consumer's settings as environment variables: small batches, a short session timeout."""
    return {
        "AUMOS_DRIFT_DATABASE_URL": database_url,
        "AUMOS_DRIFT_KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
        "AUMOS_DRIFT_KAFKA_CONSUMER_MAX_RECORDS": "7",
        "AUMOS_DRIFT_KAFKA_CONSUMER_MAX_BATCH_BYTES": "4096",  # a poll of larger records is applied in parts
        "AUMOS_DRIFT_KAFKA_CONSUMER_MAX_WAIT_SECONDS": "0.2",
        "AUMOS_DRIFT_KAFKA_CONSUMER_SESSION_TIMEOUT_MS": "1000",
        "AUMOS_DRIFT_SCHEDULER_ENABLED": "false",
        "AUMOS_DRIFT_LOG_LEVEL": "WARNING",
    }


def settings_of(environment: dict[str, str]) -> Settings:
    """The same settings, built in this process."""
    prefix = "AUMOS_DRIFT_"
    return load_settings(**{name.removeprefix(prefix).lower(): value for name, value in environment.items()})


def create_topics(bootstrap_servers: str, *names: str) -> None:
    """Create the topics with :data:`PARTITIONS` partitions each."""
    admin = AdminClient({"bootstrap.servers": bootstrap_servers})
    futures = admin.create_topics([NewTopic(name, num_partitions=PARTITIONS, replication_factor=1) for name in names])
    for future in futures.values():
        future.result(15)


def produce(bootstrap_servers: str, records: Sequence[Produced]) -> None:
    """Produce the records in order (idempotent producer, every one acknowledged)."""
    producer = Producer({"bootstrap.servers": bootstrap_servers, "enable.idempotence": True, "acks": "all"})
    failures: list[str] = []
    for record in records:
        placed = {} if record.partition is None else {"partition": record.partition}
        producer.produce(
            record.topic,
            key=record.key,
            value=record.value,
            headers=list(record.headers),
            on_delivery=lambda error, _message: failures.append(str(error)) if error else None,
            **placed,
        )
    assert producer.flush(30) == 0
    assert failures == []


async def concept_monitors(container: Container, count: int) -> list[uuid.UUID]:
    """Monitors of the churn example with an ADWIN concept detector."""
    services = container.services()
    concept = parse_concept({"detector": "ADWIN"})
    return [(await services.monitors.create(ADMIN, draft(name=f"churn-{n}", concept=concept))).id for n in range(count)]


def seeded_records(monitors: Sequence[uuid.UUID], *, per_topic: int, seed: int) -> list[Produced]:
    """Observation and outcome records for the monitors, interleaved; the error rate rises half way."""
    rng = np.random.default_rng(seed)
    records: list[Produced] = []
    for n in range(per_topic):
        monitor_id = monitors[int(rng.integers(len(monitors)))]
        key = str(monitor_id).encode()
        ages = np.round(rng.normal(40, 10, int(rng.integers(1, 12))), 1)
        rows = [{"age": float(age), "plan": str(rng.choice(["basic", "pro", "team"]))} for age in ages]
        body = {"tenant_id": "acme", "monitor_id": str(monitor_id), "rows": rows}
        records.append(Produced(OBSERVATIONS, key, json.dumps(body).encode()))
        error_rate = 0.1 if n < per_topic // 2 else 0.6
        values = [int(x) for x in rng.random(int(rng.integers(20, 80))) < error_rate]
        body = {"tenant_id": "acme", "monitor_id": str(monitor_id), "values": values}
        records.append(Produced(OUTCOMES, key, json.dumps(body).encode()))
    return records


async def labelled_monitor(container: Container) -> uuid.UUID:
    """A monitor of the churn example whose ADWIN detector is fed misclassifications joined from labels."""
    concept = parse_concept({"detector": "ADWIN", "error": "misclassification"})
    return (await container.services().monitors.create(ADMIN, draft(name="churn-labelled", concept=concept))).id


def seeded_label_records(monitor_id: uuid.UUID, *, predictions: int, seed: int) -> list[Produced]:
    """Predictions on the observation topic and their labels on the outcome topic, shuffled and late.

    One label in ten never comes, one batch of labels in five also names an inference that was never predicted,
    and the label batches are placed at random among the prediction batches, so some labels reach the consumer
    before their prediction. The model errs on a quarter of the first half and on two thirds of the second.
    """
    rng = np.random.default_rng(seed)
    key, base = str(monitor_id).encode(), {"tenant_id": "acme", "monitor_id": str(monitor_id)}
    predicted = rng.integers(0, 2, predictions)
    wrong = rng.random(predictions) < np.where(np.arange(predictions) < predictions // 2, 0.25, 0.66)
    truth = np.where(wrong, 1 - predicted, predicted)
    records: list[Produced] = []
    for start in range(0, predictions, 10):
        rows = [
            {"age": 40.0, "plan": "pro", "inference_id": f"p{n}", "prediction": str(predicted[n])}
            for n in range(start, min(start + 10, predictions))
        ]
        records.append(Produced(OBSERVATIONS, key, json.dumps({**base, "rows": rows}).encode()))
    labelled = [int(n) for n in rng.permutation(predictions) if rng.random() >= 0.1]
    for number, start in enumerate(range(0, len(labelled), 12)):
        labels = [{"inference_id": f"p{n}", "label": str(truth[n])} for n in labelled[start : start + 12]]
        if number % 5 == 0:
            labels.append({"inference_id": f"ghost{number}", "label": "1"})
        record = Produced(OUTCOMES, key, json.dumps({**base, "labels": labels}).encode())
        records.insert(int(rng.integers(0, len(records) + 1)), record)
    return records


def all_partitions(*topics: str) -> list[Partition]:
    """Every partition of the topics."""
    return [Partition(topic, number) for topic in topics for number in range(PARTITIONS)]


async def consumed(container: Container, *topics: str) -> int:
    """How many records the group has applied (the stored next offsets summed over the partitions)."""
    async with container.unit_of_work() as uow:
        return sum((await uow.consumer_offsets.positions(GROUP, all_partitions(*topics))).values())


def container_of(environment: dict[str, str]) -> Container:
    """A container on the test's database, without background loops."""
    return bootstrap(settings_of(environment))


def outcomes(monitor_id: uuid.UUID, values: list[object]) -> bytes:
    """An outcome record's value."""
    return json.dumps({"tenant_id": "acme", "monitor_id": str(monitor_id), "values": values}).encode()


def rows(monitor_id: uuid.UUID, ages: list[object]) -> bytes:
    """An observation record's value: rows of the churn example with these ages."""
    body = {"tenant_id": "acme", "monitor_id": str(monitor_id), "rows": [{"age": a, "plan": "pro"} for a in ages]}
    return json.dumps(body).encode()


async def uninterrupted(
    container: Container, monitors: Sequence[uuid.UUID], records: Sequence[Produced]
) -> tuple[Container, InMemoryStorage]:
    """The same records applied in one go, in production order, on in-memory storage."""
    storage = InMemoryStorage()
    async with container.unit_of_work() as source, storage.unit_of_work() as target:
        for monitor_id in monitors:
            await target.monitors.add(await source.monitors.get("acme", monitor_id))
        await target.commit()
    reference = bootstrap(load_settings(kafka_bootstrap_servers=None, scheduler_enabled=False), storage=storage)
    services = reference.services()
    topics = {OBSERVATIONS: StreamKind.OBSERVATIONS, OUTCOMES: StreamKind.OUTCOMES}
    sink = InMemoryDeadLetterSink()
    ingest = StreamIngest(
        storage.unit_of_work,
        services.datasets,
        services.concept,
        sink,
        read_rows,
        group=GROUP,
        topics=topics,
        labels=services.labels,
    )
    result = await ingest.apply([StreamRecord(r.topic, 0, n, r.key, r.value) for n, r in enumerate(records)])
    assert (result.applied, result.dead_letters) == (len(records), ())
    return reference, storage


async def detections_stored(container: Container) -> int:
    assert container.engine is not None
    async with container.engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(DetectionRow))).scalar_one())


async def stored(
    container: Container, monitors: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, list[object], object, object]]:
    """Per monitor: stored rows, their ages in the order stored, the concept detector's state and the label join.

    The rows are compared, not the batches: how many records a stored batch coalesces depends on where
    the polls of a run happened to cut the stream. Of the label join, what does not depend on how the polls
    interleaved the two topics: the next sequence, the watermark, the joined and duplicate counts and the
    predictions still stored with their errors (a label polled before its prediction is counted as unknown,
    one polled after it is not).
    """
    found = {}
    async with container.unit_of_work() as uow:
        for monitor_id in monitors:
            rows = await uow.observations.received_rows("acme", monitor_id, since=None, until=None)
            batches = await uow.observations.received_batches(
                "acme", monitor_id, columns=["age"], since=None, until=None
            )
            ages = [age for batch in batches for age in batch.table.to_pydict()["age"]]
            checkpoint = await uow.concept_states.get("acme", monitor_id)
            found[monitor_id] = (
                rows,
                ages,
                checkpoint.state if checkpoint else None,
                await _label_join(uow, monitor_id),
            )
    return found


async def _label_join(uow: UnitOfWork, monitor_id: uuid.UUID) -> object:
    cursor = await uow.labels.cursor("acme", monitor_id)
    if cursor is None:
        return None
    waiting = await uow.labels.predictions_by_id("acme", monitor_id, [f"p{n}" for n in range(cursor.next_sequence)])
    kept = sorted((item.sequence, item.inference_id, item.prediction, item.error) for item in waiting.values())
    return (cursor.next_sequence, cursor.watermark, cursor.joined, cursor.duplicates, kept)


async def eventually(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait until ``condition()`` holds, failing with ``what`` after :data:`WAIT_SECONDS`."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not await condition():
        assert time.monotonic() < deadline, f"{what}: not within {WAIT_SECONDS} s"
        await asyncio.sleep(0.05)


async def run_until_applied(container: Container, run: Callable[[asyncio.Event], Awaitable[None]], count: int) -> None:
    """Run a consumer (``run(stop)``) in this process until the group has applied ``count`` records, then stop it."""
    stop = asyncio.Event()
    task = asyncio.create_task(run(stop))

    async def applied() -> bool:
        assert not task.done(), task.exception()
        return await consumed(container, OBSERVATIONS, OUTCOMES) >= count

    try:
        await eventually(applied, f"{count} records applied")
    finally:
        stop.set()
        await task
