"""The dashboard's pages in process: sign-in, the session cookie, signed forms, roles and tenants."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import numpy as np
import pytest

from aumos_drift_detector.adapters.api.auth import issue_token
from aumos_drift_detector.bootstrap import Container
from tests.api_client import MINIMAL_MONITOR, api, auth, churn_rows, csv_bytes

SESSION = "aumos_drift_session"


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Container]]:
    async with api(f"sqlite+aiosqlite:///{tmp_path / 'ui.db'}") as found:
        yield found


async def _drifting_monitor(client: httpx.AsyncClient, container: Container, tenant: str = "acme") -> str:
    headers = auth(container.settings, tenant=tenant)
    monitor = (await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=headers)).json()["id"]
    rng = np.random.default_rng(4)
    csv = {**headers, "Content-Type": "text/csv"}
    await client.put(f"/api/v1/monitors/{monitor}/reference", content=csv_bytes(churn_rows(rng, 1000)), headers=csv)
    for shift, key in ((0.0, "a"), (9.0, "b")):
        rows = csv_bytes(churn_rows(rng, 600, age_shift=shift, pro_share=0.3 if shift == 0 else 0.6))
        answer = await client.post(
            f"/api/v1/monitors/{monitor}/observations", content=rows, headers={**csv, "Idempotency-Key": key}
        )
        assert answer.status_code == 202
        assert (await client.post(f"/api/v1/monitors/{monitor}/runs", headers=headers)).status_code == 201
    return str(monitor)


async def _sign_in(client: httpx.AsyncClient, container: Container, role: str, tenant: str = "acme") -> str:
    token = issue_token(container.settings, tenant_id=tenant, roles=[role], subject=f"{role}@{tenant}")
    answer = await client.post("/ui/sign-in", data={"token": token})
    assert answer.status_code == 303
    return token


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found is not None
    return found.group(1)


async def test_pages_need_a_session_and_a_bad_token_is_refused_with_the_reason(
    app: tuple[httpx.AsyncClient, Container],
) -> None:
    client, _ = app

    answer = await client.get("/ui/")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/ui/sign-in"

    refused = await client.post("/ui/sign-in", data={"token": "abc"})
    assert refused.status_code == 401
    assert "invalid token" in refused.text
    assert SESSION not in refused.cookies
    assert (await client.get("/ui/sign-in")).status_code == 200


async def test_the_session_cookie_is_http_only_strict_and_scoped_to_the_dashboard(
    app: tuple[httpx.AsyncClient, Container],
) -> None:
    client, container = app
    token = issue_token(container.settings, tenant_id="acme", roles=["viewer"], subject="v")

    answer = await client.post("/ui/sign-in", data={"token": token})

    assert answer.status_code == 303
    assert answer.headers["location"] == "/ui/"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION}={token};")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/ui" in cookie
    page = await client.get("/ui/")
    assert page.status_code == 200
    assert token not in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "default-src 'self'" in page.headers["content-security-policy"]


async def test_monitors_and_their_history_stay_within_the_tenant(app: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = app
    monitor = await _drifting_monitor(client, container)
    other = await _drifting_monitor(client, container, tenant="globex")
    await _sign_in(client, container, "viewer")

    listing = await client.get("/ui/")
    assert listing.text.count(f'href="/ui/monitors/{monitor}"') == 1
    assert other not in listing.text
    page = await client.get(f"/ui/monitors/{monitor}")
    assert page.status_code == 200
    share_chart = page.text.split('id="drift-share-chart"')[1].split("</figure>")[0]
    assert share_chart.count("<circle") == 2
    assert "class='threshold'" in share_chart
    reports = re.findall(r'href="(/ui/detections/[0-9a-f-]+/report)"', page.text)
    assert len(reports) == 2
    report = await client.get(reports[0])
    assert report.status_code == 200
    assert "features drifted" in report.text

    hidden = await client.get(f"/ui/monitors/{other}")
    assert hidden.status_code == 404
    assert (await client.get("/ui/monitors/not-a-uuid")).status_code == 422


async def test_an_operator_works_an_alert_through_signed_forms(app: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = app
    await _drifting_monitor(client, container)
    await _sign_in(client, container, "operator")
    inbox = await client.get("/ui/alerts")
    alert = re.findall(r'data-alert="([0-9a-f-]+)"', inbox.text)[0]
    csrf = _csrf(inbox.text)

    forged = await client.post(f"/ui/alerts/{alert}/acknowledge", data={"note": ""})
    assert forged.status_code == 403
    wrong = await client.post(f"/ui/alerts/{alert}/snooze", data={"csrf": csrf, "hours": "5"})
    assert wrong.status_code == 422
    assert "hours: must be one of 1, 4, 24, 72" in wrong.text
    moved = await client.post(f"/ui/alerts/{alert}/snooze", data={"csrf": csrf, "hours": "4"})
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/ui/alerts/{alert}"
    page = await client.get(f"/ui/alerts/{alert}")
    assert '<dd id="alert-status">snoozed</dd>' in page.text
    resolved = await client.post(f"/ui/alerts/{alert}/resolve", data={"csrf": csrf, "note": "fixed upstream"})
    assert resolved.status_code == 303
    history = (await client.get(f"/ui/alerts/{alert}")).text.split('id="history"')[1]
    assert history.index("resolved") < history.index("snoozed") < history.index("opened")
    assert "fixed upstream" in history
    assert (await client.get("/ui/alerts?status=bogus")).status_code == 422


async def test_a_viewer_is_refused_every_change(app: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = app
    await _drifting_monitor(client, container)
    await _sign_in(client, container, "viewer")
    inbox = await client.get("/ui/alerts")
    alert = re.findall(r'data-alert="([0-9a-f-]+)"', inbox.text)[0]
    assert 'data-action="acknowledge"' not in inbox.text

    for action in ("acknowledge", "snooze", "resolve"):
        answer = await client.post(f"/ui/alerts/{alert}/{action}", data={"csrf": _csrf(inbox.text), "hours": "1"})
        assert answer.status_code == 403
        assert "operator" in answer.text


async def test_an_expired_session_and_signing_out_lead_back_to_the_sign_in_form(
    app: tuple[httpx.AsyncClient, Container],
) -> None:
    client, container = app
    expired = issue_token(container.settings, tenant_id="acme", roles=["viewer"], subject="v", ttl=timedelta(0))
    client.cookies.set(SESSION, expired, path="/ui")
    answer = await client.get("/ui/alerts")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/ui/sign-in?next=%2Fui%2Falerts"
    assert f'{SESSION}=""' in answer.headers["set-cookie"]

    client.cookies.clear()
    await _sign_in(client, container, "viewer")
    csrf = _csrf((await client.get("/ui/")).text)
    assert (await client.post("/ui/sign-out", data={})).status_code == 403
    out = await client.post("/ui/sign-out", data={"csrf": csrf})
    assert out.status_code == 303
    assert out.headers["location"] == "/ui/sign-in"
    assert f'{SESSION}=""' in out.headers["set-cookie"]


async def test_a_shared_report_link_opens_after_signing_in_and_only_dashboard_paths_are_followed(
    app: tuple[httpx.AsyncClient, Container],
) -> None:
    client, container = app
    monitor = await _drifting_monitor(client, container)
    detections = await client.get(
        "/api/v1/detections", params={"monitor_id": monitor}, headers=auth(container.settings)
    )
    report = detections.json()["items"][0]["report_url"]
    assert report == f"/ui/detections/{detections.json()['items'][0]['id']}/report"

    asked = await client.get(report)
    assert asked.status_code == 303
    sign_in_page = await client.get(asked.headers["location"])
    assert f'name="next" value="{report}"' in sign_in_page.text
    token = issue_token(container.settings, tenant_id="acme", roles=["viewer"], subject="v")
    signed = await client.post("/ui/sign-in", data={"token": token, "next": report})
    assert signed.headers["location"] == report
    assert (await client.get(report)).status_code == 200

    for elsewhere in ("//evil.example/ui/", "https://evil.example/ui/x", "/ui//evil.example", "/api/v1/monitors"):
        answer = await client.post("/ui/sign-in", data={"token": token, "next": elsewhere})
        assert answer.headers["location"] == "/ui/"


async def test_forms_posted_from_another_site_are_refused(app: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = app
    token = issue_token(container.settings, tenant_id="acme", roles=["operator"], subject="o")
    elsewhere = {"Origin": "https://evil.example"}

    refused = await client.post("/ui/sign-in", data={"token": token}, headers=elsewhere)
    assert refused.status_code == 403
    assert "posted from another site" in refused.text
    assert "set-cookie" not in refused.headers

    signed = await client.post("/ui/sign-in", data={"token": token}, headers={"Origin": "http://test"})
    assert signed.status_code == 303
    csrf = _csrf((await client.get("/ui/")).text)
    assert (await client.post("/ui/sign-out", data={"csrf": csrf}, headers=elsewhere)).status_code == 403


async def test_a_monitors_page_lists_its_multivariate_tests(app: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = app
    option = {"tests": ["classifier"], "embeddings": [{"name": "vec", "tests": ["mmd", "cosine"]}], "alpha": 0.01}
    body = {**MINIMAL_MONITOR, "multivariate": option}
    created = await client.post("/api/v1/monitors", json=body, headers=auth(container.settings))
    await _sign_in(client, container, "viewer")
    page = await client.get(f"/ui/monitors/{created.json()['id']}")
    assert "<dt>multivariate tests</dt><dd>classifier, mmd/cosine on vec, α 0.01</dd>" in page.text
    plain = await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=auth(container.settings))
    assert "multivariate tests" not in (await client.get(f"/ui/monitors/{plain.json()['id']}")).text


async def test_a_monitors_page_describes_its_rolling_reference(app: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = app
    option = {"last_seconds": 21 * 86_400, "ending_seconds_ago": 7 * 86_400, "refresh_seconds": 6 * 3600}
    body = {**MINIMAL_MONITOR, "reference_window": option}
    created = await client.post("/api/v1/monitors", json=body, headers=auth(container.settings))
    await _sign_in(client, container, "viewer")
    page = await client.get(f"/ui/monitors/{created.json()['id']}")
    assert "<dt>reference</dt><dd>rolling: the 21 d ending 7 d before each run, rebuilt every 6 h</dd>" in page.text
    plain = await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=auth(container.settings))
    assert "rolling:" not in (await client.get(f"/ui/monitors/{plain.json()['id']}")).text
