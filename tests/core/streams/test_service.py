"""StreamIngest on in-memory storage: records and offsets in one transaction, dead letters, no repeats."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

import numpy as np
import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.adapters.files.rows_reader import read_rows
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.errors import ConflictError
from aumos_drift_detector.core.ingest.in_memory import StoredBatch
from aumos_drift_detector.core.streams.in_memory import InMemoryDeadLetterSink
from aumos_drift_detector.core.streams.model import DeadLetterReason, Partition, StreamKind, StreamRecord
from aumos_drift_detector.core.streams.service import StreamIngest
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.inputs import ADMIN, draft

OBSERVATIONS, OUTCOMES, GROUP = "drift.observations", "drift.outcomes", "ingest"


@pytest.fixture
def sink() -> InMemoryDeadLetterSink:
    return InMemoryDeadLetterSink()


@pytest.fixture
def ingest(container: Container, services: Services, sink: InMemoryDeadLetterSink) -> StreamIngest:
    topics = {OBSERVATIONS: StreamKind.OBSERVATIONS, OUTCOMES: StreamKind.OUTCOMES}
    return StreamIngest(
        container.unit_of_work, services.datasets, services.concept, sink, read_rows, group=GROUP, topics=topics
    )


async def churn_monitor(services: Services, *, detector: str | None = "DDM") -> uuid.UUID:
    concept = parse_concept({"detector": detector}) if detector else None
    return (await services.monitors.create(ADMIN, draft(concept=concept))).id


def rows_record(monitor_id: uuid.UUID, ages: Sequence[object], *, tenant: str = "acme") -> bytes:
    rows = [{"age": age, "plan": "pro"} for age in ages]
    return json.dumps({"tenant_id": tenant, "monitor_id": str(monitor_id), "rows": rows}).encode()


def values_record(monitor_id: uuid.UUID, values: Sequence[object]) -> bytes:
    return json.dumps({"tenant_id": "acme", "monitor_id": str(monitor_id), "values": list(values)}).encode()


def on(topic: str, values: Sequence[bytes | None], *, first: int = 0, partition: int = 0) -> list[StreamRecord]:
    return [StreamRecord(topic, partition, first + n, b"key", value) for n, value in enumerate(values)]


def stored_rows(storage: InMemoryStorage, monitor_id: uuid.UUID) -> int:
    batches: list[StoredBatch] = [batch for batch in storage.observations.values() if batch.monitor_id == monitor_id]
    return sum(batch.rows for batch in batches)


async def test_records_and_their_next_offsets_are_committed_together(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage
) -> None:
    monitor_id = await churn_monitor(services)
    errors = [float(x) for x in np.random.default_rng(5).random(60) < 0.2]
    records = on(OBSERVATIONS, [rows_record(monitor_id, [30, 41.5]), rows_record(monitor_id, [52])])
    records += on(OUTCOMES, [values_record(monitor_id, errors[:25]), values_record(monitor_id, errors[25:])], first=7)
    result = await ingest.apply(records)
    assert (result.applied, result.rows, result.outcomes, result.skipped, result.dead_letters) == (4, 3, 60, 0, ())
    assert result.positions == {Partition(OBSERVATIONS, 0): 2, Partition(OUTCOMES, 0): 9}
    assert await ingest.positions([Partition(OBSERVATIONS, 0), Partition(OUTCOMES, 0), Partition(OUTCOMES, 1)]) == {
        Partition(OBSERVATIONS, 0): 2,
        Partition(OUTCOMES, 0): 9,
    }
    assert stored_rows(storage, monitor_id) == 3
    status = await services.concept.status(ADMIN, monitor_id)
    fresh = parse_concept({"detector": "DDM"}).build()
    fresh.update_many(errors)
    assert (status.n_seen, status.params) == (60, fresh.to_state()["params"])
    assert storage.concept_states[monitor_id].state == fresh.to_state()


async def test_a_batch_read_again_after_its_commit_is_skipped_not_applied_twice(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage
) -> None:
    monitor_id = await churn_monitor(services)
    first = on(OBSERVATIONS, [rows_record(monitor_id, [30]), rows_record(monitor_id, [31])])
    await ingest.apply(first)
    again = await ingest.apply([*first, *on(OBSERVATIONS, [rows_record(monitor_id, [32, 33])], first=2)])
    assert (again.applied, again.skipped, again.rows) == (1, 2, 2)
    assert stored_rows(storage, monitor_id) == 4
    assert again.positions == {Partition(OBSERVATIONS, 0): 3}


async def test_bad_records_go_to_the_dead_letter_sink_and_the_good_ones_around_them_are_stored(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage, sink: InMemoryDeadLetterSink
) -> None:
    monitor_id = await churn_monitor(services)
    without_concept = await churn_monitor(services, detector=None)
    bad = {
        b'{"tenant_id": "acme", "monit': DeadLetterReason.UNPARSEABLE,
        None: DeadLetterReason.UNPARSEABLE,
        b"[1, 2]": DeadLetterReason.INVALID_RECORD,
        values_record(monitor_id, [0, "1"]): DeadLetterReason.INVALID_RECORD,
        values_record(monitor_id, [0, True]): DeadLetterReason.INVALID_RECORD,
        values_record(monitor_id, []): DeadLetterReason.INVALID_RECORD,
        json.dumps({"tenant_id": "ac\x00me", "monitor_id": str(monitor_id), "values": [0]}).encode(): (
            DeadLetterReason.INVALID_RECORD
        ),
        json.dumps({"tenant_id": "acme", "monitor_id": "churn", "values": [0]}).encode(): (
            DeadLetterReason.INVALID_RECORD
        ),
        values_record(uuid.uuid4(), [0, 1]): DeadLetterReason.UNKNOWN_MONITOR,
        values_record(monitor_id, [0.5]): DeadLetterReason.REJECTED,  # DDM takes 0 or 1 only
        values_record(without_concept, [0, 1]): DeadLetterReason.REJECTED,
    }
    values = [values_record(monitor_id, [0, 1])]
    for value in bad:
        values += [value, values_record(monitor_id, [0, 0, 1])]
    result = await ingest.apply(on(OUTCOMES, values))
    assert [(letter.record.value, letter.reason) for letter in sink.letters] == list(bad.items())
    assert [letter.record.offset for letter in sink.letters] == list(range(1, 2 * len(bad), 2))
    assert (result.applied, result.outcomes, len(result.dead_letters)) == (len(bad) + 1, 2 + 3 * len(bad), len(bad))
    assert result.positions == {Partition(OUTCOMES, 0): len(values)}
    assert (await services.concept.status(ADMIN, monitor_id)).n_seen == 2 + 3 * len(bad)


async def test_rows_the_ingest_refuses_are_dead_lettered_with_the_column_named(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage, sink: InMemoryDeadLetterSink
) -> None:
    monitor_id = await churn_monitor(services)
    other_tenant = rows_record(monitor_id, [30], tenant="globex")
    missing_plan = json.dumps({"tenant_id": "acme", "monitor_id": str(monitor_id), "rows": [{"age": 3}]}).encode()
    text_age = rows_record(monitor_id, ["old"])
    huge = rows_record(monitor_id, [2**70])
    nan_is_missing = (
        b'{"tenant_id": "acme", "monitor_id": "%s", "rows": [{"age": NaN, "plan": "pro"}]}' % str(monitor_id).encode()
    )
    values = [rows_record(monitor_id, [30]), other_tenant, missing_plan, text_age, huge, nan_is_missing]
    result = await ingest.apply(on(OBSERVATIONS, [*values, rows_record(monitor_id, [40, 50])]))
    reasons = [(letter.record.offset, letter.reason) for letter in sink.letters]
    assert reasons == [
        (1, DeadLetterReason.UNKNOWN_MONITOR),
        (2, DeadLetterReason.REJECTED),
        (3, DeadLetterReason.REJECTED),
        (4, DeadLetterReason.REJECTED),
    ]
    assert "'plan'" in sink.letters[1].message
    assert "'age'" in sink.letters[2].message
    assert "'age'" in sink.letters[3].message
    assert (stored_rows(storage, monitor_id), result.applied) == (4, 3)


async def test_nothing_is_committed_when_a_dead_letter_cannot_be_delivered(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage, sink: InMemoryDeadLetterSink
) -> None:
    monitor_id = await churn_monitor(services)
    records = on(OBSERVATIONS, [rows_record(monitor_id, [30]), b"not json", rows_record(monitor_id, [31])])
    sink.failing = True
    with pytest.raises(Exception, match="dead-letter topic unavailable"):
        await ingest.apply(records)
    assert (stored_rows(storage, monitor_id), await ingest.positions([Partition(OBSERVATIONS, 0)])) == (0, {})
    sink.failing = False
    result = await ingest.apply(records)
    assert (stored_rows(storage, monitor_id), result.positions) == (2, {Partition(OBSERVATIONS, 0): 3})


async def test_a_consumer_whose_partition_moved_on_meanwhile_commits_nothing(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage
) -> None:
    monitor_id = await churn_monitor(services)
    async with storage.unit_of_work() as uow:
        stale = await uow.consumer_offsets.positions(GROUP, [Partition(OBSERVATIONS, 0)])
        await ingest.apply(on(OBSERVATIONS, [rows_record(monitor_id, [30])]))  # another consumer commits first
        with pytest.raises(ConflictError, match=r"drift.observations\[0\] was advanced by another consumer"):
            await uow.consumer_offsets.advance(
                GROUP, Partition(OBSERVATIONS, 0), expected=stale.get(Partition(OBSERVATIONS, 0)), next_offset=1
            )
    assert storage.consumer_offsets == {(GROUP, OBSERVATIONS, 0): 1}
    assert stored_rows(storage, monitor_id) == 1
