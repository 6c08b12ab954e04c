"""ConceptMonitoring on in-memory storage: outcome batches, concept detections, idempotency, restarts of the stream."""

from __future__ import annotations

import uuid
from datetime import timedelta

import numpy as np
import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.alerts.model import AlertStatus
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.concept.config import DetectorConfig, parse_concept
from aumos_drift_detector.core.detections.model import ConceptDetection, DetectionKind, DetectionStatus, RunTrigger
from aumos_drift_detector.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from aumos_drift_detector.core.events.payloads import DriftDetectedData
from aumos_drift_detector.core.monitors.service import MonitorChanges
from aumos_drift_detector.core.outcomes.model import DriftPoint
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.builders import T0
from tests.core.inputs import ADMIN, OPERATOR, OTHER_TENANT, VIEWER, draft


def error_stream(seed: int = 11) -> list[float]:
    """Prediction errors (1 = wrong): 10% wrong for 1,000 outcomes, then 50% for 1,000."""
    rng = np.random.default_rng(seed)
    return [float(x) for x in np.concatenate([rng.random(1000) < 0.1, rng.random(1000) < 0.5])]


async def concept_monitor(services: Services, config: DetectorConfig | None = None) -> uuid.UUID:
    return (await services.monitors.create(ADMIN, draft(concept=config or parse_concept({"detector": "ADWIN"})))).id


def concept_detections(storage: InMemoryStorage) -> list[ConceptDetection]:
    found = [item for item in storage.detections.values() if isinstance(item, ConceptDetection)]
    return sorted(found, key=lambda item: item.stream.stream_index)


@pytest.mark.parametrize("detector", ["ADWIN", "DDM"])
async def test_each_drift_of_the_stream_is_a_concept_detection_where_a_fresh_detector_finds_it(
    services: Services, storage: InMemoryStorage, detector: str
) -> None:
    config = parse_concept({"detector": detector})
    monitor_id = await concept_monitor(services, config)
    stream = error_stream()
    reported: list[tuple[DriftPoint, uuid.UUID]] = []
    for start in range(0, len(stream), 500):
        result = await services.concept.ingest(OPERATOR, monitor_id, stream[start : start + 500], idempotency_key=None)
        assert (result.accepted, result.duplicate, result.detector, result.n_seen) == (
            500,
            False,
            detector,
            start + 500,
        )
        reported.extend(zip(result.drifts, result.detection_ids, strict=True))
    expected = [DriftPoint(d.index, d.change_start, d.warning_start) for d in config.build().update_many(stream).drifts]
    assert expected, "the stream must drift for this test to mean anything"
    assert [point for point, _ in reported] == expected
    stored = concept_detections(storage)
    assert [item.id for item in stored] == [detection_id for _, detection_id in reported]
    assert [(d.stream.stream_index, d.stream.change_start, d.stream.warning_start) for d in stored] == [
        (p.index, p.change_start, p.warning_start) for p in expected
    ]
    assert [d.stream.n_detections for d in stored] == list(range(1, len(expected) + 1))
    first = stored[0]
    assert (first.status, first.trigger, first.is_drift, first.severity, first.stream.detector) == (
        DetectionStatus.SUCCEEDED,
        RunTrigger.STREAM,
        True,
        Severity.HIGH,
        detector,
    )


