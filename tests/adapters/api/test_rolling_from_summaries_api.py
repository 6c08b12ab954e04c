"""End-to-end on both databases: large rolling versions added up from stored summaries, even once the raw rows are gone.

The service keeps the values of references of at most 1,000 rows. The first rolling version is profiled
from the rows received at the start; the next ones are the sums of the window's batch and hour summaries,
checked against counting every row sent in the window, and a run against one gives scipy's KS.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from scipy.stats import ks_2samp

from aumos_drift_detector.core.ingest.summary_rollup import SummaryRollup
from aumos_drift_detector.core.summaries import count_columns
from tests.adapters.api.conftest import COUNTING_START as START
from tests.adapters.api.conftest import CountingService as Service
from tests.api_client import MINIMAL_MONITOR, auth, csv_bytes
from tests.core.ingest.test_rolling_from_summaries import assert_counts_every_row, rows

pytestmark = pytest.mark.integration
CSV = {"Content-Type": "text/csv"}
HOUR = timedelta(hours=1)
OPTION = {"last_seconds": 3 * 86_400, "ending_seconds_ago": 3600, "refresh_seconds": 3600, "min_rows": 100}


class Monitor:
    """One rolling monitor over HTTP, and every row posted to it with its receipt time."""

    def __init__(self, service: Service, monitor_id: str) -> None:
        self.client, self.container, self.clock = service
        self.id = monitor_id
        self.admin = auth(self.container.settings)
        self.sent: list[tuple[datetime, dict[str, Any]]] = []

    async def post(self, part: dict[str, Any]) -> None:
        url = f"/api/v1/monitors/{self.id}/observations"
        response = await self.client.post(url, content=csv_bytes(part), headers={**self.admin, **CSV})
        assert response.status_code == 202, response.text
        self.sent.append((self.clock.now(), part))

    async def run(self) -> dict[str, Any]:
        response = await self.client.post(f"/api/v1/monitors/{self.id}/runs", headers=self.admin)
        assert response.status_code == 201, response.text
        detection: dict[str, Any] = response.json()
        return detection

    async def reference(self) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1/monitors/{self.id}/reference", headers=self.admin)
        assert response.status_code == 200, response.text
        found: dict[str, Any] = response.json()
        return found

    def columns(self, start: datetime, end: datetime) -> dict[str, np.ndarray]:
        parts = [part for at, part in self.sent if start <= at < end]
        return {name: np.concatenate([np.asarray(part[name]) for part in parts]) for name in ("age", "plan")}

    async def assert_counts_its_window(self, version: int) -> None:
        """The version's stored counts are those of every row posted in its window."""
        reference = await self.reference()
        assert reference["version"] == version
        start = datetime.fromisoformat(reference["window"]["start"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(reference["window"]["end"].replace("Z", "+00:00"))
        async with self.container.unit_of_work() as uow:
            counts = await uow.summaries.reference("acme", uuid.UUID(self.id), version)
        assert counts is not None
        assert_counts_every_row(counts.summary, count_columns(counts.summary.layout, self.columns(start, end)))
        assert reference["rows"] == counts.summary.rows


async def test_large_rolling_versions_are_added_up_from_summaries_over_http(counting_service: Service) -> None:
    client, container, clock = counting_service
    body = {**MINIMAL_MONITOR, "window": {"last_rows": None, "last_seconds": 3600, "min_rows": 10}}
    created = await client.post(
        "/api/v1/monitors", json={**body, "reference_window": OPTION}, headers=auth(container.settings)
    )
    assert created.status_code == 201, created.text
    monitor = Monitor(counting_service, created.json()["id"])
    await monitor.post(rows(1, 1200))
    clock.advance(2 * HOUR)
    assert (await monitor.run())["summary"]["reference_version"] == 1  # profiled from its rows
    assert (await monitor.reference())["sampled"]
    for index in range(10):
        await monitor.post(rows(10 + index, 150))
        clock.advance(timedelta(minutes=40))
    clock.set(START + 10 * HOUR)
    await monitor.post(rows(99, 300, low=30))  # the current window: older customers
    detection = await monitor.run()
    assert (detection["status"], detection["summary"]["reference_version"]) == ("succeeded", 2)
    reference = await monitor.reference()
    assert (reference["rows"], reference["sampled"]) == (1200 + 10 * 150, False)  # added up: no row sample
    await monitor.assert_counts_its_window(2)
    age = next(item for item in detection["features"] if item["name"] == "age")
    before, current = monitor.columns(START, START + 9 * HOUR)["age"], monitor.sent[-1][1]["age"]
    exact = ks_2samp(before[~np.isnan(before)], current[~np.isnan(current)])
    assert (age["statistic"], age["p_value"]) == pytest.approx((exact.statistic, exact.pvalue), rel=1e-9)
    assert age["drift_detected"]
    clock.set(START + 11 * HOUR + timedelta(minutes=30))
    assert await SummaryRollup(container.unit_of_work, clock).roll_up() > 0
    async with container.unit_of_work() as uow:  # every raw row expires; the summaries stay
        assert await uow.observations.purge_before(clock.now()) == 12
        await uow.commit()
    await monitor.post(rows(100, 200))
    clock.set(START + 12 * HOUR)
    assert (await monitor.run())["summary"]["reference_version"] == 3
    assert (await monitor.reference())["rows"] == 1200 + 10 * 150 + 300
    await monitor.assert_counts_its_window(3)
