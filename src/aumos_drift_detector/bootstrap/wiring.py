"""Building the container from settings, and the HTTP application on it."""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncEngine

from aumos_drift_detector.adapters.api.app import create_app
from aumos_drift_detector.adapters.api.context import ApiContext
from aumos_drift_detector.adapters.files.spooled_upload import SpooledTableFile
from aumos_drift_detector.adapters.messaging.envelope import WireFormat
from aumos_drift_detector.adapters.messaging.kafka_health import KafkaHealthCheck
from aumos_drift_detector.adapters.messaging.kafka_publisher import KafkaEventPublisher
from aumos_drift_detector.adapters.messaging.log_publisher import LogEventPublisher
from aumos_drift_detector.adapters.messaging.outbox_health import OutboxLagCheck
from aumos_drift_detector.adapters.messaging.outbox_relay import OutboxRelay
from aumos_drift_detector.adapters.messaging.stream_health import StreamConsumerCheck, StreamConsumerStatus
from aumos_drift_detector.adapters.observability.drift_events import PrometheusDriftTelemetry
from aumos_drift_detector.adapters.observability.drift_state import DriftStateCollector
from aumos_drift_detector.adapters.persistence.database import (
    DatabaseHealthCheck,
    create_engine,
    create_session_factory,
)
from aumos_drift_detector.adapters.persistence.drift_state import SqlAlchemyDriftStateReader
from aumos_drift_detector.adapters.persistence.outbox_repository import SqlAlchemyOutboxStore
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from aumos_drift_detector.adapters.reports.detection_report import HtmlDetectionReport
from aumos_drift_detector.adapters.scheduling.croniter_calendar import CroniterCalendar
from aumos_drift_detector.adapters.sources.opener import EngineSourceOpener
from aumos_drift_detector.adapters.sources.spark_session import LazySparkSession
from aumos_drift_detector.bootstrap.container import Container
from aumos_drift_detector.core.clock import Clock, SystemClock
from aumos_drift_detector.core.events.ports import EventPublisher, OutboxStore
from aumos_drift_detector.core.health import HealthCheck
from aumos_drift_detector.core.observability.in_memory import InMemoryDriftStateReader
from aumos_drift_detector.core.observability.ports import DriftStateReader
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.settings import Settings, load_settings


def _publisher(settings: Settings, publisher: EventPublisher | None) -> EventPublisher:
    if publisher is not None:
        return publisher
    if settings.kafka_bootstrap_servers:
        return KafkaEventPublisher(
            settings.kafka_bootstrap_servers,
            client_id=settings.kafka_client_id,
            wire_format=WireFormat(settings.kafka_event_format),
            message_timeout_ms=settings.kafka_message_timeout_ms,
        )
    return LogEventPublisher()


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    publisher: EventPublisher | None = None,
    storage: InMemoryStorage | None = None,
) -> Container:
    """Build the container from settings (read from the environment when not given).

    Args:
        settings: The settings; ``load_settings()`` when ``None``.
        clock: Time source override (tests); the system clock by default.
        publisher: Where the outbox relay sends events; Kafka when ``kafka_bootstrap_servers`` is set,
            else the log.
        storage: In-memory storage instead of the database (unit tests); the database of
            ``settings.database_url`` when ``None``.
    """
    settings = settings or load_settings()
    clock = clock or SystemClock()
    engine, outbox, uow_factory, checks, state = _storage(settings, storage)
    registry = CollectorRegistry()
    drift_state = None if state is None else DriftStateCollector(state, outbox, clock)
    if drift_state is not None:
        registry.register(drift_state)
    relay = OutboxRelay(
        outbox, _publisher(settings, publisher), clock, interval_seconds=settings.outbox_relay_interval_seconds
    )
    if settings.kafka_bootstrap_servers:
        checks.append(KafkaHealthCheck(settings.kafka_bootstrap_servers, relay=relay.status))
    max_age = settings.outbox_max_pending_age_seconds
    checks.append(OutboxLagCheck(outbox, clock, relay=relay.status, max_pending_age_seconds=max_age))
    stream_status = StreamConsumerStatus()
    if settings.kafka_consume_in_serve:
        checks.append(StreamConsumerCheck(stream_status))
    spark = LazySparkSession(settings.spark_master)
    return Container(
        settings=settings,
        clock=clock,
        calendar=CroniterCalendar(),
        unit_of_work=uow_factory,
        outbox=outbox,
        relay=relay,
        health_checks=checks,
        engine=engine,
        registry=registry,
        telemetry=PrometheusDriftTelemetry(registry),
        drift_state=drift_state,
        stream_status=stream_status,
        sources=EngineSourceOpener(spark=spark),
        spark=spark,
    )


def _storage(
    settings: Settings, storage: InMemoryStorage | None
) -> tuple[AsyncEngine | None, OutboxStore, UnitOfWorkFactory, list[HealthCheck], DriftStateReader | None]:
    """The database of the settings (engine, outbox, units of work, health check, drift state), or the given memory."""
    if storage is not None:
        return None, storage.outbox_store, storage.unit_of_work, [], InMemoryDriftStateReader(storage)
    engine = create_engine(settings.database_url, echo=settings.database_echo, pool_size=settings.database_pool_size)
    session_factory = create_session_factory(engine)
    checks: list[HealthCheck] = [DatabaseHealthCheck(engine)]
    state = SqlAlchemyDriftStateReader(session_factory)
    return engine, SqlAlchemyOutboxStore(session_factory), lambda: SqlAlchemyUnitOfWork(session_factory), checks, state


def build_app(container: Container) -> FastAPI:
    """Build the HTTP application on a container; its lifespan prepares the schema and closes the engine."""
    context = ApiContext(
        settings=container.settings,
        services=container.services(),
        reports=HtmlDetectionReport(),
        open_upload=SpooledTableFile,
        health_checks=container.health_checks,
        registry=container.registry,
        on_startup=[container.prepare_schema, container.start_background],
        on_shutdown=[container.stop_background, container.close],
        before_metrics=[] if container.drift_state is None else [container.drift_state.refresh],
    )
    return create_app(context)
