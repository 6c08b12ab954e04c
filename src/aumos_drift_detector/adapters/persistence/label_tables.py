"""Table mappings of the label join: stored predictions, pending labels and each monitor's join cursor.

Predictions and pending labels are short-lived: a prediction is deleted once the watermark passed it
(its error fed, or expired), a pending label once it joined or expired; the cursor row keeps the counters.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from aumos_drift_detector.adapters.persistence.tables import Base
from aumos_drift_detector.adapters.persistence.types import JsonDocument


class PredictionRow(Base):
    """A row of ``drf_predictions``: a prediction waiting for its label or for the watermark."""

    __tablename__ = "drf_predictions"

    monitor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drf_monitors.id", ondelete="CASCADE"), primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    inference_id: Mapped[str] = mapped_column(String(128))
    prediction: Mapped[Any] = mapped_column(JsonDocument)
    score: Mapped[float | None] = mapped_column(Float)
    received_at: Mapped[datetime]
    error: Mapped[float | None] = mapped_column(Float)

    # Room in each page for the one update that joins the label (migration 0010).
    __table_args__ = (
        Index(None, "tenant_id", "monitor_id", "inference_id", unique=True),
        {"postgresql_with": {"fillfactor": 60}},
    )


class PendingLabelRow(Base):
    """A row of ``drf_pending_labels``: a label whose prediction has not arrived."""

    __tablename__ = "drf_pending_labels"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    monitor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drf_monitors.id", ondelete="CASCADE"))
    inference_id: Mapped[str] = mapped_column(String(128))
    label: Mapped[Any] = mapped_column(JsonDocument)
    received_at: Mapped[datetime]

    __table_args__ = (
        Index(None, "tenant_id", "monitor_id", "inference_id"),
        Index(None, "tenant_id", "monitor_id", "received_at"),
    )


class LabelCursorRow(Base):
    """A row of ``drf_label_cursors``: a monitor's next sequence number, watermark and join counters."""

    __tablename__ = "drf_label_cursors"

    monitor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drf_monitors.id", ondelete="CASCADE"), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    next_sequence: Mapped[int] = mapped_column(BigInteger)
    watermark: Mapped[int] = mapped_column(BigInteger)
    joined: Mapped[int] = mapped_column(BigInteger)
    unknown: Mapped[int] = mapped_column(BigInteger)
    expired_predictions: Mapped[int] = mapped_column(BigInteger)
    expired_labels: Mapped[int] = mapped_column(BigInteger)
    duplicates: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index(None, "tenant_id", "monitor_id"),)
