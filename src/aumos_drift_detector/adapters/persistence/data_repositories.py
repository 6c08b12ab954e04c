"""Repositories of monitor data: production observation batches and concept detector checkpoints."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa
from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from aumos_drift_detector.adapters.persistence.arrow_codec import combine_tables, decode_table, encode_table
from aumos_drift_detector.adapters.persistence.errors import storage_errors
from aumos_drift_detector.adapters.persistence.large_values import (
    large_value_handle,
    read_large_value,
    stage_large_value,
)
from aumos_drift_detector.adapters.persistence.locks import dialect_name
from aumos_drift_detector.adapters.persistence.state_tables import ConceptStateRow
from aumos_drift_detector.adapters.persistence.tables import ObservationBatchRow
from aumos_drift_detector.core.errors import ConflictError
from aumos_drift_detector.core.ingest.model import ObservationWindow, ReceivedBatch
from aumos_drift_detector.core.ingest.table import Table
from aumos_drift_detector.core.outcomes.model import AppliedBatch, ConceptCheckpoint


def _insert_ignoring_key(session: AsyncSession) -> Any:
    """An ``INSERT`` that does nothing when the monitor's idempotency key exists (waiting for a racing insert)."""
    dialect = postgresql if dialect_name(session) == "postgresql" else sqlite
    return dialect.insert(ObservationBatchRow).on_conflict_do_nothing(index_elements=["monitor_id", "idempotency_key"])


def _decoded(payload: bytes, columns: Sequence[str]) -> pa.Table:
    """A stored batch with the named columns (absent ones null)."""
    return combine_tables([decode_table(payload)], columns)


