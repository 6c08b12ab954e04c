"""SQLAlchemy 2 table mappings of the ``drf_`` schema.

Rows are persistence shapes only; :mod:`.mappers` converts them to and from core entities.
Every table carries ``tenant_id``; indexes follow the queries the API runs (tenant first).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from aumos_drift_detector.adapters.persistence.types import JsonDocument, UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: Alerts that are not resolved: at most one per dedup key (a partial unique index).
OPEN_ALERT = text("status <> 'resolved'")


class Base(DeclarativeBase):
    """Declarative base with the constraint naming convention and shared type map."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JsonDocument,
        list[Any]: JsonDocument,
    }


class MonitorRow(Base):
    """A row of ``drf_monitors``."""

    __tablename__ = "drf_monitors"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    model_id: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    features: Mapped[list[Any]]
    dataset_rule: Mapped[dict[str, Any]]
    window: Mapped[dict[str, Any]]
    schedule_cron: Mapped[str | None] = mapped_column(String(120))
    schedule_timezone: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    labels: Mapped[dict[str, Any]]
    settings: Mapped[dict[str, Any]]
    next_run_at: Mapped[datetime | None]
    last_run_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None]

    __table_args__ = (
        Index(None, "tenant_id", "created_at", "id"),
        Index(None, "tenant_id", "model_id"),
        Index(None, "status", "next_run_at"),
    )


class DetectionRow(Base):
    """A row of ``drf_detections``."""

    __tablename__ = "drf_detections"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    monitor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drf_monitors.id", ondelete="CASCADE"))
    model_id: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24))
    trigger: Mapped[str] = mapped_column(String(16))
    is_drift: Mapped[bool] = mapped_column(Boolean)
    alarm: Mapped[bool] = mapped_column(Boolean, server_default=false())
    drift_share: Mapped[float] = mapped_column(Float)
    severity: Mapped[str] = mapped_column(String(16))
    features: Mapped[list[Any]]
    summary: Mapped[dict[str, Any]]
    multivariate: Mapped[dict[str, Any] | None]
    segments: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        Index(None, "tenant_id", "started_at", "id"),
        Index(None, "tenant_id", "monitor_id", "started_at"),
        Index(None, "tenant_id", "model_id", "started_at"),
    )


class AlertRow(Base):
    """A row of ``drf_alerts``."""

    __tablename__ = "drf_alerts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    monitor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drf_monitors.id", ondelete="CASCADE"))
    model_id: Mapped[str] = mapped_column(String(200))
    dedup_key: Mapped[str] = mapped_column(String(400))
    signal: Mapped[str] = mapped_column(String(16))
    feature: Mapped[str | None] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500))
    occurrences: Mapped[int] = mapped_column(Integer)
    last_detection_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    snoozed_until: Mapped[datetime | None]
    healthy_streak: Mapped[int] = mapped_column(Integer)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]

    __table_args__ = (
        Index(None, "tenant_id", "last_seen_at", "id"),
        Index(None, "tenant_id", "status", "severity"),
        Index(None, "tenant_id", "dedup_key", "status"),
        Index(None, "tenant_id", "monitor_id"),
        Index(
            "uq_drf_alerts_open_dedup_key",
            "tenant_id",
            "dedup_key",
            unique=True,
            postgresql_where=OPEN_ALERT,
            sqlite_where=OPEN_ALERT,
        ),
    )


class ReferenceRow(Base):
    """A row of ``drf_references``: one version of a monitor's reference data, as a profile."""

    __tablename__ = "drf_references"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    monitor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drf_monitors.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer)
    checksum: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(100))
    columns: Mapped[list[Any]]
    uploaded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    # Last: on SQLite, a large value is inserted as a zero blob and written in slices (see large_values).
    profile: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (UniqueConstraint("monitor_id", "version"), Index(None, "tenant_id", "monitor_id", "version"))


class ObservationBatchRow(Base):
    """A row of ``drf_observation_batches``: one accepted batch of production rows (Arrow IPC, compressed)."""

    __tablename__ = "drf_observation_batches"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    monitor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drf_monitors.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    content_digest: Mapped[str | None] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime]
    # Last: on SQLite, a large value is inserted as a zero blob and written in slices (see large_values).
    data: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (
        UniqueConstraint("monitor_id", "idempotency_key"),
        Index(None, "tenant_id", "monitor_id", "received_at"),
    )


class AlertEventRow(Base):
    """A row of ``drf_alert_events``: one audited step of an alert (who, what, when, why)."""

    __tablename__ = "drf_alert_events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    alert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drf_alerts.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    detection_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    notified: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime]

    __table_args__ = (Index(None, "tenant_id", "alert_id", "at"),)


class RetrainingTriggerRow(Base):
    """A row of ``drf_retraining_triggers``: one decision that a model needs retraining."""

    __tablename__ = "drf_retraining_triggers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    monitor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drf_monitors.id", ondelete="CASCADE"))
    model_id: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    detection_ids: Mapped[list[Any]]
    idempotency_key: Mapped[str] = mapped_column(String(400))
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("idempotency_key"), Index(None, "tenant_id", "model_id", "created_at"))


class OutboxRow(Base):
    """A row of ``drf_outbox``: an event written with its cause, waiting for (or done with) publication."""

    __tablename__ = "drf_outbox"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(200))
    message_key: Mapped[str] = mapped_column(String(300))
    model_id: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]]
    event_time: Mapped[datetime]
    created_at: Mapped[datetime]
    available_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    __table_args__ = (Index(None, "sent_at", "available_at"), Index(None, "tenant_id", "created_at"))
