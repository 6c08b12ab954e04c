"""Table mappings of the detectors' and consumers' state: checkpoints, decision levels, consumer offsets.

Each row is the latest state of one thing (a monitor's concept detector, its sequential decision
detectors, a consumer group's partition), overwritten in the transaction of the work that advanced it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from aumos_drift_detector.adapters.persistence.tables import Base


class ConceptStateRow(Base):
    """A row of ``drf_concept_states``: the checkpoint of a monitor's concept-drift detector."""

    __tablename__ = "drf_concept_states"

    monitor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drf_monitors.id", ondelete="CASCADE"), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    detector: Mapped[str] = mapped_column(String(40))
    state: Mapped[dict[str, Any]]
    recent_keys: Mapped[list[Any]]
    updated_at: Mapped[datetime]

    __table_args__ = (Index(None, "tenant_id", "monitor_id"),)


class DecisionStateRow(Base):
    """A row of ``drf_decision_states``: the levels of a monitor's sequential detectors after its latest check."""

    __tablename__ = "drf_decision_states"

    monitor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("drf_monitors.id", ondelete="CASCADE"), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    reference_version: Mapped[int] = mapped_column(Integer)
    levels: Mapped[dict[str, Any]]
    checks: Mapped[int] = mapped_column(Integer)
    alarms: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime]

    __table_args__ = (Index(None, "tenant_id", "monitor_id"),)


class ConsumerOffsetRow(Base):
    """A row of ``drf_consumer_offsets``: the next offset a consumer group reads from one partition.

    Written in the transaction of the rows and detector states its records produced. A partition's
    records span tenants, so this infrastructure table alone carries no ``tenant_id``.
    """

    __tablename__ = "drf_consumer_offsets"

    group_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    topic: Mapped[str] = mapped_column(String(255), primary_key=True)
    partition: Mapped[int] = mapped_column(Integer, primary_key=True)
    next_offset: Mapped[int] = mapped_column(BigInteger)
