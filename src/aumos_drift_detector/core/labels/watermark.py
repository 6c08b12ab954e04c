"""Moving a monitor's watermark: expiring what waited too long and passing what is labelled, in order.

The errors reach the detector strictly in prediction order: the watermark advances over the predictions
that are labelled (their errors are returned, to be fed in one call) or expired (counted, nothing fed),
and stops at the first prediction still waiting for its label. Passed predictions are removed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from aumos_drift_detector.core.labels.model import LabelCursor
from aumos_drift_detector.core.unit_of_work import UnitOfWork

#: Predictions passed per repository call while the watermark advances.
PAGE = 50_000


class Watermark:
    """Expiry and passing of one monitor's predictions and pending labels.

    Args:
        pending_ttl: How long a label waits for its prediction.
        prediction_ttl: How long a prediction waits for its label.
    """

    def __init__(self, pending_ttl: timedelta, prediction_ttl: timedelta) -> None:
        self._pending_ttl = pending_ttl
        self._prediction_ttl = prediction_ttl

    async def sweep(self, uow: UnitOfWork, cursor: LabelCursor, now: datetime) -> tuple[LabelCursor, list[float]]:
        """Drop expired pending labels; move the watermark over labelled and expired predictions."""
        dropped = await uow.labels.drop_pending_before(cursor.tenant_id, cursor.monitor_id, now - self._pending_ttl)
        cursor, errors = await self.advance(uow, cursor, now, {})
        return cursor.plus(expired_labels=dropped), errors

    async def advance(
        self, uow: UnitOfWork, cursor: LabelCursor, now: datetime, joined: dict[int, float]
    ) -> tuple[LabelCursor, list[float]]:
        """Move the watermark over labelled (stored or ``joined``) and expired predictions, removing them.

        Returns:
            The cursor moved, and the errors passed in prediction order.
        """
        expired_before = now - self._prediction_ttl
        errors: list[float] = []
        watermark, expired, complete = cursor.watermark, 0, False
        while not complete:
            settled = await uow.labels.settle(
                cursor.tenant_id, cursor.monitor_id, watermark, expired_before, PAGE, joined
            )
            errors.extend(settled.errors)
            expired += settled.expired
            watermark, complete = settled.watermark, settled.complete
        return cursor.plus(watermark=watermark, expired_predictions=expired), errors
