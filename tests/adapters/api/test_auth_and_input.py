"""Authentication, roles, tenant isolation and the bad-input catalogue of the monitor API."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import jwt
import numpy as np
import pytest

from aumos_drift_detector.adapters.api.auth import issue_token
from aumos_drift_detector.bootstrap import Container
from tests.api_client import MINIMAL_MONITOR, api, auth, churn_rows, csv_bytes
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration
CSV = {"Content-Type": "text/csv"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture
async def service(database: DatabaseTarget) -> AsyncIterator[tuple[httpx.AsyncClient, Container]]:
    async with api(database.url, max_upload_bytes=64 * 1024) as pair:
        yield pair


@pytest.fixture
async def ready_monitor(service: tuple[httpx.AsyncClient, Container]) -> dict[str, Any]:
    """A monitor of tenant 'acme' with reference data, observations and one detection."""
    client, container = service
    admin = auth(container.settings)
    monitor = (await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=admin)).json()
    rng = np.random.default_rng(11)
    base = f"/api/v1/monitors/{monitor['id']}"
    await client.put(f"{base}/reference", content=csv_bytes(churn_rows(rng, 300)), headers={**admin, **CSV})
    await client.post(f"{base}/observations", content=csv_bytes(churn_rows(rng, 300)), headers={**admin, **CSV})
    detection = (await client.post(f"{base}/runs", headers=admin)).json()
    return {"monitor": monitor, "detection": detection}


def endpoints(monitor_id: str, detection_id: str) -> list[tuple[str, str, dict[str, Any]]]:
    body = csv_bytes({"age": [30.0 + i for i in range(10)], "plan": ["pro", "basic"] * 5})
    upload = {"content": body, "headers": CSV}
    return [
        ("GET", f"/api/v1/monitors/{monitor_id}", {}),
        ("PATCH", f"/api/v1/monitors/{monitor_id}", {"json": {"description": "x"}}),
        ("DELETE", f"/api/v1/monitors/{monitor_id}", {}),
        ("GET", f"/api/v1/monitors/{monitor_id}/reference", {}),
        ("PUT", f"/api/v1/monitors/{monitor_id}/reference", upload),
        ("POST", f"/api/v1/monitors/{monitor_id}/observations", upload),
        ("POST", f"/api/v1/monitors/{monitor_id}/runs", {}),
        ("GET", f"/api/v1/detections/{detection_id}", {}),
    ]


async def test_every_endpoint_answers_404_to_another_tenant(
    service: tuple[httpx.AsyncClient, Container], ready_monitor: dict[str, Any]
) -> None:
    client, container = service
    intruder = auth(container.settings, tenant="globex", role="admin")
    for method, url, kwargs in endpoints(ready_monitor["monitor"]["id"], ready_monitor["detection"]["id"]):
        headers = {**intruder, **kwargs.get("headers", {})}
        response = await client.request(method, url, **{**kwargs, "headers": headers})
        assert response.status_code == 404, (method, url, response.text)
    assert (await client.get("/api/v1/monitors", headers=intruder)).json()["items"] == []
    assert (await client.get("/api/v1/detections", headers=intruder)).json()["items"] == []
    owner = auth(container.settings)
    still_there = await client.get(f"/api/v1/monitors/{ready_monitor['monitor']['id']}", headers=owner)
    assert still_there.json()["description"] == ""


async def test_every_endpoint_needs_a_valid_token(
    service: tuple[httpx.AsyncClient, Container], ready_monitor: dict[str, Any]
) -> None:
    client, container = service
    settings = container.settings
    expired = issue_token(settings, tenant_id="acme", roles=["admin"], subject="a", ttl=timedelta(seconds=-5))
    forged = jwt.encode({"sub": "a", "tenant_id": "acme", "roles": ["admin"], "exp": 4102444800}, "x" * 40)
    no_tenant = jwt.encode({"sub": "a", "roles": ["admin"], "exp": 4102444800}, settings.jwt_secret)
    cases = {
        "missing": {},
        "malformed": {"Authorization": "Bearer not.a.jwt"},
        "expired": {"Authorization": f"Bearer {expired}"},
        "forged": {"Authorization": f"Bearer {forged}"},
        "no tenant": {"Authorization": f"Bearer {no_tenant}"},
    }
    urls = endpoints(ready_monitor["monitor"]["id"], ready_monitor["detection"]["id"])
    urls += [("GET", "/api/v1/monitors", {}), ("POST", "/api/v1/monitors", {"json": MINIMAL_MONITOR})]
    for label, headers in cases.items():
        for method, url, kwargs in urls:
            response = await client.request(
                method, url, **{**kwargs, "headers": {**kwargs.get("headers", {}), **headers}}
            )
            assert response.status_code == 401, (label, method, url)
            assert response.json()["error"]["code"] == "unauthenticated"
    expired_response = await client.get("/api/v1/monitors", headers=cases["expired"])
    assert expired_response.json()["error"]["message"] == "token expired"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("viewer", {"GET"}),
        ("operator", {"GET", "PUT reference", "POST observations", "POST runs"}),
    ],
)
async def test_roles_gate_writes(
    service: tuple[httpx.AsyncClient, Container], ready_monitor: dict[str, Any], role: str, allowed: set[str]
) -> None:
    client, container = service
    headers = auth(container.settings, role=role)
    monitor_id = ready_monitor["monitor"]["id"]
    for method, url, kwargs in endpoints(monitor_id, ready_monitor["detection"]["id"]):
        label = method if method in ("GET", "PATCH", "DELETE") else f"{method} {url.rsplit('/', 1)[1]}"
        response = await client.request(method, url, **{**kwargs, "headers": {**kwargs.get("headers", {}), **headers}})
        if label in allowed:
            assert response.status_code < 300, (role, label, response.text)
        else:
            assert response.status_code == 403, (role, label, response.text)
            assert f"'{role}'" in response.json()["error"]["message"]
    created = await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=headers)
    assert created.status_code == 403


BAD_MONITORS = [
    ({"features": [{"name": "age"}, {"name": "age"}]}, "features[1].name", "duplicate"),
    ({"features": [{"name": "age", "test": "magic"}]}, "features[0].test", "unknown test"),
    ({"features": [{"name": "age", "kind": "numerical", "test": "chi_squared"}]}, "features[0].test", "does not apply"),
    ({"features": [{"name": "age", "kind": "ordinal"}]}, "features[0].kind", ""),
    ({"features": []}, "features", ""),
    ({"schedule": {"cron": "every minute"}}, "schedule.cron", "it has 2 fields; a cron expression has 5"),
    ({"schedule": {"cron": "61 * * * *"}}, "schedule.cron", "the minute field: 61 is out of range 0-59"),
    ({"schedule": {"cron": "0 0 30 2 *"}}, "schedule.cron", "it never fires"),
    ({"schedule": {"cron": "0 * * * *", "timezone": "Mars/Olympus"}}, "schedule.timezone", "unknown time zone"),
    ({"dataset_rule": {"drift_share": 1.5}}, "dataset_rule.drift_share", ""),
    ({"window": {"last_rows": 10, "min_rows": 50}}, "window.min_rows", "cannot exceed"),
    ({"name": ""}, "name", ""),
    ({"surprise": 1}, "surprise", ""),
]


@pytest.mark.parametrize(("changes", "field", "problem"), BAD_MONITORS)
async def test_bad_monitor_bodies_name_the_field_and_store_nothing(
    service: tuple[httpx.AsyncClient, Container], changes: dict[str, Any], field: str, problem: str
) -> None:
    client, container = service
    admin = auth(container.settings)
    response = await client.post("/api/v1/monitors", json={**MINIMAL_MONITOR, **changes}, headers=admin)
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"]
    assert message.startswith(field), message
    assert problem in message
    assert (await client.get("/api/v1/monitors", headers=admin)).json()["items"] == []


async def test_non_uuid_id_is_a_422_naming_the_parameter(service: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = service
    response = await client.get("/api/v1/monitors/not-a-uuid", headers=auth(container.settings))
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith("monitor_id:")


def _parquet_garbage() -> bytes:
    return b"PAR1" + b"\x00" * 64


BAD_UPLOADS = [
    ("malformed csv", b"age,plan\n31,pro\n40,basic,extra\n", CSV, "reference"),
    ("empty file", b"", CSV, "body"),
    ("header only", b"age,plan\n", CSV, "reference"),
    ("missing feature", b"age\n31\n40\n", CSV, "'plan'"),
    ("wrong type", b"age,plan\nold,pro\nyoung,basic\n", CSV, "'age'"),
    ("malformed parquet", _parquet_garbage(), {"Content-Type": "application/vnd.apache.parquet"}, "reference"),
    (
        "NaN in a categorical",
        b'[{"age": 1, "plan": 1.5}, {"age": 2, "plan": NaN}]',
        {"Content-Type": "application/json"},
        "'plan'",
    ),
]


@pytest.mark.parametrize(("label", "body", "headers", "named"), BAD_UPLOADS, ids=[case[0] for case in BAD_UPLOADS])
async def test_bad_reference_uploads_are_rejected_and_store_nothing(
    service: tuple[httpx.AsyncClient, Container],
    label: str,
    body: bytes,
    headers: dict[str, str],
    named: str,
) -> None:
    client, container = service
    admin = auth(container.settings)
    monitor = (await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=admin)).json()
    url = f"/api/v1/monitors/{monitor['id']}/reference"
    response = await client.put(url, content=body, headers={**admin, **headers})
    assert response.status_code == 422, (label, response.text)
    assert named in response.json()["error"]["message"], response.json()
    assert (await client.get(url, headers=admin)).status_code == 404
    observed = await client.post(
        f"/api/v1/monitors/{monitor['id']}/observations", content=body, headers={**admin, **headers}
    )
    assert observed.status_code == 422, (label, observed.text)


async def test_body_over_the_limit_is_413_and_stores_nothing(service: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = service
    admin = auth(container.settings)
    monitor = (await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=admin)).json()
    big = csv_bytes(churn_rows(np.random.default_rng(0), 12000))
    assert len(big) > container.settings.max_upload_bytes
    url = f"/api/v1/monitors/{monitor['id']}/observations"
    response = await client.post(url, content=big, headers={**admin, **CSV})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"

    async def chunks() -> AsyncIterator[bytes]:
        stream = io.BytesIO(big)
        while chunk := stream.read(8192):
            yield chunk

    streamed = await client.post(url, content=chunks(), headers={**admin, **CSV})
    assert streamed.status_code == 413
    await client.put(
        f"/api/v1/monitors/{monitor['id']}/reference",
        content=csv_bytes(churn_rows(np.random.default_rng(1), 300)),
        headers={**admin, **CSV},
    )
    run = (await client.post(f"/api/v1/monitors/{monitor['id']}/runs", headers=admin)).json()
    assert run["summary"]["current_rows"] == 0
