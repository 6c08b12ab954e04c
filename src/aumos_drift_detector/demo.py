"""``aumos-drift demo``: a monitor with synthetic data, checked once, in the configured database.

It shows the whole path a platform takes (monitor, reference upload, production batches, a run,
the alert it raises) without any client code, and leaves everything in place to explore over
the API with the token it prints.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

import numpy as np
import pyarrow as pa

from aumos_drift_detector.adapters.api.auth import issue_token
from aumos_drift_detector.bootstrap import bootstrap
from aumos_drift_detector.core.alerts.ports import AlertFilter
from aumos_drift_detector.core.detections.model import StatisticalDetection
from aumos_drift_detector.core.ingest.model import Upload
from aumos_drift_detector.core.monitors.config import FeatureConfig, Schedule
from aumos_drift_detector.core.monitors.service import MonitorDraft
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.settings import Settings

FEATURES = (
    FeatureConfig(name="age", kind="numerical"),
    FeatureConfig(name="income", kind="numerical"),
    FeatureConfig(name="tenure_months", kind="numerical"),
    FeatureConfig(name="plan", kind="categorical"),
    FeatureConfig(name="region", kind="categorical"),
)


def _rows(rng: np.random.Generator, n: int, *, drifted: bool) -> pa.Table:
    plans = ["basic", "pro", "team"]
    return pa.table(
        {
            "age": rng.normal(46 if drifted else 40, 10, n).round(1),
            "income": rng.lognormal(10.8, 0.4, n).round(0),
            "tenure_months": rng.poisson(30 if drifted else 24, n).astype(float),
            "plan": rng.choice(plans, n, p=[0.4, 0.4, 0.2] if drifted else [0.6, 0.3, 0.1]),
            "region": rng.choice(["emea", "amer", "apac"], n, p=[0.4, 0.4, 0.2]),
        }
    )


def _upload(table: pa.Table) -> Upload:
    return Upload(table=table, rows=table.num_rows, content_type="application/vnd.apache.parquet", checksum="demo")


def _table(detection: StatisticalDetection) -> str:
    lines = [f"{'feature':<15}{'test':<16}{'statistic':>12}{'p-value':>12}{'threshold':>11}  drift"]
    for item in detection.features:
        statistic = f"{item.statistic:.4f}" if item.statistic is not None else "-"
        p_value = f"{item.p_value:.3g}" if item.p_value is not None else "-"
        lines.append(
            f"{item.name:<15}{item.test:<16}{statistic:>12}{p_value:>12}{item.threshold:>11.3g}  "
            f"{'yes' if item.drift_detected else 'no'}"
        )
    return "\n".join(lines)


async def run_demo(settings: Settings, *, tenant: str, seed: int = 7) -> int:
    """Create the demo monitor, upload data, run a check and print what happened."""
    container = bootstrap(settings)
    await container.prepare_schema()
    services = container.services()
    admin = Principal("demo", tenant, frozenset({Role.ADMIN}))
    rng = np.random.default_rng(seed)
    try:
        draft = MonitorDraft(
            name="demo-churn",
            model_id="demo-churn-model",
            model_version="1",
            description="Created by 'aumos-drift demo' with synthetic data.",
            features=FEATURES,
            schedule=Schedule(cron="0 * * * *", timezone="UTC"),
        )
        monitor = await services.monitors.create(admin, draft)
        await services.datasets.replace_reference(admin, monitor.id, _upload(_rows(rng, 5000, drifted=False)))
        await services.datasets.ingest(admin, monitor.id, _upload(_rows(rng, 2000, drifted=True)), idempotency_key=None)
        detection = await services.runs.run_now(admin, monitor.id)
        async with container.unit_of_work() as uow:
            alerts = await uow.alerts.list(tenant, AlertFilter(monitor_id=monitor.id))
        await container.relay.run_once()
        await container.relay.close()
    finally:
        await container.close()
    verdict = "DRIFT" if detection.is_drift else "no drift"
    token = issue_token(settings, tenant_id=tenant, roles=["admin"], subject="demo", ttl=timedelta(hours=12))
    base = f"http://{settings.host}:{settings.port}/api/v1"
    out = sys.stdout
    out.write(f"monitor   {monitor.id}  ({monitor.name}, model {monitor.model_id})\n")
    share, severity = f"{detection.drift_share:.0%}", detection.severity.value
    out.write(f"detection {detection.id}: {verdict}, {share} of features, severity {severity}\n\n")
    out.write(_table(detection) + "\n\n")
    for alert in alerts.items:
        out.write(f"alert     {alert.id}: {alert.severity} {alert.status} - {alert.title}\n")
    out.write(f"\nexplore with `aumos-drift serve` running:\n  export TOKEN={token}\n")
    out.write(f'  curl -s {base}/detections/{detection.id} -H "Authorization: Bearer $TOKEN"\n')
    out.write(f'  curl -s {base}/alerts -H "Authorization: Bearer $TOKEN"\n')
    out.write(f"  open {base}/detections/{detection.id}/report (HTML, with the same header)\n")
    return 0


def demo(settings: Settings, tenant: str) -> int:
    """Run :func:`run_demo` to completion."""
    return asyncio.run(run_demo(settings, tenant=tenant))
