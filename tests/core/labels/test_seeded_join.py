"""A seeded run of delayed labels against the offline join: the detector sees exactly the offline errors, in order.

Predictions arrive first in batches; labels arrive shuffled and late, some before their prediction, some
never, some for ids that were never predicted; the clock then moves past both expiry limits.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.inputs import OPERATOR
from tests.core.labels.test_delayed_labels import labelled_monitor, predict

N = 600


async def test_the_fed_errors_equal_the_offline_join_in_prediction_order(
    services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    rng = np.random.default_rng(2026)
    monitor_id = await labelled_monitor(services, "ADWIN", "absolute")
    predicted = rng.normal(0.0, 1.0, N).round(3)
    truth = (predicted + rng.normal(0.0, 0.5, N) + np.where(np.arange(N) >= N // 2, 1.5, 0.0)).round(3)
    order = rng.permutation(N)
    never = set(order[:60].tolist())
    early = set(order[60:90].tolist())
    late = [int(n) for n in order[90:]]
    ghosts = [{"inference_id": f"ghost-{k}", "label": 1.0} for k in range(25)]
    counted = {"joined": 0, "unknown": 0, "expired_predictions": 0, "expired_labels": 0, "fed": 0}

    def tally(result: object) -> None:
        for name in counted:
            counted[name] += getattr(result, name)

    tally(await services.labels.ingest_labels(OPERATOR, monitor_id, [label(n, truth) for n in sorted(early)]))
    for start in range(0, N, 50):
        clock.advance(timedelta(minutes=1))
        rows = [{"x": 1, "inference_id": f"i{n}", "prediction": predicted[n]} for n in range(start, start + 50)]
        tally(await predict(services, storage, monitor_id, rows))
    batches = [late[start : start + 41] for start in range(0, len(late), 41)]
    for number, batch in enumerate(batches):
        clock.advance(timedelta(minutes=17))
        sent = [label(n, truth) for n in batch] + ghosts[number : number + 1]
        tally(await services.labels.ingest_labels(OPERATOR, monitor_id, sent))
    clock.advance(timedelta(days=8))
    async with storage.unit_of_work() as uow:
        tally(await services.labels.advance(uow, OPERATOR, monitor_id))
        await uow.commit()

    offline = np.abs(truth - predicted)[[n for n in range(N) if n not in never]]
    reference = parse_concept({"detector": "ADWIN"}).build()
    reference.update_many(offline)
    assert storage.concept_states[monitor_id].state == reference.to_state()
    assert reference.n_detections >= 1, "the errors must drift for the comparison to mean something"
    ghost_count = min(len(ghosts), len(batches))
    assert counted == {
        "joined": N - len(never),
        "unknown": len(early) + ghost_count,
        "expired_predictions": len(never),
        "expired_labels": ghost_count,
        "fed": N - len(never),
    }
    stored = storage.label_cursors[monitor_id]
    assert (stored.joined, stored.expired_predictions, stored.watermark) == (N - len(never), len(never), N)
    assert (storage.predictions, storage.pending_labels) == ({}, {})


def label(n: int, truth: np.ndarray[tuple[int], np.dtype[np.float64]]) -> dict[str, object]:
    return {"inference_id": f"i{n}", "label": float(truth[n])}
