"""Concept drift through the service's concept use case: an error rate that rises, and one that falls.

Each seed draws a stream of prediction errors (1 = wrong): ``before`` Bernoulli outcomes at one rate,
then ``after`` at another, posted in batches of ``batch`` values to ``ConceptMonitoring.ingest`` of a
monitor whose concept detector has its default parameters and whose policies are the defaults. The
same stream is fed to every detector (common random numbers). Each drift is recorded with its
direction, the error rates before and after with their 95% intervals, its severity and whether it
opened an alert.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.detections.model import ConceptDetection, OutcomeMean
from aumos_drift_detector.core.detections.outcome import DetectionOutcomeHandler
from aumos_drift_detector.core.outcomes.service import ConceptMonitoring
from aumos_drift_detector.core.principal import Principal, Role
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from decision_simulation.replay import EVERY, NEW_ALERT, T0, make_monitor

OPERATOR = Principal(subject="simulation", tenant_id="simulation", roles=frozenset({Role.OPERATOR}))
DETECTORS = ("ADWIN", "DDM", "EDDM", "RDDM", "HDDM_A", "HDDM_W", "KSWIN", "PageHinkley")


@dataclass(frozen=True, slots=True)
class ConceptConfig:
    """The streams: rates before and after the change, their lengths, the batch size, the detectors."""

    seed: int = 20261102
    before: int = 5_000
    after: int = 5_000
    batch: int = 100
    changes: tuple[tuple[float, float], ...] = ((0.1, 0.3), (0.4, 0.05))
    detectors: tuple[str, ...] = DETECTORS


def _mean(figure: OutcomeMean | None) -> dict[str, float | None]:
    if figure is None:
        return {"mean": None, "low": None, "high": None}
    return {"mean": figure.mean, "low": figure.low, "high": figure.high}


async def _feed(detector: str, stream: np.ndarray, batch: int) -> list[dict[str, Any]]:
    storage, clock = InMemoryStorage(), FixedClock(T0)
    monitor = dataclasses.replace(make_monitor({"x": "numerical"}), concept=parse_concept({"detector": detector}))
    async with storage.unit_of_work() as uow:
        await uow.monitors.add(monitor)
        await uow.commit()
    service = ConceptMonitoring(storage.unit_of_work, clock, DetectionOutcomeHandler(clock))
    drifts: list[dict[str, Any]] = []
    for start in range(0, stream.size, batch):
        clock.advance(EVERY)
        seen = len(storage.alert_events)
        found = await service.ingest(OPERATOR, monitor.id, stream[start : start + batch].tolist(), idempotency_key=None)
        opened = [event for event in list(storage.alert_events.values())[seen:] if event.action in NEW_ALERT]
        for detection_id in found.detection_ids:
            detection = storage.detections[detection_id]
            assert isinstance(detection, ConceptDetection)
            drifts.append(
                {
                    "index": detection.stream.stream_index,
                    "direction": detection.stream.direction.value if detection.stream.direction else None,
                    "severity": detection.severity.value,
                    "alert": any(event.detection_id == detection_id for event in opened),
                    "before": _mean(detection.stream.before),
                    "after": _mean(detection.stream.after),
                }
            )
    return drifts


def run_streams(config: ConceptConfig, seed_index: int) -> dict[str, Any]:
    """One seed: for each change of rate and each detector, the drifts it raised."""
    rng = np.random.default_rng([config.seed, 11, seed_index])
    results: dict[str, Any] = {"seed": seed_index, "changes": {}}
    for rate_before, rate_after in config.changes:
        stream = np.concatenate([rng.random(config.before) < rate_before, rng.random(config.after) < rate_after])
        values = stream.astype(np.float64)
        key = f"{rate_before} → {rate_after}"
        results["changes"][key] = {
            detector: asyncio.run(_feed(detector, values, config.batch)) for detector in config.detectors
        }
    return results
