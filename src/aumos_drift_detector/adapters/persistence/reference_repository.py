"""The repository of reference versions: a profile, a row sample and segment profiles, stored and read as large values.

A rolling version's observation window is a row of ``drf_reference_windows`` beside it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Select, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from aumos_drift_detector.adapters.persistence.errors import storage_errors
from aumos_drift_detector.adapters.persistence.large_values import (
    large_value_handle,
    read_large_value,
    stage_large_value,
)
from aumos_drift_detector.adapters.persistence.reference_tables import (
    ReferenceSampleRow,
    ReferenceSegmentsRow,
    ReferenceWindowRow,
)
from aumos_drift_detector.adapters.persistence.tables import ReferenceRow
from aumos_drift_detector.core.errors import NotFoundError
from aumos_drift_detector.core.ingest.model import ReferenceDataset, ReferenceInfo, SourceWindow

_REFERENCE_FIELDS = (
    "id",
    "tenant_id",
    "monitor_id",
    "version",
    "rows",
    "checksum",
    "content_type",
    "columns",
    "profile",
    "uploaded_by",
    "created_at",
)


_BlobTable = type[ReferenceSampleRow] | type[ReferenceSegmentsRow]

#: A reference row without its profile (read as a large value by :meth:`SqlAlchemyReferenceRepository._first`).
_WITHOUT_PROFILE = defer(ReferenceRow.profile, raiseload=True)


class SqlAlchemyReferenceRepository:
    """Reference versions in ``drf_references``."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, reference: ReferenceDataset) -> None:
        """Stage a new version (its profile written a slice at a time)."""
        values = {name: getattr(reference, name) for name in _REFERENCE_FIELDS}
        with storage_errors("store reference"):
            profile = await stage_large_value(self._session, reference.profile, ReferenceRow.profile, reference.id)
            await self._session.execute(
                insert(ReferenceRow).values(**{**values, "columns": list(reference.columns), "profile": profile.value})
            )
            await profile.complete(self._session)
            if reference.sample is not None:
                await self._add_blob(reference, reference.sample, ReferenceSampleRow)
            if reference.segments is not None:
                await self._add_blob(reference, reference.segments, ReferenceSegmentsRow)
            if reference.window is not None:
                await self._session.execute(
                    insert(ReferenceWindowRow).values(
                        id=reference.id,
                        tenant_id=reference.tenant_id,
                        window_start=reference.window.start,
                        window_end=reference.window.end,
                    )
                )

    async def _add_blob(self, reference: ReferenceDataset, payload: bytes, table: _BlobTable) -> None:
        """Stage a large value kept beside the version in a table of its own (a row sample, segment profiles)."""
        blob = await stage_large_value(self._session, payload, table.payload, reference.id)
        await self._session.execute(
            insert(table).values(id=reference.id, tenant_id=reference.tenant_id, payload=blob.value)
        )
        await blob.complete(self._session)

    async def _blob(self, reference_id: uuid.UUID, table: _BlobTable) -> bytes | None:
        handle = large_value_handle(self._session, table.payload)
        found = (await self._session.execute(select(handle).where(table.id == reference_id))).first()
        return None if found is None else await read_large_value(self._session, table.payload, found[0])

    async def _window(self, reference_id: uuid.UUID) -> SourceWindow | None:
        query = select(ReferenceWindowRow.window_start, ReferenceWindowRow.window_end).where(
            ReferenceWindowRow.id == reference_id
        )
        found = (await self._session.execute(query)).first()
        return None if found is None else SourceWindow(found[0], found[1])

    async def latest(self, tenant_id: str, monitor_id: uuid.UUID) -> ReferenceDataset | None:
        """Return the newest version, if any."""
        query = (
            select(ReferenceRow)
            .where(ReferenceRow.tenant_id == tenant_id, ReferenceRow.monitor_id == monitor_id)
            .order_by(ReferenceRow.version.desc())
        )
        return await self._first(query)

    async def latest_version(self, tenant_id: str, monitor_id: uuid.UUID) -> int | None:
        """Return the newest version's number, if any (its profile is not read)."""
        query = select(func.max(ReferenceRow.version)).where(
            ReferenceRow.tenant_id == tenant_id, ReferenceRow.monitor_id == monitor_id
        )
        with storage_errors("get reference"):
            found = (await self._session.execute(query)).scalar_one()
        return None if found is None else int(found)

    async def latest_info(self, tenant_id: str, monitor_id: uuid.UUID) -> ReferenceInfo | None:
        """Return the newest version's number, time, rolling window and columns, if any (no large value is read)."""
        bounds = (ReferenceWindowRow.window_start, ReferenceWindowRow.window_end)
        query = (
            select(ReferenceRow.version, ReferenceRow.created_at, ReferenceRow.columns, *bounds)
            .outerjoin(ReferenceWindowRow, ReferenceWindowRow.id == ReferenceRow.id)
            .where(ReferenceRow.tenant_id == tenant_id, ReferenceRow.monitor_id == monitor_id)
            .order_by(ReferenceRow.version.desc())
            .limit(1)
        )
        with storage_errors("get reference"):
            found = (await self._session.execute(query)).first()
        if found is None:
            return None
        version, created_at, columns, start, end = found
        window = SourceWindow(start, end) if start is not None else None
        return ReferenceInfo(int(version), created_at, window, tuple(columns))

    async def get_version(self, tenant_id: str, monitor_id: uuid.UUID, version: int) -> ReferenceDataset:
        """Return one version or raise ``NotFoundError``."""
        query = select(ReferenceRow).where(
            ReferenceRow.tenant_id == tenant_id, ReferenceRow.monitor_id == monitor_id, ReferenceRow.version == version
        )
        found = await self._first(query)
        if found is None:
            raise NotFoundError(f"reference version {version} not found", details={"version": version})
        return found

    async def _first(self, query: Select[ReferenceRow]) -> ReferenceDataset | None:
        """The first version ``query`` finds, its profile read as a large value (see :mod:`.large_values`)."""
        handle = large_value_handle(self._session, ReferenceRow.profile)
        with storage_errors("get reference"):
            found = (await self._session.execute(query.add_columns(handle).options(_WITHOUT_PROFILE).limit(1))).first()
            if found is None:
                return None
            row, stored = found
            profile = await read_large_value(self._session, ReferenceRow.profile, stored)
            sample = await self._blob(row.id, ReferenceSampleRow)
            segments = await self._blob(row.id, ReferenceSegmentsRow)
            window = await self._window(row.id)
        values = {name: getattr(row, name) for name in _REFERENCE_FIELDS if name != "profile"}
        extra = {"columns": tuple(row.columns), "profile": profile, "sample": sample, "window": window}
        extra["segments"] = segments
        return ReferenceDataset(**{**values, **extra})
