"""POST /monitors/{id}/backtest on SQLite and PostgreSQL: the stored history replayed, nothing written."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import numpy as np
import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from aumos_drift_detector.adapters.persistence.database import create_engine
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.clock import FixedClock
from tests.api_client import MINIMAL_MONITOR, api, auth, churn_rows, csv_bytes
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration

DAY0 = datetime(2026, 1, 5, tzinfo=UTC)
DAY = timedelta(days=1)
CSV = {"Content-Type": "text/csv"}
SHIFT_DAY = 5
DAYS = 8


@pytest.fixture
async def service(database: DatabaseTarget) -> AsyncIterator[tuple[httpx.AsyncClient, Container]]:
    async with api(database.url, clock=FixedClock(DAY0 - DAY)) as pair:
        yield pair


def _clock(container: Container) -> FixedClock:
    assert isinstance(container.clock, FixedClock)
    return container.clock


async def _monitor(client: httpx.AsyncClient, container: Container, *, reference: bool = True, **body: Any) -> str:
    admin = auth(container.settings)
    created = await client.post("/api/v1/monitors", json={**MINIMAL_MONITOR, **body}, headers=admin)
    assert created.status_code == 201, created.text
    monitor_id: str = created.json()["id"]
    if reference:
        rows = csv_bytes(churn_rows(np.random.default_rng(1), 2000))
        put = await client.put(f"/api/v1/monitors/{monitor_id}/reference", content=rows, headers={**admin, **CSV})
        assert put.status_code == 201, put.text
    return monitor_id


async def _history(client: httpx.AsyncClient, container: Container, monitor_id: str) -> None:
    """Three batches a day, received at 02:00, 10:00 and 18:00; ``age`` moved 0.8 sd from ``SHIFT_DAY``."""
    rng = np.random.default_rng(2)
    operator = auth(container.settings, role="operator")
    for day in range(DAYS):
        for hour in (2, 10, 18):
            _clock(container).set(DAY0 + day * DAY + timedelta(hours=hour))
            rows = churn_rows(rng, 100, age_shift=8.0 if day >= SHIFT_DAY else 0.0)
            url = f"/api/v1/monitors/{monitor_id}/observations"
            sent = await client.post(url, content=csv_bytes(rows), headers={**operator, **CSV})
            assert sent.status_code == 202, sent.text


async def _row_counts(url: str) -> dict[str, int]:
    engine: AsyncEngine = create_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
            counts = {}
            for name in sorted(names):
                counts[name] = int(
                    (await connection.execute(select(text("count(*)")).select_from(text(name)))).scalar_one()
                )
            return counts
    finally:
        await engine.dispose()


async def _backtest(
    client: httpx.AsyncClient, container: Container, monitor_id: str, body: dict[str, Any], role: str = "viewer"
) -> httpx.Response:
    headers = auth(container.settings, role=role)
    return await client.post(f"/api/v1/monitors/{monitor_id}/backtest", json=body, headers=headers)


async def test_the_stored_history_is_replayed_and_nothing_is_written(
    service: tuple[httpx.AsyncClient, Container], database: DatabaseTarget
) -> None:
    client, container = service
    window = {"last_rows": None, "last_seconds": 86_400, "min_rows": 30}
    monitor_id = await _monitor(client, container, window=window)
    await _history(client, container, monitor_id)
    before = await _row_counts(database.url)
    response = await _backtest(client, container, monitor_id, {"every": "1d"})
    assert response.status_code == 200, response.text
    assert await _row_counts(database.url) == before
    assert before["drf_observation_batches"] == 3 * DAYS
    report = response.json()
    assert report["every"] == "1d"
    checks = report["checks"]
    assert [check["start"] for check in checks] == [f"2026-01-{5 + day:02d}T00:00:00Z" for day in range(DAYS)]
    assert [check["rows"] for check in checks] == [300] * DAYS
    assert [check["alert"] for check in checks] == [day == SHIFT_DAY for day in range(DAYS)]
    assert [check["drifted_features"] for check in checks[SHIFT_DAY:]] == [["age"]] * (DAYS - SHIFT_DAY)
    assert report["alerts"] == report["summary"]["alerts"] == 1
    assert report["summary"]["first_alert"] == "2026-01-11T00:00:00Z"
    assert report["summary"]["checks_per_year"] == pytest.approx(365.25)


async def test_since_and_until_bound_the_replay(service: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = service
    monitor_id = await _monitor(client, container, window={"last_rows": None, "last_seconds": 43_200, "min_rows": 30})
    await _history(client, container, monitor_id)
    body = {"every": "12h", "since": "2026-01-06T00:00:00Z", "until": "2026-01-08T00:00:00+00:00"}
    report = (await _backtest(client, container, monitor_id, body)).json()
    assert [(check["start"], check["rows"]) for check in report["checks"]] == [
        ("2026-01-06T00:00:00Z", 200), ("2026-01-06T12:00:00Z", 100),
        ("2026-01-07T00:00:00Z", 200), ("2026-01-07T12:00:00Z", 100),
    ]  # fmt: skip
    assert report["alerts"] == 0
    assert report["summary"]["checks_per_year"] == pytest.approx(730.5)


async def test_unknown_monitors_and_monitors_without_reference_are_refused(
    service: tuple[httpx.AsyncClient, Container],
) -> None:
    client, container = service
    monitor_id = await _monitor(client, container, reference=False)
    missing = await _backtest(client, container, "00000000-0000-0000-0000-000000000000", {"every": "1d"})
    assert missing.status_code == 404
    other_tenant = await client.post(
        f"/api/v1/monitors/{monitor_id}/backtest",
        json={"every": "1d"},
        headers=auth(container.settings, "globex", "viewer"),
    )
    assert other_tenant.status_code == 404
    conflict = await _backtest(client, container, monitor_id, {"every": "1d"})
    assert conflict.status_code == 409
    assert "no reference data" in conflict.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"every": "1 fortnight"}, "every"),
        ({"every": "0m"}, "every"),
        ({}, "every"),
        ({"every": "1d", "since": "2026-01-08T00:00:00Z", "until": "2026-01-07T00:00:00Z"}, "until"),
        ({"every": "1d", "since": "yesterday"}, "since"),
        ({"every": "1d", "colour": "red"}, "colour"),
        ({"every": "1m"}, "every"),  # 8 days of 1-minute periods: more than 1,000
        ({"every": "1d", "since": "2027-01-01T00:00:00Z", "until": "2027-02-01T00:00:00Z"}, None),
    ],
)
async def test_bad_requests_are_422_naming_the_field(
    service: tuple[httpx.AsyncClient, Container], body: dict[str, Any], field: str | None
) -> None:
    client, container = service
    monitor_id = await _monitor(client, container)
    await _history(client, container, monitor_id)
    response = await _backtest(client, container, monitor_id, body)
    if field is None:  # a range without observations is replayed: every check finds no rows
        assert response.status_code == 200
        assert {check["status"] for check in response.json()["checks"]} == {"insufficient_data"}
        return
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["details"]["field"] == field
    assert error["message"].startswith(f"{field}: ")


async def test_a_monitor_without_observations_is_422_naming_since(
    service: tuple[httpx.AsyncClient, Container],
) -> None:
    client, container = service
    monitor_id = await _monitor(client, container)
    response = await _backtest(client, container, monitor_id, {"every": "1d"})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "since: the monitor has no stored observations to replay"


async def test_the_openapi_document_describes_the_backtest(service: tuple[httpx.AsyncClient, Container]) -> None:
    client, _ = service
    operation = (await client.get("/openapi.json")).json()["paths"]["/api/v1/monitors/{monitor_id}/backtest"]["post"]
    assert {"200", "404", "409", "422"} <= set(operation["responses"])
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert schema.endswith("/BacktestOut")
