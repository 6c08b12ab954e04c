"""The detection report's table of segments: each segment's rows, drifted features, alarm and verdict or reason."""

from __future__ import annotations

import dataclasses

from aumos_drift_detector.adapters.reports.detection_report import render_detection
from aumos_drift_detector.core.detections.segments import SegmentFeature, SegmentResult, SegmentsOutcome
from tests.core.builders import T0, make_detection, make_monitor

DRIFTED = SegmentResult(
    segment="country=D<E", status="tested", n_reference=400, n_current=380, is_drift=True, drift_share=0.5,
    n_drifted=1, n_features=2, alarm=True,
    features=[SegmentFeature(name="age", test="ks", statistic=0.5, p_value=1e-20, threshold=0.05, drift_detected=True)],
)  # fmt: skip
SKIPPED = SegmentResult(
    segment="country=IT", status="skipped", reason="80 current rows; segments need 200", n_reference=900, n_current=80
)


def _page(outcome: SegmentsOutcome | None) -> str:
    return render_detection(dataclasses.replace(make_detection(make_monitor(), T0), segments=outcome))


def test_the_report_lists_each_segment_with_its_verdict_or_why_it_was_skipped() -> None:
    page = _page(
        SegmentsOutcome(by=["country"], segments=[DRIFTED, SKIPPED], unprofiled_segments=2, unprofiled_rows=45)
    )
    assert "<h2>Segments by country</h2>" in page
    assert "<td>country=D&lt;E</td><td>400</td><td>380</td><td>1 of 2: age</td><td>yes</td>" in page
    assert "skipped: 80 current rows; segments need 200" in page
    assert "2 segments (45 current rows) have no reference profile" in page


def test_segments_not_tested_say_why_and_a_monitor_without_segments_has_no_section() -> None:
    page = _page(SegmentsOutcome(by=["country"], skipped="reference version 1 has no segment profiles"))
    assert "Not tested: reference version 1 has no segment profiles" in page
    assert "Segments by" not in _page(None)
