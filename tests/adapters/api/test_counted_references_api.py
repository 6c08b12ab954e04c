"""End-to-end: a reference larger than ``AUMOS_DRIFT_REFERENCE_EXACT_ROWS`` keeps counts, over HTTP on both databases.

The service keeps the values of references of at most 1,000 rows here; the 3,000-row reference keeps
its counts on reference-quantile bins, and a check of a small window counts the window's rows on them.
Ages have fewer distinct values than the bins, so KS from counts equals scipy's on the rows themselves.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from scipy.stats import ks_2samp
from sqlalchemy import func, select

from aumos_drift_detector.adapters.persistence.database import create_engine
from aumos_drift_detector.adapters.persistence.tables import ReferenceRow
from aumos_drift_detector.bootstrap import Container
from tests.adapters.api.conftest import CountingService
from tests.api_client import MINIMAL_MONITOR, auth, churn_rows, csv_bytes

pytestmark = pytest.mark.integration
CSV = {"Content-Type": "text/csv"}


async def _profile_sizes(container: Container) -> list[int]:
    engine = create_engine(container.settings.database_url)
    try:
        async with engine.connect() as connection:
            query = select(func.length(ReferenceRow.profile)).order_by(ReferenceRow.version)
            return [int(size) for (size,) in (await connection.execute(query)).all()]
    finally:
        await engine.dispose()


async def test_a_large_reference_keeps_counts_and_checks_a_small_window_from_them(
    counting_service: CountingService,
) -> None:
    client, container, clock = counting_service
    admin = auth(container.settings)
    body = {**MINIMAL_MONITOR, "window": {"last_rows": None, "last_seconds": 86_400, "min_rows": 100}}
    created = await client.post("/api/v1/monitors", json=body, headers=admin)
    assert created.status_code == 201, created.text
    url = f"/api/v1/monitors/{created.json()['id']}"
    reference = churn_rows(np.random.default_rng(1), 3000)
    stored = await client.put(f"{url}/reference", content=csv_bytes(reference), headers={**admin, **CSV})
    assert stored.status_code == 201, stored.text
    assert (stored.json()["rows"], stored.json()["kept"]) == (3000, "counts")
    described = await client.get(f"{url}/reference", headers=admin)
    assert described.json()["kept"] == "counts"
    small = churn_rows(np.random.default_rng(5), 1000)
    other = await client.post("/api/v1/monitors", json=body, headers=admin)
    kept = await client.put(
        f"/api/v1/monitors/{other.json()['id']}/reference", content=csv_bytes(small), headers={**admin, **CSV}
    )
    assert kept.json()["kept"] == "values"  # at most AUMOS_DRIFT_REFERENCE_EXACT_ROWS rows: every value kept
    part = churn_rows(np.random.default_rng(2), 500, age_shift=3.0)
    clock.advance(timedelta(minutes=5))
    sent = await client.post(f"{url}/observations", content=csv_bytes(part), headers={**admin, **CSV})
    assert sent.status_code == 202, sent.text
    response = await client.post(f"{url}/runs", headers=admin)
    assert response.status_code == 201, response.text
    detection: dict[str, Any] = response.json()
    assert detection["status"] == "succeeded"
    assert detection["summary"]["current_rows"] == 500
    age = next(item for item in detection["features"] if item["name"] == "age")
    assert age["details"]["binning"] == "summary"
    exact = ks_2samp(np.asarray(reference["age"]), np.asarray(part["age"]))
    assert (age["statistic"], age["p_value"]) == pytest.approx((exact.statistic, exact.pvalue), rel=1e-9)
    assert age["drift_detected"]
    counted, exact = sorted(await _profile_sizes(container))
    assert counted < 1000 * 8 < exact  # the large reference keeps no value, the small one every one
