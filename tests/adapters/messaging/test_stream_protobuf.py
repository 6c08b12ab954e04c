"""Protobuf records on the real broker are consumed and stored exactly like their JSON twins."""

from __future__ import annotations

import json
import uuid

import numpy as np
import pytest

from aumos_drift_detector.adapters.messaging.dead_letter import REASON_HEADER
from aumos_drift_detector.core.streams.model import DeadLetterReason
from tests import servers
from tests.adapters.messaging.protobuf_records import PROTOBUF_HEADERS, observation, outcome
from tests.adapters.messaging.streams import (
    DEAD_LETTERS,
    OBSERVATIONS,
    OUTCOMES,
    Produced,
    concept_monitors,
    container_of,
    create_topics,
    produce,
    run_until_applied,
    stored,
    stream_settings,
)
from tests.conftest import DatabaseTarget
from tests.core.inputs import ADMIN

pytestmark = pytest.mark.integration

#: The model version of the churn monitors (``tests.core.inputs.draft``).
MODEL = {"tenant_id": "acme", "model_id": "churn-model", "model_version": "3"}


def twins(
    json_monitor: uuid.UUID, protobuf_monitor: uuid.UUID, *, count: int, seed: int
) -> tuple[list[Produced], int, int]:
    """Seeded records, each as JSON for one monitor and as Protobuf for the other, and some for the model.

    Everything goes to partition 0, so both monitors see their records and the model's in one order.
    Returns the records, and the rows and outcome values each monitor should end up with.
    """
    rng = np.random.default_rng(seed)
    produced: list[Produced] = []
    expected_rows = expected_values = 0

    def both(topic: str, body: dict[str, object], protobuf: bytes) -> None:
        produced.append(Produced(topic, b"json", json.dumps(body).encode(), 0))
        produced.append(Produced(topic, b"protobuf", protobuf, 0, PROTOBUF_HEADERS))

    for n in range(count):
        ages = np.round(rng.normal(40, 10, int(rng.integers(1, 9))), 1)
        rows = [{"age": float(age), "plan": str(rng.choice(["basic", "pro", "team"]))} for age in ages]
        values = [float(x) for x in rng.random(int(rng.integers(20, 60))) < (0.1 if n < count // 2 else 0.6)]
        json_address = {"tenant_id": "acme", "monitor_id": str(json_monitor)}
        protobuf_address = {"tenant_id": "acme", "monitor_id": str(protobuf_monitor)}
        both(OBSERVATIONS, {**json_address, "rows": rows}, observation(protobuf_address, rows))
        both(OUTCOMES, {**json_address, "values": values}, outcome(protobuf_address, values))
        expected_rows, expected_values = expected_rows + len(rows), expected_values + len(values)
        if n % 5 == 4:  # addressed to the model: each of its two monitors gets it
            produced.append(Produced(OBSERVATIONS, b"model", observation(MODEL, rows), 0, PROTOBUF_HEADERS))
            produced.append(Produced(OUTCOMES, b"model", outcome(MODEL, values[:7]), 0, PROTOBUF_HEADERS))
            expected_rows, expected_values = expected_rows + len(rows), expected_values + 7
    return produced, expected_rows, expected_values


async def test_protobuf_records_are_stored_like_their_json_twins(
    database: DatabaseTarget, broker: servers.Broker
) -> None:
    container = container_of(stream_settings(database.url, broker.bootstrap_servers))
    await container.prepare_schema()
    try:
        json_monitor, protobuf_monitor = await concept_monitors(container, 2)
        sent, expected_rows, expected_values = twins(json_monitor, protobuf_monitor, count=20, seed=13)
        sent.append(Produced(OUTCOMES, b"protobuf", b"\xff\xff\xff", 0, PROTOBUF_HEADERS))
        create_topics(broker.bootstrap_servers, OBSERVATIONS, OUTCOMES)
        produce(broker.bootstrap_servers, sent)

        await run_until_applied(container, container.consume, len(sent))

        found = await stored(container, [json_monitor, protobuf_monitor])
        assert found[protobuf_monitor] == found[json_monitor]
        rows, ages, state, _ = found[json_monitor]
        assert (rows, len(ages), state is not None) == (expected_rows, expected_rows, True)
        for monitor_id in (json_monitor, protobuf_monitor):
            assert (await container.services().concept.status(ADMIN, monitor_id)).n_seen == expected_values
        (letter,) = servers.consume_all(broker.bootstrap_servers, DEAD_LETTERS, expected=1)
        headers = dict(letter.headers())
        assert letter.value() == b"\xff\xff\xff"
        assert headers[REASON_HEADER] == DeadLetterReason.UNPARSEABLE.value.encode()
        assert headers["content-type"] == b"application/x-protobuf"  # kept, so the bytes can still be read
    finally:
        await container.close()
