"""The monitors of a model version: live, active monitors of one tenant, oldest first, on every backend."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from aumos_drift_detector.core.monitors.model import Monitor, MonitorStatus
from tests.adapters.persistence.conftest import Storage
from tests.core.builders import T0, make_monitor

pytestmark = pytest.mark.integration


def monitor(minutes: int, **fields: Any) -> Monitor:
    """A churn monitor of model ``churn-model`` version 7, created ``minutes`` after T0, with fields replaced."""
    return dataclasses.replace(make_monitor(), created_at=T0 + timedelta(minutes=minutes), **fields)


async def test_only_the_tenants_live_active_monitors_of_that_version_are_found_oldest_first(storage: Storage) -> None:
    newer, older = monitor(2), monitor(1)
    others = [
        monitor(0, model_version="8"),
        monitor(0, model_id="fraud-model"),
        monitor(0, tenant_id="globex"),
        monitor(0, status=MonitorStatus.PAUSED),
        monitor(0, deleted_at=T0),
    ]
    async with storage.unit_of_work() as uow:
        for each in [newer, *others, older]:
            await uow.monitors.add(each)
        await uow.commit()
    async with storage.unit_of_work() as uow:
        found = await uow.monitors.active_of_model("acme", "churn-model", "7")
        assert [each.id for each in found] == [older.id, newer.id]
        assert found[0] == older
        assert await uow.monitors.active_of_model("acme", "churn-model", "9") == []
