"""The alert state machine driven by detections: open, dedup, escalation, M-of-N, auto-resolve, reopen, snooze."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aumos_drift_detector.core.alerts.model import AlertAction, AlertSignal, AlertStatus, DriftAlert
from aumos_drift_detector.core.alerts.ports import AlertFilter
from aumos_drift_detector.core.alerts.workflow import AlertWorkflow
from aumos_drift_detector.core.detections.model import DetectionStatus
from aumos_drift_detector.core.errors import ConflictError, PermissionDeniedError, ValidationError
from aumos_drift_detector.core.events.model import EventType
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.severity import Severity
from tests.core.builders import Harness, make_monitor

OPERATOR = Principal("olga", "acme", frozenset({Role.OPERATOR}))


@pytest.fixture
def harness() -> Harness:
    return Harness.in_memory()


async def alerts_of(harness: Harness, monitor: Monitor) -> list[DriftAlert]:
    async with harness.uow_factory() as uow:
        page = await uow.alerts.list(monitor.tenant_id, AlertFilter(monitor_id=monitor.id), limit=100)
    return list(page.items)


async def history(harness: Harness, alert: DriftAlert) -> list[AlertAction]:
    async with harness.uow_factory() as uow:
        return [entry.action for entry in await uow.alert_events.list_for_alert(alert.tenant_id, alert.id)]


async def test_a_breach_opens_one_alert_and_publishes_alert_raised(harness: Harness) -> None:
    monitor = await harness.add_monitor(make_monitor())
    detection = await harness.run(monitor, drifted=2)
    (alert,) = await alerts_of(harness, monitor)
    assert (alert.status, alert.severity, alert.occurrences) == (AlertStatus.OPEN, Severity.HIGH, 1)
    assert alert.dedup_key == f"acme:{monitor.id}:statistical:*"
    assert alert.last_detection_id == detection.id
    (raised,) = await harness.events(EventType.ALERT_RAISED)
    assert raised.payload()["alert_id"] == str(alert.id)
    assert raised.payload()["action"] == "opened"
    assert raised.key == "acme:churn-model"
    assert await history(harness, alert) == [AlertAction.OPENED]


async def test_no_alert_below_the_minimum_severity(harness: Harness) -> None:
    monitor = await harness.add_monitor(make_monitor(alert_policy={"min_severity": "critical"}))
    await harness.run(monitor, drifted=2)
    assert await alerts_of(harness, monitor) == []
    assert len(await harness.events(EventType.DRIFT_DETECTED)) == 1


async def test_repeated_breaches_update_the_same_alert_and_escalate_in_place(harness: Harness) -> None:
    monitor = await harness.add_monitor(make_monitor())
    await harness.run(monitor, drifted=2)
    await harness.run(monitor, drifted=2)
    last = await harness.run(monitor, drifted=4)
    (alert,) = await alerts_of(harness, monitor)
    assert alert.occurrences == 3
    assert alert.severity is Severity.CRITICAL
    assert alert.last_seen_at == harness.clock.now()
    assert alert.last_detection_id == last.id
    actions = [event.payload()["action"] for event in await harness.events(EventType.ALERT_RAISED)]
    assert actions == ["opened", "escalated"]
    assert await history(harness, alert) == [AlertAction.OPENED, AlertAction.ESCALATED]


async def test_m_of_n_withholds_the_alert_until_enough_runs_drifted(harness: Harness) -> None:
    monitor = await harness.add_monitor(make_monitor(alert_policy={"m_of_n": {"m": 2, "n": 3}}))
    await harness.run(monitor, drifted=2)
    assert await alerts_of(harness, monitor) == []
    await harness.run(monitor, drifted=0)
    assert await alerts_of(harness, monitor) == []
    await harness.run(monitor, drifted=2)
    (alert,) = await alerts_of(harness, monitor)
    assert alert.status is AlertStatus.OPEN


async def test_m_of_n_window_forgets_old_drift(harness: Harness) -> None:
    monitor = await harness.add_monitor(make_monitor(alert_policy={"m_of_n": {"m": 2, "n": 2}}))
    await harness.run(monitor, drifted=2)
    await harness.run(monitor, drifted=0)
    await harness.run(monitor, drifted=2)
    assert await alerts_of(harness, monitor) == []


async def test_k_healthy_runs_resolve_the_alert_and_a_drifting_run_resets_the_count(harness: Harness) -> None:
    monitor = await harness.add_monitor(make_monitor(alert_policy={"auto_resolve_after": 2}))
    await harness.run(monitor, drifted=2)
    await harness.run(monitor, drifted=0)
    await harness.run(monitor, drifted=2)
    await harness.run(monitor, drifted=0)
    (alert,) = await alerts_of(harness, monitor)
    assert (alert.status, alert.healthy_streak) == (AlertStatus.OPEN, 1)
    await harness.run(monitor, drifted=0)
    (alert,) = await alerts_of(harness, monitor)
    assert alert.status is AlertStatus.RESOLVED
    assert alert.resolved_at == harness.clock.now()
    assert (await history(harness, alert))[-1] is AlertAction.AUTO_RESOLVED


async def test_a_breach_soon_after_resolution_reopens_the_same_alert(harness: Harness) -> None:
    monitor = await harness.add_monitor(make_monitor(alert_policy={"auto_resolve_after": 1}))
    await harness.run(monitor, drifted=2)
    await harness.run(monitor, drifted=0)
    await harness.run(monitor, drifted=3)
    (alert,) = await alerts_of(harness, monitor)
    assert (alert.status, alert.occurrences, alert.resolved_at) == (AlertStatus.OPEN, 2, None)
    actions = [event.payload()["action"] for event in await harness.events(EventType.ALERT_RAISED)]
    assert actions == ["opened", "reopened"]


async def test_a_breach_long_after_resolution_opens_a_new_alert(harness: Harness) -> None:
    monitor = await harness.add_monitor(make_monitor(alert_policy={"auto_resolve_after": 1}))
    await harness.run(monitor, drifted=2)
    await harness.run(monitor, drifted=0)
    harness.clock.advance(timedelta(hours=2))
    await harness.run(monitor, drifted=2)
    statuses = sorted(alert.status.value for alert in await alerts_of(harness, monitor))
    assert statuses == ["open", "resolved"]


async def test_renotify_only_after_the_interval_and_never_once_acknowledged(harness: Harness) -> None:
    monitor = await harness.add_monitor(make_monitor(alert_policy={"renotify_interval_seconds": 600}))
    await harness.run(monitor, drifted=2)
    await harness.run(monitor, drifted=2)
    harness.clock.advance(timedelta(minutes=10))
    await harness.run(monitor, drifted=2)
    actions = [event.payload()["action"] for event in await harness.events(EventType.ALERT_RAISED)]
    assert actions == ["opened", "renotified"]
    (alert,) = await alerts_of(harness, monitor)
    await AlertWorkflow(harness.uow_factory, harness.clock).acknowledge(OPERATOR, alert.id, "looking")
    harness.clock.advance(timedelta(hours=1))
    await harness.run(monitor, drifted=2)
    assert len(await harness.events(EventType.ALERT_RAISED)) == 2


async def test_snooze_silences_breaches_until_it_ends(harness: Harness) -> None:
    monitor = await harness.add_monitor(make_monitor())
    await harness.run(monitor, drifted=2)
    (alert,) = await alerts_of(harness, monitor)
    workflow = AlertWorkflow(harness.uow_factory, harness.clock)
    await workflow.snooze(OPERATOR, alert.id, harness.clock.now() + timedelta(minutes=30), "")
    await harness.run(monitor, drifted=4)
    (alert,) = await alerts_of(harness, monitor)
    assert (alert.status, alert.severity, alert.occurrences) == (AlertStatus.SNOOZED, Severity.CRITICAL, 2)
    assert len(await harness.events(EventType.ALERT_RAISED)) == 1
    harness.clock.advance(timedelta(minutes=30))
    await harness.run(monitor, drifted=4)
    (alert,) = await alerts_of(harness, monitor)
    assert alert.status is AlertStatus.OPEN
    assert [event.payload()["action"] for event in await harness.events(EventType.ALERT_RAISED)] == [
        "opened",
        "unsnoozed",
    ]


async def test_manual_transitions_follow_the_state_machine_and_are_audited(harness: Harness) -> None:
    monitor = await harness.add_monitor(make_monitor())
    await harness.run(monitor, drifted=2)
    (alert,) = await alerts_of(harness, monitor)
    workflow = AlertWorkflow(harness.uow_factory, harness.clock)
    harness.clock.advance(timedelta(seconds=5))
    await workflow.acknowledge(OPERATOR, alert.id, "on it")
    with pytest.raises(ConflictError, match="acknowledged"):
        await workflow.acknowledge(OPERATOR, alert.id, "again")
    harness.clock.advance(timedelta(seconds=5))
    await workflow.resolve(OPERATOR, alert.id, "retrained")
    with pytest.raises(ConflictError):
        await workflow.snooze(OPERATOR, alert.id, harness.clock.now() + timedelta(hours=1), "")
    async with harness.uow_factory() as uow:
        entries = await uow.alert_events.list_for_alert("acme", alert.id)
    assert [(e.action, e.actor, e.from_status, e.to_status, e.note) for e in entries[1:]] == [
        (AlertAction.ACKNOWLEDGED, "olga", AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, "on it"),
        (AlertAction.RESOLVED, "olga", AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED, "retrained"),
    ]


async def test_transitions_need_the_operator_role_and_a_future_snooze(harness: Harness) -> None:
    monitor = await harness.add_monitor(make_monitor())
    await harness.run(monitor, drifted=2)
    (alert,) = await alerts_of(harness, monitor)
    viewer = Principal("vera", "acme", frozenset({Role.VIEWER}))
    workflow = AlertWorkflow(harness.uow_factory, harness.clock)
    with pytest.raises(PermissionDeniedError):
        await workflow.resolve(viewer, alert.id, "")
    with pytest.raises(ValidationError, match="until"):
        await workflow.snooze(OPERATOR, alert.id, harness.clock.now(), "")


async def test_failed_runs_neither_breach_nor_count_as_healthy_but_raise_a_run_failure_alert(
    harness: Harness,
) -> None:
    monitor = await harness.add_monitor(make_monitor(alert_policy={"auto_resolve_after": 1}))
    await harness.run(monitor, drifted=2)
    await harness.run(monitor, drifted=0, status=DetectionStatus.FAILED)
    await harness.run(monitor, drifted=0, status=DetectionStatus.FAILED)
    alerts = {alert.signal: alert for alert in await alerts_of(harness, monitor)}
    drift, failure = alerts[AlertSignal.STATISTICAL], alerts[AlertSignal.RUN_FAILURE]
    assert (drift.status, drift.healthy_streak) == (AlertStatus.OPEN, 0)
    assert (failure.status, failure.occurrences, failure.severity) == (AlertStatus.OPEN, 2, Severity.HIGH)
    actions = [event.payload()["action"] for event in await harness.events(EventType.ALERT_RAISED)]
    assert actions == ["opened", "opened"]
    await harness.run(monitor, drifted=0)
    alerts = {alert.signal: alert for alert in await alerts_of(harness, monitor)}
    assert alerts[AlertSignal.RUN_FAILURE].status is AlertStatus.RESOLVED
    assert alerts[AlertSignal.STATISTICAL].status is AlertStatus.RESOLVED
