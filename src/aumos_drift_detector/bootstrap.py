"""The composition root: the one place that builds adapters and wires them into services.

Production (``aumos-drift serve``), the CLI and the tests all call :func:`bootstrap`; tests pass
overrides (a fixed clock, an in-memory publisher) as arguments instead of patching.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from aumos_drift_detector.adapters.api.app import create_app
from aumos_drift_detector.adapters.api.context import ApiContext
from aumos_drift_detector.adapters.messaging.kafka_health import KafkaHealthCheck
from aumos_drift_detector.adapters.persistence.database import (
    DatabaseHealthCheck,
    create_engine,
    create_session_factory,
)
from aumos_drift_detector.adapters.persistence.migrator import ensure_schema
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from aumos_drift_detector.core.clock import SystemClock
from aumos_drift_detector.core.interfaces import Clock, HealthCheck, UnitOfWork
from aumos_drift_detector.settings import Settings, load_settings

# evidently reports usage telemetry unless this is set; it must be set before evidently is imported.
os.environ.setdefault("DO_NOT_TRACK", "1")


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

    def unit_of_work(self) -> UnitOfWork:
        """Return a fresh unit of work on this container's database."""
        return SqlAlchemyUnitOfWork(self.session_factory)

    async def prepare_schema(self) -> None:
        """Apply pending migrations in development; refuse a stale schema in production."""
        await ensure_schema(self.engine, migrate=self.settings.migrates_at_startup)

    async def close(self) -> None:
        """Release the database connections."""
        await self.engine.dispose()


def bootstrap(settings: Settings | None = None, *, clock: Clock | None = None) -> Container:
    """Build the container from settings (read from the environment when not given).

    Args:
        settings: The settings; ``load_settings()`` when ``None``.
        clock: Time source override (tests); the system clock by default.
    """
    settings = settings or load_settings()
    engine = create_engine(settings.database_url, echo=settings.database_echo, pool_size=settings.database_pool_size)
    checks: list[HealthCheck] = [DatabaseHealthCheck(engine)]
    if settings.kafka_bootstrap_servers:
        checks.append(KafkaHealthCheck(settings.kafka_bootstrap_servers))
    return Container(
        settings=settings,
        engine=engine,
        session_factory=create_session_factory(engine),
        clock=clock or SystemClock(),
        health_checks=checks,
    )


def build_app(container: Container) -> FastAPI:
    """Build the HTTP application on a container; its lifespan prepares the schema and closes the engine."""
    context = ApiContext(
        settings=container.settings,
        uow_factory=container.unit_of_work,
        clock=container.clock,
        health_checks=container.health_checks,
        registry=container.registry,
        on_startup=[container.prepare_schema],
        on_shutdown=[container.close],
    )
    return create_app(context)
