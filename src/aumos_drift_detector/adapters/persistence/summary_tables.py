"""Table mapping of ``drf_window_summaries``: monitors' stored window summaries (see ``core.summaries.stored``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from aumos_drift_detector.adapters.persistence.tables import Base


class WindowSummaryRow(Base):
    """A row of ``drf_window_summaries``: one reference, batch, hourly or daily summary on one layout.

    ``segment`` is the segment whose rows it counts (empty: every row); the layout fingerprint tells
    segments apart too, so the window queries need not name it.
    """

    __tablename__ = "drf_window_summaries"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    monitor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drf_monitors.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    layout: Mapped[str] = mapped_column(String(64))
    segment: Mapped[str] = mapped_column(Text, default="", server_default="")
    batch_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reference_version: Mapped[int | None] = mapped_column(Integer)
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    rows: Mapped[int] = mapped_column(BigInteger)
    batches: Mapped[int] = mapped_column(Integer)
    payload: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (
        UniqueConstraint("monitor_id", "layout", "batch_id"),
        UniqueConstraint("monitor_id", "reference_version", "segment"),
        Index(None, "tenant_id", "monitor_id", "layout", "period_end"),
        Index(None, "period_end"),
    )
