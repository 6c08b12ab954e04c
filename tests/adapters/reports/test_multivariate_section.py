from aumos_drift_detector.adapters.reports.html_report import render_report
from aumos_drift_detector.core.multivariate import FeatureAttribution, MultivariateResult


def _result(drifted: bool) -> MultivariateResult:
    return MultivariateResult(
        method="domain_classifier", columns=("a", "b<c"), statistic=0.8, p_value=1e-6, threshold=0.05,
        drift_detected=drifted, n_reference=100, n_current=100, score=0.6,
        attribution=(FeatureAttribution("b<c", 0.25, 1), FeatureAttribution("a", 0.01, 2)),
    )  # fmt: skip


def test_the_report_shows_the_multivariate_tests_and_the_attribution_table():
    page = render_report("m", {}, is_drift=True, features=[], multivariate=[_result(True).to_dict()])
    assert "<h2>Multivariate tests</h2>" in page
    assert "Attribution: domain_classifier" in page
    assert page.index("b&lt;c</td><td>0.25") < page.index("<td>a</td><td>0.01")
    assert '<span class="drift">drift</span>' in page


def test_without_multivariate_tests_the_report_has_no_section():
    assert "Multivariate" not in render_report("m", {}, is_drift=False, features=[])
