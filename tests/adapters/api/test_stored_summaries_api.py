"""End-to-end: runs over large windows add up stored summaries, over HTTP on both databases.

The service reads windows of at least 1,000 rows from summaries here (``AUMOS_DRIFT_SUMMARY_MIN_ROWS``);
ages have fewer distinct values than the reference's bins, so KS from counts is exact and equals
scipy's on the rows themselves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import numpy as np
import pytest
from scipy.stats import ks_2samp
from sqlalchemy import func, select

from aumos_drift_detector.adapters.persistence.database import create_engine
from aumos_drift_detector.adapters.persistence.summary_tables import WindowSummaryRow
from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.ingest.summary_rollup import SummaryRollup
from tests.api_client import MINIMAL_MONITOR, api, auth, churn_rows, csv_bytes
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration
CSV = {"Content-Type": "text/csv"}
START = datetime(2026, 11, 2, 9, 5, tzinfo=UTC)
Service = tuple[httpx.AsyncClient, Container, FixedClock]


@pytest.fixture
async def service(database: DatabaseTarget) -> AsyncIterator[Service]:
    clock = FixedClock(START)
    async with api(database.url, clock=clock, summary_min_rows=1000) as (client, container):
        yield client, container, clock


async def _kinds(container: Container) -> dict[str, int]:
    engine = create_engine(container.settings.database_url)
    try:
        async with engine.connect() as connection:
            query = select(WindowSummaryRow.kind, func.count()).group_by(WindowSummaryRow.kind)
            return {kind: int(count) for kind, count in (await connection.execute(query)).all()}
    finally:
        await engine.dispose()


async def _send(client: httpx.AsyncClient, admin: dict[str, str], url: str, columns: Any, what: str) -> None:
    method = client.put if what == "reference" else client.post
    response = await method(f"{url}/{what}", content=csv_bytes(columns), headers={**admin, **CSV})
    assert response.status_code in (200, 201, 202), response.text


async def _run(client: httpx.AsyncClient, admin: dict[str, str], url: str) -> dict[str, Any]:
    response = await client.post(f"{url}/runs", headers=admin)
    assert response.status_code == 201, response.text
    detection: dict[str, Any] = response.json()
    return detection


def _feature(detection: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(item for item in detection["features"] if item["name"] == name)
    return found


async def test_a_large_window_is_read_from_summaries_rolled_up_and_recounted_for_a_new_reference(
    service: Service,
) -> None:
    client, container, clock = service
    admin = auth(container.settings)
    body = {**MINIMAL_MONITOR, "window": {"last_rows": None, "last_seconds": 86_400, "min_rows": 100}}
    created = await client.post("/api/v1/monitors", json=body, headers=admin)
    assert created.status_code == 201, created.text
    url = f"/api/v1/monitors/{created.json()['id']}"
    reference = churn_rows(np.random.default_rng(1), 3000)
    await _send(client, admin, url, reference, "reference")
    parts = [churn_rows(np.random.default_rng(10 + index), 600, age_shift=1.5) for index in range(3)]
    for part in parts:
        await _send(client, admin, url, part, "observations")
    first = await _run(client, admin, url)
    assert (first["summary"]["stored_summaries"], first["summary"]["current_rows"]) == (3, 1800)
    age = _feature(first, "age")
    exact = ks_2samp(reference["age"], np.concatenate([part["age"] for part in parts]))
    assert (age["statistic"], age["p_value"]) == pytest.approx((exact.statistic, exact.pvalue), rel=1e-9)
    assert age["details"]["binning"] == "summary"
    assert first["is_drift"]
    assert await _kinds(container) == {"reference": 1, "batch": 3}

    clock.set(START + timedelta(hours=2))
    assert await SummaryRollup(container.unit_of_work, clock).roll_up() == 1
    assert await _kinds(container) == {"reference": 1, "hour": 1}
    rolled = await _run(client, admin, url)
    assert (rolled["summary"]["stored_summaries"], rolled["summary"]["current_batches"]) == (1, 3)
    assert _feature(rolled, "age")["p_value"] == age["p_value"]

    await _send(client, admin, url, churn_rows(np.random.default_rng(2), 3000, age_shift=1.5), "reference")
    again = await _run(client, admin, url)
    assert (again["summary"]["reference_version"], again["summary"]["current_rows"]) == (2, 1800)
    assert await _kinds(container) == {"reference": 2, "hour": 1, "batch": 3}  # recounted on version 2's bins


async def _segments(container: Container) -> dict[tuple[str, str], int]:
    engine = create_engine(container.settings.database_url)
    try:
        async with engine.connect() as connection:
            columns = (WindowSummaryRow.segment, WindowSummaryRow.kind)
            query = select(*columns, func.count()).where(WindowSummaryRow.segment != "").group_by(*columns)
            return {(segment, kind): int(count) for segment, kind, count in (await connection.execute(query)).all()}
    finally:
        await engine.dispose()


async def test_a_segmented_monitor_checks_each_segment_from_its_own_summaries(service: Service) -> None:
    client, container, clock = service
    admin = auth(container.settings)
    body = {
        **MINIMAL_MONITOR,
        "window": {"last_rows": None, "last_seconds": 86_400, "min_rows": 100},
        "segments": {"by": ["region"], "min_rows": 30},
    }
    created = await client.post("/api/v1/monitors", json=body, headers=admin)
    assert created.status_code == 201, created.text
    url = f"/api/v1/monitors/{created.json()['id']}"
    reference = churn_rows(np.random.default_rng(1), 3000) | {"region": ["north", "south"] * 1500}
    await _send(client, admin, url, reference, "reference")
    part = churn_rows(np.random.default_rng(3), 1200) | {"region": ["north", "south"] * 600}
    part["age"] = np.where(np.asarray(part["region"]) == "south", part["age"] + 5.0, part["age"])
    await _send(client, admin, url, part, "observations")
    assert await _segments(container) == {
        ("region=north", "reference"): 1, ("region=south", "reference"): 1,
        ("region=north", "batch"): 1, ("region=south", "batch"): 1,
    }  # fmt: skip
    detection = await _run(client, admin, url)
    assert (detection["summary"]["stored_summaries"], detection["summary"]["current_rows"]) == (1, 1200)
    segments = {item["segment"]: item for item in detection["segments"]["segments"]}
    assert [key for key, item in segments.items() if item["is_drift"]] == ["region=south"]
    south = next(item for item in segments["region=south"]["features"] if item["name"] == "age")
    in_south = np.asarray(reference["region"]) == "south"
    exact = ks_2samp(np.asarray(reference["age"])[in_south], part["age"][np.asarray(part["region"]) == "south"])
    assert (south["statistic"], south["p_value"]) == pytest.approx((exact.statistic, exact.pvalue), rel=1e-9)

    clock.set(START + timedelta(hours=2))
    await SummaryRollup(container.unit_of_work, clock).roll_up()
    assert await _segments(container) == {
        ("region=north", "reference"): 1, ("region=south", "reference"): 1,
        ("region=north", "hour"): 1, ("region=south", "hour"): 1,
    }  # fmt: skip
    rolled = await _run(client, admin, url)
    south_again = next(
        item for segment in rolled["segments"]["segments"] if segment["segment"] == "region=south"
        for item in segment["features"] if item["name"] == "age"
    )  # fmt: skip
    assert south_again["p_value"] == south["p_value"]
