"""Retraining triggers: severity floor, persistence over K runs, cooldown per model, recorded with their reason."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from aumos_drift_detector.core.events.model import EventType
from tests.core.builders import Harness, make_detection, make_monitor


@pytest.fixture
def harness() -> Harness:
    return Harness.in_memory()


async def test_severity_floor_fires_once_per_cooldown_per_model(harness: Harness) -> None:
    policy = {"min_severity": "high", "consecutive_runs": None, "cooldown_seconds": 3600}
    monitor = await harness.add_monitor(make_monitor(retraining_policy=policy))
    other = await harness.add_monitor(make_monitor(retraining_policy=policy))
    first = await harness.run(monitor, drifted=2)
    await harness.run(other, drifted=4)
    (event,) = await harness.events(EventType.RETRAINING_REQUIRED)
    assert event.payload()["detection_ids"] == [str(first.id)]
    assert event.payload()["reason"] == "severity high reached the floor high"
    assert event.payload()["idempotency_key"] == f"retrain:acme:churn-model:{first.id}"
    harness.clock.advance(timedelta(hours=1))
    await harness.run(monitor, drifted=2)
    assert len(await harness.events(EventType.RETRAINING_REQUIRED)) == 2


async def test_persistence_rule_needs_k_consecutive_drifted_runs(harness: Harness) -> None:
    policy = {"min_severity": None, "consecutive_runs": 3}
    monitor = await harness.add_monitor(make_monitor(retraining_policy=policy))
    await harness.run(monitor, drifted=2)
    await harness.run(monitor, drifted=2)
    await harness.run(monitor, drifted=0)
    second_streak = [await harness.run(monitor, drifted=2) for _ in range(2)]
    assert await harness.events(EventType.RETRAINING_REQUIRED) == []
    third = await harness.run(monitor, drifted=2)
    (event,) = await harness.events(EventType.RETRAINING_REQUIRED)
    assert event.payload()["consecutive_drift_runs"] == 3
    assert event.payload()["detection_ids"] == [str(third.id)] + [str(d.id) for d in reversed(second_streak)]
    async with harness.uow_factory() as uow:
        trigger = await uow.retraining_triggers.latest_for_model("acme", "churn-model")
    assert trigger is not None
    assert trigger.event_id == event.id
    assert trigger.reason == "drift persisted for 3 consecutive runs (rule: 3)"


async def test_combine_all_needs_both_rules(harness: Harness) -> None:
    policy = {"min_severity": "critical", "consecutive_runs": 2, "combine": "all"}
    monitor = await harness.add_monitor(make_monitor(retraining_policy=policy))
    await harness.run(monitor, drifted=4)
    await harness.run(monitor, drifted=2)
    assert await harness.events(EventType.RETRAINING_REQUIRED) == []
    await harness.run(monitor, drifted=4)
    assert len(await harness.events(EventType.RETRAINING_REQUIRED)) == 1


async def test_every_drifted_detection_and_only_those_emit_drift_detected(harness: Harness) -> None:
    monitor = await harness.add_monitor(make_monitor(retraining_policy={"enabled": False}))
    drifted = await harness.run(monitor, drifted=3)
    # One feature drifted at this check (p = 1e-3), too little evidence to alarm: the dataset did not drift.
    one = make_detection(monitor, harness.clock.now(), drifted=1)
    weak = one.features[0].model_copy(update={"p_value": 1e-3})
    harness.clock.advance(timedelta(minutes=1))
    assert not (await harness.store(monitor, dataclasses.replace(one, features=(weak, *one.features[1:])))).is_drift
    (event,) = await harness.events(EventType.DRIFT_DETECTED)
    assert event.payload()["detection_id"] == str(drifted.id)
    assert event.payload()["severity"] == "high"
    assert [f["drift_detected"] for f in event.payload()["features"]] == [True, True, True, False]
