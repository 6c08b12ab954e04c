"""Drift metrics on ``/metrics``: the stored state read at scrape time and the counters of events, on the real app."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from prometheus_client.parser import text_string_to_metric_families

from aumos_drift_detector.bootstrap import Container, bootstrap, build_app
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.observability.model import DEFAULT_MAX_FEATURES
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from aumos_drift_detector.settings import load_settings
from tests.api_client import MINIMAL_MONITOR, api, auth, churn_rows, csv_bytes
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration

START = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
DASHBOARD = Path(__file__).resolve().parents[3] / "docs" / "grafana" / "aumos-drift-dashboard.json"
CSV = {"Content-Type": "text/csv"}
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
async def service(database: DatabaseTarget) -> AsyncIterator[tuple[httpx.AsyncClient, Container, FixedClock]]:
    clock = FixedClock(START)
    # the relay waits an hour between rounds, so the events of a run stay pending while the test reads them
    async with api(database.url, clock=clock, outbox_relay_interval_seconds=3600) as (client, container):
        yield client, container, clock


async def _scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def _of(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


async def _drifting_monitor(client: httpx.AsyncClient, container: Container, body: dict[str, Any]) -> dict[str, Any]:
    admin = auth(container.settings)
    monitor = (await client.post("/api/v1/monitors", json=body, headers=admin)).json()
    base = f"/api/v1/monitors/{monitor['id']}"
    rng = np.random.default_rng(5)
    await client.put(f"{base}/reference", content=csv_bytes(churn_rows(rng, 800)), headers={**admin, **CSV})
    rows = csv_bytes(churn_rows(rng, 600, age_shift=8.0))
    assert (await client.post(f"{base}/observations", content=rows, headers={**admin, **CSV})).status_code == 202
    detection = (await client.post(f"{base}/runs", headers=admin)).json()
    return {"monitor": monitor, "detection": detection}


async def test_an_empty_service_reports_its_state_up_and_nothing_waiting(
    service: tuple[httpx.AsyncClient, Container, FixedClock],
) -> None:
    client, _, _ = service
    samples = await _scrape(client)
    assert _of(samples, "aumos_drift_state_up") == 1.0
    assert _of(samples, "aumos_drift_scheduler_lag_seconds") == 0.0
    assert _of(samples, "aumos_drift_outbox_pending") == 0.0
    assert not [name for name, _ in samples if name.startswith("aumos_drift_monitor_")]


@pytest.fixture
async def memory_service() -> AsyncIterator[tuple[httpx.AsyncClient, Container, FixedClock]]:
    clock = FixedClock(START)
    settings = load_settings(scheduler_enabled=False, outbox_relay_interval_seconds=3600)
    container = bootstrap(settings, clock=clock, storage=InMemoryStorage())
    app = build_app(container)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=60) as client:
            yield client, container, clock


async def test_a_drifting_run_is_reported_per_monitor(service: tuple[httpx.AsyncClient, Container, FixedClock]) -> None:
    await _drifting_run_is_reported(*service)


async def test_in_memory_storage_reports_the_same_state(
    memory_service: tuple[httpx.AsyncClient, Container, FixedClock],
) -> None:
    await _drifting_run_is_reported(*memory_service)


async def _drifting_run_is_reported(client: httpx.AsyncClient, container: Container, clock: FixedClock) -> None:
    body = {**MINIMAL_MONITOR, "schedule": {"cron": "0 * * * *", "timezone": "UTC"}}
    made = await _drifting_monitor(client, container, body)
    detection = made["detection"]
    assert detection["is_drift"] is True
    clock.advance(timedelta(hours=2))  # the 13:00 run is due and waits: the scheduler is off in this app
    samples = await _scrape(client)
    monitor = {"tenant": "acme", "monitor": made["monitor"]["id"], "model": "churn-model"}
    assert _of(samples, "aumos_drift_monitor_last_drift_share", **monitor) == detection["drift_share"]
    assert _of(samples, "aumos_drift_monitor_last_drift", **monitor) == 1.0
    assert _of(samples, "aumos_drift_monitor_last_severity", **monitor) == 4.0  # critical
    assert _of(samples, "aumos_drift_monitor_last_run_succeeded", **monitor) == 1.0
    for feature in detection["features"]:
        labels = {**monitor, "feature": feature["name"], "unit": feature["effect_unit"]}
        assert _of(samples, "aumos_drift_feature_effect_size", **labels) == pytest.approx(feature["effect_size"])
    assert _of(samples, "aumos_drift_open_alerts", **monitor, severity="critical") == 1.0
    assert _of(samples, "aumos_drift_detections_total", **monitor, kind="statistical", severity="critical") == 1.0
    assert _of(samples, "aumos_drift_run_duration_seconds_count", kind="statistical", status="succeeded") == 1.0
    assert _of(samples, "aumos_drift_ingested_rows_total", **monitor) == 600.0
    assert _of(samples, "aumos_drift_scheduler_lag_seconds") == 3600.0
    assert _of(samples, "aumos_drift_outbox_pending") >= 1.0
    assert _of(samples, "aumos_drift_outbox_oldest_pending_age_seconds") == 7200.0


async def test_resolving_the_alert_and_a_repeated_batch_change_what_is_reported(
    service: tuple[httpx.AsyncClient, Container, FixedClock],
) -> None:
    client, container, _ = service
    made = await _drifting_monitor(client, container, MINIMAL_MONITOR)
    admin = auth(container.settings)
    alert = (await client.get("/api/v1/alerts?status=open", headers=admin)).json()["items"][0]
    assert (await client.post(f"/api/v1/alerts/{alert['id']}/resolve", json={}, headers=admin)).status_code == 200
    base = f"/api/v1/monitors/{made['monitor']['id']}"
    again = {**admin, **CSV, "Idempotency-Key": "same"}
    rows = csv_bytes(churn_rows(np.random.default_rng(9), 50))
    for _ in range(2):  # the second is a duplicate: no rows counted
        assert (await client.post(f"{base}/observations", content=rows, headers=again)).status_code == 202
    samples = await _scrape(client)
    monitor = {"tenant": "acme", "monitor": made["monitor"]["id"], "model": "churn-model"}
    assert not [labels for name, labels in samples if name == "aumos_drift_open_alerts"]
    assert _of(samples, "aumos_drift_ingested_rows_total", **monitor) == 650.0


async def test_effect_sizes_are_bounded_to_the_largest_features(
    service: tuple[httpx.AsyncClient, Container, FixedClock],
) -> None:
    client, container, _ = service
    admin = auth(container.settings)
    names = [f"f{index:02d}" for index in range(DEFAULT_MAX_FEATURES + 5)]
    body = {**MINIMAL_MONITOR, "features": [{"name": name, "kind": "numerical"} for name in names]}
    monitor = (await client.post("/api/v1/monitors", json=body, headers=admin)).json()
    base = f"/api/v1/monitors/{monitor['id']}"
    rng = np.random.default_rng(3)
    reference = {name: rng.normal(0, 1, 300) for name in names}
    current = {name: rng.normal(index * 0.04, 1, 300) for index, name in enumerate(names)}  # later features move more
    await client.put(f"{base}/reference", content=csv_bytes(reference), headers={**admin, **CSV})
    await client.post(f"{base}/observations", content=csv_bytes(current), headers={**admin, **CSV})
    detection = (await client.post(f"{base}/runs", headers=admin)).json()
    samples = await _scrape(client)
    reported = {
        dict(labels)["feature"]: value
        for name, labels in samples
        if name == "aumos_drift_feature_effect_size"
        for value in [samples[(name, labels)]]
    }
    effects = sorted(((f["effect_size"], f["name"]) for f in detection["features"]), key=lambda e: (-e[0], e[1]))
    assert set(reported) == {name for _, name in effects[:DEFAULT_MAX_FEATURES]}
    assert len(reported) == DEFAULT_MAX_FEATURES


async def test_the_sample_grafana_dashboard_charts_only_metrics_the_service_exposes(
    memory_service: tuple[httpx.AsyncClient, Container, FixedClock],
) -> None:
    client, container, _ = memory_service
    await _drifting_monitor(client, container, MINIMAL_MONITOR)
    exposed = {name for name, _ in await _scrape(client)}
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    expressions += [variable["definition"] for variable in dashboard["templating"]["list"] if "definition" in variable]
    charted = {name for expression in expressions for name in re.findall(r"aumos_drift_[a-z_]+", expression)}
    assert len(charted) >= 12
    assert charted <= exposed, sorted(charted - exposed)