class SqlAlchemyObservationRepository:
    """Production rows in ``drf_observation_batches``, one compressed Arrow IPC blob per batch."""

    def __init__(self, session: AsyncSession, *, scan_batch: int = 64) -> None:
        self._session = session
        self._scan_batch = scan_batch

    async def add_batch(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        table: Table,
        *,
        idempotency_key: str | None,
        digest: str,
        received_at: datetime,
        batch_id: uuid.UUID | None = None,
    ) -> bool:
        """Stage a batch unless its idempotency key was already used for this monitor.

        A key already used with the same digest stores nothing (``False``); with another digest it is a
        ``ConflictError``. Two requests racing with one key insert once: the second finds the first's row.
        """
        if idempotency_key is not None and await self._seen(monitor_id, idempotency_key, digest):
            return False
        with storage_errors("store observations"):
            row_id = batch_id or uuid.uuid4()
            payload = await asyncio.to_thread(encode_table, table)
            data = await stage_large_value(self._session, payload, ObservationBatchRow.data, row_id)
            values = {
                "id": row_id,
                "tenant_id": tenant_id,
                "monitor_id": monitor_id,
                "idempotency_key": idempotency_key,
                "content_digest": digest,
                "rows": table.num_rows,
                "data": data.value,
                "received_at": received_at,
            }
            if idempotency_key is None:
                await self._session.execute(insert(ObservationBatchRow).values(**values))
                inserted = True
            else:
                result = await self._session.execute(
                    _insert_ignoring_key(self._session).values(**values).returning(ObservationBatchRow.id)
                )
                inserted = result.first() is not None
            await data.complete(self._session)
        if inserted or idempotency_key is None:
            return True
        return not await self._seen(monitor_id, idempotency_key, digest)

    async def _seen(self, monitor_id: uuid.UUID, key: str, digest: str) -> bool:
        query = select(ObservationBatchRow.content_digest).where(
            ObservationBatchRow.monitor_id == monitor_id, ObservationBatchRow.idempotency_key == key
        )
        with storage_errors("check idempotency key"):
            found = (await self._session.execute(query)).first()
        if found is None:
            return False
        if found.content_digest is not None and found.content_digest != digest:
            raise ConflictError(
                f"Idempotency-Key {key!r} was used for a different body; send new data under a new key",
                details={"field": "Idempotency-Key"},
            )
        return True

    async def load_window(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        *,
        columns: Sequence[str],
        last_rows: int | None,
        since: datetime | None,
    ) -> ObservationWindow:
        """Read the newest batches until ``last_rows`` rows are gathered (or none are left)."""
        data = large_value_handle(self._session, ObservationBatchRow.data)
        query = select(ObservationBatchRow.rows, data, ObservationBatchRow.received_at).where(
            ObservationBatchRow.tenant_id == tenant_id, ObservationBatchRow.monitor_id == monitor_id
        )
        if since is not None:
            query = query.where(ObservationBatchRow.received_at >= since)
        query = query.order_by(ObservationBatchRow.received_at.desc(), ObservationBatchRow.id.desc())
        newest_first: list[pa.Table] = []
        stamps: list[datetime] = []
        gathered = 0
        with storage_errors("load observations"):
            result = await self._session.stream(query.execution_options(yield_per=self._scan_batch))
            async for rows, stored, received_at in result:
                payload = await read_large_value(self._session, ObservationBatchRow.data, stored)
                # Decompressing a large batch takes a while: keep it off the event loop.
                newest_first.append(await asyncio.to_thread(decode_table, payload))
                stamps.append(received_at)
                gathered += rows
                if last_rows is not None and gathered >= last_rows:
                    break
            await result.close()
        table = await asyncio.to_thread(combine_tables, newest_first[::-1], columns)
        if last_rows is not None and table.num_rows > last_rows:
            table = table.slice(table.num_rows - last_rows)
        return ObservationWindow(
            table=table,
            rows=table.num_rows,
            batches=len(newest_first),
            oldest=min(stamps, default=None),
            newest=max(stamps, default=None),
        )

    @staticmethod
    def _received(
        query: Any, tenant_id: str, monitor_id: uuid.UUID, since: datetime | None, until: datetime | None
    ) -> Any:
        query = query.where(ObservationBatchRow.tenant_id == tenant_id, ObservationBatchRow.monitor_id == monitor_id)
        if since is not None:
            query = query.where(ObservationBatchRow.received_at >= since)
        if until is not None:
            query = query.where(ObservationBatchRow.received_at < until)
        return query

    async def received_rows(
        self, tenant_id: str, monitor_id: uuid.UUID, *, since: datetime | None, until: datetime | None
    ) -> int:
        """Count the rows received in ``[since, until)`` (from the batches' row counts, no data read)."""
        total = select(func.coalesce(func.sum(ObservationBatchRow.rows), 0))
        query = self._received(total, tenant_id, monitor_id, since, until)
        with storage_errors("count observations"):
            return int((await self._session.execute(query)).scalar_one())

    async def received_batches(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        *,
        columns: Sequence[str],
        since: datetime | None,
        until: datetime | None,
    ) -> list[ReceivedBatch]:
        """The batches received in ``[since, until)``, oldest first, each decoded with ``columns``."""
        data = large_value_handle(self._session, ObservationBatchRow.data)
        query = self._received(
            select(data, ObservationBatchRow.received_at, ObservationBatchRow.id), tenant_id, monitor_id, since, until
        )
        return await self._decoded_batches(query, columns)

    async def _decoded_batches(self, query: Any, columns: Sequence[str]) -> list[ReceivedBatch]:
        """The batches a query of (data, received_at, id) selects, oldest first, decoded with ``columns``."""
        query = query.order_by(ObservationBatchRow.received_at, ObservationBatchRow.id)
        found: list[ReceivedBatch] = []
        with storage_errors("load observations"):
            result = await self._session.stream(query.execution_options(yield_per=self._scan_batch))
            async for stored, received_at, batch_id in result:
                payload = await read_large_value(self._session, ObservationBatchRow.data, stored)
                table = await asyncio.to_thread(_decoded, payload, columns)
                found.append(ReceivedBatch(received_at, table, batch_id))
            await result.close()
        return found

    async def received_batch_ids(
        self, tenant_id: str, monitor_id: uuid.UUID, *, since: datetime | None, until: datetime | None
    ) -> list[uuid.UUID]:
        """The ids of the batches received in ``[since, until)``, oldest first (no data read)."""
        query = self._received(select(ObservationBatchRow.id), tenant_id, monitor_id, since, until)
        query = query.order_by(ObservationBatchRow.received_at, ObservationBatchRow.id)
        with storage_errors("list observation batches"):
            return list((await self._session.execute(query)).scalars())

    async def batches_by_id(
        self, tenant_id: str, monitor_id: uuid.UUID, ids: Sequence[uuid.UUID], *, columns: Sequence[str]
    ) -> list[ReceivedBatch]:
        """The kept batches with these ids, oldest first, decoded with ``columns``."""
        if not ids:
            return []
        data = large_value_handle(self._session, ObservationBatchRow.data)
        query = self._received(
            select(data, ObservationBatchRow.received_at, ObservationBatchRow.id), tenant_id, monitor_id, None, None
        ).where(ObservationBatchRow.id.in_(list(ids)))
        return await self._decoded_batches(query, columns)

    async def purge_before(self, cutoff: datetime) -> int:
        """Delete batches received before ``cutoff``."""
        with storage_errors("purge observations"):
            result = await self._session.execute(
                delete(ObservationBatchRow).where(ObservationBatchRow.received_at < cutoff)
            )
        return int(getattr(result, "rowcount", 0) or 0)


