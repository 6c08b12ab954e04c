"""Builders of monitors, detections and events, and a harness that runs the consequences of detections."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aumos_drift_detector.adapters.persistence import migrator
from aumos_drift_detector.adapters.persistence.database import create_engine, create_session_factory
from aumos_drift_detector.adapters.persistence.outbox_repository import SqlAlchemyOutboxStore
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from aumos_drift_detector.adapters.scheduling.croniter_calendar import CroniterCalendar
from aumos_drift_detector.core.alerts.policy import AlertPolicy
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.detections.model import (
    ConceptDetection,
    ConceptStream,
    DetectionStatus,
    DriftDetection,
    FeatureResult,
    MissingValues,
    RunTrigger,
    StatisticalDetection,
    StatisticalSummary,
)
from aumos_drift_detector.core.detections.outcome import DetectionOutcomeHandler
from aumos_drift_detector.core.detections.runs import RunService
from aumos_drift_detector.core.events.model import Event, EventType
from aumos_drift_detector.core.events.payloads import (
    AlertRaisedData,
    DriftDetectedData,
    EventData,
    RetrainingRequiredData,
)
from aumos_drift_detector.core.events.ports import OutboxStore
from aumos_drift_detector.core.monitors.config import FeatureConfig, MultipleTestingCorrection
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.retraining.policy import RetrainingPolicy
from aumos_drift_detector.core.unit_of_work import UnitOfWork
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
FEATURES = ("age", "income", "tenure", "plan")


def make_monitor(
    tenant: str = "acme",
    *,
    model_id: str = "churn-model",
    alert_policy: dict[str, Any] | None = None,
    retraining_policy: dict[str, Any] | None = None,
) -> Monitor:
    return Monitor(
        id=uuid.uuid4(),
        tenant_id=tenant,
        name="churn",
        model_id=model_id,
        model_version="7",
        features=tuple(FeatureConfig(name=name, kind="numerical") for name in FEATURES),
        created_at=T0,
        updated_at=T0,
        alert_policy=AlertPolicy.model_validate(alert_policy or {}),
        retraining_policy=RetrainingPolicy.model_validate(retraining_policy or {}),
    )


def _missing() -> MissingValues:
    return MissingValues(
        reference_missing=0,
        reference_total=500,
        current_missing=0,
        current_total=500,
        reference_share=0.0,
        current_share=0.0,
        shift=0.0,
        max_shift=0.1,
        drift_detected=False,
    )


def make_feature(name: str, *, drift: bool, effect: float = 0.3) -> FeatureResult:
    """A KS result at threshold 0.05: p = 1e-9 and the given effect (in reference sd) when drifted, else p = 0.4."""
    p_value = 1e-9 if drift else 0.4
    return FeatureResult(
        name=name,
        kind="numerical",
        test="ks",
        statistic=0.3 if drift else 0.05,
        p_value=p_value,
        adjusted_p_value=None,
        threshold=0.05,
        test_drift_detected=drift,
        drift_detected=drift,
        strength=0.05 / p_value,
        weight=1.0,
        n_reference=500,
        n_current=500,
        missing=_missing(),
        effect_size=effect if drift else 0.01,
        effect_unit="reference_sd",
    )


def make_detection(
    monitor: Monitor,
    started: datetime,
    *,
    drifted: int = 0,
    strong: bool = False,
    status: DetectionStatus = DetectionStatus.SUCCEEDED,
    rule_share: float = 0.5,
) -> StatisticalDetection:
    """A detection over the monitor's four features of which ``drifted`` drifted (KS, threshold 0.05).

    The drifted features' effect is ``0.15 * drifted`` reference standard deviations (medium, high, high,
    critical for 1 to 4), or 0.6 (critical) when ``strong``.
    """
    effect = 0.6 if strong else 0.15 * drifted
    features = tuple(
        make_feature(spec.name, drift=index < drifted, effect=effect) for index, spec in enumerate(monitor.features)
    )
    share = drifted / len(monitor.features)
    return StatisticalDetection(
        id=uuid.uuid4(),
        tenant_id=monitor.tenant_id,
        monitor_id=monitor.id,
        model_id=monitor.model_id,
        model_version=monitor.model_version,
        status=status,
        trigger=RunTrigger.SCHEDULE,
        started_at=started,
        finished_at=started + timedelta(seconds=1),
        is_drift=share >= rule_share,
        drift_share=share,
        features=features,
        summary=StatisticalSummary(
            reference_version=1,
            reference_rows=500,
            current_rows=500,
            current_batches=1,
            drift_share_threshold=rule_share,
            correction=MultipleTestingCorrection.NONE,
            n_drifted=drifted,
            n_features=len(features),
        ),
    )


def make_concept_detection(
    monitor: Monitor, started: datetime, *, status: DetectionStatus = DetectionStatus.SUCCEEDED
) -> ConceptDetection:
    """A drift raised by ADWIN at stream position 1000."""
    return ConceptDetection(
        id=uuid.uuid4(),
        tenant_id=monitor.tenant_id,
        monitor_id=monitor.id,
        model_id=monitor.model_id,
        model_version=monitor.model_version,
        status=status,
        trigger=RunTrigger.STREAM,
        started_at=started,
        finished_at=started,
        is_drift=True,
        drift_share=1.0,
        stream=ConceptStream(detector="ADWIN", stream_index=1000, change_start=900, warning_start=None, n_detections=1),
    )


class Harness:
    """Runs detections through the outcome handler on some storage, advancing a fixed clock.

    Args:
        uow_factory: Makes units of work on the storage.
        outbox: The relay's view of the storage's outbox.
    """

    def __init__(self, uow_factory: Callable[[], UnitOfWork], outbox: OutboxStore) -> None:
        self.uow_factory = uow_factory
        self.outbox = outbox
        self.clock = FixedClock(T0)
        self.handler = DetectionOutcomeHandler(self.clock)
        self.runs = RunService(uow_factory, self.clock, self.handler, CroniterCalendar())

    @classmethod
    def in_memory(cls) -> Harness:
        storage = InMemoryStorage()
        return cls(storage.unit_of_work, storage.outbox_store)

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

    async def store(self, monitor: Monitor, detection: DriftDetection) -> DriftDetection:
        """Decide and store a detection with its consequences, as the service does."""
        if isinstance(detection, StatisticalDetection):
            return await self.runs.store(monitor, detection, None)
        assessed = dataclasses.replace(detection, severity=self.handler.assess(monitor, detection))
        async with self.uow_factory() as uow:
            await uow.detections.add(assessed)
            await self.handler.handle(uow, monitor, assessed)
            await uow.commit()
        return assessed

    async def run(self, monitor: Monitor, **detection: Any) -> DriftDetection:
        """Store one detection one minute after the previous one, with its consequences."""
        self.clock.advance(timedelta(minutes=1))
        return await self.store(monitor, make_detection(monitor, self.clock.now() - timedelta(seconds=1), **detection))


async def sqlite_harness(tmp_path: Path) -> AsyncIterator[Harness]:
    """A harness on a migrated SQLite file."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'outcome.db'}")
    await migrator.upgrade(engine)
    factory = create_session_factory(engine)
    try:
        yield Harness(lambda: SqlAlchemyUnitOfWork(factory), SqlAlchemyOutboxStore(factory))
    finally:
        await engine.dispose()


