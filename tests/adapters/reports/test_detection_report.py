"""The HTML page of a detection: distributions drawn from what the run stored, strongest drift first, no network."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np

from aumos_drift_detector.adapters.reports.detection_report import HtmlDetectionReport, render_detection
from aumos_drift_detector.cli import main
from aumos_drift_detector.core.detections.evaluation import statistical_detection
from aumos_drift_detector.core.detections.model import (
    ConceptStream,
    DetectionStatus,
    OutcomeMean,
    RunTrigger,
    StatisticalSummary,
)
from aumos_drift_detector.core.monitors.config import MultipleTestingCorrection
from aumos_drift_detector.core.statistical import ReferenceProfile, evaluate
from tests.core.builders import T0, make_concept_detection, make_detection, make_monitor

_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", re.I)


def _engine_detection() -> object:
    rng = np.random.default_rng(11)
    plan = np.array(["basic", "pro", "team", None] * 150, dtype=object)
    profile = ReferenceProfile.from_data(
        {"age": rng.normal(40, 8, 600), "income": rng.normal(50, 5, 600), "plan": plan}
    )
    current_plan = np.array(["basic", "pro", "enterprise", None, None] * 80, dtype=object)
    current = {"age": rng.normal(52, 8, 400), "income": rng.normal(50, 5, 400), "plan": current_plan}
    result = evaluate(profile, current)
    monitor = make_monitor()
    summary = StatisticalSummary(
        reference_version=1, reference_rows=600, current_rows=400, current_batches=1,
        drift_share_threshold=0.5, correction=MultipleTestingCorrection.NONE,
    )  # fmt: skip
    return statistical_detection(
        monitor, summary, trigger=RunTrigger.MANUAL, started=T0, finished=T0,
        status=DetectionStatus.SUCCEEDED, result=result,
    )  # fmt: skip


def _feature_order(page: str) -> list[str]:
    return re.findall(r'<details class="feature" data-name="([^"]+)"', page)


def test_a_statistical_page_draws_each_feature_from_the_stored_distributions() -> None:
    detection = _engine_detection()

    page = render_detection(detection)  # type: ignore[arg-type]

    assert page.startswith("<!DOCTYPE html>")
    assert _feature_order(page)[0] == "age"  # the strongest drift first
    assert set(_feature_order(page)) == {"age", "income", "plan"}
    age = next(item for item in detection.features if item.name == "age")  # type: ignore[attr-defined]
    bins = len(age.distribution.reference_counts)
    age_block = page.split('data-name="age"')[1].split("</details>")[0]
    # The expanded histogram and the mini one each draw every bin of both samples.
    assert age_block.count("<rect class='ref'") == 2 * bins
    assert age_block.count("<rect class='cur'") == 2 * bins


def test_new_and_missing_categories_and_missing_value_shares_are_shown() -> None:
    page = render_detection(_engine_detection())  # type: ignore[arg-type]

    plan_block = page.split('data-name="plan"')[1].split("</details>")[0]
    assert '<span class="tag">enterprise</span>' in plan_block
    assert '<span class="tag lost">team</span>' in plan_block
    assert "enterprise (new)" in plan_block
    assert "team (missing)" in plan_block
    assert "25.0% → 40.0%" in plan_block  # missing values: 1 in 4 rows, then 2 in 5
    assert "missing values" in plan_block


def test_the_page_is_self_contained_with_search_and_paging() -> None:
    page = render_detection(_engine_detection(), title="churn", facts={"reference": "ref.csv"})  # type: ignore[arg-type]

    assert _EXTERNAL.search(page) is None
    assert 'id="search"' in page
    assert 'id="next"' in page
    assert "<dt>reference</dt><dd>ref.csv</dd>" in page
    assert "<h1>churn</h1>" in page


def test_names_are_escaped() -> None:
    monitor = make_monitor()
    detection = make_detection(monitor, T0, drifted=1)
    feature = dataclasses.replace(detection, features=(detection.features[0].model_copy(update={"name": "<b>x</b>"}),))

    page = HtmlDetectionReport().render(feature)

    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "No distribution was stored" in page


def test_a_concept_page_draws_the_error_rate_before_and_after_the_change() -> None:
    rate = {"interval": "wilson", "confidence": 0.95}
    stream = ConceptStream(
        detector="ADWIN",
        stream_index=900,
        change_start=480,
        warning_start=None,
        n_detections=1,
        direction="degradation",
        before=OutcomeMean.model_validate({"start": 0, "n": 500, "mean": 0.1, "low": 0.08, "high": 0.13, **rate}),
        after=OutcomeMean.model_validate({"start": 500, "n": 400, "mean": 0.3, "low": 0.26, "high": 0.35, **rate}),
    )
    detection = dataclasses.replace(make_concept_detection(make_monitor(), T0), stream=stream)

    page = HtmlDetectionReport().render(detection)

    assert "error rate up from 0.1 to 0.3 (degradation)" in page
    assert "change point at 500" in page
    assert "drift detected at 900" in page
    assert page.count("class='level") == 2
    assert "<dt>direction</dt><dd>degradation</dd>" in page
    assert "statistic" not in page
    assert "threshold" not in page
    assert _EXTERNAL.search(page) is None


def test_a_concept_page_recorded_before_the_rates_were_measured_says_so() -> None:
    page = HtmlDetectionReport().render(make_concept_detection(make_monitor(), T0))

    assert "recorded before the error rates were measured" in page
    assert "<dt>direction</dt><dd>not measured</dd>" in page


def test_check_writes_the_same_self_contained_page(tmp_path: Path) -> None:
    rng = np.random.default_rng(8)
    reference, current, page = tmp_path / "reference.csv", tmp_path / "current.csv", tmp_path / "report.html"
    for path, shift in ((reference, 0.0), (current, 1.5)):
        ages = rng.normal(40 + shift * 8, 8, 500)
        plans = rng.choice(["basic", "pro", "max"] if shift == 0 else ["basic", "pro", "max", "team"], size=500)
        path.write_text("age,plan\n" + "".join(f"{a:.1f},{p}\n" for a, p in zip(ages, plans, strict=True)))

    status = main(["check", "--reference", str(reference), "--current", str(current), "--html", str(page)])

    assert status == 1
    html = page.read_text(encoding="utf-8")
    assert "svg class='chart histogram'" in html
    assert "team (new)" in html
    assert f"<dt>reference</dt><dd>{reference}</dd>" in html
    assert _EXTERNAL.search(html) is None
