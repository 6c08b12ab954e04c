"""The label join's rows: ``drf_predictions``, ``drf_pending_labels`` and ``drf_label_cursors``.

Every statement is a bulk Core statement in the unit of work's transaction; callers hold the monitor's
row lock, so the per-monitor sequence numbers and the cursor are never written concurrently.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from aumos_drift_detector.adapters.persistence import label_arrays
from aumos_drift_detector.adapters.persistence.errors import storage_errors
from aumos_drift_detector.adapters.persistence.label_settlement import Settler
from aumos_drift_detector.adapters.persistence.label_tables import LabelCursorRow, PendingLabelRow, PredictionRow
from aumos_drift_detector.core.labels.model import JoinTarget, LabelCursor, PendingLabel, Prediction, Scalar, Settlement

#: Inference ids per ``IN`` list on SQLite (well under its bind-parameter limit); PostgreSQL takes one array.
CHUNK = 1_000


def _scalar(value: Any) -> Scalar:
    return value if isinstance(value, str) else float(value)


def _prediction(row: Any) -> Prediction:
    return Prediction(
        tenant_id=row.tenant_id,
        monitor_id=row.monitor_id,
        sequence=row.sequence,
        inference_id=row.inference_id,
        prediction=_scalar(row.prediction),
        score=row.score,
        received_at=row.received_at,
        error=row.error,
    )


def _fields(item: Prediction | PendingLabel) -> dict[str, Any]:
    """A row's columns (``dataclasses.asdict`` deep-copies every value, ten times slower on large batches)."""
    return {name: getattr(item, name) for name in item.__slots__}


def _chunks(ids: Collection[str]) -> list[list[str]]:
    """The distinct ids in lists of at most :data:`CHUNK` (SQLite's ``IN`` lists)."""
    unique = sorted(set(ids))
    return [unique[start : start + CHUNK] for start in range(0, len(unique), CHUNK)]


