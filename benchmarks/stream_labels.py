"""Delayed labels through the topics, for ``bench_streams.py``: predictions stored and labels joined per second.

One monitor whose ADWIN detector takes the absolute error of a regression receives ``predictions`` predictions
on the observation topic (``per_record`` rows a record, each with ``inference_id`` and ``prediction``); once
they are stored, their labels follow on the outcome topic, shuffled, ``per_record`` labels a record. Each phase
is timed two ways: by the consumer's own batch timer (``aumos_drift_stream_batch_seconds``: applying and
committing the phase's batches, what the consumer can sustain), and from the first record handed to the
producer to the moment the monitor's label cursor shows every prediction stored, or every label joined and
its error fed to the detector (the watermark at the end), which adds the broker taking and serving the
records (with one key, one partition).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import numpy as np
from tests.adapters.messaging.streams import OBSERVATIONS, OUTCOMES, Produced, eventually, produce
from tests.core.inputs import ADMIN, draft

from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.labels.model import LabelCursor


async def regression_monitor(container: Container) -> uuid.UUID:
    """A monitor whose ADWIN detector is fed the absolute errors joined from labels."""
    concept = parse_concept({"detector": "ADWIN", "error": "absolute"})
    return (await container.services().monitors.create(ADMIN, draft(name="labels", concept=concept))).id


def _batches(monitor_id: uuid.UUID, field: str, items: list[dict[str, object]], per_record: int) -> list[Produced]:
    key, base = str(monitor_id).encode(), {"tenant_id": "acme", "monitor_id": str(monitor_id)}
    return [
        Produced(OBSERVATIONS if field == "rows" else OUTCOMES, key, json.dumps({**base, field: chunk}).encode())
        for chunk in (items[start : start + per_record] for start in range(0, len(items), per_record))
    ]


async def _cursor(container: Container, monitor_id: uuid.UUID) -> LabelCursor:
    return await container.services().labels.status(ADMIN, monitor_id)


@dataclass(frozen=True)
class Phase:
    """One phase's items per second: of the consumer's batch time, and from produce to done."""

    applied: float
    end_to_end: float


def _batch_seconds(container: Container) -> float:
    return container.registry.get_sample_value("aumos_drift_stream_batch_seconds_sum") or 0.0


async def _timed(
    container: Container, bootstrap: str, records: list[Produced], done: Callable[[], Awaitable[bool]], what: str
) -> tuple[float, float]:
    """Seconds of batch time and seconds from produce to done."""
    started, applying = time.perf_counter(), _batch_seconds(container)
    produce(bootstrap, records)
    await eventually(done, what)
    return _batch_seconds(container) - applying, time.perf_counter() - started


async def measure(container: Container, bootstrap: str, predictions: int, per_record: int) -> tuple[Phase, Phase]:
    """Predictions stored and labels joined and fed per second, through the topics."""
    monitor_id = await regression_monitor(container)
    rng = np.random.default_rng(4)
    predicted, truth = rng.normal(size=predictions).tolist(), rng.normal(size=predictions).tolist()
    rows: list[dict[str, object]] = [
        {"age": 40.0, "plan": "pro", "inference_id": f"i{n}", "prediction": predicted[n]} for n in range(predictions)
    ]
    labels: list[dict[str, object]] = [
        {"inference_id": f"i{n}", "label": truth[n]} for n in rng.permutation(predictions).tolist()
    ]

    async def stored() -> bool:
        return (await _cursor(container, monitor_id)).next_sequence >= predictions

    async def joined() -> bool:
        return (await _cursor(container, monitor_id)).watermark >= predictions

    phases = []
    for field, items, done in (("rows", rows, stored), ("labels", labels, joined)):
        records = _batches(monitor_id, field, items, per_record)
        applying, overall = await _timed(container, bootstrap, records, done, f"{field} done")
        # A service without the batch timer (an older checkout) reports no applied rate.
        phases.append(Phase(predictions / applying if applying else float("nan"), predictions / overall))
    return phases[0], phases[1]
