"""StreamIngest coalesces a polled batch per monitor: one stored batch and one detector call each, in order."""

from __future__ import annotations

import json
import uuid

import numpy as np

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.monitors.segments import SegmentsConfig
from aumos_drift_detector.core.streams.in_memory import InMemoryDeadLetterSink
from aumos_drift_detector.core.streams.model import DeadLetterReason
from aumos_drift_detector.core.streams.service import StreamIngest
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.core.validation import parse
from tests.core.inputs import ADMIN, draft
from tests.core.streams.test_service import (
    OBSERVATIONS,
    OUTCOMES,
    churn_monitor,
    ingest,
    on,
    rows_record,
    sink,
    values_record,
)

__all__ = ["ingest", "sink"]  # fixtures


def stored_ages(storage: InMemoryStorage, monitor_id: uuid.UUID) -> list[list[object]]:
    """The ages of each stored batch of the monitor, batch by batch in the order stored."""
    batches = sorted(
        (batch for batch in storage.observations.values() if batch.monitor_id == monitor_id),
        key=lambda batch: batch.received_at,
    )
    return [batch.columns["age"] for batch in batches]


async def test_the_records_of_each_monitor_are_stored_as_one_batch_in_the_order_read(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage
) -> None:
    first, second = await churn_monitor(services), await churn_monitor(services)
    records = on(
        OBSERVATIONS,
        [
            rows_record(first, [30, 31]),
            rows_record(second, [60]),
            rows_record(first, [32]),
            rows_record(second, [61, 62]),
            rows_record(first, [33]),
        ],
    )
    result = await ingest.apply(records)
    assert (result.applied, result.rows, result.dead_letters) == (5, 7, ())
    assert stored_ages(storage, first) == [[30, 31, 32, 33]]
    assert stored_ages(storage, second) == [[60, 61, 62]]


async def test_a_monitors_outcomes_are_fed_in_one_call_equal_to_feeding_them_record_by_record(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage
) -> None:
    first, second = await churn_monitor(services), await churn_monitor(services)
    rng = np.random.default_rng(11)
    parts = {monitor: [[float(x) for x in rng.random(40) < 0.3] for _ in range(4)] for monitor in (first, second)}
    interleaved = [values_record(monitor, parts[monitor][n]) for n in range(4) for monitor in (first, second)]
    result = await ingest.apply(on(OUTCOMES, interleaved))
    assert (result.applied, result.outcomes) == (8, 320)
    for monitor in (first, second):
        reference = parse_concept({"detector": "DDM"}).build()
        for part in parts[monitor]:
            reference.update_many(part)
        assert storage.concept_states[monitor].state == reference.to_state()


async def test_a_bad_record_is_dead_lettered_alone_and_the_good_records_of_its_monitor_are_stored(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage, sink: InMemoryDeadLetterSink
) -> None:
    monitor_id = await churn_monitor(services)
    text_age = rows_record(monitor_id, ["old"])
    records = on(OBSERVATIONS, [rows_record(monitor_id, [30]), text_age, rows_record(monitor_id, [31, 32])])
    result = await ingest.apply(records)
    assert [(letter.record.offset, letter.reason) for letter in sink.letters] == [(1, DeadLetterReason.REJECTED)]
    assert "'age'" in sink.letters[0].message
    assert (result.applied, result.rows) == (2, 3)
    assert [age for batch in stored_ages(storage, monitor_id) for age in batch] == [30, 31, 32]


async def test_a_record_lacking_a_declared_column_is_refused_though_others_of_its_batch_carry_it(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage, sink: InMemoryDeadLetterSink
) -> None:
    monitor_id = await churn_monitor(services)
    no_plan = json.dumps({"tenant_id": "acme", "monitor_id": str(monitor_id), "rows": [{"age": 3}]}).encode()
    records = on(OBSERVATIONS, [rows_record(monitor_id, [30]), no_plan, rows_record(monitor_id, [31])])
    result = await ingest.apply(records)
    assert [(letter.record.offset, letter.reason) for letter in sink.letters] == [(1, DeadLetterReason.REJECTED)]
    assert "'plan'" in sink.letters[0].message
    assert (result.applied, stored_ages(storage, monitor_id)) == (2, [[30, 31]])


async def test_a_record_lacking_a_segment_column_is_refused_though_others_of_its_batch_carry_it(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage, sink: InMemoryDeadLetterSink
) -> None:
    segments = parse(SegmentsConfig, {"by": ["country"]})
    monitor_id = (await services.monitors.create(ADMIN, draft(segments=segments))).id

    def record(age: int, **extra: object) -> bytes:
        row = {"age": age, "plan": "pro", **extra}
        return json.dumps({"tenant_id": "acme", "monitor_id": str(monitor_id), "rows": [row]}).encode()

    records = on(OBSERVATIONS, [record(30, country="DE"), record(3), record(31, country="FR")])
    result = await ingest.apply(records)
    assert [(letter.record.offset, letter.reason) for letter in sink.letters] == [(1, DeadLetterReason.REJECTED)]
    assert "'country' is missing (declared as a segment column)" in sink.letters[0].message
    assert (result.applied, stored_ages(storage, monitor_id)) == (2, [[30, 31]])
