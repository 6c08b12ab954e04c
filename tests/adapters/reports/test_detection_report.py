"""The HTML page of a stored detection, rendered behind the report port."""

from __future__ import annotations

import dataclasses

from aumos_drift_detector.adapters.reports.detection_report import HtmlDetectionReport
from aumos_drift_detector.core.detections.model import ConceptStream, OutcomeMean
from tests.core.builders import T0, make_concept_detection, make_detection, make_monitor


def test_a_statistical_page_lists_every_feature_and_the_alarm() -> None:
    monitor = make_monitor()
    detection = make_detection(monitor, T0, drifted=2)

    page = HtmlDetectionReport().render(detection)

    assert page.startswith("<!DOCTYPE html>")
    assert "Drift detected" in page
    for feature in monitor.features:
        assert f"<td>{feature.name}</td>" in page
    assert "<dt>alarm</dt>" in page
    assert " σ</td>" in page


def test_a_concept_page_says_which_way_the_error_rate_moved() -> None:
    rate = {"interval": "wilson", "confidence": 0.95, "low": None, "high": None}
    stream = ConceptStream(
        detector="DDM",
        stream_index=900,
        change_start=500,
        warning_start=None,
        n_detections=1,
        direction="improvement",
        before=OutcomeMean.model_validate({"start": 0, "n": 500, "mean": 0.4, **rate}),
        after=OutcomeMean.model_validate({"start": 500, "n": 400, "mean": 0.05, **rate}),
    )
    detection = dataclasses.replace(make_concept_detection(make_monitor(), T0), stream=stream)

    page = HtmlDetectionReport().render(detection)

    assert "<dd>improvement</dd>" in page
    assert "error rate down from 0.4 to 0.05" in page
