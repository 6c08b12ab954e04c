"""The dashboard in Debian's Chromium, offline: sign in, a drifting monitor's charts, its reports, the alert inbox.

The tests of this module run in order on one seeded server; each saves a screenshot of the page it
checked under ``artifacts/screenshots/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, OfflinePage, screenshot
from tests.browser.seed import Seeded, seed


@pytest.fixture(scope="module")
def seeded(live_server: LiveServer) -> Seeded:
    with live_server.api("admin") as api, live_server.api("admin", tenant="globex") as other:
        return seed(api, other)


def sign_in(page: Any, server: LiveServer, role: str) -> None:
    page.goto(f"{server.url}/ui/sign-in")
    page.fill("#token", server.token(role))
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/ui/")


@pytest.fixture
def operator_page(offline_page: OfflinePage, live_server: LiveServer, seeded: Seeded) -> Iterator[Any]:
    sign_in(offline_page.page, live_server, "operator")
    yield offline_page.page
    assert offline_page.blocked == []


def test_signing_in_keeps_the_token_in_an_http_only_strict_cookie(
    offline_page: OfflinePage, live_server: LiveServer, seeded: Seeded
) -> None:
    page = offline_page.page
    page.goto(f"{live_server.url}/ui/")
    assert page.url == f"{live_server.url}/ui/sign-in"
    page.fill("#token", "not-a-token")
    page.click("button[type=submit]")
    assert "invalid token" in page.inner_text("[role=alert]")
    screenshot(page, "01-sign-in-refused")

    token = live_server.token("operator")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/ui/")

    (cookie,) = page.context.cookies()
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/ui"
    assert token not in page.url
    assert token not in page.content()
    assert page.evaluate("document.cookie") == ""  # scripts cannot read it
    rows = page.locator("#monitors tbody tr")
    assert rows.count() == 1  # the other tenant's monitor is not listed
    assert "churn" in rows.inner_text()
    assert "drift" in rows.inner_text()
    assert "globex-secret" not in page.content()
    screenshot(page, "02-monitors")


def test_a_drifting_monitor_draws_its_drift_share_and_effect_sizes(
    operator_page: Any, live_server: LiveServer, seeded: Seeded
) -> None:
    page = operator_page
    page.click("text=churn")
    page.wait_for_selector("#drift-share-chart svg")

    share = page.locator("#drift-share-chart svg")
    assert share.locator("circle").count() == seeded.runs
    points = share.locator("polyline").get_attribute("points") or ""
    assert len(points.split()) == seeded.runs
    box = share.bounding_box()
    assert box is not None
    assert box["width"] > 300
    assert box["height"] > 100
    effects = page.locator("#effect-chart svg g.series")
    assert effects.count() == 3
    assert {effects.nth(index).get_attribute("data-name") for index in range(3)} == {
        "age (σ)",
        "income (σ)",
        "plan (TV)",
    }
    assert page.locator("#effect-chart svg circle").count() == 3 * seeded.runs
    assert "ADWIN" in page.inner_text("#concept")
    assert page.locator("#detections tbody tr").count() >= seeded.runs + 1
    screenshot(page, "03-monitor")


def test_a_report_opens_from_the_monitor_page_with_its_distributions(
    operator_page: Any, live_server: LiveServer, seeded: Seeded
) -> None:
    page = operator_page
    page.goto(f"{live_server.url}/ui/monitors/{seeded.monitor_id}")
    statistical = page.locator("#detections tbody tr", has_text="statistical").first
    statistical.locator("a.report").click()
    page.wait_for_selector("details.feature")

    assert "Drift detected" in page.inner_text(".verdict")
    names = page.locator("details.feature").evaluate_all("(rows) => rows.map((row) => row.dataset.name)")
    assert names[-1] == "income"  # the feature that did not drift comes last
    assert page.locator("details.feature[open]").count() == 1  # the strongest drift is open
    age = page.locator("details.feature[data-name=age]")
    if age.get_attribute("open") is None:
        age.locator("summary").click()
    assert age.locator(".body svg.histogram rect.ref").count() > 10
    assert age.locator(".body svg.histogram rect.cur").count() > 10
    plan = page.locator("details.feature[data-name=plan]")
    if plan.get_attribute("open") is None:
        plan.locator("summary").click()
    assert "enterprise (new)" in plan.locator("svg.categories").inner_html()
    assert "enterprise" in plan.locator(".tag").all_inner_texts()
    page.fill("#search", "inc")
    assert page.locator("details.feature:visible").count() == 1
    page.fill("#search", "")
    screenshot(page, "04-report-statistical")


def test_a_concept_report_draws_the_error_rate_around_the_change(
    operator_page: Any, live_server: LiveServer, seeded: Seeded
) -> None:
    page = operator_page
    page.goto(f"{live_server.url}/ui/monitors/{seeded.monitor_id}")
    page.locator("#detections tbody tr", has_text="concept").first.locator("a.report").click()
    page.wait_for_selector("svg.concept")

    verdict = page.inner_text(".verdict")
    assert re.search(r"error rate up from 0\.\d+ to 0\.\d+ \(degradation\)", verdict)
    assert page.locator("svg.concept line.level").count() == 2
    assert "change point at" in page.content()
    screenshot(page, "05-report-concept")


def test_an_operator_acknowledges_then_resolves_an_alert(
    operator_page: Any, live_server: LiveServer, seeded: Seeded
) -> None:
    page = operator_page
    page.goto(f"{live_server.url}/ui/alerts")
    assert page.locator("#alerts tbody tr").count() >= 1
    screenshot(page, "06-alerts-inbox")
    row = page.locator("#alerts tbody tr").first
    alert_id = row.get_attribute("data-alert")
    row.locator("button[data-action=acknowledge]").click()

    page.wait_for_url(f"{live_server.url}/ui/alerts/{alert_id}")
    assert page.inner_text("#alert-status") == "acknowledged"
    assert "acknowledged" in page.inner_text("#history tbody tr:first-child")
    assert "operator@acme" in page.inner_text("#history tbody tr:first-child")

    page.fill("input[name=note]", "retrained on the new plans")
    page.click("button[data-action=resolve]")
    page.wait_for_url(f"{live_server.url}/ui/alerts/{alert_id}")
    assert page.inner_text("#alert-status") == "resolved"
    latest = page.inner_text("#history tbody tr:first-child")
    assert "resolved" in latest
    assert "retrained on the new plans" in latest
    assert page.locator("button[data-action]").count() == 0
    screenshot(page, "07-alert-resolved")


def test_a_viewer_sees_alerts_but_cannot_change_them(
    offline_page: OfflinePage, live_server: LiveServer, seeded: Seeded
) -> None:
    page = offline_page.page
    sign_in(page, live_server, "viewer")
    page.goto(f"{live_server.url}/ui/alerts?status=all")
    assert page.locator("#alerts tbody tr").count() >= 1
    assert page.locator("button[data-action]").count() == 0
    assert "need the operator role" in page.inner_text("main")
    screenshot(page, "08-alerts-viewer")

    alert_id = page.locator("#alerts tbody tr").first.get_attribute("data-alert")
    csrf = page.locator("input[name=csrf]").first.get_attribute("value")
    answer = page.request.post(
        f"{live_server.url}/ui/alerts/{alert_id}/acknowledge", form={"csrf": csrf or "", "note": ""}
    )
    assert answer.status == 403
    assert "needs the &#39;operator&#39; role" in answer.text()
    forged = page.request.post(f"{live_server.url}/ui/alerts/{alert_id}/acknowledge", form={"note": ""})
    assert forged.status == 403
    assert offline_page.blocked == []


def test_another_tenants_monitor_answers_not_found(operator_page: Any, live_server: LiveServer, seeded: Seeded) -> None:
    page = operator_page
    answer = page.goto(f"{live_server.url}/ui/monitors/{seeded.other_tenant_monitor_id}")

    assert answer is not None
    assert answer.status == 404
    assert "globex-secret" not in page.content()


def test_a_shared_report_link_opens_once_signed_in(
    offline_page: OfflinePage, live_server: LiveServer, seeded: Seeded
) -> None:
    page = offline_page.page
    with live_server.api("viewer") as api:
        detection = api.get("/detections", params={"monitor_id": seeded.monitor_id}).json()["items"][-1]
    report = f"{live_server.url}/ui/detections/{detection['id']}/report"

    page.goto(report)
    assert page.url.startswith(f"{live_server.url}/ui/sign-in?next=")
    page.fill("#token", live_server.token("viewer"))
    page.click("button[type=submit]")
    page.wait_for_url(report)
    assert "features drifted" in page.inner_text(".verdict")
    assert offline_page.blocked == []


def test_no_token_reaches_the_server_log(live_server: LiveServer, seeded: Seeded) -> None:
    log = live_server.log.read_text(encoding="utf-8")

    assert "http_request" in log
    assert "/ui/sign-in" in log
    assert live_server.issued
    for token in live_server.issued:
        assert token not in log
        assert token.split(".")[2] not in log  # not even its signature