async def test_concept_drifts_open_one_concept_alert_and_publish_each_drift(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor_id = await concept_monitor(services)
    result = await services.concept.ingest(OPERATOR, monitor_id, error_stream(), idempotency_key=None)
    drifted = [e.data for e in storage.outbox_store.events() if isinstance(e.data, DriftDetectedData)]
    assert sorted(data.detection_id for data in drifted) == sorted(str(i) for i in result.detection_ids)
    assert {data.kind for data in drifted} == {"concept"}
    concept = sorted((data.concept.stream_index, data.concept.detector) for data in drifted if data.concept)
    assert concept == [(point.index, "ADWIN") for point in result.drifts]
    (alert,) = storage.alerts.values()
    assert (alert.signal, alert.status, alert.occurrences) == (
        DetectionKind.CONCEPT,
        AlertStatus.OPEN,
        len(result.drifts),
    )


async def test_a_batch_sent_again_under_its_key_is_applied_once(services: Services) -> None:
    monitor_id = await concept_monitor(services)
    stream = error_stream()
    first = await services.concept.ingest(OPERATOR, monitor_id, stream[:1500], idempotency_key="b-1")
    again = await services.concept.ingest(OPERATOR, monitor_id, stream[:1500], idempotency_key="b-1")
    assert (first.accepted, first.duplicate, first.n_seen) == (1500, False, 1500)
    assert (again.accepted, again.duplicate, again.n_seen, again.detection_ids) == (0, True, 1500, ())
    assert (await services.concept.status(VIEWER, monitor_id)).n_seen == 1500


async def test_a_key_reused_for_other_values_is_a_conflict_naming_the_header(services: Services) -> None:
    monitor_id = await concept_monitor(services)
    await services.concept.ingest(OPERATOR, monitor_id, [0.0, 1.0, 0.0], idempotency_key="b-1")
    with pytest.raises(ConflictError, match="Idempotency-Key 'b-1' was used for a different batch") as caught:
        await services.concept.ingest(OPERATOR, monitor_id, [1.0, 1.0, 1.0], idempotency_key="b-1")
    assert caught.value.details == {"field": "Idempotency-Key"}
    assert (await services.concept.status(VIEWER, monitor_id)).n_seen == 3


async def test_a_monitor_without_a_concept_detector_is_a_conflict(services: Services, storage: InMemoryStorage) -> None:
    monitor = await services.monitors.create(ADMIN, draft())
    with pytest.raises(ConflictError, match="no concept detector"):
        await services.concept.ingest(OPERATOR, monitor.id, [0.0, 1.0], idempotency_key=None)
    with pytest.raises(ConflictError, match="no concept detector"):
        await services.concept.status(VIEWER, monitor.id)
    assert storage.concept_states == {}


async def test_status_counts_what_the_detector_saw_and_raised(services: Services, clock: FixedClock) -> None:
    monitor_id = await concept_monitor(services)
    before = await services.concept.status(VIEWER, monitor_id)
    assert (before.detector, before.n_seen, before.n_detections, before.last_drift, before.updated_at) == (
        "ADWIN",
        0,
        0,
        None,
        None,
    )
    clock.advance(timedelta(minutes=5))
    result = await services.concept.ingest(OPERATOR, monitor_id, error_stream(), idempotency_key=None)
    status = await services.concept.status(VIEWER, monitor_id)
    assert (status.n_seen, status.n_detections, status.last_drift) == (2000, len(result.drifts), result.drifts[-1])
    assert status.updated_at == T0 + timedelta(minutes=5)
    assert status.params == parse_concept({"detector": "ADWIN"}).build().to_state()["params"]
    assert status.warning is result.warning


async def test_a_changed_detector_configuration_restarts_the_stream(services: Services) -> None:
    monitor_id = await concept_monitor(services)
    stream = error_stream()
    await services.concept.ingest(OPERATOR, monitor_id, stream[:1200], idempotency_key=None)
    await services.monitors.update(ADMIN, monitor_id, MonitorChanges(name="renamed"))
    assert (await services.concept.status(VIEWER, monitor_id)).n_seen == 1200  # unchanged config continues
    retuned = parse_concept({"detector": "ADWIN", "params": {"delta": 0.01}})
    await services.monitors.update(ADMIN, monitor_id, MonitorChanges(concept=retuned))
    restarted = await services.concept.status(VIEWER, monitor_id)
    assert (restarted.n_seen, restarted.n_detections, restarted.params["delta"]) == (0, 0, 0.01)
    result = await services.concept.ingest(OPERATOR, monitor_id, stream[1200:], idempotency_key=None)
    fresh = retuned.build().update_many(stream[1200:])
    assert result.n_seen == 800
    assert [point.index for point in result.drifts] == [drift.index for drift in fresh.drifts]
    await services.monitors.update(ADMIN, monitor_id, MonitorChanges(concept=parse_concept({"detector": "DDM"})))
    assert ((await services.concept.status(VIEWER, monitor_id)).detector, result.detector) == ("DDM", "ADWIN")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([], "values: must be a non-empty list"),
        ([0.0, float("nan")], r"must be 0 or 1 \(1 = error\); value nan at position 1"),
        ([0.0, 2.0], r"must be 0 or 1 \(1 = error\); value 2\.0 at position 1"),
        ([0.0, 0.5], r"must be 0 or 1 \(1 = error\); value 0\.5 at position 1"),
    ],
)
async def test_bad_values_are_refused_and_change_nothing(
    services: Services, storage: InMemoryStorage, values: list[float], message: str
) -> None:
    monitor_id = await concept_monitor(services, parse_concept({"detector": "DDM"}))
    with pytest.raises(ValidationError, match=message):
        await services.concept.ingest(OPERATOR, monitor_id, values, idempotency_key=None)
    assert (storage.concept_states, storage.detections) == ({}, {})


async def test_a_value_out_of_range_is_named_as_the_caller_sent_it(services: Services) -> None:
    monitor_id = await concept_monitor(services, parse_concept({"detector": "DDM"}))
    with pytest.raises(ValidationError) as caught:
        await services.concept.ingest(OPERATOR, monitor_id, [0.0, 2.0], idempotency_key=None)
    assert caught.value.message == "detector input must be 0 or 1 (1 = error); value 2.0 at position 1 is not"


async def test_outcomes_need_an_operator_of_the_monitors_tenant(services: Services, storage: InMemoryStorage) -> None:
    monitor_id = await concept_monitor(services)
    with pytest.raises(PermissionDeniedError):
        await services.concept.ingest(VIEWER, monitor_id, [0.0], idempotency_key=None)
    with pytest.raises(NotFoundError):
        await services.concept.ingest(OTHER_TENANT, monitor_id, [0.0], idempotency_key=None)
    with pytest.raises(NotFoundError):
        await services.concept.status(OTHER_TENANT, monitor_id)
    assert storage.concept_states == {}
