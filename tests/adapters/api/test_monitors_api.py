"""End-to-end: monitors, reference data, observations, runs and detections over HTTP, on both databases."""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.alerts.policy import AlertPolicy
from aumos_drift_detector.core.monitors.config import DatasetRule
from tests.api_client import MINIMAL_MONITOR, api, auth, churn_rows, csv_bytes
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
async def service(database: DatabaseTarget) -> AsyncIterator[tuple[httpx.AsyncClient, Container]]:
    async with api(database.url) as pair:
        yield pair


@pytest.fixture
def client(service: tuple[httpx.AsyncClient, Container]) -> httpx.AsyncClient:
    return service[0]


@pytest.fixture
def admin(service: tuple[httpx.AsyncClient, Container]) -> dict[str, str]:
    return auth(service[1].settings)


async def create_monitor(client: httpx.AsyncClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/monitors", json={**MINIMAL_MONITOR, **changes}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_minimal_monitor_is_created_read_listed_changed_and_deleted(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = await create_monitor(client, admin)
    monitor_id = created["id"]
    assert uuid.UUID(monitor_id)
    assert created["status"] == "active"
    assert created["features"] == [
        {**feature, "test": None, "threshold": None, "importance": 1.0, "critical": False}
        for feature in MINIMAL_MONITOR["features"]
    ]
    assert created["dataset_rule"] == DatasetRule().model_dump(mode="json")
    assert created["dataset_rule"]["correction"] == "benjamini_hochberg"
    assert created["next_run_at"] is None

    fetched = await client.get(f"/api/v1/monitors/{monitor_id}", headers=admin)
    assert fetched.json() == created
    listed = await client.get("/api/v1/monitors", headers=admin)
    assert [item["id"] for item in listed.json()["items"]] == [monitor_id]

    patched = await client.patch(
        f"/api/v1/monitors/{monitor_id}",
        json={"schedule": {"cron": "0 * * * *", "timezone": "Europe/Berlin"}, "labels": {"team": "growth"}},
        headers=admin,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["schedule"] == {"cron": "0 * * * *", "timezone": "Europe/Berlin"}
    assert patched.json()["next_run_at"] is not None
    assert patched.json()["name"] == "churn"

    paused = await client.patch(f"/api/v1/monitors/{monitor_id}", json={"status": "paused"}, headers=admin)
    assert paused.json()["next_run_at"] is None

    assert (await client.delete(f"/api/v1/monitors/{monitor_id}", headers=admin)).status_code == 204
    assert (await client.get(f"/api/v1/monitors/{monitor_id}", headers=admin)).status_code == 404


async def test_reference_upload_is_versioned(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    monitor = await create_monitor(client, admin)
    rng = np.random.default_rng(1)
    url = f"/api/v1/monitors/{monitor['id']}/reference"
    first = await client.put(url, content=csv_bytes(churn_rows(rng, 500)), headers={**admin, **CSV})
    assert first.status_code == 201, first.text
    assert (first.json()["version"], first.json()["rows"], first.json()["uploaded_by"]) == (1, 500, "alice")
    second = await client.put(url, content=csv_bytes(churn_rows(rng, 800)), headers={**admin, **CSV})
    assert (second.json()["version"], second.json()["rows"]) == (2, 800)
    assert (await client.get(url, headers=admin)).json()["version"] == 2


async def test_parquet_and_json_records_are_accepted(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    monitor = await create_monitor(client, admin)
    rng = np.random.default_rng(2)
    sink = io.BytesIO()
    pq.write_table(pa.table(churn_rows(rng, 300)), sink)
    parquet = await client.put(
        f"/api/v1/monitors/{monitor['id']}/reference",
        content=sink.getvalue(),
        headers={**admin, "Content-Type": "application/vnd.apache.parquet"},
    )
    assert parquet.status_code == 201, parquet.text
    records = [{"age": 30 + i % 20, "plan": "pro" if i % 3 else "basic"} for i in range(50)]
    batch = await client.post(f"/api/v1/monitors/{monitor['id']}/observations", json=records, headers=admin)
    assert batch.status_code == 202, batch.text
    assert batch.json() == {"accepted_rows": 50, "duplicate": False, "ignored_columns": [], "missing_values": {}}


async def test_observations_count_once_per_idempotency_key_and_report_extra_columns(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    monitor = await create_monitor(client, admin, window={"last_rows": 10_000, "min_rows": 10})
    rows = churn_rows(np.random.default_rng(3), 40)
    body = csv_bytes({**rows, "request_id": np.arange(40)})
    url = f"/api/v1/monitors/{monitor['id']}/observations"
    headers = {**admin, **CSV, "Idempotency-Key": "batch-0001"}
    first = await client.post(url, content=body, headers=headers)
    again = await client.post(url, content=body, headers=headers)
    assert first.status_code == again.status_code == 202
    assert first.json() == {
        "accepted_rows": 40,
        "duplicate": False,
        "ignored_columns": ["request_id"],
        "missing_values": {},
    }
    assert again.json() == {
        "accepted_rows": 0,
        "duplicate": True,
        "ignored_columns": ["request_id"],
        "missing_values": {},
    }
    await client.put(
        f"/api/v1/monitors/{monitor['id']}/reference",
        content=csv_bytes(churn_rows(np.random.default_rng(4), 400)),
        headers={**admin, **CSV},
    )
    run = (await client.post(f"/api/v1/monitors/{monitor['id']}/runs", headers=admin)).json()
    assert run["summary"]["current_rows"] == 40


async def test_run_reports_the_per_feature_verdict(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    monitor = await create_monitor(client, admin)
    rng = np.random.default_rng(5)
    base = f"/api/v1/monitors/{monitor['id']}"
    await client.put(f"{base}/reference", content=csv_bytes(churn_rows(rng, 2000)), headers={**admin, **CSV})
    await client.post(f"{base}/observations", content=csv_bytes(churn_rows(rng, 1000)), headers={**admin, **CSV})
    calm = await client.post(f"{base}/runs", headers=admin)
    assert calm.status_code == 201, calm.text
    assert calm.json()["status"] == "succeeded"
    assert calm.json()["is_drift"] is False

    drifted_rows = churn_rows(rng, 3000, age_shift=8.0, pro_share=0.5)
    await client.post(f"{base}/observations", content=csv_bytes(drifted_rows), headers={**admin, **CSV})
    drifted = (await client.post(f"{base}/runs", headers=admin)).json()
    assert drifted["is_drift"] is True
    assert drifted["drift_share"] == 1.0
    by_name = {item["name"]: item for item in drifted["features"]}
    assert set(by_name) == {"age", "plan"}
    for item in by_name.values():
        assert {"name", "test", "statistic", "p_value", "threshold", "drift_detected"} <= set(item)
        assert item["drift_detected"] is True
    assert (by_name["age"]["test"], by_name["plan"]["test"]) == ("ks", "chi_squared")  # hypothesis tests at any n
    assert drifted["started_at"] <= drifted["finished_at"]

    listed = (await client.get("/api/v1/detections", params={"monitor_id": monitor["id"]}, headers=admin)).json()
    assert [item["id"] for item in listed["items"]] == [drifted["id"], calm.json()["id"]]
    only_drift = await client.get("/api/v1/detections", params={"is_drift": "true"}, headers=admin)
    assert [item["id"] for item in only_drift.json()["items"]] == [drifted["id"]]
    page = (await client.get("/api/v1/detections", params={"limit": 1}, headers=admin)).json()
    rest = (await client.get("/api/v1/detections", params={"cursor": page["next_cursor"]}, headers=admin)).json()
    assert [item["id"] for item in page["items"] + rest["items"]] == [drifted["id"], calm.json()["id"]]
    assert (await client.get(f"/api/v1/detections/{drifted['id']}", headers=admin)).json() == drifted
    report = await client.get(f"/api/v1/detections/{drifted['id']}/report", headers=admin)
    assert report.headers["content-type"].startswith("text/html")
    assert "Drift detected: 2 of 2 features drifted" in report.text
    assert '<details class="feature" data-name="age">' in report.text


async def test_too_few_rows_is_an_insufficient_data_detection(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    monitor = await create_monitor(client, admin)
    rng = np.random.default_rng(6)
    base = f"/api/v1/monitors/{monitor['id']}"
    await client.put(f"{base}/reference", content=csv_bytes(churn_rows(rng, 500)), headers={**admin, **CSV})
    await client.post(f"{base}/observations", content=csv_bytes(churn_rows(rng, 10)), headers={**admin, **CSV})
    response = await client.post(f"{base}/runs", headers=admin)
    assert response.status_code == 201
    assert response.json()["status"] == "insufficient_data"
    assert "10 rows" in response.json()["error"]


async def test_run_without_reference_is_a_conflict(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    monitor = await create_monitor(client, admin)
    response = await client.post(f"/api/v1/monitors/{monitor['id']}/runs", headers=admin)
    assert response.status_code == 409
    assert "reference" in response.json()["error"]["message"]
    assert (await client.get("/api/v1/detections", headers=admin)).json()["items"] == []


async def test_deleted_monitor_keeps_its_detections_readable(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    monitor = await create_monitor(client, admin)
    rng = np.random.default_rng(7)
    base = f"/api/v1/monitors/{monitor['id']}"
    await client.put(f"{base}/reference", content=csv_bytes(churn_rows(rng, 300)), headers={**admin, **CSV})
    await client.post(f"{base}/observations", content=csv_bytes(churn_rows(rng, 300)), headers={**admin, **CSV})
    detection = (await client.post(f"{base}/runs", headers=admin)).json()
    await client.delete(base, headers=admin)
    assert (await client.get(f"/api/v1/detections/{detection['id']}", headers=admin)).status_code == 200


async def test_heavy_work_runs_off_the_event_loop(
    client: httpx.AsyncClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Profiling, decoding stored batches and the checks run in worker threads, so the API keeps answering."""
    import asyncio

    from aumos_drift_detector.adapters.persistence import data_repositories
    from aumos_drift_detector.core.detections import runs
    from aumos_drift_detector.core.ingest import service as datasets

    calls: dict[str, list[bool]] = {}

    def watched(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                asyncio.get_running_loop()
                on_loop = True
            except RuntimeError:
                on_loop = False
            calls.setdefault(name, []).append(on_loop)
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(runs, "evaluate_check", watched("evaluate", runs.evaluate_check))
    monkeypatch.setattr(data_repositories, "decode_table", watched("decode", data_repositories.decode_table))
    monkeypatch.setattr(datasets.ProfileBuilder, "add", watched("scan", datasets.ProfileBuilder.add))
    monkeypatch.setattr(datasets.ProfileBuilder, "payload", watched("profile", datasets.ProfileBuilder.payload))
    monitor = await create_monitor(client, admin)
    rng = np.random.default_rng(9)
    base = f"/api/v1/monitors/{monitor['id']}"
    await client.put(f"{base}/reference", content=csv_bytes(churn_rows(rng, 500)), headers={**admin, **CSV})
    await client.post(f"{base}/observations", content=csv_bytes(churn_rows(rng, 500)), headers={**admin, **CSV})
    assert (await client.post(f"{base}/runs", headers=admin)).json()["status"] == "succeeded"
    assert calls.pop("scan") == [False]
    assert calls == {"profile": [False], "decode": [False], "evaluate": [False]}


async def test_policies_are_validated_merged_and_removed_by_patch(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    monitor = await create_monitor(client, admin, alert_policy={"m_of_n": {"m": 2, "n": 3}})
    assert monitor["alert_policy"]["m_of_n"] == {"m": 2, "n": 3}
    assert monitor["alert_policy"]["min_severity"] == "medium"
    url = f"/api/v1/monitors/{monitor['id']}"
    bad = await client.patch(url, json={"alert_policy": {"m_of_n": {"m": 4, "n": 3}}}, headers=admin)
    assert bad.status_code == 422
    assert bad.json()["error"]["message"].startswith("alert_policy.m_of_n.n: must be >= m (4)")
    concept = await client.patch(url, json={"concept": {"detector": "DDM"}}, headers=admin)
    ddm_defaults = {"warm_start": 30, "warning_threshold": 2.0, "drift_threshold": 3.0, "minimum_refresh": None}
    assert concept.json()["concept"] == {"detector": "DDM", "params": ddm_defaults, "error": None}
    assert concept.json()["alert_policy"]["m_of_n"] == {"m": 2, "n": 3}
    removed = await client.patch(url, json={"alert_policy": None}, headers=admin)
    assert removed.json()["alert_policy"] == AlertPolicy().model_dump(mode="json")
    assert removed.json()["concept"] == {"detector": "DDM", "params": ddm_defaults, "error": None}
