"""The storage contract: every repository behaves the same in memory, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aumos_drift_detector.adapters.persistence.database import create_session_factory
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from aumos_drift_detector.core.alerts.model import AlertSignal, AlertStatus, DriftAlert
from aumos_drift_detector.core.alerts.policy import AlertPolicy
from aumos_drift_detector.core.alerts.ports import AlertFilter
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.detections.model import DetectionKind, DriftDetection
from aumos_drift_detector.core.detections.ports import DetectionFilter
from aumos_drift_detector.core.errors import ConflictError, NotFoundError, ValidationError
from aumos_drift_detector.core.monitors.config import (
    DatasetRule,
    FeatureConfig,
    MultipleTestingCorrection,
    Schedule,
    WindowSpec,
)
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.reference_window import ReferenceWindow
from aumos_drift_detector.core.outcomes.model import AppliedBatch, ConceptCheckpoint
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.unit_of_work import UnitOfWork
from tests.adapters.persistence.conftest import Storage
from tests.core.builders import make_concept_detection, make_detection

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def make_monitor(tenant: str = "acme", *, created: datetime = T0, model_id: str = "churn-model") -> Monitor:
    return Monitor(
        id=uuid.uuid4(),
        tenant_id=tenant,
        name="churn",
        model_id=model_id,
        model_version="3",
        features=(
            FeatureConfig(name="age", kind="numerical"),
            FeatureConfig(name="plan", kind="categorical", test="chi_squared"),
        ),
        created_at=created,
        updated_at=created,
        dataset_rule=DatasetRule(drift_share=0.3, correction=MultipleTestingCorrection.BENJAMINI_HOCHBERG),
        window=WindowSpec(last_rows=500, last_seconds=3600, min_rows=50),
        schedule=Schedule(cron="0 * * * *", timezone="Europe/Berlin"),
        labels={"team": "growth"},
        alert_policy=AlertPolicy.model_validate({"min_severity": "high", "m_of_n": {"m": 2, "n": 3}}),
        concept=parse_concept({"detector": "DDM", "params": {"warm_start": 50}}),
        reference_window=ReferenceWindow(last_seconds=28 * 86_400, ending_seconds_ago=7 * 86_400, min_rows=500),
        next_run_at=created + timedelta(hours=1),
    )


def make_alert(
    monitor: Monitor, *, key: str = "acme:m:statistical:age", status: AlertStatus = AlertStatus.OPEN
) -> DriftAlert:
    return DriftAlert(
        id=uuid.uuid4(),
        tenant_id="acme",
        monitor_id=monitor.id,
        model_id=monitor.model_id,
        dedup_key="acme:m:statistical:age",
        signal=AlertSignal.STATISTICAL,
        severity=Severity.MEDIUM,
        status=status,
        title="age drifted",
        first_seen_at=T0,
        last_seen_at=T0,
        created_at=T0,
        updated_at=T0,
        feature="age",
    )


async def _add(storage: Storage, *items: Monitor | DriftDetection) -> None:
    async with storage.unit_of_work() as uow:
        for item in items:
            if isinstance(item, Monitor):
                await uow.monitors.add(item)
            else:
                await uow.detections.add(item)
        await uow.commit()


async def _add_and_commit(uow: UnitOfWork, alert: DriftAlert) -> None:
    await uow.alerts.add(alert)
    await uow.commit()


async def test_monitor_round_trips_every_field(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    async with storage.unit_of_work() as uow:
        loaded = await uow.monitors.get("acme", monitor.id)
    assert loaded == monitor
    assert loaded.next_run_at is not None
    assert loaded.next_run_at.tzinfo is not None


async def test_detections_of_both_kinds_round_trip(storage: Storage) -> None:
    monitor = make_monitor()
    statistical = make_detection(monitor, T0, drifted=1)
    concept = make_concept_detection(monitor, T0 + timedelta(minutes=1))
    await _add(storage, monitor, statistical, concept)
    async with storage.unit_of_work() as uow:
        assert await uow.detections.get("acme", statistical.id) == statistical
        assert await uow.detections.get("acme", concept.id) == concept
        recent = await uow.detections.recent("acme", monitor.id, limit=5, kind=DetectionKind.CONCEPT)
    assert [item.id for item in recent] == [concept.id]


async def test_uncommitted_changes_are_rolled_back(storage: Storage) -> None:
    monitor = make_monitor()
    async with storage.unit_of_work() as uow:
        await uow.monitors.add(monitor)
    async with storage.unit_of_work() as uow:
        with pytest.raises(NotFoundError):
            await uow.monitors.get("acme", monitor.id)


async def test_another_tenants_monitor_is_not_found(storage: Storage) -> None:
    monitor = make_monitor("acme")
    await _add(storage, monitor)
    async with storage.unit_of_work() as uow:
        with pytest.raises(NotFoundError, match=str(monitor.id)):
            await uow.monitors.get("globex", monitor.id)
        with pytest.raises(NotFoundError):
            await uow.monitors.lock("globex", monitor.id)


async def test_soft_deleted_monitor_disappears_but_its_detections_stay(storage: Storage) -> None:
    monitor = make_monitor()
    detection = make_detection(monitor, T0)
    await _add(storage, monitor, detection)
    async with storage.unit_of_work() as uow:
        await uow.monitors.update(dataclasses.replace(monitor, deleted_at=T0 + timedelta(days=1)))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        with pytest.raises(NotFoundError):
            await uow.monitors.get("acme", monitor.id)
        assert (await uow.detections.get("acme", detection.id)) == detection
        assert (await uow.monitors.list("acme")).items == []


async def test_record_run_changes_only_the_last_run_time(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    async with storage.unit_of_work() as uow:
        await uow.monitors.record_run("acme", monitor.id, last_run_at=T0 + timedelta(minutes=3))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.monitors.get("acme", monitor.id) == dataclasses.replace(
            monitor, last_run_at=T0 + timedelta(minutes=3)
        )


async def test_monitor_listing_pages_newest_first_without_gaps(storage: Storage) -> None:
    monitors = [make_monitor(created=T0 + timedelta(minutes=i // 2)) for i in range(7)]
    await _add(storage, *monitors, make_monitor("globex"))
    seen: list[uuid.UUID] = []
    cursor = None
    async with storage.unit_of_work() as uow:
        while True:
            page = await uow.monitors.list("acme", limit=3, cursor=cursor)
            seen.extend(m.id for m in page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    expected = [m.id for m in sorted(monitors, key=lambda m: (m.created_at, m.id.hex), reverse=True)]
    assert seen == expected


async def test_detections_filter_by_monitor_model_drift_and_time(storage: Storage) -> None:
    first, second = make_monitor(), make_monitor(model_id="fraud-model")
    detections = [make_detection(first, T0 + timedelta(hours=h), drifted=2 * (h % 2 == 0)) for h in range(6)]
    detections.append(make_detection(second, T0, drifted=2))
    await _add(storage, first, second, *detections)
    async with storage.unit_of_work() as uow:
        by_monitor = await uow.detections.list("acme", DetectionFilter(monitor_id=first.id))
        drifted = await uow.detections.list("acme", DetectionFilter(monitor_id=first.id, is_drift=True))
        by_model = await uow.detections.list("acme", DetectionFilter(model_id="fraud-model"))
        window = await uow.detections.list(
            "acme", DetectionFilter(since=T0 + timedelta(hours=1), until=T0 + timedelta(hours=3))
        )
        other_tenant = await uow.detections.list("globex", DetectionFilter())
    assert [d.started_at.hour for d in by_monitor.items] == [17, 16, 15, 14, 13, 12]
    assert [d.started_at.hour for d in drifted.items] == [16, 14, 12]
    assert [d.monitor_id for d in by_model.items] == [second.id]
    assert [d.started_at.hour for d in window.items] == [14, 13]
    assert other_tenant.items == []


@pytest.mark.parametrize("cursor", ["not-a-cursor", "WyIyMDI2LTExLTAxVDEyOjAwOjAwIiwgIjEiXQ"])
async def test_bad_or_naive_cursor_is_a_validation_error(storage: Storage, cursor: str) -> None:
    async with storage.unit_of_work() as uow:
        with pytest.raises(ValidationError, match="cursor"):
            await uow.detections.list("acme", DetectionFilter(), cursor=cursor)


async def test_alert_updates_and_unresolved_lookup_by_dedup_key(storage: Storage) -> None:
    monitor = make_monitor()
    alert = make_alert(monitor)
    await _add(storage, monitor)
    async with storage.unit_of_work() as uow:
        await uow.alerts.add(alert)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        found = await uow.alerts.find_unresolved("acme", "acme:m:statistical:age")
        assert found == alert
        await uow.alerts.update(dataclasses.replace(alert, severity=Severity.CRITICAL, occurrences=2))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        loaded = await uow.alerts.get("acme", alert.id)
        assert (loaded.severity, loaded.occurrences) == (Severity.CRITICAL, 2)
        critical = await uow.alerts.list("acme", AlertFilter(severity=Severity.CRITICAL))
        assert [a.id for a in critical.items] == [alert.id]
        assert (await uow.alerts.list("acme", AlertFilter(status=AlertStatus.RESOLVED))).items == []
        await uow.alerts.update(dataclasses.replace(loaded, status=AlertStatus.RESOLVED))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.alerts.find_unresolved("acme", "acme:m:statistical:age") is None
        with pytest.raises(NotFoundError):
            await uow.alerts.get("globex", alert.id)


async def test_a_second_unresolved_alert_of_one_dedup_key_is_refused(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    async with storage.unit_of_work() as uow:
        await uow.alerts.add(make_alert(monitor, status=AlertStatus.RESOLVED))
        await uow.alerts.add(make_alert(monitor))
        await uow.commit()
    async with storage.unit_of_work() as uow:
        with pytest.raises(ConflictError):
            await _add_and_commit(uow, make_alert(monitor, status=AlertStatus.ACKNOWLEDGED))
    async with storage.unit_of_work() as uow:
        assert len((await uow.alerts.list("acme", AlertFilter())).items) == 2


async def test_a_monitor_lock_serialises_read_then_write(storage: Storage) -> None:
    """Two transactions that lock, read a counter and write it back never lose an update."""
    monitor = make_monitor()
    await _add(storage, monitor)

    async def bump() -> None:
        async with storage.unit_of_work() as uow:
            await uow.monitors.lock("acme", monitor.id)
            current = await uow.monitors.get("acme", monitor.id)
            await asyncio.sleep(0.05)
            await uow.monitors.update(dataclasses.replace(current, description=current.description + "x"))
            await uow.commit()

    await asyncio.gather(*(bump() for _ in range(5)))
    async with storage.unit_of_work() as uow:
        assert (await uow.monitors.get("acme", monitor.id)).description == "xxxxx"


async def test_observation_key_is_bound_to_its_body(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    table = pa.table({"age": [31.0, 45.0], "plan": ["pro", "basic"]})
    async with storage.unit_of_work() as uow:
        stored = await uow.observations.add_batch(
            "acme", monitor.id, table, idempotency_key="k1", digest="d1", received_at=T0
        )
        again = await uow.observations.add_batch(
            "acme", monitor.id, table, idempotency_key="k1", digest="d1", received_at=T0
        )
        await uow.commit()
    assert (stored, again) == (True, False)
    async with storage.unit_of_work() as uow:
        with pytest.raises(ConflictError, match="Idempotency-Key"):
            await uow.observations.add_batch(
                "acme", monitor.id, table, idempotency_key="k1", digest="d2", received_at=T0
            )
        window = await uow.observations.load_window("acme", monitor.id, columns=["age"], last_rows=None, since=None)
    assert window.rows == 2


async def test_concept_checkpoint_round_trips_with_its_applied_batches(storage: Storage) -> None:
    monitor = make_monitor()
    await _add(storage, monitor)
    checkpoint = ConceptCheckpoint(
        monitor_id=monitor.id,
        tenant_id="acme",
        detector="DDM",
        state={"type": "DDM", "params": {"warm_start": 50}},
        recent_batches=(AppliedBatch("k1", "d1"), AppliedBatch("k2", "d2")),
        updated_at=T0,
    )
    async with storage.unit_of_work() as uow:
        await uow.concept_states.save(checkpoint)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        assert await uow.concept_states.get("acme", monitor.id) == checkpoint
        assert await uow.concept_states.get("globex", monitor.id) is None


async def test_detection_of_unknown_monitor_is_a_conflict(engine: AsyncEngine) -> None:
    """Foreign keys are the database's to enforce (the in-memory fake does not)."""
    factory = create_session_factory(engine)
    orphan = make_detection(make_monitor(), T0)
    async with SqlAlchemyUnitOfWork(factory) as uow:
        await uow.detections.add(orphan)
        with pytest.raises(ConflictError):
            await uow.commit()
