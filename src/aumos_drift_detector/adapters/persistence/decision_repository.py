"""The SQLAlchemy repository of the sequential detectors' state (``drf_decision_states``)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from aumos_drift_detector.adapters.persistence.errors import storage_errors
from aumos_drift_detector.adapters.persistence.state_tables import DecisionStateRow
from aumos_drift_detector.core.decisions.state import DecisionState


class SqlAlchemyDecisionStateRepository:
    """Detector levels in ``drf_decision_states``, one row per monitor."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tenant_id: str, monitor_id: uuid.UUID) -> DecisionState | None:
        """Return the monitor's state, if any."""
        query = select(DecisionStateRow).where(
            DecisionStateRow.tenant_id == tenant_id, DecisionStateRow.monitor_id == monitor_id
        )
        with storage_errors("get decision state"):
            row = (await self._session.scalars(query)).one_or_none()
        if row is None:
            return None
        return DecisionState(
            monitor_id=row.monitor_id,
            tenant_id=row.tenant_id,
            reference_version=row.reference_version,
            levels={str(name): float(level) for name, level in row.levels.items()},
            checks=row.checks,
            alarms=row.alarms,
            updated_at=row.updated_at,
        )

    async def save(self, state: DecisionState) -> None:
        """Insert or replace the monitor's state."""
        with storage_errors("save decision state"):
            row = await self._session.get(DecisionStateRow, state.monitor_id)
            if row is None:
                row = DecisionStateRow(monitor_id=state.monitor_id)
                self._session.add(row)
            row.tenant_id = state.tenant_id
            row.reference_version = state.reference_version
            row.levels = dict(state.levels)
            row.checks = state.checks
            row.alarms = state.alarms
            row.updated_at = state.updated_at
