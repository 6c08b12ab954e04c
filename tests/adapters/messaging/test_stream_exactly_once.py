"""The stream consumer as a real process on the real broker, SIGKILLed at random points and restarted.

Whatever the points, the stored rows, the concept detectors' states and their detections equal those of
an uninterrupted run: no record is lost and none is applied twice, because each batch's records and
next offsets are committed in one transaction.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from aumos_drift_detector.bootstrap import Container
from tests import servers
from tests.adapters.messaging.streams import (
    OBSERVATIONS,
    OUTCOMES,
    concept_monitors,
    consumed,
    container_of,
    create_topics,
    detections_stored,
    produce,
    seeded_records,
    stored,
    stream_settings,
    uninterrupted,
)
from tests.conftest import DatabaseTarget

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SRC = Path(__file__).resolve().parents[3] / "src"
KILLS = 3


@pytest.fixture
def environment(database: DatabaseTarget, broker: servers.Broker) -> dict[str, str]:
    return stream_settings(database.url, broker.bootstrap_servers)


@pytest.fixture
def consumers(environment: dict[str, str]) -> Iterator[list[subprocess.Popen[bytes]]]:
    """The consumer processes a test starts; any still running at the end is killed."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def start_consumer(environment: dict[str, str], started: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    env = {**os.environ, **environment, "PYTHONPATH": f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    command = [sys.executable, "-m", "aumos_drift_detector.cli", "consume"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started.append(process)
    return process


async def wait_for_progress(container: Container, process: subprocess.Popen[bytes], beyond: int) -> int:
    """Wait until the group has applied more than ``beyond`` records; return how many."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = await consumed(container, OBSERVATIONS, OUTCOMES)
        if done > beyond:
            return done
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else "consumer exited"
        await asyncio.sleep(0.05)
    pytest.fail(f"the consumer applied nothing beyond {beyond} records within 60 s")


async def test_killed_and_restarted_consumers_store_what_an_uninterrupted_run_stores(
    environment: dict[str, str], broker: servers.Broker, consumers: list[subprocess.Popen[bytes]]
) -> None:
    container = container_of(environment)
    await container.prepare_schema()
    try:
        monitors = await concept_monitors(container, 3)
        records = seeded_records(monitors, per_topic=150, seed=2026)
        create_topics(broker.bootstrap_servers, OBSERVATIONS, OUTCOMES)
        produce(broker.bootstrap_servers, records)
        rng = np.random.default_rng(7)
        done = 0
        for _ in range(KILLS):
            if done == len(records):
                break
            process = start_consumer(environment, consumers)
            await wait_for_progress(container, process, done)  # killed after its first commit, at a random point
            await asyncio.sleep(float(rng.uniform(0, 0.25)))
            process.send_signal(signal.SIGKILL)
            process.wait(10)
            done = await consumed(container, OBSERVATIONS, OUTCOMES)
        process = start_consumer(environment, consumers)
        await wait_for_progress(container, process, len(records) - 1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        reference, storage = await uninterrupted(container, monitors, records)
        assert await stored(container, monitors) == await stored(reference, monitors)
        assert storage.detections, "the error rate rises: the detectors must drift for the test to mean anything"
        assert await detections_stored(container) == len(storage.detections)
    finally:
        await container.close()
