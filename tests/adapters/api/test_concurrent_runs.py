"""Concurrent runs of one drifting monitor, on one and on two service instances sharing a database.

However many runs race, and whichever instance serves them, the monitor's dedup key has exactly one
open alert, it absorbs every breaching detection, people are notified once, and the model's
retraining cooldown holds.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import numpy as np
import pytest
from sqlalchemy import func, select

from aumos_drift_detector.adapters.persistence.database import create_engine
from aumos_drift_detector.adapters.persistence.tables import AlertRow, DetectionRow, OutboxRow, RetrainingTriggerRow
from aumos_drift_detector.bootstrap import Container
from tests.api_client import MINIMAL_MONITOR, api, auth, churn_rows, csv_bytes
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration

CSV = {"Content-Type": "text/csv"}
RUNS = 10


@pytest.fixture
async def instances(database: DatabaseTarget) -> AsyncIterator[list[tuple[httpx.AsyncClient, Container]]]:
    """Two service instances (two apps, two engines) on one database; the relay of neither publishes to Kafka."""
    async with AsyncExitStack() as stack:
        yield [await stack.enter_async_context(api(database.url)) for _ in range(2)]


async def _drifting_monitor(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    body = {**MINIMAL_MONITOR, "retraining_policy": {"min_severity": "medium", "consecutive_runs": None}}
    monitor_id: str = (await client.post("/api/v1/monitors", json=body, headers=headers)).json()["id"]
    rng = np.random.default_rng(5)
    base = f"/api/v1/monitors/{monitor_id}"
    reference = csv_bytes(churn_rows(rng, 2000))
    current = csv_bytes(churn_rows(rng, 1000, age_shift=8.0, pro_share=0.5))
    assert (await client.put(f"{base}/reference", content=reference, headers={**headers, **CSV})).status_code == 201
    assert (await client.post(f"{base}/observations", content=current, headers={**headers, **CSV})).status_code == 202
    return monitor_id


async def _count(database: DatabaseTarget, statement: Any) -> int:
    engine = create_engine(database.url)
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(statement)).scalar_one())
    finally:
        await engine.dispose()


async def _race(clients: list[httpx.AsyncClient], headers: dict[str, str], monitor_id: str) -> list[dict[str, Any]]:
    url = f"/api/v1/monitors/{monitor_id}/runs"
    responses = await asyncio.gather(
        *(clients[index % len(clients)].post(url, headers=headers) for index in range(RUNS))
    )
    assert [response.status_code for response in responses] == [201] * RUNS, [r.text for r in responses]
    return [response.json() for response in responses]


@pytest.mark.parametrize("replicas", [1, 2])
async def test_concurrent_runs_open_one_alert_that_counts_every_breach(
    instances: list[tuple[httpx.AsyncClient, Container]], database: DatabaseTarget, replicas: int
) -> None:
    clients = [client for client, _ in instances[:replicas]]
    headers = auth(instances[0][1].settings)
    monitor_id = await _drifting_monitor(clients[0], headers)
    detections = await _race(clients, headers, monitor_id)
    breaching = [item for item in detections if item["severity"] in ("medium", "high", "critical")]
    assert len(breaching) == RUNS, [item["severity"] for item in detections]

    alerts = (await clients[0].get("/api/v1/alerts", params={"monitor_id": monitor_id}, headers=headers)).json()
    assert [(alert["status"], alert["occurrences"]) for alert in alerts["items"]] == [("open", len(breaching))]
    of_monitor = AlertRow.monitor_id == uuid.UUID(monitor_id)
    assert await _count(database, select(func.count()).where(of_monitor)) == 1
    assert (
        await _count(
            database,
            select(func.count()).select_from(DetectionRow).where(DetectionRow.monitor_id == uuid.UUID(monitor_id)),
        )
        == RUNS
    )
    raised = select(func.count()).where(OutboxRow.event_type == "drift.alert_raised")
    assert await _count(database, raised) == 1
    assert await _count(database, select(func.count()).where(OutboxRow.event_type == "drift.detected")) == RUNS
    triggers = select(func.count()).where(RetrainingTriggerRow.monitor_id == uuid.UUID(monitor_id))
    assert await _count(database, triggers) == 1
    assert await _count(database, select(func.count()).where(OutboxRow.event_type == "drift.retraining_required")) == 1
