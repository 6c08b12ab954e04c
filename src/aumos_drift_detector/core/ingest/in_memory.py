"""In-memory fakes of the reference and observation repositories, for unit tests of the use cases."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from aumos_drift_detector.core.errors import ConflictError, NotFoundError
from aumos_drift_detector.core.ingest.column_table import ColumnTable
from aumos_drift_detector.core.ingest.model import ObservationWindow, ReceivedBatch, ReferenceDataset, ReferenceInfo
from aumos_drift_detector.core.ingest.table import Table
from aumos_drift_detector.core.staged_table import StagedTable


class InMemoryReferenceRepository:
    """Reference versions in memory.

    Args:
        references: The transaction's view of the reference versions.
    """

    def __init__(self, references: StagedTable[uuid.UUID, ReferenceDataset]) -> None:
        self._references = references

    def _versions(self, tenant_id: str, monitor_id: uuid.UUID) -> list[ReferenceDataset]:
        found = [
            item for item in self._references.values() if (item.tenant_id, item.monitor_id) == (tenant_id, monitor_id)
        ]
        return sorted(found, key=lambda item: item.version)

    async def add(self, reference: ReferenceDataset) -> None:
        """Stage a new version; a repeated version number is a ``ConflictError``."""
        if any(item.version == reference.version for item in self._versions(reference.tenant_id, reference.monitor_id)):
            raise ConflictError("add reference: conflicts with stored data", details={"version": reference.version})
        self._references.put(reference.id, reference)

    async def latest(self, tenant_id: str, monitor_id: uuid.UUID) -> ReferenceDataset | None:
        """The newest version, if any."""
        versions = self._versions(tenant_id, monitor_id)
        return versions[-1] if versions else None

    async def latest_version(self, tenant_id: str, monitor_id: uuid.UUID) -> int | None:
        """The newest version's number, if any."""
        versions = self._versions(tenant_id, monitor_id)
        return versions[-1].version if versions else None

    async def latest_info(self, tenant_id: str, monitor_id: uuid.UUID) -> ReferenceInfo | None:
        """The newest version's number, creation time and rolling window, if any."""
        versions = self._versions(tenant_id, monitor_id)
        return versions[-1].info if versions else None

    async def get_version(self, tenant_id: str, monitor_id: uuid.UUID, version: int) -> ReferenceDataset:
        """One version, or ``NotFoundError``."""
        for item in self._versions(tenant_id, monitor_id):
            if item.version == version:
                return item
        raise NotFoundError(f"reference version {version} not found", details={"version": version})


@dataclasses.dataclass(frozen=True, slots=True)
class StoredBatch:
    """One accepted batch of production rows, like a row of ``drf_observation_batches``."""

    id: uuid.UUID
    tenant_id: str
    monitor_id: uuid.UUID
    idempotency_key: str | None
    digest: str
    columns: dict[str, list[Any]]
    rows: int
    received_at: datetime


class InMemoryObservationRepository:
    """Production batches in memory.

    Args:
        batches: The transaction's view of the stored batches.
    """

    def __init__(self, batches: StagedTable[uuid.UUID, StoredBatch], lock: Callable[[str], Awaitable[None]]) -> None:
        self._batches = batches
        self._lock = lock

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
        """Stage a batch unless its key was used; a key used for another digest is a ``ConflictError``.

        Like the database's unique index, a key is claimed until the unit of work ends, so racing
        batches under one key are stored once.
        """
        if idempotency_key is not None:
            await self._lock(f"observations:{monitor_id}:{idempotency_key}")
            for batch in self._batches.values():
                if batch.monitor_id == monitor_id and batch.idempotency_key == idempotency_key:
                    if batch.digest != digest:
                        raise ConflictError(
                            f"Idempotency-Key {idempotency_key!r} was used for a different body",
                            details={"field": "Idempotency-Key"},
                        )
                    return False
        stored = StoredBatch(
            batch_id or uuid.uuid4(),
            tenant_id,
            monitor_id,
            idempotency_key,
            digest,
            table.to_pydict(),
            table.num_rows,
            received_at,
        )
        self._batches.put(stored.id, stored)
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
        """The newest rows: at most ``last_rows``, received at or after ``since``."""
        newest_first = sorted(
            (
                batch
                for batch in self._batches.values()
                if (batch.tenant_id, batch.monitor_id) == (tenant_id, monitor_id)
                and (since is None or batch.received_at >= since)
            ),
            key=lambda batch: (batch.received_at, batch.id),
            reverse=True,
        )
        used: list[StoredBatch] = []
        for batch in newest_first:
            used.append(batch)
            if last_rows is not None and sum(item.rows for item in used) >= last_rows:
                break
        table = ColumnTable.concat([batch.columns for batch in reversed(used)], columns)
        if last_rows is not None and table.num_rows > last_rows:
            table = table.slice_last(last_rows)
        stamps = [batch.received_at for batch in used]
        return ObservationWindow(table, table.num_rows, len(used), min(stamps, default=None), max(stamps, default=None))

    def _received(
        self, tenant_id: str, monitor_id: uuid.UUID, since: datetime | None, until: datetime | None
    ) -> list[StoredBatch]:
        found = [
            batch
            for batch in self._batches.values()
            if (batch.tenant_id, batch.monitor_id) == (tenant_id, monitor_id)
            and (since is None or batch.received_at >= since)
            and (until is None or batch.received_at < until)
        ]
        return sorted(found, key=lambda batch: (batch.received_at, batch.id))

    async def received_rows(
        self, tenant_id: str, monitor_id: uuid.UUID, *, since: datetime | None, until: datetime | None
    ) -> int:
        """Count the rows received in ``[since, until)``."""
        return sum(batch.rows for batch in self._received(tenant_id, monitor_id, since, until))

    async def received_batches(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        *,
        columns: Sequence[str],
        since: datetime | None,
        until: datetime | None,
    ) -> list[ReceivedBatch]:
        """The batches received in ``[since, until)``, oldest first, each with ``columns``."""
        return [
            ReceivedBatch(batch.received_at, ColumnTable.concat([batch.columns], columns), batch.id)
            for batch in self._received(tenant_id, monitor_id, since, until)
        ]

    async def received_batch_ids(
        self, tenant_id: str, monitor_id: uuid.UUID, *, since: datetime | None, until: datetime | None
    ) -> list[uuid.UUID]:
        """Ids of the batches received in ``[since, until)``, oldest first."""
        return [batch.id for batch in self._received(tenant_id, monitor_id, since, until)]

    async def batches_by_id(
        self, tenant_id: str, monitor_id: uuid.UUID, ids: Sequence[uuid.UUID], *, columns: Sequence[str]
    ) -> list[ReceivedBatch]:
        """The kept batches with these ids, oldest first."""
        wanted = set(ids)
        return [
            ReceivedBatch(batch.received_at, ColumnTable.concat([batch.columns], columns), batch.id)
            for batch in self._received(tenant_id, monitor_id, None, None)
            if batch.id in wanted
        ]

    async def purge_before(self, cutoff: datetime) -> int:
        """Delete batches received before ``cutoff``."""
        old = [batch.id for batch in self._batches.values() if batch.received_at < cutoff]
        for batch_id in old:
            self._batches.delete(batch_id)
        return len(old)
