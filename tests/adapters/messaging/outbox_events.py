"""Drift events committed to the outbox, as a detection would commit them, for the relay's tests."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta

from aumos_drift_detector.core.events.model import Event
from aumos_drift_detector.core.unit_of_work import UnitOfWorkFactory
from tests.core.builders import make_event


def drift_event(index: int, time: datetime) -> Event:
    """The ``index``-th ``drift.detected`` event of model ``churn`` of tenant ``acme``."""
    event = make_event(time, model_id="churn")
    return dataclasses.replace(event, subject=f"detections/{index}")


async def stage(unit_of_work: UnitOfWorkFactory, count: int, start: datetime) -> list[uuid.UUID]:
    """Commit ``count`` events, one millisecond apart from ``start``; return their ids in order."""
    ids = []
    async with unit_of_work() as uow:
        for index in range(count):
            event = drift_event(index, start + timedelta(milliseconds=index))
            await uow.outbox.add(event)
            ids.append(event.id)
        await uow.commit()
    return ids