def _applied(entry: Any) -> AppliedBatch:
    """A stored ``[key, digest]`` pair (a bare key was stored before digests were kept)."""
    if isinstance(entry, list) and len(entry) == 2:
        return AppliedBatch(str(entry[0]), str(entry[1]))
    return AppliedBatch(str(entry), "")


#: The key of the outcome stretch inside the ``state`` column, beside the detector's own state.
STRETCH_KEY = "outcome_stretch"


class SqlAlchemyConceptStateRepository:
    """Detector checkpoints in ``drf_concept_states``.

    The ``state`` column holds the detector's ``to_state()`` document and, under :data:`STRETCH_KEY`,
    the checkpoint's outcome stretch (absent in rows written before it was kept, read back as ``None``).
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tenant_id: str, monitor_id: uuid.UUID) -> ConceptCheckpoint | None:
        """Return the monitor's checkpoint, if any."""
        query = select(ConceptStateRow).where(
            ConceptStateRow.tenant_id == tenant_id, ConceptStateRow.monitor_id == monitor_id
        )
        with storage_errors("get concept state"):
            row = (await self._session.scalars(query)).one_or_none()
        if row is None:
            return None
        state = dict(row.state)
        stretch = state.pop(STRETCH_KEY, None)
        return ConceptCheckpoint(
            monitor_id=row.monitor_id,
            tenant_id=row.tenant_id,
            detector=row.detector,
            state=state,
            recent_batches=tuple(_applied(entry) for entry in row.recent_keys),
            updated_at=row.updated_at,
            stretch=dict(stretch) if isinstance(stretch, dict) else None,
        )

    async def save(self, checkpoint: ConceptCheckpoint) -> None:
        """Insert or replace the checkpoint."""
        with storage_errors("save concept state"):
            row = await self._session.get(ConceptStateRow, checkpoint.monitor_id)
            if row is None:
                row = ConceptStateRow(monitor_id=checkpoint.monitor_id)
                self._session.add(row)
            row.tenant_id = checkpoint.tenant_id
            row.detector = checkpoint.detector
            stretch = {} if checkpoint.stretch is None else {STRETCH_KEY: checkpoint.stretch}
            row.state = {**checkpoint.state, **stretch}
            row.recent_keys = [[batch.key, batch.digest] for batch in checkpoint.recent_batches]
            row.updated_at = checkpoint.updated_at
