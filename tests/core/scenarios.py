"""Monitors brought into a known state through the use cases themselves: with reference data, drifting or not."""

from __future__ import annotations

from typing import Any

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.monitors.model import Monitor
from tests.core.inputs import ADMIN, churn_rows, draft, upload

#: Rows of the reference data of every scenario monitor.
REFERENCE_ROWS = 500


async def monitor_with_reference(services: Services, **fields: Any) -> Monitor:
    """A churn monitor (``fields`` replace the draft's) with reference data and no production rows."""
    monitor = await services.monitors.create(ADMIN, draft(**fields))
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(churn_rows(1, REFERENCE_ROWS)))
    return monitor


async def drifting_monitor(services: Services, **fields: Any) -> Monitor:
    """A churn monitor whose production rows drifted in both features (drift share 1, severity critical)."""
    monitor = await monitor_with_reference(services, **fields)
    rows = churn_rows(2, 300, age_shift=8.0, pro_share=0.6)
    await services.datasets.ingest(ADMIN, monitor.id, upload(rows), idempotency_key=None)
    return monitor


async def healthy_monitor(services: Services, **fields: Any) -> Monitor:
    """A churn monitor whose production rows look like its reference data (no feature drifts)."""
    monitor = await monitor_with_reference(services, **fields)
    await services.datasets.ingest(ADMIN, monitor.id, upload(churn_rows(2, 300)), idempotency_key=None)
    return monitor