class SqlAlchemyLabelRepository:
    """The label join's rows in the unit of work's session.

    Args:
        session: The unit of work's session.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._postgres = session.bind is not None and session.bind.dialect.name == "postgresql"
        self._settler = Settler(session, postgres=self._postgres)

    async def cursor(self, tenant_id: str, monitor_id: uuid.UUID) -> LabelCursor | None:
        """The monitor's cursor, if any."""
        query = select(LabelCursorRow).where(
            LabelCursorRow.tenant_id == tenant_id, LabelCursorRow.monitor_id == monitor_id
        )
        with storage_errors("read label cursor"):
            row = (await self._session.execute(query.execution_options(populate_existing=True))).scalar_one_or_none()
        if row is None:
            return None
        fields = {name: getattr(row, name) for name in asdict(LabelCursor(tenant_id="", monitor_id=monitor_id))}
        return LabelCursor(**fields)

    async def waiting(self, limit: int) -> list[tuple[str, uuid.UUID]]:
        """Monitors with predictions past their watermark or pending labels (oldest tenants and ids first)."""
        behind = select(LabelCursorRow.tenant_id, LabelCursorRow.monitor_id).where(
            LabelCursorRow.next_sequence > LabelCursorRow.watermark
        )
        pending = select(PendingLabelRow.tenant_id, PendingLabelRow.monitor_id)
        both = union(behind, pending).subquery()
        query = select(both.c.tenant_id, both.c.monitor_id).order_by(both.c.tenant_id, both.c.monitor_id).limit(limit)
        with storage_errors("read waiting label joins"):
            rows = (await self._session.execute(query)).all()
        return [(row.tenant_id, row.monitor_id) for row in rows]

    async def save_cursor(self, cursor: LabelCursor) -> None:
        """Stage the cursor (insert or replace)."""
        values = asdict(cursor)
        with storage_errors("store label cursor"):
            row = await self._session.get(LabelCursorRow, cursor.monitor_id)
            if row is None:
                self._session.add(LabelCursorRow(**values))
            else:
                for name, value in values.items():
                    setattr(row, name, value)
            await self._session.flush()

    async def add_predictions(self, predictions: Sequence[Prediction]) -> None:
        """Stage new predictions."""
        if not predictions:
            return
        with storage_errors("store predictions"):
            if self._postgres:
                await label_arrays.add_predictions(self._session, predictions)
            else:
                await self._session.execute(insert(PredictionRow), [_fields(item) for item in predictions])

    async def predictions_by_id(
        self, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Collection[str]
    ) -> dict[str, Prediction]:
        """The stored predictions of those inference ids."""
        found: dict[str, Prediction] = {}
        if self._postgres:
            with storage_errors("read predictions"):
                matches = await label_arrays.predictions_by_id(
                    self._session, tenant_id, monitor_id, sorted(set(inference_ids))
                )
            return {prediction.inference_id: prediction for prediction in matches}
        for chunk in _chunks(inference_ids):
            query = select(PredictionRow.__table__).where(
                PredictionRow.tenant_id == tenant_id,
                PredictionRow.monitor_id == monitor_id,
                PredictionRow.inference_id.in_(chunk),
            )
            with storage_errors("read predictions"):
                rows = (await self._session.execute(query)).all()
            found.update((row.inference_id, _prediction(row)) for row in rows)
        return found

    async def join_targets(
        self, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Collection[str]
    ) -> dict[str, JoinTarget]:
        """The stored predictions of those inference ids, as join targets (on PostgreSQL one row of arrays)."""
        if self._postgres:
            with storage_errors("read predictions"):
                ids = sorted(set(inference_ids))
                return await label_arrays.join_targets(self._session, tenant_id, monitor_id, ids)
        found = await self.predictions_by_id(tenant_id, monitor_id, inference_ids)
        return {key: JoinTarget(p.sequence, p.prediction, p.error) for key, p in found.items()}

    async def known_ids(self, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Collection[str]) -> set[str]:
        """Those of the inference ids that have a stored prediction."""
        known: set[str] = set()
        with storage_errors("read predictions"):
            if self._postgres:
                ids = sorted(set(inference_ids))
                return set(await label_arrays.known_ids(self._session, tenant_id, monitor_id, ids))
            for chunk in _chunks(inference_ids):
                query = select(PredictionRow.inference_id).where(
                    PredictionRow.tenant_id == tenant_id,
                    PredictionRow.monitor_id == monitor_id,
                    PredictionRow.inference_id.in_(chunk),
                )
                known.update((await self._session.execute(query)).scalars())
        return known

    async def set_errors(self, tenant_id: str, monitor_id: uuid.UUID, errors: dict[int, float]) -> None:
        """Stage the joined error of each prediction, by sequence."""
        if not errors:
            return
        # By primary key; the monitor's id is the tenant's (the caller looked it up by tenant).
        if self._postgres:
            with storage_errors("store joined errors"):
                await label_arrays.set_errors(self._session, monitor_id, errors)
            return
        rows = [{"monitor_id": monitor_id, "sequence": sequence, "error": error} for sequence, error in errors.items()]
        with storage_errors("store joined errors"):
            await self._session.execute(update(PredictionRow), rows)

    async def settle(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        watermark: int,
        expired_before: datetime,
        limit: int,
        joined: Mapping[int, float] | None = None,
    ) -> Settlement:
        """Remove up to ``limit`` labelled (stored or ``joined``) and expired predictions from ``watermark`` on.

        The pass is found and removed in two statements (:mod:`label_settlement`); on PostgreSQL the removed
        errors come back as one array.
        """
        with storage_errors("pass predictions"):
            return await self._settler.settle(tenant_id, monitor_id, watermark, expired_before, limit, joined or {})

    async def add_pending(self, labels: Sequence[PendingLabel]) -> None:
        """Stage labels waiting for their prediction."""
        if labels:
            with storage_errors("store pending labels"):
                await self._session.execute(insert(PendingLabelRow), [_fields(label) for label in labels])

    async def take_pending(
        self, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Collection[str]
    ) -> list[PendingLabel]:
        """Remove and return the pending labels of those inference ids, oldest first."""
        taken: list[PendingLabel] = []
        if self._postgres:
            with storage_errors("take pending labels"):
                found = await label_arrays.take_pending(
                    self._session, tenant_id, monitor_id, sorted(set(inference_ids))
                )
            taken = [_pending(row) for row in found]
        for chunk in [] if self._postgres else _chunks(inference_ids):
            where = (
                PendingLabelRow.tenant_id == tenant_id,
                PendingLabelRow.monitor_id == monitor_id,
                PendingLabelRow.inference_id.in_(chunk),
            )
            with storage_errors("take pending labels"):
                rows = (await self._session.execute(select(PendingLabelRow.__table__).where(*where))).all()
                if rows:
                    await self._session.execute(
                        delete(PendingLabelRow).where(*where).execution_options(synchronize_session=False)
                    )
            taken.extend(_pending(row) for row in rows)
        return sorted(taken, key=lambda label: (label.received_at, str(label.id)))

    async def drop_pending_before(self, tenant_id: str, monitor_id: uuid.UUID, received_before: datetime) -> int:
        """Stage the removal of the pending labels received before the time; return how many."""
        statement = delete(PendingLabelRow).where(
            PendingLabelRow.tenant_id == tenant_id,
            PendingLabelRow.monitor_id == monitor_id,
            PendingLabelRow.received_at < received_before,
        )
        with storage_errors("drop pending labels"):
            result = await self._session.execute(statement.execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0))


def _pending(row: Any) -> PendingLabel:
    return PendingLabel(
        id=row.id,
        tenant_id=row.tenant_id,
        monitor_id=row.monitor_id,
        inference_id=row.inference_id,
        label=_scalar(row.label),
        received_at=row.received_at,
    )
