"""Delayed labels on the real broker: predictions and shuffled labels on their topics, errors fed in prediction order.

However the consumer's polls interleave the two topics, the detector ends in the state of a fresh detector fed
the offline errors of the labelled predictions in prediction order.
"""

from __future__ import annotations

import json
import uuid

import numpy as np
import pytest

from aumos_drift_detector.core.concept.config import parse_concept
from tests import servers
from tests.adapters.messaging.streams import (
    OBSERVATIONS,
    OUTCOMES,
    Produced,
    container_of,
    create_topics,
    produce,
    run_until_applied,
    stream_settings,
)
from tests.conftest import DatabaseTarget
from tests.core.inputs import ADMIN, draft

pytestmark = pytest.mark.integration

N = 200


def record(topic: str, monitor_id: uuid.UUID, body: dict[str, object]) -> Produced:
    value = json.dumps({"tenant_id": "acme", "monitor_id": str(monitor_id), **body}).encode()
    return Produced(topic, str(monitor_id).encode(), value)


async def test_labels_on_the_stream_feed_the_offline_errors_in_prediction_order(
    database: DatabaseTarget, broker: servers.Broker
) -> None:
    container = container_of(stream_settings(database.url, broker.bootstrap_servers))
    await container.prepare_schema()
    try:
        config = parse_concept({"detector": "ADWIN", "error": "squared"})
        monitor_id = (await container.services().monitors.create(ADMIN, draft(concept=config))).id
        rng = np.random.default_rng(31)
        predicted, truth = rng.normal(0, 1, N).round(3), rng.normal(0.5, 1, N).round(3)
        order = rng.permutation(N)
        never = set(order[:20].tolist())
        labelled = [int(n) for n in order[20:]]
        sent = []
        for start in range(0, N, 10):
            rows = [
                {"age": 40, "plan": "pro", "inference_id": f"i{n}", "prediction": float(predicted[n])}
                for n in range(start, start + 10)
            ]
            sent.append(record(OBSERVATIONS, monitor_id, {"rows": rows}))
        for start in range(0, len(labelled), 12):
            labels = [{"inference_id": f"i{n}", "label": float(truth[n])} for n in labelled[start : start + 12]]
            sent.append(
                record(OUTCOMES, monitor_id, {"labels": [*labels, {"inference_id": f"ghost{start}", "label": 0}]})
            )
        create_topics(broker.bootstrap_servers, OBSERVATIONS, OUTCOMES)
        produce(broker.bootstrap_servers, sent)

        await run_until_applied(container, container.consume, len(sent))

        offline = ((truth - predicted) ** 2)[[n for n in range(N) if n not in never]]
        reference = parse_concept({"detector": "ADWIN"}).build()
        reference.update_many(offline[: min(never)])
        async with container.unit_of_work() as uow:
            checkpoint = await uow.concept_states.get("acme", monitor_id)
            cursor = await uow.labels.cursor("acme", monitor_id)
        assert checkpoint is not None
        assert cursor is not None
        assert checkpoint.state == reference.to_state()
        ghosts = len(range(0, len(labelled), 12))
        assert (cursor.next_sequence, cursor.watermark, cursor.joined, cursor.duplicates) == (N, min(never), N - 20, 0)
        assert cursor.unknown >= ghosts
        counted = {
            metric.name: sum(sample.value for sample in metric.samples if sample.name.endswith("_total"))
            for metric in container.registry.collect()
        }
        assert counted["aumos_drift_stream_label_joins"] == cursor.joined
        assert counted["aumos_drift_stream_unknown_labels"] == cursor.unknown
        assert counted["aumos_drift_stream_expired_predictions"] == 0
        by_source = {
            (metric.name, sample.labels.get("source")): sample.value
            for metric in container.registry.collect()
            for sample in metric.samples
            if sample.name.endswith("_total")
        }
        assert by_source[("aumos_drift_label_joins", "stream")] == cursor.joined
        assert by_source[("aumos_drift_label_predictions", "stream")] == N
        assert by_source[("aumos_drift_label_errors_fed", "stream")] == min(never)
    finally:
        await container.close()
