"""The composition root: the one place that builds adapters and wires them into services.

Production (``aumos-drift serve``), the CLI and the tests all call :func:`bootstrap`; tests pass
overrides (a fixed clock, an in-memory publisher) as arguments instead of patching.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field

from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from aumos_drift_detector.adapters.api.app import create_app
from aumos_drift_detector.adapters.api.context import ApiContext, Services
from aumos_drift_detector.adapters.messaging.envelope import WireFormat
from aumos_drift_detector.adapters.messaging.kafka_health import KafkaHealthCheck
from aumos_drift_detector.adapters.messaging.kafka_publisher import KafkaEventPublisher
from aumos_drift_detector.adapters.messaging.log_publisher import LogEventPublisher
from aumos_drift_detector.adapters.messaging.outbox_health import OutboxLagCheck
from aumos_drift_detector.adapters.messaging.outbox_relay import OutboxRelay
from aumos_drift_detector.adapters.persistence.database import (
    DatabaseHealthCheck,
    create_engine,
    create_session_factory,
)
from aumos_drift_detector.adapters.persistence.migrator import ensure_schema
from aumos_drift_detector.adapters.persistence.outbox_repository import SqlAlchemyOutboxStore
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from aumos_drift_detector.core.alert_policy import AlertPolicy
from aumos_drift_detector.core.clock import SystemClock
from aumos_drift_detector.core.concept_config import validate_concept
from aumos_drift_detector.core.interfaces import (
    Clock,
    DetectionOutcome,
    EventPublisher,
    HealthCheck,
    OutboxStore,
    UnitOfWork,
)
from aumos_drift_detector.core.retraining_policy import RetrainingPolicy
from aumos_drift_detector.core.services.alert_workflow import AlertWorkflow
from aumos_drift_detector.core.services.alerting import AlertService
from aumos_drift_detector.core.services.concept_monitoring import ConceptMonitoring
from aumos_drift_detector.core.services.datasets import DatasetService
from aumos_drift_detector.core.services.detection_outcome import DetectionOutcomeHandler
from aumos_drift_detector.core.services.detections import DetectionQueries
from aumos_drift_detector.core.services.monitors import MonitorService, PolicyValidator
from aumos_drift_detector.core.services.periodic import repeat
from aumos_drift_detector.core.services.retention import DataRetention
from aumos_drift_detector.core.services.runs import RunService
from aumos_drift_detector.core.services.scheduler import Scheduler
from aumos_drift_detector.settings import Settings, load_settings

# evidently reports usage telemetry unless this is set; it must be set before evidently is imported.
os.environ.setdefault("DO_NOT_TRACK", "1")

RETENTION_INTERVAL_SECONDS = 3600.0


@dataclass(slots=True)
class Container:
    """Everything the service is made of, built once per process (or per test).

    Attributes:
        settings: The settings it was built from.
        engine: The database engine.
        session_factory: Opens sessions on the engine.
        clock: The time source.
        health_checks: What readiness checks.
        registry: The Prometheus registry of this container.
    """

    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    clock: Clock
    health_checks: list[HealthCheck]
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    outcome: DetectionOutcome | None = None
    outbox: OutboxStore | None = None
    relay: OutboxRelay | None = None
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def services(self) -> Services:
        """The use cases, wired to this container's adapters."""
        runs = RunService(self.unit_of_work, self.clock, self.outcome)
        return Services(
            monitors=MonitorService(self.unit_of_work, self.clock, policy_validators=self.policy_validators()),
            datasets=DatasetService(self.unit_of_work, self.clock),
            runs=runs,
            detections=DetectionQueries(self.unit_of_work),
            concept=ConceptMonitoring(self.unit_of_work, self.clock, self.outcome),
            alerts=AlertWorkflow(self.unit_of_work, AlertService(self.clock)),
        )

    def policy_validators(self) -> dict[str, PolicyValidator]:
        """Validators of the policy documents a monitor may carry."""
        return {
            "alert_policy": lambda data: AlertPolicy.from_dict(data).to_dict(),
            "retraining_policy": lambda data: RetrainingPolicy.from_dict(data).to_dict(),
            "concept": validate_concept,
        }

    def scheduler(self) -> Scheduler:
        """A scheduler instance for this process."""
        return Scheduler(self.unit_of_work, self.services().runs, self.clock)

    async def start_background(self) -> None:
        """Start the scheduler and retention loops (when the scheduler is enabled) and the outbox relay."""
        self._stop.clear()
        if self.settings.scheduler_enabled:
            loop = self.scheduler().run_forever(self._stop, interval_seconds=self.settings.scheduler_interval_seconds)
            self._tasks.append(asyncio.create_task(loop, name="scheduler"))
            retention = DataRetention(
                self.unit_of_work,
                self.clock,
                observation_days=self.settings.observation_retention_days,
                outbox=self.outbox,
                outbox_days=self.settings.outbox_retention_days,
            )
            purge = repeat(self._stop, RETENTION_INTERVAL_SECONDS, retention.purge, name="retention")
            self._tasks.append(asyncio.create_task(purge, name="retention"))
        if self.relay is not None:
            self._tasks.append(asyncio.create_task(self.relay.run_forever(self._stop), name="outbox-relay"))

    async def stop_background(self) -> None:
        """Stop the background loops and wait for them to finish."""
        self._stop.set()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            await task
        if self.relay is not None:
            await self.relay.close()

    def unit_of_work(self) -> UnitOfWork:
        """Return a fresh unit of work on this container's database."""
        return SqlAlchemyUnitOfWork(self.session_factory)

    async def prepare_schema(self) -> None:
        """Apply pending migrations in development; refuse a stale schema in production."""
        await ensure_schema(self.engine, migrate=self.settings.migrates_at_startup)

    async def close(self) -> None:
        """Release the database connections."""
        await self.engine.dispose()


