import dataclasses

from aumos_drift_detector.adapters.reports.detection_report import render_detection
from aumos_drift_detector.core.detections.multivariate import MultivariateOutcome
from aumos_drift_detector.core.multivariate import FeatureAttribution, MultivariateResult
from tests.core.builders import T0, make_detection, make_monitor


def _result(drifted: bool) -> dict:
    return MultivariateResult(
        method="domain_classifier", columns=("a", "b<c"), statistic=0.8, p_value=1e-6, threshold=0.05,
        drift_detected=drifted, n_reference=100, n_current=100, score=0.6,
        attribution=(FeatureAttribution("b<c", 0.25, 1), FeatureAttribution("a", 0.01, 2)),
    ).to_dict()  # fmt: skip


def test_the_report_shows_the_multivariate_tests_and_the_attribution_table():
    detection = make_detection(make_monitor(), T0)
    page = render_detection(detection, multivariate=[_result(True)])
    assert "<h2>Multivariate tests</h2>" in page
    assert "Attribution: domain_classifier on a, b&lt;c" in page
    assert page.index("<td>b&lt;c</td><td>0.25") < page.index("<td>a</td><td>0.01")
    assert "Drift detected" in page  # the multivariate test made the verdict
    assert "the joint distribution drifted (domain_classifier)" in page  # and the verdict line says so
    quiet = render_detection(detection, multivariate=[_result(False)])
    assert "joint distribution" not in quiet


def test_without_multivariate_tests_the_report_has_no_section():
    assert "Multivariate tests" not in render_detection(make_detection(make_monitor(), T0))


def test_a_stored_detection_shows_its_own_multivariate_results_and_why_they_were_skipped():
    tested = MultivariateOutcome.model_validate({"alpha": 0.05, "tests": [{**_result(True), "embedding": None}]})
    detection = dataclasses.replace(make_detection(make_monitor(), T0), multivariate=tested)
    page = render_detection(detection)
    assert "Attribution: domain_classifier on a, b&lt;c" in page
    skipped = dataclasses.replace(detection, multivariate=MultivariateOutcome(alpha=0.05, skipped="no sample"))
    page = render_detection(skipped)
    assert "Multivariate tests</h2>" not in page
    assert "not run: no sample" in page
