"""Swagger UI and ReDoc render the API's operations with every request beyond the server aborted."""

from __future__ import annotations

from tests.browser.conftest import LiveServer, OfflinePage, screenshot


def test_swagger_ui_renders_the_operations_offline(live_server: LiveServer, offline_page: OfflinePage) -> None:
    page = offline_page.page
    page.goto(f"{live_server.url}/docs")
    page.wait_for_selector(".opblock", timeout=20_000)

    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/monitors" in [path.replace("\u200b", "") for path in paths]
    assert page.locator(".opblock").count() >= 20
    assert offline_page.blocked == []
    screenshot(page, "docs-swagger-ui", full_page=False)


def test_redoc_renders_the_operations_offline(live_server: LiveServer, offline_page: OfflinePage) -> None:
    page = offline_page.page
    page.goto(f"{live_server.url}/redoc")
    page.wait_for_selector("[data-section-id^='operation/']", timeout=30_000)

    assert page.locator("[data-section-id^='operation/']").count() >= 20
    assert "List detections" in page.inner_text("body")
    assert offline_page.blocked_besides_images() == []
    screenshot(page, "docs-redoc", full_page=False)
