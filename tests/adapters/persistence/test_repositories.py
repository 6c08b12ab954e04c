"""Repository and unit-of-work behaviour, run on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from aumos_drift_detector.adapters.persistence.database import create_session_factory
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from aumos_drift_detector.core.alerts.model import AlertStatus, DriftAlert
from aumos_drift_detector.core.alerts.ports import AlertFilter
from aumos_drift_detector.core.detections.model import DetectionKind, DetectionStatus, DriftDetection, RunTrigger
from aumos_drift_detector.core.detections.ports import DetectionFilter
from aumos_drift_detector.core.errors import ConflictError, NotFoundError, ValidationError
from aumos_drift_detector.core.monitors.model import (
    DatasetRule,
    Monitor,
    MultipleTestingCorrection,
    Schedule,
    WindowSpec,
)
from aumos_drift_detector.core.severity import Severity

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def make_monitor(tenant: str = "acme", *, created: datetime = T0, model_id: str = "churn-model") -> Monitor:
    return Monitor(
        id=uuid.uuid4(),
        tenant_id=tenant,
        name="churn",
        model_id=model_id,
        model_version="3",
        features=[{"name": "age", "kind": "numerical"}, {"name": "plan", "kind": "categorical", "test": "chi_squared"}],
        created_at=created,
        updated_at=created,
        dataset_rule=DatasetRule(drift_share=0.3, correction=MultipleTestingCorrection.BENJAMINI_HOCHBERG),
        window=WindowSpec(last_rows=500, last_seconds=3600, min_rows=50),
        schedule=Schedule("0 * * * *", "Europe/Berlin"),
        labels={"team": "growth"},
        settings={"alert": {"min_severity": "medium"}},
        next_run_at=created + timedelta(hours=1),
    )


def make_detection(monitor: Monitor, started: datetime, *, is_drift: bool = False) -> DriftDetection:
    return DriftDetection(
        id=uuid.uuid4(),
        tenant_id=monitor.tenant_id,
        monitor_id=monitor.id,
        model_id=monitor.model_id,
        model_version=monitor.model_version,
        kind=DetectionKind.STATISTICAL,
        status=DetectionStatus.SUCCEEDED,
        trigger=RunTrigger.MANUAL,
        started_at=started,
        finished_at=started + timedelta(seconds=2),
        is_drift=is_drift,
        drift_share=0.5 if is_drift else 0.0,
        severity=Severity.HIGH if is_drift else Severity.NONE,
        features=[{"name": "age", "test": "ks", "statistic": 0.31, "p_value": 1e-9, "drift_detected": is_drift}],
        summary={"n_current": 1000},
    )


@pytest.fixture
def uow_factory(engine: AsyncEngine) -> type[SqlAlchemyUnitOfWork] | object:
    factory = create_session_factory(engine)
    return lambda: SqlAlchemyUnitOfWork(factory)


async def test_monitor_round_trips_every_field(uow_factory) -> None:
    monitor = make_monitor()
    async with uow_factory() as uow:
        await uow.monitors.add(monitor)
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.monitors.get("acme", monitor.id)
    assert loaded == monitor
    assert loaded.next_run_at is not None
    assert loaded.next_run_at.tzinfo is not None


async def test_uncommitted_changes_are_rolled_back(uow_factory) -> None:
    monitor = make_monitor()
    async with uow_factory() as uow:
        await uow.monitors.add(monitor)
    async with uow_factory() as uow:
        with pytest.raises(NotFoundError):
            await uow.monitors.get("acme", monitor.id)


async def test_another_tenants_monitor_is_not_found(uow_factory) -> None:
    monitor = make_monitor("acme")
    async with uow_factory() as uow:
        await uow.monitors.add(monitor)
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(NotFoundError, match=str(monitor.id)):
            await uow.monitors.get("globex", monitor.id)


async def test_soft_deleted_monitor_disappears_but_its_detections_stay(uow_factory) -> None:
    monitor = make_monitor()
    detection = make_detection(monitor, T0)
    async with uow_factory() as uow:
        await uow.monitors.add(monitor)
        await uow.detections.add(detection)
        await uow.commit()
    async with uow_factory() as uow:
        monitor.deleted_at = T0 + timedelta(days=1)
        await uow.monitors.update(monitor)
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(NotFoundError):
            await uow.monitors.get("acme", monitor.id)
        assert (await uow.detections.get("acme", detection.id)) == detection
        assert (await uow.monitors.list("acme")).items == []


async def test_monitor_listing_pages_newest_first_without_gaps(uow_factory) -> None:
    monitors = [make_monitor(created=T0 + timedelta(minutes=i // 2)) for i in range(7)]
    async with uow_factory() as uow:
        for monitor in monitors:
            await uow.monitors.add(monitor)
        await uow.monitors.add(make_monitor("globex"))
        await uow.commit()
    seen: list[uuid.UUID] = []
    cursor = None
    async with uow_factory() as uow:
        while True:
            page = await uow.monitors.list("acme", limit=3, cursor=cursor)
            seen.extend(m.id for m in page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    expected = [m.id for m in sorted(monitors, key=lambda m: (m.created_at, m.id.hex), reverse=True)]
    assert seen == expected


async def test_detections_filter_by_monitor_model_drift_and_time(uow_factory) -> None:
    first, second = make_monitor(), make_monitor(model_id="fraud-model")
    detections = [make_detection(first, T0 + timedelta(hours=h), is_drift=h % 2 == 0) for h in range(6)]
    detections.append(make_detection(second, T0, is_drift=True))
    async with uow_factory() as uow:
        await uow.monitors.add(first)
        await uow.monitors.add(second)
        for detection in detections:
            await uow.detections.add(detection)
        await uow.commit()
    async with uow_factory() as uow:
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


async def test_bad_cursor_is_a_validation_error(uow_factory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(ValidationError, match="cursor"):
            await uow.detections.list("acme", DetectionFilter(), cursor="not-a-cursor")


async def test_alert_updates_and_unresolved_lookup_by_dedup_key(uow_factory) -> None:
    monitor = make_monitor()
    alert = DriftAlert(
        id=uuid.uuid4(),
        tenant_id="acme",
        monitor_id=monitor.id,
        model_id=monitor.model_id,
        dedup_key="acme:m:statistical:age",
        signal=DetectionKind.STATISTICAL,
        severity=Severity.MEDIUM,
        status=AlertStatus.OPEN,
        title="age drifted",
        first_seen_at=T0,
        last_seen_at=T0,
        created_at=T0,
        updated_at=T0,
        feature="age",
    )
    async with uow_factory() as uow:
        await uow.monitors.add(monitor)
        await uow.alerts.add(alert)
        await uow.commit()
    async with uow_factory() as uow:
        found = await uow.alerts.find_unresolved("acme", "acme:m:statistical:age")
        assert found == alert
        found.severity = Severity.CRITICAL
        found.occurrences = 2
        await uow.alerts.update(found)
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.alerts.get("acme", alert.id)
        assert (loaded.severity, loaded.occurrences) == (Severity.CRITICAL, 2)
        assert [a.id for a in (await uow.alerts.list("acme", AlertFilter(severity=Severity.CRITICAL))).items] == [
            alert.id
        ]
        assert (await uow.alerts.list("acme", AlertFilter(status=AlertStatus.RESOLVED))).items == []
        loaded.status = AlertStatus.RESOLVED
        await uow.alerts.update(loaded)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.alerts.find_unresolved("acme", "acme:m:statistical:age") is None
        with pytest.raises(NotFoundError):
            await uow.alerts.get("globex", alert.id)


async def test_detection_of_unknown_monitor_is_a_conflict(uow_factory) -> None:
    orphan = make_detection(make_monitor(), T0)
    async with uow_factory() as uow:
        await uow.detections.add(orphan)
        with pytest.raises(ConflictError):
            await uow.commit()
