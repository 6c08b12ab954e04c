"""A report of a wide model in the browser: paging, search and expandable rows work without a server."""

from __future__ import annotations

import dataclasses

from aumos_drift_detector.adapters.reports.detection_report import render_detection
from tests.browser.conftest import OfflinePage, screenshot
from tests.core.builders import T0, make_detection, make_feature, make_monitor


def test_a_wide_report_pages_and_searches_its_features(offline_page: OfflinePage) -> None:
    detection = make_detection(make_monitor(), T0, drifted=1)
    features = tuple(make_feature(f"feature_{index:02d}", drift=index < 7) for index in range(60))
    page = offline_page.page
    page.set_content(render_detection(dataclasses.replace(detection, features=features)))

    rows = page.locator("details.feature")
    assert rows.count() == 60
    assert page.locator("details.feature:visible").count() == 25
    assert page.inner_text("#range") == "1–25 of 60"
    page.click("#next")
    page.click("#next")
    assert page.inner_text("#range") == "51–60 of 60"
    assert page.locator("details.feature:visible").count() == 10
    assert page.is_disabled("#next")

    page.fill("#search", "feature_4")
    assert page.inner_text("#range") == "1–10 of 10"
    page.fill("#search", "nothing like it")
    assert page.is_visible("#none")
    page.fill("#search", "")
    page.select_option("#size", "10")
    assert page.locator("details.feature:visible").count() == 10
    page.locator("details.feature[data-name=feature_01] summary").click()
    assert page.locator("details.feature[data-name=feature_01]").get_attribute("open") is not None
    assert offline_page.blocked == []
    screenshot(page, "09-report-wide-model")
