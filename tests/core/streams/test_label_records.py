"""Predictions in observation records and labels in outcome records, applied exactly once with the offsets."""

from __future__ import annotations

import json
import uuid

import numpy as np
import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.adapters.files.rows_reader import read_rows
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.streams.in_memory import InMemoryDeadLetterSink
from aumos_drift_detector.core.streams.model import DeadLetterReason, StreamKind
from aumos_drift_detector.core.streams.service import StreamIngest
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.inputs import ADMIN, draft
from tests.core.streams.test_service import GROUP, OBSERVATIONS, OUTCOMES, on


@pytest.fixture
def ingest(container: Container, services: Services) -> StreamIngest:
    topics = {OBSERVATIONS: StreamKind.OBSERVATIONS, OUTCOMES: StreamKind.OUTCOMES}
    sink = InMemoryDeadLetterSink()
    return StreamIngest(
        container.unit_of_work,
        services.datasets,
        services.concept,
        sink,
        read_rows,
        group=GROUP,
        topics=topics,
        labels=services.labels,
    )


def predictions_record(monitor_id: uuid.UUID, first: int, predicted: list[float]) -> bytes:
    rows = [
        {"age": 40, "plan": "pro", "inference_id": f"i{first + n}", "prediction": value, "score": 0.5}
        for n, value in enumerate(predicted)
    ]
    return json.dumps({"tenant_id": "acme", "monitor_id": str(monitor_id), "rows": rows}).encode()


def labels_record(monitor_id: uuid.UUID, labels: dict[int, object]) -> bytes:
    items = [{"inference_id": f"i{n}", "label": label} for n, label in labels.items()]
    return json.dumps({"tenant_id": "acme", "monitor_id": str(monitor_id), "labels": items}).encode()


async def test_labels_join_predictions_across_batches_once_and_in_prediction_order(
    ingest: StreamIngest, services: Services, storage: InMemoryStorage
) -> None:
    config = parse_concept({"detector": "ADWIN", "error": "absolute"})
    monitor_id = (await services.monitors.create(ADMIN, draft(concept=config))).id
    predicted = [float(x) for x in np.random.default_rng(3).normal(size=8).round(2)]
    truth = [p + (n % 3) for n, p in enumerate(predicted)]
    early = on(OUTCOMES, [labels_record(monitor_id, {6: truth[6], 99: 1.0})])
    first = early + on(OBSERVATIONS, [predictions_record(monitor_id, 0, predicted[:4])])
    second = on(OBSERVATIONS, [predictions_record(monitor_id, 4, predicted[4:])], first=1)
    second += on(OUTCOMES, [labels_record(monitor_id, {n: truth[n] for n in (3, 1, 0, 2, 5, 4)})], first=1)
    second += on(OUTCOMES, [labels_record(monitor_id, {7: "cat"})], first=2)
    one = await ingest.apply(first)
    two = await ingest.apply(second)
    again = await ingest.apply(second)
    assert (one.unknown_labels, one.joined, two.joined, two.applied, again.skipped) == (2, 0, 7, 2, 3)
    assert [letter.reason for letter in two.dead_letters] == [DeadLetterReason.REJECTED]
    assert "labels[0].label" in two.dead_letters[0].message
    reference = parse_concept({"detector": "ADWIN"}).build()
    reference.update_many(np.abs(np.array(truth[:7]) - np.array(predicted[:7])))
    assert storage.concept_states[monitor_id].state == reference.to_state()
    cursor = storage.label_cursors[monitor_id]
    assert (cursor.next_sequence, cursor.watermark, cursor.joined, cursor.unknown) == (8, 7, 7, 2)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"values": [1], "labels": [{"inference_id": "a", "label": 1}]}, "labels: send either values or labels"),
        ({"labels": []}, "labels: must be a non-empty list"),
        ({"labels": [{"inference_id": "a"}]}, "labels[0]: must be an object with inference_id and label"),
        ({"labels": [{"inference_id": ["a"], "label": 1}]}, "labels[0]: inference_id must be a string"),
    ],
)
async def test_malformed_label_records_are_dead_lettered_as_invalid(
    ingest: StreamIngest, services: Services, body: dict[str, object], message: str
) -> None:
    config = parse_concept({"detector": "ADWIN", "error": "absolute"})
    monitor_id = (await services.monitors.create(ADMIN, draft(concept=config))).id
    value = json.dumps({"tenant_id": "acme", "monitor_id": str(monitor_id), **body}).encode()
    result = await ingest.apply(on(OUTCOMES, [value]))
    assert [(letter.reason, letter.message.startswith(message)) for letter in result.dead_letters] == [
        (DeadLetterReason.INVALID_RECORD, True)
    ]
