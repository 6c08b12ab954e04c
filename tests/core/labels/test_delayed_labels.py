"""DelayedLabels on in-memory storage: joins, pending labels, expiry, and the errors fed in prediction order."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import numpy as np
import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.errors import ConflictError, ValidationError
from aumos_drift_detector.core.labels.model import JoinResult, LabelCursor
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.inputs import ADMIN, OPERATOR, draft


async def labelled_monitor(services: Services, detector: str = "ADWIN", error: str = "absolute") -> uuid.UUID:
    config = parse_concept({"detector": detector, "error": error})
    return (await services.monitors.create(ADMIN, draft(concept=config))).id


async def predict(services: Services, storage: InMemoryStorage, monitor_id: uuid.UUID, rows: list[Any]) -> JoinResult:
    async with storage.unit_of_work() as uow:
        monitor = await uow.monitors.get(OPERATOR.tenant_id, monitor_id)
        found = services.labels.predictions_of(monitor, rows)
        result = await services.labels.stage_predictions(uow, OPERATOR, monitor, found)
        await uow.commit()
    return result


def cursor(storage: InMemoryStorage, monitor_id: uuid.UUID) -> LabelCursor:
    return storage.label_cursors[monitor_id]


def fed_state(storage: InMemoryStorage, monitor_id: uuid.UUID) -> dict[str, Any]:
    return dict(storage.concept_states[monitor_id].state)


async def test_errors_reach_the_detector_in_prediction_order_whatever_the_label_order(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor_id = await labelled_monitor(services, error="squared")
    rows = [{"age": 30, "inference_id": f"i{n}", "prediction": float(n)} for n in range(3)]
    await predict(services, storage, monitor_id, rows)
    later = await services.labels.ingest_labels(OPERATOR, monitor_id, [{"inference_id": "i1", "label": 3.0}])
    first = await services.labels.ingest_labels(OPERATOR, monitor_id, [{"inference_id": "i0", "label": 0.5}])
    assert (later.joined, later.fed, first.joined, first.fed) == (1, 0, 1, 2)
    detector = parse_concept({"detector": "ADWIN"}).build()
    detector.update_many(np.array([0.25, 4.0]))
    assert fed_state(storage, monitor_id) == detector.to_state()
    assert (cursor(storage, monitor_id).watermark, sorted(key[1] for key in storage.predictions)) == (2, [2])


async def test_a_label_before_its_prediction_waits_and_joins_when_the_prediction_arrives(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor_id = await labelled_monitor(services, "DDM", "misclassification")
    early = await services.labels.ingest_labels(OPERATOR, monitor_id, [{"inference_id": 7, "label": "cat"}])
    joined = await predict(services, storage, monitor_id, [{"inference_id": "7", "prediction": "dog", "score": 0.6}])
    assert (early.unknown, early.fed, joined.predictions, joined.joined, joined.fed) == (1, 0, 1, 1, 1)
    assert storage.pending_labels == {}
    assert storage.concept_states[monitor_id].state["n_seen"] == 1


async def test_predictions_and_labels_expire_and_are_counted(
    services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor_id = await labelled_monitor(services)
    await predict(services, storage, monitor_id, [{"inference_id": "a", "prediction": 1}])
    await services.labels.ingest_labels(OPERATOR, monitor_id, [{"inference_id": "ghost", "label": 2}])
    clock.advance(timedelta(days=7, seconds=1))
    late = await services.labels.ingest_labels(OPERATOR, monitor_id, [{"inference_id": "a", "label": 2}])
    assert (late.expired_predictions, late.expired_labels, late.unknown, late.joined, late.fed) == (1, 1, 1, 0, 0)
    stored = cursor(storage, monitor_id)
    assert (stored.expired_predictions, stored.expired_labels, stored.unknown, stored.watermark) == (1, 1, 2, 1)
    assert monitor_id not in storage.concept_states


async def test_repeated_ids_are_counted_once_as_duplicates(services: Services, storage: InMemoryStorage) -> None:
    monitor_id = await labelled_monitor(services)
    rows = [{"inference_id": "a", "prediction": 1}, {"inference_id": "a", "prediction": 5}, {"inference_id": "b"}]
    with pytest.raises(ValidationError, match=r"rows\[2\]\.prediction"):
        await predict(services, storage, monitor_id, rows)
    stored = await predict(services, storage, monitor_id, rows[:2])
    labels = [{"inference_id": "a", "label": 2}, {"inference_id": "a", "label": 9}]
    joined = await services.labels.ingest_labels(OPERATOR, monitor_id, labels)
    assert (stored.predictions, stored.duplicates, joined.joined, joined.duplicates, joined.fed) == (1, 1, 1, 1, 1)
    assert storage.concept_states[monitor_id].state["n_seen"] == 1


@pytest.mark.parametrize(
    ("labels", "field"),
    [
        ([], "labels"),
        ([{"inference_id": "a"}], r"labels\[0\]"),
        ([{"inference_id": "", "label": 1}], r"labels\[0\]\.inference_id"),
        ([{"inference_id": "a", "label": "cat"}], r"labels\[0\]\.label"),
        ([{"inference_id": "a", "label": 1e200}], r"labels\[0\]\.label: must be a number of magnitude at most 1e\+150"),
    ],
)
async def test_bad_labels_are_refused_naming_the_field_and_change_nothing(
    services: Services, storage: InMemoryStorage, labels: list[Any], field: str
) -> None:
    monitor_id = await labelled_monitor(services)
    with pytest.raises(ValidationError, match=field):
        await services.labels.ingest_labels(OPERATOR, monitor_id, labels)
    assert (storage.pending_labels, storage.label_cursors) == ({}, {})


async def test_a_monitor_without_an_error_setting_refuses_labels_and_ignores_prediction_columns(
    services: Services, storage: InMemoryStorage
) -> None:
    plain = (await services.monitors.create(ADMIN, draft(concept=parse_concept({"detector": "ADWIN"})))).id
    with pytest.raises(ConflictError, match=r"concept\.error"):
        await services.labels.ingest_labels(OPERATOR, plain, [{"inference_id": "a", "label": 1}])
    ignored = await predict(services, storage, plain, [{"inference_id": "a", "prediction": "x"}])
    assert (ignored, storage.predictions) == (JoinResult(), {})
