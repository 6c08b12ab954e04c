"""The label join's rows: ``drf_predictions``, ``drf_pending_labels`` and ``drf_label_cursors``.

Every statement is a bulk Core statement in the unit of work's transaction; callers hold the monitor's
row lock, so the per-monitor sequence numbers and the cursor are never written concurrently.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import String, any_, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from aumos_drift_detector.adapters.persistence.errors import storage_errors
from aumos_drift_detector.adapters.persistence.label_tables import LabelCursorRow, PendingLabelRow, PredictionRow
from aumos_drift_detector.core.labels.model import LabelCursor, PendingLabel, Prediction, Scalar

#: Inference ids per ``IN`` list (well under SQLite's bind-parameter limit; PostgreSQL takes one array).
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


def _chunks(ids: Collection[str], whole: bool) -> list[list[str]]:
    """The distinct ids in lists of at most :data:`CHUNK`, or in one list (one array parameter) when ``whole``."""
    unique = sorted(set(ids))
    size = max(len(unique), 1) if whole else CHUNK
    return [unique[start : start + size] for start in range(0, len(unique), size)]


class SqlAlchemyLabelRepository:
    """The label join's rows in the unit of work's session.

    Args:
        session: The unit of work's session.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._postgres = session.bind is not None and session.bind.dialect.name == "postgresql"

    def _among(self, column: Any, ids: list[str]) -> Any:
        """``column`` is one of ``ids``: one array parameter on PostgreSQL, an ``IN`` list elsewhere."""
        if self._postgres:
            return column == any_(bindparam("ids", ids, type_=postgresql.ARRAY(String)))
        return column.in_(ids)

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
        if predictions:
            with storage_errors("store predictions"):
                await self._session.execute(insert(PredictionRow), [_fields(item) for item in predictions])

    async def predictions_by_id(
        self, tenant_id: str, monitor_id: uuid.UUID, inference_ids: Collection[str]
    ) -> dict[str, Prediction]:
        """The stored predictions of those inference ids."""
        found: dict[str, Prediction] = {}
        for chunk in _chunks(inference_ids, self._postgres):
            query = select(PredictionRow.__table__).where(
                PredictionRow.tenant_id == tenant_id,
                PredictionRow.monitor_id == monitor_id,
                self._among(PredictionRow.inference_id, chunk),
            )
            with storage_errors("read predictions"):
                rows = (await self._session.execute(query)).all()
            found.update((row.inference_id, _prediction(row)) for row in rows)
        return found

    async def set_errors(self, tenant_id: str, monitor_id: uuid.UUID, errors: dict[int, float]) -> None:
        """Stage the joined error of each prediction, by sequence."""
        if not errors:
            return
        # ORM bulk update by primary key; the monitor's id is the tenant's (the caller looked it up by tenant).
        rows = [{"monitor_id": monitor_id, "sequence": sequence, "error": error} for sequence, error in errors.items()]
        with storage_errors("store joined errors"):
            await self._session.execute(update(PredictionRow), rows)

    async def predictions_from(
        self, tenant_id: str, monitor_id: uuid.UUID, sequence: int, limit: int
    ) -> list[Prediction]:
        """Up to ``limit`` stored predictions from ``sequence`` on, in sequence order."""
        query = (
            select(PredictionRow.__table__)
            .where(
                PredictionRow.tenant_id == tenant_id,
                PredictionRow.monitor_id == monitor_id,
                PredictionRow.sequence >= sequence,
            )
            .order_by(PredictionRow.sequence)
            .limit(limit)
        )
        with storage_errors("read predictions"):
            rows = (await self._session.execute(query)).all()
        return [_prediction(row) for row in rows]

    async def drop_predictions_before(self, tenant_id: str, monitor_id: uuid.UUID, sequence: int) -> None:
        """Stage the removal of every prediction before ``sequence``."""
        statement = delete(PredictionRow).where(
            PredictionRow.tenant_id == tenant_id,
            PredictionRow.monitor_id == monitor_id,
            PredictionRow.sequence < sequence,
        )
        with storage_errors("drop predictions"):
            await self._session.execute(statement.execution_options(synchronize_session=False))

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
        for chunk in _chunks(inference_ids, self._postgres):
            where = (
                PendingLabelRow.tenant_id == tenant_id,
                PendingLabelRow.monitor_id == monitor_id,
                self._among(PendingLabelRow.inference_id, chunk),
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
