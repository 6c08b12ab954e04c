"""Concurrent use cases on in-memory storage serialise where the database does: one alert, one notice, one trigger."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import JsonValue

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.alerts.model import AlertStatus
from aumos_drift_detector.core.alerts.policy import AlertPolicy
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.detections.model import DetectionStatus
from aumos_drift_detector.core.events.model import EventType
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.inputs import ADMIN, OPERATOR, churn_rows, draft, upload
from tests.core.interleaving import InterleavingStorage
from tests.core.scenarios import drifting_monitor

CONCURRENT_RUNS = 10


@pytest.fixture(params=["plain", "interleaving"])
def storage(request: pytest.FixtureRequest) -> InMemoryStorage:
    """The in-memory storage as bootstrap() takes it, and one whose transactions interleave at every call.

    On the plain storage a transaction runs in one piece, so concurrent calls cannot overlap there; on the
    interleaving one only the locks keep them apart.
    """
    return InterleavingStorage() if request.param == "interleaving" else InMemoryStorage()


def events_of(storage: InMemoryStorage, event_type: EventType) -> list[dict[str, JsonValue]]:
    return [event.payload() for event in storage.outbox_store.events() if event.type is event_type]


async def test_concurrent_runs_of_a_drifting_monitor_share_one_alert_and_one_notice(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor = await drifting_monitor(services)
    assert monitor.alert_policy.renotify_interval_seconds == AlertPolicy().renotify_interval_seconds == 4 * 3600
    detections = await asyncio.gather(*(services.runs.run_now(OPERATOR, monitor.id) for _ in range(CONCURRENT_RUNS)))
    assert all(item.status is DetectionStatus.SUCCEEDED for item in detections)
    breaching = [item for item in detections if monitor.alert_policy.breaches(item)]
    assert len(breaching) == CONCURRENT_RUNS
    (alert,) = storage.alerts.values()
    assert (alert.status, alert.occurrences) == (AlertStatus.OPEN, len(breaching))
    assert alert.last_detection_id in {item.id for item in detections}
    assert len(events_of(storage, EventType.ALERT_RAISED)) == 1
    assert len(events_of(storage, EventType.DRIFT_DETECTED)) == CONCURRENT_RUNS
    assert len(storage.detections) == CONCURRENT_RUNS


async def test_concurrent_runs_fire_retraining_at_most_once_within_the_cooldown(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor = await drifting_monitor(services)
    await asyncio.gather(*(services.runs.run_now(OPERATOR, monitor.id) for _ in range(CONCURRENT_RUNS)))
    (trigger,) = storage.retraining_triggers.values()
    (event,) = events_of(storage, EventType.RETRAINING_REQUIRED)
    assert event["trigger_id"] == str(trigger.id)


async def test_concurrent_runs_of_two_monitors_of_one_model_fire_one_trigger(
    services: Services, storage: InMemoryStorage
) -> None:
    first, second = await drifting_monitor(services), await drifting_monitor(services)
    runs = [services.runs.run_now(OPERATOR, monitor.id) for monitor in (first, second) for _ in range(3)]
    await asyncio.gather(*runs)
    assert len(storage.alerts) == 2  # one per monitor: the dedup key names the monitor
    assert len(storage.retraining_triggers) == 1  # the cooldown is the model's
    assert len(events_of(storage, EventType.RETRAINING_REQUIRED)) == 1


async def test_concurrent_batches_under_one_key_are_stored_once(
    services: Services, storage: InMemoryStorage, request: pytest.FixtureRequest
) -> None:
    monitor = await drifting_monitor(services)
    batch = upload(churn_rows(9, 40), checksum="same-body")
    results = await asyncio.gather(
        *(services.datasets.ingest(OPERATOR, monitor.id, batch, idempotency_key="k") for _ in range(5))
    )
    assert sorted(result.duplicate for result in results) == [False, True, True, True, True]
    assert sum(1 for stored in storage.observations.values() if stored.idempotency_key == "k") == 1


async def test_concurrent_outcome_batches_are_each_applied_once(services: Services, storage: InMemoryStorage) -> None:
    monitor = await services.monitors.create(ADMIN, draft(concept=parse_concept({"detector": "ADWIN"})))
    batches = [[float(i % 2)] * 100 for i in range(4)]
    results = await asyncio.gather(
        *(
            services.concept.ingest(OPERATOR, monitor.id, values, idempotency_key=f"b-{i}")
            for i, values in enumerate(batches)
        ),
        *(services.concept.ingest(OPERATOR, monitor.id, batches[0], idempotency_key="b-0") for _ in range(3)),
    )
    assert sorted(result.duplicate for result in results) == [False] * 4 + [True] * 3
    assert (await services.concept.status(OPERATOR, monitor.id)).n_seen == 400
    (checkpoint,) = storage.concept_states.values()
    assert sorted(batch.key for batch in checkpoint.recent_batches) == ["b-0", "b-1", "b-2", "b-3"]
