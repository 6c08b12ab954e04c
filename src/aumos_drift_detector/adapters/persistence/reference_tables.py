"""Table mappings kept beside a reference version, one row per version (its ``id``).

They hold its row sample, its per-segment profiles and, for a rolling version, the window it was built from.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from aumos_drift_detector.adapters.persistence.tables import Base


class ReferenceSampleRow(Base):
    """A row of ``drf_reference_samples``: the row sample kept with one reference version (its ``id``)."""

    __tablename__ = "drf_reference_samples"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("drf_references.id", ondelete="CASCADE"), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    # Last: on SQLite, a large value is inserted as a zero blob and written in slices (see large_values).
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class ReferenceSegmentsRow(Base):
    """A row of ``drf_reference_segments``: the per-segment profiles of a reference version (``payload`` last)."""

    __tablename__ = "drf_reference_segments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("drf_references.id", ondelete="CASCADE"), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class ReferenceWindowRow(Base):
    """A row of ``drf_reference_windows``: the observations a rolling reference version (its ``id``) was built from."""

    __tablename__ = "drf_reference_windows"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("drf_references.id", ondelete="CASCADE"), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
