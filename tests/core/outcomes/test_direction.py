"""Concept drifts carry their direction and the mean outcome before and after the change; by default
only a degradation raises an alert or a retraining trigger."""

from __future__ import annotations

import dataclasses
import itertools
import json
import uuid
from typing import Any

import numpy as np
import pytest

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.alerts.model import AlertStatus
from aumos_drift_detector.core.alerts.policy import AlertPolicy
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.detections.model import (
    ConceptDetection,
    ConceptDirection,
    IntervalMethod,
    OutcomeMean,
)
from aumos_drift_detector.core.events.payloads import AlertRaisedData, DriftDetectedData, RetrainingRequiredData
from aumos_drift_detector.core.monitors.service import MonitorChanges
from aumos_drift_detector.core.retraining.policy import RetrainingPolicy
from aumos_drift_detector.core.severity import Severity
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.inputs import ADMIN, OPERATOR, VIEWER, draft

DEGRADATION, IMPROVEMENT = ConceptDirection.DEGRADATION, ConceptDirection.IMPROVEMENT
#: Fires on any drifted detection whatever its severity, so only the direction gate can hold it back.
EAGER_RETRAINING = RetrainingPolicy(min_severity=None, consecutive_runs=1, cooldown_seconds=0)


def bernoulli(before: float, after: float, *, seed: int = 5) -> list[float]:
    """Prediction errors (1 = wrong): rate ``before`` for 2,000 outcomes, then ``after`` for 1,000."""
    rng = np.random.default_rng(seed)
    return [float(x) for x in np.concatenate([rng.random(2000) < before, rng.random(1000) < after])]


