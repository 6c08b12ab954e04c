"""AlertWorkflow on in-memory storage: reading alerts with their history, and people moving them through it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.alerts.model import AlertAction, AlertStatus
from aumos_drift_detector.core.alerts.ports import AlertFilter
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from aumos_drift_detector.core.events.model import EventType
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.builders import T0
from tests.core.inputs import OPERATOR, OTHER_TENANT, VIEWER
from tests.core.scenarios import drifting_monitor

LATER = timedelta(minutes=10)


@pytest.fixture
async def alert_id(services: Services, clock: FixedClock) -> uuid.UUID:
    """The open alert of a drifting monitor's first run; the clock ten minutes later."""
    monitor = await drifting_monitor(services)
    await services.runs.run_now(OPERATOR, monitor.id)
    clock.advance(LATER)
    (alert,) = (await services.alerts.list(VIEWER, AlertFilter())).items
    return alert.id


async def test_an_alert_is_read_with_the_step_that_opened_it(services: Services, alert_id: uuid.UUID) -> None:
    found = await services.alerts.get(VIEWER, alert_id)
    assert (found.alert.status, found.alert.severity, found.alert.occurrences) == (
        AlertStatus.OPEN,
        Severity.CRITICAL,
        1,
    )
    (opened,) = found.history
    assert (opened.action, opened.actor, opened.from_status, opened.to_status, opened.at) == (
        AlertAction.OPENED,
        "system",
        None,
        AlertStatus.OPEN,
        T0,
    )
    assert opened.detection_id == found.alert.last_detection_id
    assert opened.notified


async def test_alerts_are_listed_by_status_severity_monitor_and_model(services: Services, alert_id: uuid.UUID) -> None:
    alert = (await services.alerts.get(VIEWER, alert_id)).alert

    async def listed(filters: AlertFilter) -> list[uuid.UUID]:
        return [item.id for item in (await services.alerts.list(VIEWER, filters)).items]

    assert await listed(AlertFilter(status=AlertStatus.OPEN, severity=Severity.CRITICAL)) == [alert_id]
    assert await listed(AlertFilter(monitor_id=alert.monitor_id, model_id="churn-model")) == [alert_id]
    assert await listed(AlertFilter(status=AlertStatus.RESOLVED)) == []
    assert await listed(AlertFilter(severity=Severity.HIGH)) == []
    assert await listed(AlertFilter(monitor_id=uuid.uuid4())) == []
    assert await listed(AlertFilter(model_id="fraud-model")) == []


async def test_acknowledge_then_resolve_is_audited_with_actor_statuses_and_note(
    services: Services, storage: InMemoryStorage, clock: FixedClock, alert_id: uuid.UUID
) -> None:
    acknowledged = await services.alerts.acknowledge(OPERATOR, alert_id, "on it")
    assert (acknowledged.alert.status, acknowledged.alert.updated_at) == (AlertStatus.ACKNOWLEDGED, T0 + LATER)
    clock.advance(LATER)  # the history is ordered by time; steps of one instant have no defined order
    resolved = await services.alerts.resolve(OPERATOR, alert_id, "retrained the model")
    assert (resolved.alert.status, resolved.alert.resolved_at) == (AlertStatus.RESOLVED, T0 + 2 * LATER)
    steps = [(e.action, e.actor, e.from_status, e.to_status, e.note, e.notified) for e in resolved.history[1:]]
    assert steps == [
        (AlertAction.ACKNOWLEDGED, "olga", AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, "on it", False),
        (AlertAction.RESOLVED, "olga", AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED, "retrained the model", False),
    ]
    assert (await services.alerts.get(VIEWER, alert_id)).history == resolved.history
    raised = [e for e in storage.outbox_store.events() if e.type is EventType.ALERT_RAISED]
    assert len(raised) == 1  # people's own steps notify nobody


