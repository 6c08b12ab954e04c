"""The HTML page of one stored detection: the facts of its run and the result of every feature or stream."""

from __future__ import annotations

from aumos_drift_detector.adapters.reports.html_report import render_report
from aumos_drift_detector.core.detections.model import ConceptDetection, DriftDetection


class HtmlDetectionReport:
    """Renders a detection as a self-contained HTML page (the ``DetectionReportRenderer`` port)."""

    def render(self, detection: DriftDetection) -> str:
        """The page of the detection: verdict, facts of the run, and the per-feature table (statistical)."""
        facts: dict[str, object] = {
            "status": detection.status.value,
            "kind": detection.kind.value,
            "severity": detection.severity.value,
            "model": f"{detection.model_id} v{detection.model_version}",
            "started": detection.started_at.isoformat(),
            "drift share": detection.drift_share,
            "error": detection.error,
        }
        if isinstance(detection, ConceptDetection):
            stream = detection.stream
            facts |= {
                "detector": stream.detector,
                "stream index": stream.stream_index,
                "change start": stream.change_start,
                "direction": stream.direction.value if stream.direction else None,
                "change": stream.change(),
            }
            features: list[dict[str, object]] = []
        else:
            facts |= {
                "alarm": detection.alarm,
                "reference rows": detection.summary.reference_rows,
                "current rows": detection.summary.current_rows,
            }
            features = [feature.model_dump() for feature in detection.features]
        return render_report(f"Detection {detection.id}", facts, is_drift=detection.is_drift, features=features)