def losses(seed: int = 3) -> list[float]:
    """Real-valued losses: mean 1 for 2,000 values, 2 for the next 1,000, then 1 again (sd 0.5)."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.normal(mean, 0.5, n) for mean, n in ((1.0, 2000), (2.0, 1000), (1.0, 1000))]).tolist()


async def concept_monitor(services: Services, detector: str, **fields: Any) -> uuid.UUID:
    monitor = await services.monitors.create(ADMIN, draft(concept=parse_concept({"detector": detector}), **fields))
    return monitor.id


def detections_of(storage: InMemoryStorage, monitor_id: uuid.UUID) -> list[ConceptDetection]:
    found = [d for d in storage.detections.values() if isinstance(d, ConceptDetection) and d.monitor_id == monitor_id]
    return sorted(found, key=lambda item: item.stream.stream_index)


def events_of(storage: InMemoryStorage, kind: type[Any]) -> list[Any]:
    return [event.data for event in storage.outbox_store.events() if isinstance(event.data, kind)]


def covers(mean: OutcomeMean | None, value: float) -> bool:
    assert mean is not None
    assert mean.low is not None
    assert mean.high is not None
    return mean.low <= value <= mean.high


@pytest.mark.parametrize("detector", ["DDM", "ADWIN"])
async def test_a_rising_error_rate_is_a_degradation_that_alerts_and_triggers_retraining(
    services: Services, storage: InMemoryStorage, detector: str
) -> None:
    monitor_id = await concept_monitor(services, detector, retraining_policy=EAGER_RETRAINING)
    await services.concept.ingest(OPERATOR, monitor_id, bernoulli(0.1, 0.3), idempotency_key=None)
    first = detections_of(storage, monitor_id)[0]
    stream = first.stream
    assert (stream.direction, first.severity, first.is_drift) == (DEGRADATION, Severity.HIGH, True)
    assert stream.before is not None
    assert stream.after is not None
    assert covers(stream.before, 0.1)
    assert covers(stream.after, 0.3)
    assert (stream.before.start, stream.after.start) == (0, stream.before.n)
    assert stream.before.n + stream.after.n == stream.stream_index + 1
    assert abs(stream.after.start - 2000) < 10, "the cut lies where the rate moved"
    assert (stream.after.interval, stream.after.confidence) == (IntervalMethod.WILSON, 0.95)
    (alert,) = storage.alerts.values()
    assert (alert.status, alert.severity) == (AlertStatus.OPEN, Severity.HIGH)
    assert "error rate up from 0.109 to 0.3" in alert.title
    assert [trigger.monitor_id for trigger in storage.retraining_triggers.values()][:1] == [monitor_id]
    assert events_of(storage, AlertRaisedData)
    assert events_of(storage, RetrainingRequiredData)


@pytest.mark.parametrize("detector", ["ADWIN", "PageHinkley"])
async def test_a_falling_error_rate_is_an_improvement_published_without_alert_or_retraining(
    services: Services, storage: InMemoryStorage, detector: str
) -> None:
    monitor_id = await concept_monitor(services, detector, retraining_policy=EAGER_RETRAINING)
    result = await services.concept.ingest(OPERATOR, monitor_id, bernoulli(0.4, 0.05), idempotency_key=None)
    detections = detections_of(storage, monitor_id)
    assert detections, "the stream must drift for this test to mean anything"
    assert {(d.stream.direction, d.severity, d.is_drift) for d in detections} == {(IMPROVEMENT, Severity.NONE, True)}
    assert covers(detections[0].stream.before, 0.4)
    assert covers(detections[0].stream.after, 0.05)
    assert (storage.alerts, storage.retraining_triggers) == ({}, {})
    assert events_of(storage, AlertRaisedData) == events_of(storage, RetrainingRequiredData) == []
    published = events_of(storage, DriftDetectedData)
    assert sorted(data.detection_id for data in published) == sorted(str(i) for i in result.detection_ids)
    concept = published[0].concept
    assert (concept.direction, concept.before.interval) == ("improvement", "wilson")
    assert concept.after.mean == detections[0].stream.after.mean == pytest.approx(0.05, abs=0.03)


async def test_a_policy_that_opts_in_alerts_and_retrains_on_improvements(
    services: Services, storage: InMemoryStorage
) -> None:
    policy = AlertPolicy.model_validate({"concept_directions": ["degradation", "improvement"]})
    monitor_id = await concept_monitor(services, "ADWIN", alert_policy=policy, retraining_policy=EAGER_RETRAINING)
    await services.concept.ingest(OPERATOR, monitor_id, bernoulli(0.4, 0.05), idempotency_key=None)
    (detection,) = detections_of(storage, monitor_id)
    assert (detection.stream.direction, detection.severity) == (IMPROVEMENT, Severity.HIGH)
    (alert,) = storage.alerts.values()
    assert alert.last_detection_id == detection.id
    assert "error rate down from 0.403 to 0.0649" in alert.title
    assert [data.detection_id for data in events_of(storage, AlertRaisedData)] == [str(detection.id)]
    assert len(storage.retraining_triggers) == 1


async def test_an_improvement_counts_as_a_healthy_run_of_an_open_concept_alert(
    services: Services, storage: InMemoryStorage
) -> None:
    policy = AlertPolicy(auto_resolve_after=1)
    monitor_id = await concept_monitor(services, "ADWIN", alert_policy=policy)
    stream = bernoulli(0.1, 0.6, seed=2)[:2400] + bernoulli(0.6, 0.1, seed=2)[2000:]
    await services.concept.ingest(OPERATOR, monitor_id, stream, idempotency_key=None)
    directions = [d.stream.direction for d in detections_of(storage, monitor_id)]
    assert directions[0] is DEGRADATION
    assert directions[-1] is IMPROVEMENT
    (alert,) = storage.alerts.values()
    assert alert.status is AlertStatus.RESOLVED
    assert len(events_of(storage, AlertRaisedData)) == 1


async def test_an_improvement_does_not_count_towards_m_of_n_of_a_later_degradation(
    services: Services, storage: InMemoryStorage
) -> None:
    policy = AlertPolicy.model_validate({"m_of_n": {"m": 2, "n": 2}})
    monitor_id = await concept_monitor(services, "ADWIN", alert_policy=policy, retraining_policy=EAGER_RETRAINING)
    stream = bernoulli(0.4, 0.05) + bernoulli(0.4, 0.4, seed=6)[:1000]
    await services.concept.ingest(OPERATOR, monitor_id, stream, idempotency_key=None)
    assert [d.stream.direction for d in detections_of(storage, monitor_id)] == [IMPROVEMENT, DEGRADATION]
    assert storage.alerts == {}, "one degradation is not two drifted runs"
    (trigger,) = storage.retraining_triggers.values()
    assert trigger.detection_ids == (detections_of(storage, monitor_id)[1].id,)


@pytest.mark.parametrize("detector", ["ADWIN", "PageHinkley"])
async def test_a_loss_stream_shifting_up_then_down_is_a_degradation_then_an_improvement(
    services: Services, storage: InMemoryStorage, detector: str
) -> None:
    monitor_id = await concept_monitor(services, detector)
    await services.concept.ingest(OPERATOR, monitor_id, losses(), idempotency_key=None)
    up, down = detections_of(storage, monitor_id)
    assert (up.stream.direction, up.severity, down.stream.direction, down.severity) == (
        DEGRADATION,
        Severity.HIGH,
        IMPROVEMENT,
        Severity.NONE,
    )
    assert covers(up.stream.before, 1.0)
    assert covers(up.stream.after, 2.0)
    assert covers(down.stream.before, 2.0)
    assert covers(down.stream.after, 1.0)
    assert down.stream.before is not None
    assert up.stream.after is not None
    assert down.stream.before.start == up.stream.after.start, "the next concept starts where the change was found"
    assert {up.stream.after.interval, down.stream.before.interval} == {IntervalMethod.STUDENT_T}


@pytest.mark.parametrize(("detector", "values"), [("DDM", bernoulli(0.1, 0.3)), ("ADWIN", losses())])
async def test_batches_cut_anywhere_and_stored_checkpoints_give_identical_figures(
    services: Services, storage: InMemoryStorage, detector: str, values: list[float]
) -> None:
    whole = await concept_monitor(services, detector)
    await services.concept.ingest(OPERATOR, whole, values, idempotency_key=None)
    expected = [d.stream for d in detections_of(storage, whole)]
    assert len(expected) >= 2, "the stream must drift more than once for this test to mean anything"
    pieces = await concept_monitor(services, detector)
    drift_cuts = [cut for stream in expected for cut in (stream.stream_index, stream.stream_index + 1)]
    random_cuts = np.random.default_rng(1).integers(1, len(values), size=25).tolist()
    bounds = sorted({0, len(values), *drift_cuts, *random_cuts})
    for start, end in itertools.pairwise(bounds):
        await services.concept.ingest(OPERATOR, pieces, values[start:end], idempotency_key=None)
        # What the database does to a checkpoint: a JSON round trip.
        stored = storage.concept_states[pieces]
        documents = json.loads(json.dumps({"state": stored.state, "stretch": stored.stretch}))
        storage.concept_states[pieces] = dataclasses.replace(stored, **documents)
    assert [d.stream for d in detections_of(storage, pieces)] == expected


async def test_a_checkpoint_stored_before_stretches_were_kept_measures_from_the_next_value(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor_id = await concept_monitor(services, "DDM")
    stream = bernoulli(0.1, 0.3)
    await services.concept.ingest(OPERATOR, monitor_id, stream[:1500], idempotency_key=None)
    storage.concept_states[monitor_id] = dataclasses.replace(storage.concept_states[monitor_id], stretch=None)
    await services.concept.ingest(OPERATOR, monitor_id, stream[1500:], idempotency_key=None)
    first = detections_of(storage, monitor_id)[0].stream
    assert first.before is not None
    assert first.after is not None
    assert first.before.start == 1500
    assert first.before.n + first.after.n == first.stream_index + 1 - 1500
    assert first.direction is DEGRADATION


async def test_status_shows_the_mean_outcome_since_the_current_concept_began(
    services: Services, storage: InMemoryStorage
) -> None:
    monitor_id = await concept_monitor(services, "ADWIN")
    fresh = (await services.concept.status(VIEWER, monitor_id)).current
    assert (fresh.start, fresh.n, fresh.mean, fresh.low) == (0, 0, None, None)
    await services.concept.ingest(OPERATOR, monitor_id, bernoulli(0.1, 0.3), idempotency_key=None)
    last = detections_of(storage, monitor_id)[-1].stream.after
    current = (await services.concept.status(VIEWER, monitor_id)).current
    assert last is not None
    assert (current.start, current.n, current.interval) == (last.start, 3000 - last.start, IntervalMethod.WILSON)
    assert covers(current, 0.3)
    await services.monitors.update(ADMIN, monitor_id, MonitorChanges(concept=parse_concept({"detector": "DDM"})))
    restarted = (await services.concept.status(VIEWER, monitor_id)).current
    assert (restarted.start, restarted.n) == (0, 0)
