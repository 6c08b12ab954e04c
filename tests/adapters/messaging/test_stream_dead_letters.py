"""Poisoned records on the real broker go to the dead-letter topic with their reason; the later ones are applied."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from aumos_drift_detector.adapters.messaging.dead_letter import ERROR_HEADER, REASON_HEADER
from aumos_drift_detector.core.streams.model import DeadLetterReason
from tests import servers
from tests.adapters.messaging.streams import (
    DEAD_LETTERS,
    OBSERVATIONS,
    OUTCOMES,
    Produced,
    concept_monitors,
    consumed,
    container_of,
    create_topics,
    eventually,
    outcomes,
    produce,
    rows,
    run_until_applied,
    stream_settings,
)
from tests.conftest import DatabaseTarget
from tests.core.inputs import ADMIN

pytestmark = pytest.mark.integration


def record(topic: str, monitor_id: uuid.UUID, value: bytes) -> Produced:
    return Produced(topic, str(monitor_id).encode(), value)


async def test_poisoned_records_are_dead_lettered_with_their_reason_and_do_not_block_the_partition(
    database: DatabaseTarget, broker: servers.Broker
) -> None:
    container = container_of(stream_settings(database.url, broker.bootstrap_servers))
    await container.prepare_schema()
    try:
        (monitor_id,) = await concept_monitors(container, 1)
        poisoned = {
            b'{"tenant_id": "acme", "values": [0, 1': DeadLetterReason.UNPARSEABLE,
            outcomes(uuid.uuid4(), [0, 1]): DeadLetterReason.UNKNOWN_MONITOR,
            outcomes(monitor_id, [0, "one"]): DeadLetterReason.INVALID_RECORD,
        }
        sent = [record(OUTCOMES, monitor_id, outcomes(monitor_id, [0, 1, 0]))]
        sent += [record(OUTCOMES, monitor_id, value) for value in poisoned]
        sent += [record(OUTCOMES, monitor_id, outcomes(monitor_id, [1, 1]))]
        sent += [
            record(OBSERVATIONS, monitor_id, rows(monitor_id, [30.5, 41])),
            record(OBSERVATIONS, monitor_id, rows(monitor_id, ["old"])),
        ]
        sent += [record(OBSERVATIONS, monitor_id, rows(monitor_id, [52]))]
        create_topics(broker.bootstrap_servers, OBSERVATIONS, OUTCOMES)
        produce(broker.bootstrap_servers, sent)

        await run_until_applied(container, container.consume, len(sent))

        letters = servers.consume_all(broker.bootstrap_servers, DEAD_LETTERS, expected=4)
        found = {message.value(): dict(message.headers()) for message in letters}
        expected = {**poisoned, rows(monitor_id, ["old"]): DeadLetterReason.REJECTED}
        assert {value: headers[REASON_HEADER].decode() for value, headers in found.items()} == {
            value: reason.value for value, reason in expected.items()
        }
        assert b"'age'" in found[rows(monitor_id, ["old"])][ERROR_HEADER]
        assert all(message.key() == str(monitor_id).encode() for message in letters)
        status = await container.services().concept.status(ADMIN, monitor_id)
        assert status.n_seen == 5  # [0, 1, 0] before the poison and [1, 1] after it
        async with container.unit_of_work() as uow:
            assert await uow.observations.received_rows("acme", monitor_id, since=None, until=None) == 3
        lags = [
            sample.value
            for metric in container.registry.collect()
            if metric.name == "aumos_drift_stream_lag"
            for sample in metric.samples
        ]
        assert lags, "the lag of each consumed partition is published"
        assert all(lag == 0 for lag in lags)
        key = str(monitor_id)  # every poisoned record is keyed by the monitor it names: counted per monitor
        for reason in DeadLetterReason:
            labels = {"reason": reason, "key": key}
            count = container.registry.get_sample_value("aumos_drift_stream_dead_letters_total", labels)
            assert count == (list(expected.values()).count(reason) or None)
    finally:
        await container.close()


async def test_serve_runs_the_consumer_among_its_background_loops_when_enabled(
    tmp_path: Path, broker: servers.Broker
) -> None:
    environment = stream_settings(f"sqlite+aiosqlite:///{tmp_path / 'drift.db'}", broker.bootstrap_servers)
    container = container_of({**environment, "AUMOS_DRIFT_KAFKA_CONSUME_IN_SERVE": "true"})
    await container.prepare_schema()
    try:
        (monitor_id,) = await concept_monitors(container, 1)
        create_topics(broker.bootstrap_servers, OBSERVATIONS, OUTCOMES)
        produce(broker.bootstrap_servers, [record(OUTCOMES, monitor_id, outcomes(monitor_id, [0, 1, 1]))])
        await container.start_background()
        try:

            async def applied() -> bool:
                return await consumed(container, OBSERVATIONS, OUTCOMES) == 1

            await eventually(applied, "serve's consumer applies the record")
            (check,) = [check for check in container.health_checks if check.name == "stream_consumer"]
            await check.check()
            assert len(container.stream_status.assignment) == 6
        finally:
            await container.stop_background()
        assert (await container.services().concept.status(ADMIN, monitor_id)).n_seen == 3
    finally:
        await container.close()
