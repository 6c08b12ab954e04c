"""End-to-end: a monitor's multivariate option over HTTP, on both databases.

Reference and production rows go in as CSV or JSON records (embedding vectors as JSON arrays); the
run's detection carries the multivariate results, decides drift, raises the alert and renders the
attribution in its report.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from aumos_drift_detector.bootstrap import Container
from tests.api_client import MINIMAL_MONITOR, api, auth, csv_bytes
from tests.conftest import DatabaseTarget
from tests.core.multivariate.scenarios import mixed_table, mixture_embeddings, shifted_weights

pytestmark = pytest.mark.integration
CSV = {"Content-Type": "text/csv"}
ROWS = 800
FEATURES = [{"name": name, "kind": "numerical"} for name in ("a", "b", "c")]


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


def flip_rows(seed: int, rho: float) -> bytes:
    table = mixed_table(np.random.default_rng(seed), ROWS, rho=rho)
    return csv_bytes({name: table[name] for name in ("a", "b", "c")})


async def create(client: httpx.AsyncClient, admin: dict[str, str], **changes: Any) -> httpx.Response:
    body = {**MINIMAL_MONITOR, "features": FEATURES, **changes}
    return await client.post("/api/v1/monitors", json=body, headers=admin)


async def flip_monitor(client: httpx.AsyncClient, admin: dict[str, str], *, rho: float) -> str:
    option = {"tests": ["classifier"], "sample_size": ROWS}
    created = await create(client, admin, multivariate=option)
    assert created.status_code == 201, created.text
    base = f"/api/v1/monitors/{created.json()['id']}"
    reference = await client.put(f"{base}/reference", content=flip_rows(1, 0.6), headers={**admin, **CSV})
    assert reference.json()["sampled"] is True
    observed = await client.post(f"{base}/observations", content=flip_rows(2, rho), headers={**admin, **CSV})
    assert observed.status_code == 202, observed.text
    return base


async def test_a_correlation_flip_is_found_by_the_classifier_and_raises_an_alert(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    base = await flip_monitor(client, admin, rho=-0.6)
    run = await client.post(f"{base}/runs", headers=admin)
    assert run.status_code == 201, run.text
    detection = run.json()
    assert not any(feature["drift_detected"] for feature in detection["features"])
    (test,) = detection["multivariate"]["tests"]
    assert (test["method"], test["drift_detected"], test["embedding"]) == ("domain_classifier", True, None)
    assert {item["feature"] for item in test["attribution"][:2]} == {"a", "b"}
    assert (detection["is_drift"], detection["alarm"], detection["severity"]) == (True, True, "high")
    assert (await client.get(f"/api/v1/detections/{detection['id']}", headers=admin)).json() == detection
    alerts = (await client.get("/api/v1/alerts", headers=admin)).json()["items"]
    assert [alert["severity"] for alert in alerts] == ["high"]
    report = await client.get(f"/api/v1/detections/{detection['id']}/report", headers=admin)
    assert "Multivariate tests" in report.text
    assert "Attribution: domain_classifier on a, b, c" in report.text


async def test_unchanged_data_raises_no_alert(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    base = await flip_monitor(client, admin, rho=0.6)
    detection = (await client.post(f"{base}/runs", headers=admin)).json()
    assert [test["drift_detected"] for test in detection["multivariate"]["tests"]] == [False]
    assert (detection["is_drift"], detection["alarm"]) == (False, False)
    assert (await client.get("/api/v1/alerts", headers=admin)).json()["items"] == []


@pytest.mark.parametrize(
    ("option", "field"),
    [
        ({"tests": ["forest"]}, "multivariate.tests[0]"),
        ({"embeddings": [{"name": "a"}]}, "multivariate.embeddings[0].name"),
        ({"tests": ["pca"], "sample_size": 50}, "multivariate.sample_size"),
        ({"embeddings": [{"name": "vec", "tests": ["mmd", "mmd"]}]}, "multivariate.embeddings[0].tests"),
        ({"tests": []}, "multivariate"),
    ],
)
async def test_a_bad_option_is_a_422_naming_the_field(
    client: httpx.AsyncClient, admin: dict[str, str], option: dict[str, Any], field: str
) -> None:
    response = await create(client, admin, multivariate=option)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"].startswith(f"{field}: "), response.json()


async def test_the_option_is_patched_and_removed(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    monitor = (await create(client, admin)).json()
    assert monitor["multivariate"] is None
    url = f"/api/v1/monitors/{monitor['id']}"
    patched = await client.patch(url, json={"multivariate": {"embeddings": [{"name": "vec"}]}}, headers=admin)
    assert patched.status_code == 200, patched.text
    assert patched.json()["multivariate"] == {
        "tests": [], "embeddings": [{"name": "vec", "tests": ["mmd", "classifier"]}], "alpha": 0.05,
        "sample_size": 5000, "seed": 0,
    }  # fmt: skip
    assert (await client.patch(url, json={"multivariate": None}, headers=admin)).json()["multivariate"] is None


def parquet_bytes(records: list[dict[str, Any]]) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(records), sink)
    return sink.getvalue()


@pytest.mark.parametrize("reference_format", ["json", "parquet"])
async def test_an_embedding_sent_as_json_arrays_detects_a_mixture_shift(
    client: httpx.AsyncClient, admin: dict[str, str], reference_format: str
) -> None:
    option = {"embeddings": [{"name": "vec", "tests": ["mmd"]}], "sample_size": 400}
    monitor = (await create(client, admin, features=FEATURES[:1], multivariate=option)).json()
    base, rng = f"/api/v1/monitors/{monitor['id']}", np.random.default_rng(7)

    def records(weights: np.ndarray) -> list[dict[str, Any]]:
        vectors = mixture_embeddings(rng, 400, weights).round(4).tolist()
        return [
            {"a": float(value), "vec": vector} for value, vector in zip(rng.normal(0, 1, 400), vectors, strict=True)
        ]

    rows = records(shifted_weights(0.0))
    if reference_format == "json":
        reference = await client.put(f"{base}/reference", json=rows, headers=admin)
    else:  # a Parquet list column
        parquet = {**admin, "Content-Type": "application/vnd.apache.parquet"}
        reference = await client.put(f"{base}/reference", content=parquet_bytes(rows), headers=parquet)
    assert reference.status_code == 201, reference.text
    assert (
        await client.post(f"{base}/observations", json=records(shifted_weights(0.15)), headers=admin)
    ).status_code == 202
    detection = (await client.post(f"{base}/runs", headers=admin)).json()
    assert [(t["method"], t["embedding"], t["drift_detected"]) for t in detection["multivariate"]["tests"]] == [
        ("mmd", "vec", True)
    ]
    assert detection["is_drift"] is True


async def test_a_reference_stored_without_a_sample_gives_the_reason_not_an_error(
    service: tuple[httpx.AsyncClient, Container], admin: dict[str, str]
) -> None:
    client, container = service
    base = await flip_monitor(client, admin, rho=-0.6)
    assert container.engine is not None
    async with container.engine.begin() as connection:
        await connection.execute(text("DELETE FROM drf_reference_samples"))
    run = await client.post(f"{base}/runs", headers=admin)
    assert run.status_code == 201, run.text
    assert run.json()["status"] == "succeeded"
    assert run.json()["multivariate"]["skipped"] == (
        "reference version 1 has no row sample (uploaded before samples were kept); "
        "re-upload the reference to enable multivariate tests"
    )
    assert (await client.get(f"{base}/reference", headers=admin)).json()["sampled"] is False
