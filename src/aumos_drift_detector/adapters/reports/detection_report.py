"""The HTML page of one detection: its verdict and facts, then per feature or for the stream what was found.

A statistical detection shows every feature, strongest drift first, with the test, statistic,
p-value, effect size and missing-value shares, and the reference and current distributions drawn
from what the run stored (:class:`~aumos_drift_detector.core.detections.model.FeatureDistribution`);
a search box and paging keep wide models readable. A concept detection shows the mean outcome before
and after the change, the change point and which way the stream moved. The page is one file: styles,
script and pictures inline, nothing fetched, so it can be saved, attached or mailed as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from aumos_drift_detector.adapters.reports.concept_chart import concept_svg
from aumos_drift_detector.adapters.reports.distribution_chart import categories_svg, histogram_svg, mini_svg
from aumos_drift_detector.adapters.reports.page import environment, number
from aumos_drift_detector.core.detections.model import (
    ConceptDetection,
    DriftDetection,
    FeatureResult,
    OutcomeMean,
    StatisticalDetection,
)

_UNITS = {"reference_sd": "σ", "total_variation": "TV"}


@dataclass(frozen=True, slots=True)
class FeatureView:
    """One feature as the page shows it."""

    result: FeatureResult
    effect: str
    decision: str
    chart: Markup
    mini: Markup
    new_categories: tuple[str, ...]
    missing_categories: tuple[str, ...]


def _svg(markup: str) -> Markup:
    """Markup the chart modules built: every text in it went through ``html.escape``."""
    return Markup(markup)  # noqa: S704


def _effect(feature: FeatureResult) -> str:
    if feature.effect_size is None:
        return "–"
    return f"{number(feature.effect_size)} {_UNITS.get(str(feature.effect_unit), '')}".rstrip()


def _decision(feature: FeatureResult) -> str:
    if not feature.drift_detected:
        return "below the effect floor" if feature.test_drift_detected else "no drift"
    if feature.test_drift_detected and feature.practical:
        return "drift"
    return "drift (missing values)" if feature.missing.drift_detected else "drift"


def _categories(feature: FeatureResult) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The categories only the current data has, and those it lost."""
    picture = feature.distribution
    if picture is None or picture.kind != "categories":
        return (), ()
    rows = list(zip(picture.labels, picture.reference_counts, picture.current_counts, strict=True))
    if picture.other_categories:
        rows = rows[:-1]
    new = tuple(label for label, reference, current in rows if reference == 0 and current > 0)
    lost = tuple(label for label, reference, current in rows if current == 0 and reference > 0)
    return new, lost


def _chart(feature: FeatureResult) -> Markup:
    picture = feature.distribution
    if picture is None:
        return _svg("<p class='muted'>No distribution was stored with this detection.</p>")
    if picture.kind == "histogram":
        return _svg(histogram_svg(picture))
    missing = (feature.missing.reference_share, feature.missing.current_share)
    return _svg(categories_svg(picture, missing=missing))


def feature_view(feature: FeatureResult) -> FeatureView:
    """What the page shows of one feature."""
    new, lost = _categories(feature)
    return FeatureView(
        result=feature,
        effect=_effect(feature),
        decision=_decision(feature),
        chart=_chart(feature),
        mini=_svg(mini_svg(feature.distribution)),
        new_categories=new,
        missing_categories=lost,
    )


def _strength_order(feature: FeatureResult) -> tuple[bool, float, str]:
    return (not feature.drift_detected, -(feature.strength or 0.0), feature.name)


def _statistical_facts(detection: StatisticalDetection) -> dict[str, object]:
    summary = detection.summary
    facts: dict[str, object] = {
        "alarm": "yes" if detection.alarm else "no",
        "reference rows": summary.reference_rows,
        "current rows": summary.current_rows,
        "drift share threshold": summary.drift_share_threshold,
        "correction": summary.correction.value,
    }
    joint = detection.multivariate
    if joint is not None:
        facts["multivariate tests"] = f"not run: {joint.skipped}" if joint.skipped else f"level {joint.alpha:g}"
    return facts


def stored_multivariate(detection: DriftDetection) -> list[dict[str, Any]]:
    """The multivariate results stored with a statistical detection, in the form the page shows."""
    if not isinstance(detection, StatisticalDetection) or detection.multivariate is None:
        return []
    return [test.model_dump(mode="json") for test in detection.multivariate.tests]


def _rate(mean: OutcomeMean | None) -> str:
    if mean is None or mean.mean is None:
        return "–"
    band = f" [{number(mean.low)}, {number(mean.high)}]" if mean.low is not None and mean.high is not None else ""
    return f"{number(mean.mean)}{band} over {mean.n} outcomes from {mean.start}"


def _concept_facts(detection: ConceptDetection) -> dict[str, object]:
    stream = detection.stream
    return {
        "detector": stream.detector,
        "direction": stream.direction.value if stream.direction else "not measured",
        "before": _rate(stream.before),
        "after": _rate(stream.after),
        "change point": stream.after.start if stream.after is not None else stream.change_start,
        "drift at": stream.stream_index,
        "warning from": stream.warning_start,
        "drifts so far": stream.n_detections,
    }


def _any_drift(multivariate: Sequence[Mapping[str, Any]]) -> bool:
    return any(bool(result.get("drift_detected")) for result in multivariate)


def render_detection(
    detection: DriftDetection,
    *,
    title: str | None = None,
    facts: Mapping[str, object] | None = None,
    multivariate: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The self-contained HTML page of a detection.

    Args:
        detection: A stored (or, for ``check``, just decided) detection.
        title: The page's heading; by default the model and the detection's id.
        facts: Label/value pairs shown first (for ``check``: the files compared and the verdict).
        multivariate: Multivariate test results (``MultivariateResult.to_dict()``), shown after the
            features with an attribution table per classifier; one that drifted makes the verdict drift.
            By default, those stored with the detection.

    Returns:
        A complete HTML document.
    """
    multivariate = list(multivariate) or stored_multivariate(detection)
    shown: dict[str, object] = dict(facts or {})
    shown |= {
        "status": detection.status.value,
        "severity": detection.severity.value,
        "model": f"{detection.model_id} v{detection.model_version}",
        "started": detection.started_at.isoformat(timespec="seconds"),
        "drift share": detection.drift_share,
    }
    if detection.error:
        shown["error"] = detection.error
    context: dict[str, object] = {
        "title": title or f"{detection.model_id} v{detection.model_version} – detection {detection.id}",
        "detection": detection,
        "verdict": "Drift detected" if detection.is_drift or _any_drift(multivariate) else "No drift",
        "multivariate": list(multivariate),
    }
    if isinstance(detection, ConceptDetection):
        shown |= _concept_facts(detection)
        chart = _svg(concept_svg(detection.stream))
        context |= {"facts": shown, "change": detection.stream.change(), "chart": chart}
        return environment().get_template("concept_report.html.j2").render(context)
    shown |= _statistical_facts(detection)
    features = [feature_view(item) for item in sorted(detection.features, key=_strength_order)]
    drifted = sum(item.drift_detected for item in detection.features)
    joint = [str(item.get("method")) for item in multivariate if item.get("drift_detected")]
    context |= {"facts": shown, "features": features, "drifted": drifted, "joint": joint}
    context["segments"] = detection.segments
    return environment().get_template("statistical_report.html.j2").render(context)


class HtmlDetectionReport:
    """Renders a detection as a self-contained HTML page (the ``DetectionReportRenderer`` port)."""

    def render(self, detection: DriftDetection) -> str:
        """The page of the detection (see :func:`render_detection`)."""
        return render_detection(detection)
