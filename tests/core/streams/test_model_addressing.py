"""Records naming a model version instead of a monitor go to each of the tenant's active monitors of it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping

import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.adapters.files.rows_reader import read_rows
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.monitors.model import MonitorStatus
from aumos_drift_detector.core.monitors.service import MonitorChanges
from aumos_drift_detector.core.streams.in_memory import InMemoryDeadLetterSink
from aumos_drift_detector.core.streams.model import DeadLetterReason, StreamKind, StreamRecord
from aumos_drift_detector.core.streams.records import ModelVersion, RecordError, decode
from aumos_drift_detector.core.streams.service import StreamIngest
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.inputs import ADMIN, draft

OBSERVATIONS, OUTCOMES = "drift.observations", "drift.outcomes"
MODEL = {"tenant_id": "acme", "model_id": "churn-model", "model_version": "3"}


@pytest.fixture
def sink() -> InMemoryDeadLetterSink:
    return InMemoryDeadLetterSink()


@pytest.fixture
def ingest(container: Container, services: Services, sink: InMemoryDeadLetterSink) -> StreamIngest:
    topics = {OBSERVATIONS: StreamKind.OBSERVATIONS, OUTCOMES: StreamKind.OUTCOMES}
    return StreamIngest(
        container.unit_of_work, services.datasets, services.concept, sink, read_rows, group="g", topics=topics
    )


async def monitor(services: Services, *, version: str = "3", concept: bool = True) -> uuid.UUID:
    detector = parse_concept({"detector": "DDM"}) if concept else None
    return (await services.monitors.create(ADMIN, draft(model_version=version, concept=detector))).id


def record(topic: str, offset: int, body: Mapping[str, object]) -> StreamRecord:
    return StreamRecord(topic, 0, offset, b"churn-model", json.dumps(body).encode())


def rows_of(storage: InMemoryStorage, monitor_id: uuid.UUID) -> int:
    return sum(batch.rows for batch in storage.observations.values() if batch.monitor_id == monitor_id)


def test_a_record_names_a_monitor_or_a_model_version_never_both_nor_half_a_model() -> None:
    decoded = decode(json.dumps({**MODEL, "values": [1]}).encode(), StreamKind.OUTCOMES)
    assert (decoded.monitor_id, decoded.model) == (None, ModelVersion("churn-model", "3"))
    refused = {
        json.dumps({**MODEL, "monitor_id": str(uuid.uuid4()), "values": [1]}): "not both",
        json.dumps({"tenant_id": "acme", "model_id": "churn-model", "values": [1]}): "model_version:",
        json.dumps({"tenant_id": "acme", "model_version": "3", "values": [1]}): "model_id:",
        json.dumps({**MODEL, "model_version": "", "values": [1]}): "model_version:",
        json.dumps({"tenant_id": "acme", "values": [1]}): "monitor_id: required",
    }
    for body, named in refused.items():
        with pytest.raises(RecordError, match=named) as caught:
            decode(body.encode(), StreamKind.OUTCOMES)
        assert caught.value.reason is DeadLetterReason.INVALID_RECORD


async def test_rows_for_a_model_version_are_stored_for_each_of_its_active_monitors(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage
) -> None:
    first, second = await monitor(services), await monitor(services, concept=False)
    paused, other_version = await monitor(services), await monitor(services, version="4")
    await services.monitors.update(ADMIN, paused, MonitorChanges(status=MonitorStatus.PAUSED))
    rows = [{"age": 30, "plan": "pro"}, {"age": 41.5, "plan": "basic"}]
    by_id = {"tenant_id": "acme", "monitor_id": str(first), "rows": [{"age": 52, "plan": "team"}]}
    result = await ingest.apply([record(OBSERVATIONS, 0, {**MODEL, "rows": rows}), record(OBSERVATIONS, 1, by_id)])
    assert (result.applied, result.rows, result.dead_letters) == (3, 5, ())
    assert [rows_of(storage, each) for each in (first, second, paused, other_version)] == [3, 2, 0, 0]


async def test_outcomes_for_a_model_version_feed_each_active_monitor_with_a_concept_detector(
    ingest: StreamIngest, services: Services
) -> None:
    first = await monitor(services)
    await monitor(services, concept=False)  # skipped: the record is not refused for its sake
    second = await monitor(services)
    result = await ingest.apply([record(OUTCOMES, 0, {**MODEL, "values": [0, 1, 0]})])
    assert (result.applied, result.outcomes, result.dead_letters) == (2, 6, ())
    assert [(await services.concept.status(ADMIN, each)).n_seen for each in (first, second)] == [3, 3]


async def test_a_model_version_without_active_monitors_is_dead_lettered_as_unknown_monitor(
    ingest: StreamIngest, services: Services, sink: InMemoryDeadLetterSink
) -> None:
    await monitor(services, version="4")
    await monitor(services, concept=False)
    other_tenant = {**MODEL, "tenant_id": "globex"}
    records = [
        record(OBSERVATIONS, 0, {**other_tenant, "rows": [{"age": 30, "plan": "pro"}]}),
        record(OUTCOMES, 0, {**MODEL, "model_version": "5", "values": [1]}),
        record(OUTCOMES, 1, {**MODEL, "values": [1]}),
    ]
    result = await ingest.apply(records)
    assert result.applied == 0
    assert [(letter.record, letter.reason) for letter in sink.letters] == [
        (records[0], DeadLetterReason.UNKNOWN_MONITOR),
        (records[1], DeadLetterReason.UNKNOWN_MONITOR),
        (records[2], DeadLetterReason.REJECTED),
    ]
    assert "'churn-model' version '5'" in sink.letters[1].message
    assert "concept detector" in sink.letters[2].message


async def test_a_refused_record_for_a_model_is_dead_lettered_once_per_monitor_that_refused_it(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage, sink: InMemoryDeadLetterSink
) -> None:
    first, second = await monitor(services), await monitor(services)
    bad = record(OBSERVATIONS, 0, {**MODEL, "rows": [{"age": "old", "plan": "pro"}]})
    good = record(OBSERVATIONS, 1, {**MODEL, "rows": [{"age": 30, "plan": "pro"}]})
    result = await ingest.apply([bad, good])
    assert [(letter.record, letter.reason) for letter in sink.letters] == [(bad, DeadLetterReason.REJECTED)] * 2
    assert (result.applied, result.rows) == (2, 2)
    assert [rows_of(storage, each) for each in (first, second)] == [1, 1]
