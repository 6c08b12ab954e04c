"""MonitorService on in-memory storage: validation, next due times, paging, tenancy, partial changes, soft delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.alerts.policy import AlertPolicy, MOfN
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from aumos_drift_detector.core.monitors.config import FeatureConfig, Schedule, WindowSpec
from aumos_drift_detector.core.monitors.model import MonitorStatus
from aumos_drift_detector.core.monitors.service import MonitorChanges
from aumos_drift_detector.core.retraining.policy import RetrainingPolicy
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.builders import T0
from tests.core.inputs import ADMIN, OPERATOR, OTHER_TENANT, VIEWER, churn_rows, draft, upload

BERLIN_NINE = Schedule(cron="0 9 * * *", timezone="Europe/Berlin")


async def test_create_stores_the_monitor_for_the_callers_tenant(services: Services, storage: InMemoryStorage) -> None:
    created = await services.monitors.create(ADMIN, draft(labels={"team": "growth"}))
    assert (created.tenant_id, created.created_at, created.updated_at) == ("acme", T0, T0)
    assert created.status is MonitorStatus.ACTIVE
    assert storage.monitors[created.id] == created
    assert await services.monitors.get(VIEWER, created.id) == created


async def test_next_run_is_the_crons_due_time_in_the_schedules_time_zone(services: Services, clock: FixedClock) -> None:
    winter = await services.monitors.create(ADMIN, draft(schedule=BERLIN_NINE))
    utc = await services.monitors.create(ADMIN, draft(schedule=Schedule(cron="0 9 * * *")))
    clock.set(datetime(2026, 7, 1, 12, tzinfo=UTC))
    summer = await services.monitors.create(ADMIN, draft(schedule=BERLIN_NINE))
    assert winter.next_run_at == datetime(2026, 11, 3, 8, tzinfo=UTC)  # 09:00 CET
    assert utc.next_run_at == datetime(2026, 11, 3, 9, tzinfo=UTC)  # T0 is 09:00 UTC: strictly after it
    assert summer.next_run_at == datetime(2026, 7, 2, 7, tzinfo=UTC)  # 09:00 CEST


async def test_monitors_without_a_live_schedule_have_no_next_run(services: Services) -> None:
    paused = await services.monitors.create(ADMIN, draft(schedule=BERLIN_NINE, status=MonitorStatus.PAUSED))
    on_demand = await services.monitors.create(ADMIN, draft())
    assert (paused.next_run_at, on_demand.next_run_at) == (None, None)


async def test_a_repeated_feature_name_is_refused_naming_its_position(
    services: Services, storage: InMemoryStorage
) -> None:
    features = (FeatureConfig(name="age"), FeatureConfig(name="age", kind="numerical"))
    with pytest.raises(ValidationError) as caught:
        await services.monitors.create(ADMIN, draft(features=features))
    assert caught.value.message.startswith("features[1].name: duplicate feature name 'age'")
    assert caught.value.details["field"] == "features[1].name"
    assert storage.monitors == {}


async def test_an_empty_feature_list_is_refused(services: Services) -> None:
    with pytest.raises(ValidationError, match=r"^features: at least one feature is required"):
        await services.monitors.create(ADMIN, draft(features=()))


@pytest.mark.parametrize("cron", ["not a cron", "0 0 * * * *", "61 * * * *", "* * *", "0 0 31 2 *"])
async def test_a_bad_cron_is_refused_naming_schedule_cron(
    services: Services, storage: InMemoryStorage, cron: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        await services.monitors.create(ADMIN, draft(schedule=Schedule(cron=cron)))
    assert caught.value.message.startswith("schedule.cron:")
    assert caught.value.details == {"field": "schedule.cron"}
    assert storage.monitors == {}


async def test_monitors_are_listed_newest_first_a_page_at_a_time(services: Services, clock: FixedClock) -> None:
    created = []
    for _ in range(5):
        created.append(await services.monitors.create(ADMIN, draft()))
        clock.advance(timedelta(minutes=1))
    pages, cursor = [], None
    while True:
        page = await services.monitors.list(VIEWER, limit=2, cursor=cursor)
        pages.append([monitor.id for monitor in page.items])
        cursor = page.next_cursor
        if cursor is None:
            break
    newest_first = [monitor.id for monitor in reversed(created)]
    assert pages == [newest_first[0:2], newest_first[2:4], newest_first[4:]]


async def test_the_list_filters_by_model(services: Services) -> None:
    churn = await services.monitors.create(ADMIN, draft())
    await services.monitors.create(ADMIN, draft(model_id="fraud-model"))
    page = await services.monitors.list(VIEWER, model_id="churn-model")
    assert [monitor.id for monitor in page.items] == [churn.id]


async def test_another_tenants_monitor_is_not_found(services: Services) -> None:
    monitor = await services.monitors.create(ADMIN, draft())
    with pytest.raises(NotFoundError):
        await services.monitors.get(OTHER_TENANT, monitor.id)
    with pytest.raises(NotFoundError):
        await services.monitors.update(OTHER_TENANT, monitor.id, MonitorChanges(name="stolen"))
    with pytest.raises(NotFoundError):
        await services.monitors.delete(OTHER_TENANT, monitor.id)
    assert (await services.monitors.list(OTHER_TENANT)).items == []
    assert (await services.monitors.get(ADMIN, monitor.id)).name == "churn"


async def test_a_change_replaces_only_the_given_fields_and_advances_updated_at(
    services: Services, clock: FixedClock
) -> None:
    monitor = await services.monitors.create(ADMIN, draft(description="first", window=WindowSpec(last_rows=500)))
    clock.advance(timedelta(minutes=7))
    changed = await services.monitors.update(ADMIN, monitor.id, MonitorChanges(name="churn-v2", model_version="4"))
    assert (changed.name, changed.model_version) == ("churn-v2", "4")
    assert (changed.description, changed.window, changed.features) == ("first", monitor.window, monitor.features)
    assert (changed.created_at, changed.updated_at) == (T0, T0 + timedelta(minutes=7))
    assert await services.monitors.get(VIEWER, monitor.id) == changed


async def test_policies_given_in_a_change_replace_the_old_ones_whole(services: Services) -> None:
    custom = AlertPolicy(m_of_n=MOfN(m=2, n=3), renotify_interval_seconds=None)
    monitor = await services.monitors.create(
        ADMIN, draft(alert_policy=custom, retraining_policy=RetrainingPolicy(consecutive_runs=5))
    )
    changes = MonitorChanges(
        alert_policy=AlertPolicy(min_severity=Severity.HIGH), retraining_policy=RetrainingPolicy(enabled=False)
    )
    changed = await services.monitors.update(ADMIN, monitor.id, changes)
    assert changed.alert_policy == AlertPolicy(min_severity=Severity.HIGH)
    assert changed.alert_policy.m_of_n == MOfN(m=1, n=1)
    assert changed.retraining_policy == RetrainingPolicy(enabled=False)


async def test_removing_the_schedule_or_the_concept_detector_drops_them(services: Services) -> None:
    monitor = await services.monitors.create(
        ADMIN, draft(schedule=BERLIN_NINE, concept=parse_concept({"detector": "ADWIN"}))
    )
    assert monitor.next_run_at is not None
    unscheduled = await services.monitors.update(ADMIN, monitor.id, MonitorChanges(remove_schedule=True))
    assert (unscheduled.schedule, unscheduled.next_run_at, unscheduled.concept) == (
        None,
        None,
        parse_concept({"detector": "ADWIN"}),
    )
    plain = await services.monitors.update(ADMIN, monitor.id, MonitorChanges(remove_concept=True))
    assert plain.concept is None


async def test_the_next_run_follows_a_changed_status_or_schedule(services: Services, clock: FixedClock) -> None:
    monitor = await services.monitors.create(ADMIN, draft(schedule=Schedule(cron="*/5 * * * *")))
    assert monitor.next_run_at == T0 + timedelta(minutes=5)
    paused = await services.monitors.update(ADMIN, monitor.id, MonitorChanges(status=MonitorStatus.PAUSED))
    assert paused.next_run_at is None
    clock.advance(timedelta(hours=2, minutes=1))
    resumed = await services.monitors.update(ADMIN, monitor.id, MonitorChanges(status=MonitorStatus.ACTIVE))
    assert resumed.next_run_at == T0 + timedelta(hours=2, minutes=5)
    hourly = await services.monitors.update(ADMIN, monitor.id, MonitorChanges(schedule=Schedule(cron="30 * * * *")))
    assert hourly.next_run_at == T0 + timedelta(hours=2, minutes=30)


async def test_an_invalid_change_leaves_the_monitor_as_it_was(services: Services) -> None:
    monitor = await services.monitors.create(ADMIN, draft())
    twice = (FeatureConfig(name="age"), FeatureConfig(name="plan"), FeatureConfig(name="plan"))
    with pytest.raises(ValidationError, match=r"^features\[2\]\.name"):
        await services.monitors.update(ADMIN, monitor.id, MonitorChanges(name="renamed", features=twice))
    with pytest.raises(ValidationError, match=r"^schedule\.cron"):
        await services.monitors.update(ADMIN, monitor.id, MonitorChanges(schedule=Schedule(cron="every day")))
    assert await services.monitors.get(ADMIN, monitor.id) == monitor


async def test_a_deleted_monitor_disappears_but_its_detections_stay(
    services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor = await services.monitors.create(ADMIN, draft(schedule=Schedule(cron="*/5 * * * *")))
    await services.datasets.replace_reference(ADMIN, monitor.id, upload(churn_rows(1, 200)))
    await services.datasets.ingest(ADMIN, monitor.id, upload(churn_rows(2, 100)), idempotency_key=None)
    detection = await services.runs.run_now(ADMIN, monitor.id)
    clock.advance(timedelta(minutes=1))
    await services.monitors.delete(ADMIN, monitor.id)
    with pytest.raises(NotFoundError):
        await services.monitors.get(ADMIN, monitor.id)
    with pytest.raises(NotFoundError):
        await services.monitors.update(ADMIN, monitor.id, MonitorChanges(name="back"))
    assert (await services.monitors.list(ADMIN)).items == []
    assert await services.detections.get(VIEWER, detection.id) == detection
    kept = storage.monitors[monitor.id]
    assert (kept.deleted_at, kept.next_run_at) == (T0 + timedelta(minutes=1), None)


async def test_reading_needs_a_viewer_and_changing_needs_an_admin(services: Services) -> None:
    monitor = await services.monitors.create(ADMIN, draft())
    with pytest.raises(PermissionDeniedError):
        await services.monitors.create(VIEWER, draft())
    with pytest.raises(PermissionDeniedError):
        await services.monitors.create(OPERATOR, draft())
    with pytest.raises(PermissionDeniedError):
        await services.monitors.update(OPERATOR, monitor.id, MonitorChanges(name="renamed"))
    with pytest.raises(PermissionDeniedError, match="'admin' role; the token grants 'operator'"):
        await services.monitors.delete(OPERATOR, monitor.id)
    assert await services.monitors.get(VIEWER, monitor.id) == monitor
    assert [item.id for item in (await services.monitors.list(VIEWER)).items] == [monitor.id]
