"""What the dashboard needs from the composition root, handed to :func:`~.app.create_ui`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aumos_drift_detector.core.alerts.workflow import AlertWorkflow
from aumos_drift_detector.core.clock import Clock
from aumos_drift_detector.core.detections.ports import DetectionReportRenderer
from aumos_drift_detector.core.detections.queries import DetectionQueries
from aumos_drift_detector.core.monitors.service import MonitorService
from aumos_drift_detector.core.outcomes.service import ConceptMonitoring
from aumos_drift_detector.core.principal import Principal


@dataclass(frozen=True, slots=True)
class UiContext:
    """The use cases the pages call, how a token is verified, and the key that signs form tokens.

    Attributes:
        monitors: Monitor use cases.
        detections: Reading detections back.
        alerts: Reading and working alerts.
        concept: The concept detectors' state.
        reports: Renders a detection's report page.
        verify_token: Turns a bearer token into the principal it names, or raises ``AuthenticationError``
            (the API's verifier, so the dashboard accepts exactly the tokens the API accepts).
        form_key: Secret that signs the anti-forgery token of every form.
        clock: Time source (snooze ends).
        development: Whether the sign-in page shows the development token command.
    """

    monitors: MonitorService
    detections: DetectionQueries
    alerts: AlertWorkflow
    concept: ConceptMonitoring
    reports: DetectionReportRenderer
    verify_token: Callable[[str], Principal]
    form_key: bytes
    clock: Clock
    development: bool = False
