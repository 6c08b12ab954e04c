"""Health, metrics, request ids and the error body shape of the HTTP application."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from aumos_drift_detector.bootstrap import bootstrap, build_app
from aumos_drift_detector.core.errors import NotFoundError, StorageError
from aumos_drift_detector.settings import load_settings
from tests.conftest import DatabaseTarget

IDLE_RELAY = {
    "consecutive_failures": 0,
    "delivering": True,
    "last_error": None,
    "last_error_at": None,
    "last_delivery_at": None,
}
IDLE_OUTBOX = {
    "status": "ok",
    "details": {"pending": 0, "retrying": 0, "oldest_pending_age_seconds": None, "relay": IDLE_RELAY},
}


@pytest.fixture
async def client(database: DatabaseTarget) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(bootstrap(load_settings(database_url=database.url)))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield http


@pytest.mark.integration
async def test_ready_is_200_when_the_database_answers(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": {"status": "ok"}, "outbox": IDLE_OUTBOX}}


@pytest.mark.integration
async def test_live_and_openapi_are_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health/live")).json() == {"status": "ok"}
    schema = (await client.get("/openapi.json")).json()
    assert "/health/ready" in schema["paths"]
    assert (await client.get("/docs")).status_code == 200


@pytest.mark.integration
async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    generated = await client.get("/health/live")
    assert len(generated.headers["x-request-id"]) == 32
    echoed = await client.get("/health/live", headers={"X-Request-ID": "upstream-42"})
    assert echoed.headers["x-request-id"] == "upstream-42"
    unsafe = await client.get("/health/live", headers={"X-Request-ID": "bad id with spaces"})
    assert unsafe.headers["x-request-id"] != "bad id with spaces"


@pytest.mark.integration
async def test_metrics_count_requests_by_route(client: httpx.AsyncClient) -> None:
    await client.get("/health/live")
    body = (await client.get("/metrics")).text
    assert 'aumos_drift_http_requests_total{method="GET",route="/health/live",status="200"} 1.0' in body


@pytest.mark.integration
async def test_unknown_route_uses_the_error_body(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/route")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not Found", "details": {}}}


class _FailingCheck:
    name = "kafka"

    async def check(self) -> None:
        raise StorageError("broker unreachable at 127.0.0.1:1")


async def test_ready_is_503_naming_the_failed_dependency(tmp_path) -> None:
    container = bootstrap(load_settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"))
    container.health_checks.append(_FailingCheck())
    app = build_app(container)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        response = await http.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": {"status": "ok"},
        "outbox": IDLE_OUTBOX,
        "kafka": {"status": "failed", "error": "broker unreachable at 127.0.0.1:1"},
    }


async def test_domain_errors_map_to_statuses_with_one_body_shape(tmp_path) -> None:
    app: FastAPI = build_app(bootstrap(load_settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")))

    @app.get("/boom/not-found")
    async def not_found() -> None:
        raise NotFoundError("monitor 42 not found", details={"monitor_id": "42"})

    @app.get("/boom/unexpected")
    async def unexpected() -> None:
        raise RuntimeError("bug")

    @app.get("/boom/typed")
    async def typed(limit: int) -> int:
        return limit

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        missing = await http.get("/boom/not-found")
        crash = await http.get("/boom/unexpected")
        invalid = await http.get("/boom/typed", params={"limit": "many"})
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {"code": "not_found", "message": "monitor 42 not found", "details": {"monitor_id": "42"}}
    }
    assert crash.status_code == 500
    assert crash.json()["error"]["code"] == "internal_error"
    assert invalid.status_code == 422
    assert invalid.json()["error"]["message"].startswith("limit:")
