"""The expiry pass: monitors whose traffic stopped still expire their predictions and labels and feed what waited."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from aumos_drift_detector.adapters.api.context import Services
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.labels.expiry import ExpiryPass, LabelExpiry
from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage
from tests.core.inputs import OPERATOR
from tests.core.labels.test_delayed_labels import cursor, fed_state, labelled_monitor, predict


async def test_a_silent_monitor_expires_its_blocking_prediction_and_feeds_the_errors_behind_it(
    services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    monitor_id = await labelled_monitor(services)
    idle_id = await labelled_monitor(services)
    rows = [{"inference_id": f"i{n}", "prediction": float(n)} for n in range(3)]
    await predict(services, storage, monitor_id, rows)
    labels = [
        {"inference_id": "i0", "label": 0.5},
        {"inference_id": "i2", "label": 4.0},
        {"inference_id": "x", "label": 1},
    ]
    await services.labels.ingest_labels(OPERATOR, monitor_id, labels)
    expiry = LabelExpiry(storage.unit_of_work, services.labels)

    # Nothing is due yet: the pass touches the waiting monitor only, and changes nothing.
    assert await expiry.sweep() == ExpiryPass(monitors=1)
    assert cursor(storage, monitor_id).watermark == 1

    clock.advance(timedelta(days=7, seconds=1))
    done = await expiry.sweep()

    assert done == ExpiryPass(monitors=1, expired_predictions=1, expired_labels=1, fed=1)
    detector = parse_concept({"detector": "ADWIN"}).build()
    detector.update_many(np.array([0.5, 2.0]))
    assert fed_state(storage, monitor_id) == detector.to_state()
    stored = cursor(storage, monitor_id)
    assert (stored.watermark, stored.expired_predictions, stored.expired_labels) == (3, 1, 1)
    assert (storage.predictions, storage.pending_labels) == ({}, {})
    assert idle_id not in storage.label_cursors
    # Nothing waits any more: the next pass has no monitor to advance.
    assert await expiry.sweep() == ExpiryPass()


async def test_a_monitor_deleted_meanwhile_is_counted_as_failed_and_the_others_still_advance(
    services: Services, storage: InMemoryStorage, clock: FixedClock
) -> None:
    gone_id = await labelled_monitor(services)
    kept_id = await labelled_monitor(services)
    for monitor_id in (gone_id, kept_id):
        await predict(services, storage, monitor_id, [{"inference_id": "a", "prediction": 1.0}])
    storage.monitors.pop(gone_id)
    clock.advance(timedelta(days=8))

    done = await LabelExpiry(storage.unit_of_work, services.labels).sweep()

    assert (done.monitors, done.failed, done.expired_predictions) == (1, 1, 1)
    assert cursor(storage, kept_id).expired_predictions == 1
