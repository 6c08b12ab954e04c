"""End-to-end: a monitor's rolling reference over HTTP, on both databases, with the service's clock fixed.

Observations are posted at controlled times by moving the clock; the reference window is the 7 days
ending 1 day before a run and the current window the last day, so a batch posted five days before a
run is the reference and one posted at the run the current data.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import numpy as np
import pytest
from sqlalchemy import func, select

from aumos_drift_detector.adapters.persistence.database import create_engine
from aumos_drift_detector.adapters.persistence.reference_tables import ReferenceWindowRow
from aumos_drift_detector.adapters.persistence.tables import ReferenceRow
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.clock import FixedClock
from tests.api_client import MINIMAL_MONITOR, api, auth, churn_rows, csv_bytes
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration
CSV = {"Content-Type": "text/csv"}
START = datetime(2026, 11, 2, 9, tzinfo=UTC)
DAY = timedelta(days=1)
OPTION = {"last_seconds": 7 * 86_400, "ending_seconds_ago": 86_400, "min_rows": 200}
Service = tuple[httpx.AsyncClient, Container, FixedClock]


@pytest.fixture
async def service(database: DatabaseTarget) -> AsyncIterator[Service]:
    clock = FixedClock(START)
    async with api(database.url, clock=clock) as (client, container):
        yield client, container, clock


async def _create(client: httpx.AsyncClient, admin: dict[str, str], **option: Any) -> httpx.Response:
    body = {**MINIMAL_MONITOR, "window": {"last_rows": None, "last_seconds": 86_400}}
    return await client.post("/api/v1/monitors", json={**body, "reference_window": {**OPTION, **option}}, headers=admin)


async def _post_rows(client: httpx.AsyncClient, admin: dict[str, str], monitor_id: str, columns: Any) -> None:
    url = f"/api/v1/monitors/{monitor_id}/observations"
    response = await client.post(url, content=csv_bytes(columns), headers={**admin, **CSV})
    assert response.status_code == 202, response.text


async def _history(service: Service, *, age_shift: float, **option: Any) -> str:
    """Past rows at START, current rows at START + 5 days; the clock stays there."""
    client, container, clock = service
    admin = auth(container.settings)
    created = await _create(client, admin, **option)
    assert created.status_code == 201, created.text
    monitor_id: str = created.json()["id"]
    await _post_rows(client, admin, monitor_id, churn_rows(np.random.default_rng(1), 1500))
    clock.set(START + 5 * DAY)
    await _post_rows(client, admin, monitor_id, churn_rows(np.random.default_rng(2), 800, age_shift=age_shift))
    return monitor_id


async def _run(service: Service, monitor_id: str) -> dict[str, Any]:
    client, container, _ = service
    response = await client.post(f"/api/v1/monitors/{monitor_id}/runs", headers=auth(container.settings))
    assert response.status_code == 201, response.text
    detection: dict[str, Any] = response.json()
    return detection


async def test_a_shift_against_the_rolling_reference_drifts_and_a_run_within_refresh_reuses_it(
    service: Service,
) -> None:
    client, container, clock = service
    monitor_id = await _history(service, age_shift=8.0)
    detection = await _run(service, monitor_id)
    assert (detection["status"], detection["is_drift"]) == ("succeeded", True), detection
    assert detection["summary"]["reference_version"] == 1
    assert (detection["summary"]["reference_rows"], detection["summary"]["current_rows"]) == (1500, 800)
    reference = (await client.get(f"/api/v1/monitors/{monitor_id}/reference", headers=auth(container.settings))).json()
    assert (reference["kind"], reference["version"], reference["rows"], reference["sampled"]) == (
        "rolling", 1, 1500, True,
    )  # fmt: skip
    assert reference["window"] == {"start": "2026-10-30T09:00:00Z", "end": "2026-11-06T09:00:00Z"}
    assert reference["uploaded_by"] == "rolling-reference"
    clock.advance(timedelta(hours=23))
    again = await _run(service, monitor_id)
    assert again["summary"]["reference_version"] == 1
    clock.advance(timedelta(hours=1))
    later = await _run(service, monitor_id)
    assert later["summary"]["reference_version"] == 2


async def test_unchanged_data_does_not_drift(service: Service) -> None:
    monitor_id = await _history(service, age_shift=0.0)
    detection = await _run(service, monitor_id)
    assert (detection["status"], detection["is_drift"], detection["alarm"]) == ("succeeded", False, False)


async def test_too_few_rows_in_the_window_is_insufficient_data_naming_it(service: Service) -> None:
    client, container, _ = service
    monitor_id = await _history(service, age_shift=0.0, min_rows=2000)
    detection = await _run(service, monitor_id)
    assert detection["status"] == "insufficient_data"
    assert detection["error"].startswith("the reference window [2026-10-30T09:00:00+00:00, 2026-11-06T09:00:00+00:00)")
    assert "has 1500 rows of observations; reference_window.min_rows is 2000" in detection["error"]
    missing = await client.get(f"/api/v1/monitors/{monitor_id}/reference", headers=auth(container.settings))
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("option", "field"),
    [
        ({"last_seconds": 30}, "reference_window.last_seconds"),
        ({"ending_seconds_ago": -5}, "reference_window.ending_seconds_ago"),
        ({"refresh_seconds": 10}, "reference_window.refresh_seconds"),
        ({"min_rows": 0}, "reference_window.min_rows"),
        ({"every": 3}, "reference_window.every"),
        ({"last_seconds": 25 * 86_400, "ending_seconds_ago": 6 * 86_400}, "reference_window.last_seconds"),
    ],
)
async def test_a_bad_option_is_a_422_naming_the_field(service: Service, option: dict[str, Any], field: str) -> None:
    client, container, _ = service
    response = await _create(client, auth(container.settings), **option)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"].startswith(f"{field}: "), response.json()


async def test_the_option_is_patched_and_removed_and_uploads_wait_for_its_removal(service: Service) -> None:
    client, container, _ = service
    admin = auth(container.settings)
    monitor = (await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=admin)).json()
    assert monitor["reference_window"] is None
    url = f"/api/v1/monitors/{monitor['id']}"
    patched = await client.patch(url, json={"reference_window": OPTION}, headers=admin)
    assert patched.status_code == 200, patched.text
    assert patched.json()["reference_window"] == {**OPTION, "refresh_seconds": 86_400}
    too_far = await client.patch(url, json={"reference_window": {**OPTION, "last_seconds": 40 * 86_400}}, headers=admin)
    assert too_far.status_code == 422
    assert "observation retention of 30 days" in too_far.json()["error"]["message"]
    rows = csv_bytes(churn_rows(np.random.default_rng(3), 300))
    refused = await client.put(f"{url}/reference", content=rows, headers={**admin, **CSV})
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["message"].startswith("reference_window: ")
    removed = await client.patch(url, json={"reference_window": None}, headers=admin)
    assert removed.json()["reference_window"] is None
    uploaded = await client.put(f"{url}/reference", content=rows, headers={**admin, **CSV})
    assert uploaded.status_code == 201, uploaded.text
    assert (uploaded.json()["kind"], uploaded.json()["window"]) == ("upload", None)


async def test_the_openapi_document_describes_the_option_and_the_version_kind(service: Service) -> None:
    client, _, _ = service
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    assert set(schemas["ReferenceWindow"]["required"]) == {"last_seconds", "ending_seconds_ago"}
    assert schemas["ReferenceWindow"]["properties"]["refresh_seconds"]["default"] == 86_400
    assert "reference_window" in schemas["MonitorCreate"]["properties"]
    assert "window" in schemas["ReferenceOut"]["properties"]


async def _count(database: DatabaseTarget, statement: Any) -> int:
    engine = create_engine(database.url)
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(statement)).scalar_one())
    finally:
        await engine.dispose()


async def test_concurrent_runs_on_two_instances_store_one_rolling_version(database: DatabaseTarget) -> None:
    clock = FixedClock(START)
    async with AsyncExitStack() as stack:
        first, second = [await stack.enter_async_context(api(database.url, clock=clock)) for _ in range(2)]
        monitor_id = await _history((*first, clock), age_shift=0.0)
        headers = auth(first[1].settings)
        url = f"/api/v1/monitors/{monitor_id}/runs"
        clients = [first[0], second[0]] * 3
        responses = await asyncio.gather(*(client.post(url, headers=headers) for client in clients))
    assert [response.status_code for response in responses] == [201] * 6, [r.text for r in responses]
    assert {response.json()["summary"]["reference_version"] for response in responses} == {1}
    assert await _count(database, select(func.count()).select_from(ReferenceRow)) == 1
    assert await _count(database, select(func.count()).select_from(ReferenceWindowRow)) == 1
