"""The backtest's report, read back from what the replayed runs stored: detections, alerts and their history.

A check **raised an alert** when an alert's history has an ``opened`` or ``reopened`` step caused by
the check's detection: the moments people would have been paged for a new problem. Steps that only
renotify or escalate an alert already open are not counted.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from aumos_drift_detector.core.alerts.model import AlertAction, AlertSignal
from aumos_drift_detector.core.backtest.model import BacktestCheck, BacktestReport, BacktestSummary, Period
from aumos_drift_detector.core.detections.model import StatisticalDetection
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage

#: The steps of an alert's history that raise it.
RAISING = frozenset({AlertAction.OPENED, AlertAction.REOPENED})


def _raising_detections(storage: InMemoryStorage) -> set[uuid.UUID]:
    statistical = {alert.id for alert in storage.alerts.values() if alert.signal is AlertSignal.STATISTICAL}
    return {
        event.detection_id
        for event in storage.alert_events.values()
        if event.action in RAISING and event.alert_id in statistical and event.detection_id is not None
    }


def _check(period: Period, detection: StatisticalDetection, *, alert: bool) -> BacktestCheck:
    return BacktestCheck(
        start=period.start,
        end=period.end,
        rows=detection.summary.current_rows,
        status=detection.status,
        drift_detected=detection.is_drift,
        alarm=detection.alarm,
        severity=detection.severity,
        alert=alert,
        drifted_features=tuple(sorted(feature.name for feature in detection.drifted_features)),
        error=detection.error,
    )


def read_report(
    storage: InMemoryStorage, monitor: Monitor, periods: Sequence[Period], *, every: str, checks_per_year: float
) -> BacktestReport:
    """The report of a replay: one check per period, from the monitor's stored detections, oldest first.

    Args:
        storage: The replay's storage.
        monitor: The replayed monitor.
        periods: The replayed periods, oldest first.
        every: The period, as written (``1d``).
        checks_per_year: The check rate the budget was spread over (reported when no check succeeded;
            otherwise the rate the detections recorded).

    Raises:
        RuntimeError: The storage does not hold one statistical detection per period.
    """
    detections = sorted(
        (
            item
            for item in storage.detections.values()
            if isinstance(item, StatisticalDetection) and item.monitor_id == monitor.id
        ),
        key=lambda item: item.started_at,
    )
    if len(detections) != len(periods):
        msg = f"the replay stored {len(detections)} detections for {len(periods)} periods"
        raise RuntimeError(msg)
    raising = _raising_detections(storage)
    checks = tuple(
        _check(period, detection, alert=detection.id in raising)
        for period, detection in zip(periods, detections, strict=True)
    )
    rates = [item.summary.checks_per_year for item in detections if item.summary.checks_per_year is not None]
    flags = dict.fromkeys(monitor.feature_names, 0)
    for check in checks:
        for name in check.drifted_features:
            flags[name] += 1
    summary = BacktestSummary(
        checks=len(checks),
        alerts=sum(check.alert for check in checks),
        first_alert=next((check.end for check in checks if check.alert), None),
        drifted_checks=sum(check.drift_detected for check in checks),
        alarms=sum(check.alarm for check in checks),
        feature_flags=flags,
        checks_per_year=rates[0] if rates else checks_per_year,
    )
    return BacktestReport(every=every, checks=checks, alerts=summary.alerts, summary=summary)