def _payload(event_type: EventType, time: datetime, model_id: str) -> EventData:
    stamp = time.isoformat()
    if event_type is EventType.ALERT_RAISED:
        return AlertRaisedData(
            alert_id=str(uuid.uuid4()),
            monitor_id=str(uuid.uuid4()),
            model_id=model_id,
            dedup_key="acme:m:statistical:*",
            signal="statistical",
            severity="high",
            previous_severity="",
            status="open",
            action="opened",
            title="Data drift",
            occurrences=1,
            first_seen_at=stamp,
            last_seen_at=stamp,
            detection_id=str(uuid.uuid4()),
        )
    if event_type is EventType.RETRAINING_REQUIRED:
        return RetrainingRequiredData(
            trigger_id=str(uuid.uuid4()),
            idempotency_key=f"retrain:acme:{model_id}:1",
            monitor_id=str(uuid.uuid4()),
            model_id=model_id,
            model_version="7",
            severity="high",
            reason="severity high reached the floor high",
            detection_ids=(str(uuid.uuid4()),),
            consecutive_drift_runs=1,
        )
    return DriftDetectedData(
        detection_id=str(uuid.uuid4()),
        monitor_id=str(uuid.uuid4()),
        monitor_name="churn",
        model_id=model_id,
        model_version="7",
        kind="statistical",
        trigger="schedule",
        severity="high",
        drift_share=0.5,
        is_drift=True,
        started_at=stamp,
        finished_at=stamp,
    )


def make_event(
    time: datetime,
    *,
    event_type: EventType = EventType.DRIFT_DETECTED,
    tenant: str = "acme",
    model_id: str = "churn-model",
) -> Event:
    """An event of the given type about made-up entities."""
    data = _payload(event_type, time, model_id)
    return Event(uuid.uuid4(), event_type, tenant, model_id, f"things/{uuid.uuid4()}", time, data)