async def test_snooze_sets_its_end_and_acknowledge_clears_it(
    services: Services, clock: FixedClock, alert_id: uuid.UUID
) -> None:
    until = clock.now() + timedelta(hours=2)
    snoozed = await services.alerts.snooze(OPERATOR, alert_id, until, "deploy in progress")
    assert (snoozed.alert.status, snoozed.alert.snoozed_until) == (AlertStatus.SNOOZED, until)
    step = snoozed.history[-1]
    assert (step.action, step.from_status, step.to_status, step.note) == (
        AlertAction.SNOOZED,
        AlertStatus.OPEN,
        AlertStatus.SNOOZED,
        "deploy in progress",
    )
    acknowledged = await services.alerts.acknowledge(OPERATOR, alert_id, "")
    assert (acknowledged.alert.status, acknowledged.alert.snoozed_until) == (AlertStatus.ACKNOWLEDGED, None)


@pytest.mark.parametrize("until", [timedelta(0), timedelta(seconds=-1), timedelta(days=-3)])
async def test_a_snooze_that_does_not_end_in_the_future_is_refused_naming_until(
    services: Services, clock: FixedClock, alert_id: uuid.UUID, until: timedelta
) -> None:
    with pytest.raises(ValidationError, match=r"^until: must be in the future") as caught:
        await services.alerts.snooze(OPERATOR, alert_id, clock.now() + until, "")
    assert caught.value.details == {"field": "until"}
    assert len((await services.alerts.get(VIEWER, alert_id)).history) == 1


async def test_transitions_the_state_machine_forbids_are_conflicts_and_leave_no_trace(
    services: Services, clock: FixedClock, alert_id: uuid.UUID
) -> None:
    await services.alerts.acknowledge(OPERATOR, alert_id, "")
    with pytest.raises(ConflictError, match="is acknowledged: it cannot be acknowledged"):
        await services.alerts.acknowledge(OPERATOR, alert_id, "twice")
    clock.advance(LATER)
    await services.alerts.resolve(OPERATOR, alert_id, "")
    with pytest.raises(ConflictError, match="is resolved: it cannot be resolved"):
        await services.alerts.resolve(OPERATOR, alert_id, "again")
    with pytest.raises(ConflictError, match="is resolved: it cannot be acknowledged"):
        await services.alerts.acknowledge(OPERATOR, alert_id, "late")
    with pytest.raises(ConflictError, match="is resolved: it cannot be snoozed"):
        await services.alerts.snooze(OPERATOR, alert_id, clock.now() + timedelta(hours=1), "late")
    found = await services.alerts.get(VIEWER, alert_id)
    assert [step.action for step in found.history] == [
        AlertAction.OPENED,
        AlertAction.ACKNOWLEDGED,
        AlertAction.RESOLVED,
    ]


async def test_viewers_read_alerts_but_cannot_move_them(
    services: Services, clock: FixedClock, alert_id: uuid.UUID
) -> None:
    with pytest.raises(PermissionDeniedError):
        await services.alerts.acknowledge(VIEWER, alert_id, "")
    with pytest.raises(PermissionDeniedError):
        await services.alerts.snooze(VIEWER, alert_id, clock.now() + timedelta(hours=1), "")
    with pytest.raises(PermissionDeniedError):
        await services.alerts.resolve(VIEWER, alert_id, "")
    found = await services.alerts.get(VIEWER, alert_id)
    assert (found.alert.status, len(found.history)) == (AlertStatus.OPEN, 1)


async def test_another_tenants_alert_is_not_found(services: Services, alert_id: uuid.UUID) -> None:
    with pytest.raises(NotFoundError):
        await services.alerts.get(OTHER_TENANT, alert_id)
    with pytest.raises(NotFoundError):
        await services.alerts.resolve(OTHER_TENANT, alert_id, "")
    assert (await services.alerts.list(OTHER_TENANT, AlertFilter())).items == []
    assert (await services.alerts.get(VIEWER, alert_id)).alert.status is AlertStatus.OPEN
