"""Moving a monitor's watermark: removing its passed predictions and returning their errors in order.

A pass takes the predictions from the watermark on up to the first one that *blocks*: neither labelled (a
stored error, or one joined in this transaction and not yet written) nor expired. The blocker is found
first, from the unlabelled, unexpired predictions in sequence order, skipping those joined now; then the
passed range is deleted in one statement that returns the stored errors. A joined error whose prediction
is passed is never written: in a stream whose labels come roughly in order, most joins cost no update.

The sequences from the watermark on are contiguous (a prediction is only ever removed by a pass), so
``watermark + limit`` bounds how many rows one pass removes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from aumos_drift_detector.adapters.persistence.label_tables import PredictionRow
from aumos_drift_detector.adapters.persistence.tables import MonitorRow
from aumos_drift_detector.core.labels.model import Settlement

#: Predictions read by the first window of a blocker search; each further window is eight times larger.
FIRST_PAGE = 64

#: The passed range, removed, with the errors in sequence order as two arrays (PostgreSQL).
_REMOVE_SPAN = text(
    "WITH gone AS (DELETE FROM drf_predictions WHERE monitor_id = :monitor_id AND sequence >= :start "
    "AND sequence < :stop AND EXISTS (SELECT FROM drf_monitors WHERE id = :monitor_id AND tenant_id = :tenant_id) "
    "RETURNING sequence, error) "
    "SELECT array_agg(sequence ORDER BY sequence), array_agg(error ORDER BY sequence) FROM gone"
)


class Settler:
    """Passes a monitor's watermark over its labelled and expired predictions.

    Args:
        session: The unit of work's session.
        postgres: Whether the session is on PostgreSQL (one array row back instead of a row per prediction).
    """

    def __init__(self, session: AsyncSession, *, postgres: bool) -> None:
        self._session = session
        self._postgres = postgres

    async def settle(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        watermark: int,
        expired_before: datetime,
        limit: int,
        joined: Mapping[int, float],
    ) -> Settlement:
        """Remove up to ``limit`` passed predictions from ``watermark`` on and return the pass."""
        end = await self._end(tenant_id, monitor_id, watermark, expired_before, joined)
        stop = watermark + limit if end is None else min(end, watermark + limit)
        sequences, stored = await self._remove(tenant_id, monitor_id, watermark, stop)
        errors: list[float] = []
        for sequence, error in zip(sequences, stored, strict=True):
            value = joined.get(sequence) if error is None else error
            if value is not None:
                errors.append(value)
        next_watermark = sequences[-1] + 1 if sequences else watermark
        return Settlement(next_watermark, errors, len(sequences) - len(errors), complete=len(sequences) < limit)

    async def _end(
        self,
        tenant_id: str,
        monitor_id: uuid.UUID,
        watermark: int,
        expired_before: datetime,
        joined: Mapping[int, float],
    ) -> int | None:
        """Where the pass ends: the first unlabelled, unexpired prediction not joined now, else the first not stored.

        ``None`` when every prediction from the watermark on passes and their number is not known.

        The predictions are read in windows of sequence numbers, each a bounded range whatever plan the
        database picks. The first window is small: the blocker is usually near the watermark. When the whole
        window passes, a count settles the common case of a pass over everything (the unlabelled predictions
        left are exactly the joined ones, so nothing blocks); otherwise the windows grow eightfold.
        """
        start, size = watermark, FIRST_PAGE
        while True:
            window = await self._window(tenant_id, monitor_id, start, expired_before, size)
            blocker = next((sequence for sequence, waiting in window if waiting and sequence not in joined), None)
            if blocker is not None:
                return blocker
            if len(window) < size:
                return start + len(window)
            start, size = start + size, size * 8
            if size == FIRST_PAGE * 8 and await self._all_joined(tenant_id, monitor_id, start, joined):
                return None

    async def _all_joined(self, tenant_id: str, monitor_id: uuid.UUID, start: int, joined: Mapping[int, float]) -> bool:
        """Whether every unlabelled prediction from ``start`` on was joined now (each joined one is unlabelled)."""
        query = select(func.count()).where(*_range(tenant_id, monitor_id, start), PredictionRow.error.is_(None))
        unlabelled = int((await self._session.execute(query)).scalar_one())
        return unlabelled == sum(1 for sequence in joined if sequence >= start)

    async def _window(
        self, tenant_id: str, monitor_id: uuid.UUID, start: int, expired_before: datetime, size: int
    ) -> list[tuple[int, bool]]:
        """The predictions in ``[start, start + size)`` in order, each with whether it waits (unlabelled, unexpired)."""
        waiting = and_(PredictionRow.error.is_(None), PredictionRow.received_at > expired_before)
        query = (
            select(PredictionRow.sequence, waiting)
            .where(*_range(tenant_id, monitor_id, start), PredictionRow.sequence < start + size)
            .order_by(PredictionRow.sequence)
        )
        return [(sequence, bool(flag)) for sequence, flag in (await self._session.execute(query)).all()]

    async def _remove(
        self, tenant_id: str, monitor_id: uuid.UUID, start: int, stop: int
    ) -> tuple[Sequence[int], Sequence[float | None]]:
        """Delete the predictions in ``[start, stop)``; their sequences and stored errors, in sequence order."""
        if stop <= start:
            return [], []
        parameters: dict[str, Any] = {"tenant_id": tenant_id, "monitor_id": monitor_id, "start": start, "stop": stop}
        if self._postgres:
            sequences, errors = (await self._session.execute(_REMOVE_SPAN, parameters)).one()
            return list(sequences or []), list(errors or [])
        statement = (
            delete(PredictionRow)
            .where(*_range(tenant_id, monitor_id, start), PredictionRow.sequence < stop)
            .returning(PredictionRow.sequence, PredictionRow.error)
            .execution_options(synchronize_session=False)
        )
        rows = sorted((await self._session.execute(statement)).all())
        return [row[0] for row in rows], [row[1] for row in rows]


def _range(tenant_id: str, monitor_id: uuid.UUID, start: int) -> tuple[ColumnElement[bool], ...]:
    """The monitor's predictions from ``start`` on, as one range of the primary key ``(monitor_id, sequence)``.

    The tenant is checked on the monitor's row, not on the predictions: with ``tenant_id`` among their
    conditions, a planner without fresh statistics (a table filled since its last analysis) reads the
    range through the ``(tenant_id, monitor_id, inference_id)`` index instead, all of the monitor's
    predictions and a sort.
    """
    owned = exists().where(MonitorRow.id == monitor_id, MonitorRow.tenant_id == tenant_id)
    return PredictionRow.monitor_id == monitor_id, PredictionRow.sequence >= start, owned
