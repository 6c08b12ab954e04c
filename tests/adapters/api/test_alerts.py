"""The alert endpoints: list with filters, detail with history, transitions by role, tenant isolation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from aumos_drift_detector.adapters.api.auth import issue_token
from aumos_drift_detector.adapters.messaging.in_memory_publisher import InMemoryEventPublisher
from aumos_drift_detector.bootstrap import Container, bootstrap, build_app
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.settings import load_settings
from tests.core.builders import T0, make_detection, make_monitor

pytestmark = pytest.mark.integration


class Api:
    def __init__(self, http: httpx.AsyncClient, container: Container) -> None:
        self.http = http
        self.container = container

    def auth(self, role: str, tenant: str = "acme") -> dict[str, str]:
        token = issue_token(self.container.settings, tenant_id=tenant, roles=[role], subject=f"{role}-user")
        return {"Authorization": f"Bearer {token}"}

    async def drifting_run(self, tenant: str = "acme") -> str:
        clock = self.container.clock
        assert isinstance(clock, FixedClock)
        clock.advance(timedelta(minutes=1))
        monitor = make_monitor(tenant)
        detection = make_detection(monitor, clock.now() - timedelta(seconds=1), drifted=2)
        async with self.container.unit_of_work() as uow:
            await uow.monitors.add(monitor)
            await uow.commit()
        await self.container.services().runs.store(monitor, detection, None)
        page = (await self.http.get("/api/v1/alerts", headers=self.auth("viewer", tenant))).json()
        return str(page["items"][0]["id"])


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    settings = load_settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'api.db'}", scheduler_enabled=False)
    container = bootstrap(settings, clock=FixedClock(T0), publisher=InMemoryEventPublisher())
    app = build_app(container)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http,
    ):
        yield Api(http, container)


async def test_operator_acknowledges_then_resolves_and_history_records_both(api: Api) -> None:
    alert_id = await api.drifting_run()
    operator = api.auth("operator")
    api.container.clock.advance(timedelta(seconds=30))  # type: ignore[attr-defined]
    acked = await api.http.post(f"/api/v1/alerts/{alert_id}/acknowledge", json={"note": "on it"}, headers=operator)
    assert acked.status_code == 200
    assert acked.json()["status"] == "acknowledged"
    api.container.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    resolved = await api.http.post(f"/api/v1/alerts/{alert_id}/resolve", json={"note": "retrained"}, headers=operator)
    assert resolved.json()["status"] == "resolved"
    detail = (await api.http.get(f"/api/v1/alerts/{alert_id}", headers=api.auth("viewer"))).json()
    assert [(h["action"], h["actor"], h["note"]) for h in detail["history"]] == [
        ("opened", "system", ""),
        ("acknowledged", "operator-user", "on it"),
        ("resolved", "operator-user", "retrained"),
    ]
    again = await api.http.post(f"/api/v1/alerts/{alert_id}/resolve", json={}, headers=operator)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


async def test_snooze_needs_a_future_time(api: Api) -> None:
    alert_id = await api.drifting_run()
    past = await api.http.post(
        f"/api/v1/alerts/{alert_id}/snooze", json={"until": T0.isoformat()}, headers=api.auth("admin")
    )
    assert past.status_code == 422
    until = (T0 + timedelta(days=1)).isoformat()
    ok = await api.http.post(f"/api/v1/alerts/{alert_id}/snooze", json={"until": until}, headers=api.auth("admin"))
    assert ok.status_code == 200
    assert ok.json()["snoozed_until"].startswith("2026-11-03T09:00")


@pytest.mark.parametrize("action", ["acknowledge", "snooze", "resolve"])
async def test_every_transition_refuses_a_viewer(api: Api, action: str) -> None:
    alert_id = await api.drifting_run()
    body = {"until": (T0 + timedelta(days=1)).isoformat()} if action == "snooze" else {}
    response = await api.http.post(f"/api/v1/alerts/{alert_id}/{action}", json=body, headers=api.auth("viewer"))
    assert response.status_code == 403
    assert (await api.http.post(f"/api/v1/alerts/{alert_id}/{action}", json=body)).status_code == 401


async def test_list_filters_and_another_tenant_gets_404(api: Api) -> None:
    alert_id = await api.drifting_run()
    await api.drifting_run("globex")
    viewer = api.auth("viewer")
    assert len((await api.http.get("/api/v1/alerts", headers=viewer)).json()["items"]) == 1
    assert (await api.http.get("/api/v1/alerts?severity=low", headers=viewer)).json()["items"] == []
    assert len((await api.http.get("/api/v1/alerts?status=open&severity=high", headers=viewer)).json()["items"]) == 1
    assert (await api.http.get("/api/v1/alerts?status=resolved", headers=viewer)).json()["items"] == []
    foreign = api.auth("admin", "globex")
    assert (await api.http.get(f"/api/v1/alerts/{alert_id}", headers=foreign)).status_code == 404
    assert (await api.http.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=foreign)).status_code == 404


async def test_ready_reports_outbox_lag(api: Api) -> None:
    await api.drifting_run()
    outbox = (await api.http.get("/health/ready")).json()["checks"]["outbox"]
    assert outbox["status"] == "ok"
    assert set(outbox["details"]) == {"pending", "retrying", "oldest_pending_age_seconds", "relay"}