def bootstrap(
    settings: Settings | None = None, *, clock: Clock | None = None, publisher: EventPublisher | None = None
) -> Container:
    """Build the container from settings (read from the environment when not given).

    Args:
        settings: The settings; ``load_settings()`` when ``None``.
        clock: Time source override (tests); the system clock by default.
        publisher: Where the outbox relay sends events; Kafka when ``kafka_bootstrap_servers`` is set,
            else the log.
    """
    settings = settings or load_settings()
    engine = create_engine(settings.database_url, echo=settings.database_echo, pool_size=settings.database_pool_size)
    clock = clock or SystemClock()
    session_factory = create_session_factory(engine)
    outbox = SqlAlchemyOutboxStore(session_factory)
    if publisher is None and settings.kafka_bootstrap_servers:
        publisher = KafkaEventPublisher(
            settings.kafka_bootstrap_servers,
            client_id=settings.kafka_client_id,
            wire_format=WireFormat(settings.kafka_event_format),
            message_timeout_ms=settings.kafka_message_timeout_ms,
        )
    relay = OutboxRelay(
        outbox, publisher or LogEventPublisher(), clock, interval_seconds=settings.outbox_relay_interval_seconds
    )
    checks: list[HealthCheck] = [DatabaseHealthCheck(engine)]
    if settings.kafka_bootstrap_servers:
        checks.append(KafkaHealthCheck(settings.kafka_bootstrap_servers, relay=relay.status))
    max_age = settings.outbox_max_pending_age_seconds
    checks.append(OutboxLagCheck(outbox, clock, relay=relay.status, max_pending_age_seconds=max_age))
    return Container(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        clock=clock,
        health_checks=checks,
        outcome=DetectionOutcomeHandler(clock),
        relay=relay,
        outbox=outbox,
    )


def build_app(container: Container) -> FastAPI:
    """Build the HTTP application on a container; its lifespan prepares the schema and closes the engine."""
    context = ApiContext(
        settings=container.settings,
        services=container.services(),
        health_checks=container.health_checks,
        registry=container.registry,
        on_startup=[container.prepare_schema, container.start_background],
        on_shutdown=[container.stop_background, container.close],
    )
    return create_app(context)
