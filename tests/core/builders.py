"""Builders of monitors and detections, and a migrated SQLite unit of work, for outcome tests."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from aumos_drift_detector.adapters.persistence import migrator
from aumos_drift_detector.adapters.persistence.database import create_engine, create_session_factory
from aumos_drift_detector.adapters.persistence.outbox_repository import SqlAlchemyOutboxStore
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.detections.model import DetectionKind, DetectionStatus, DriftDetection, RunTrigger
from aumos_drift_detector.core.detections.outcome import DetectionOutcomeHandler
from aumos_drift_detector.core.events.model import Event, EventType
from aumos_drift_detector.core.monitors.model import Monitor

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def make_monitor(tenant: str = "acme", *, model_id: str = "churn-model", **settings: Any) -> Monitor:
    return Monitor(
        id=uuid.uuid4(),
        tenant_id=tenant,
        name="churn",
        model_id=model_id,
        model_version="7",
        features=[{"name": name, "kind": "numerical"} for name in ("age", "income", "tenure", "plan")],
        created_at=T0,
        updated_at=T0,
        settings=dict(settings),
    )


def make_detection(
    monitor: Monitor,
    started: datetime,
    *,
    drifted: int = 0,
    strong: bool = False,
    kind: DetectionKind = DetectionKind.STATISTICAL,
    status: DetectionStatus = DetectionStatus.SUCCEEDED,
    rule_share: float = 0.5,
) -> DriftDetection:
    """A detection over the monitor's four features of which ``drifted`` drifted (KS, threshold 0.05)."""
    features = []
    for index, spec in enumerate(monitor.features):
        drift = index < drifted
        p_value = (1e-9 if strong else 0.01) if drift else 0.4
        features.append(
            {
                "name": spec["name"],
                "test": "ks",
                "statistic": 0.3 if drift else 0.05,
                "p_value": p_value,
                "threshold": 0.05,
                "drift_detected": drift,
            }
        )
    share = drifted / len(monitor.features)
    return DriftDetection(
        id=uuid.uuid4(),
        tenant_id=monitor.tenant_id,
        monitor_id=monitor.id,
        model_id=monitor.model_id,
        model_version=monitor.model_version,
        kind=kind,
        status=status,
        trigger=RunTrigger.SCHEDULE,
        started_at=started,
        finished_at=started + timedelta(seconds=1),
        is_drift=share >= rule_share if kind is DetectionKind.STATISTICAL else drifted > 0,
        drift_share=share,
        features=features,
    )


class Harness:
    """Runs detections through the outcome handler on a real database, advancing a fixed clock."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], clock: FixedClock) -> None:
        self.uow_factory: Callable[[], SqlAlchemyUnitOfWork] = lambda: SqlAlchemyUnitOfWork(session_factory)
        self.outbox = SqlAlchemyOutboxStore(session_factory)
        self.clock = clock
        self.handler = DetectionOutcomeHandler(clock)

    async def events(self, event_type: EventType | None = None) -> list[Event]:
        """Every event in the outbox (oldest first), optionally of one type."""
        claimed = await self.outbox.claim(
            "reader", self.clock.now() + timedelta(days=3650), limit=10_000, lease=timedelta(days=-3651)
        )
        return [item.event for item in claimed if event_type is None or item.event.type is event_type]

    async def add_monitor(self, monitor: Monitor) -> Monitor:
        async with self.uow_factory() as uow:
            await uow.monitors.add(monitor)
            await uow.commit()
        return monitor

    async def run(self, monitor: Monitor, **detection: Any) -> DriftDetection:
        """Store one detection one minute after the previous one, with its consequences."""
        self.clock.advance(timedelta(minutes=1))
        made = make_detection(monitor, self.clock.now() - timedelta(seconds=1), **detection)
        made.severity = self.handler.assess(monitor, made)
        async with self.uow_factory() as uow:
            await uow.detections.add(made)
            await self.handler.handle(uow, monitor, made)
            await uow.commit()
        return made


async def sqlite_harness(tmp_path: Path) -> AsyncIterator[Harness]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'outcome.db'}")
    await migrator.upgrade(engine)
    factory = create_session_factory(engine)
    try:
        yield Harness(factory, FixedClock(T0))
    finally:
        await engine.dispose()
