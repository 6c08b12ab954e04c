"""The stream consumer as a real process on the real broker, SIGKILLed at random points and restarted.

Whatever the points, the stored rows, the concept detectors' states, the label joins (predictions, their
joined errors fed in prediction order, the watermark) and the detections equal those of an uninterrupted run:
no record is lost and none is applied twice, because each batch's records and next offsets are committed in one
transaction.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
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
    labelled_monitor,
    produce,
    seeded_label_records,
    seeded_records,
    stored,
    stream_settings,
    uninterrupted,
)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SRC = Path(__file__).resolve().parents[3] / "src"
KILLS = 3


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest, postgres_available: str | None) -> Iterator[str]:
    """A fresh PostgreSQL database of this test."""
    if postgres_available is not None:
        servers.unavailable(postgres_available)
    request.node.user_properties.append(("server", "PostgreSQL"))
    with servers.postgres_database() as url:
        yield url


@pytest.fixture
def sqlite_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file of this test."""
    request.node.user_properties.append(("server", "SQLite"))
    return f"sqlite+aiosqlite:///{tmp_path / 'drift.db'}"


@pytest.fixture
def second_broker() -> Iterator[servers.Broker]:
    """Another fresh broker, so that the two databases' runs share nothing."""
    started = servers.start_tansu()
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def consumers() -> Iterator[list[subprocess.Popen[bytes]]]:
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


async def wait_until_consuming(process: subprocess.Popen[bytes]) -> None:
    """Wait until the consumer process logs that it consumes; its standard error is drained meanwhile and after."""
    consuming = threading.Event()

    def drain() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            if b"stream_consumer_started" in line:
                consuming.set()

    threading.Thread(target=drain, daemon=True).start()
    assert await asyncio.to_thread(consuming.wait, 60), "the consumer did not start consuming within 60 s"


async def killed_and_restarted(
    database_url: str, broker: servers.Broker, consumers: list[subprocess.Popen[bytes]], seed: int
) -> None:
    """Produce seeded records, SIGKILL consumers after random commits, finish with SIGTERM, compare."""
    environment = stream_settings(database_url, broker.bootstrap_servers)
    container = container_of(environment)
    try:
        monitors = [*await concept_monitors(container, 3), await labelled_monitor(container)]
        records = seeded_records(monitors[:3], per_topic=150, seed=seed)
        records += seeded_label_records(monitors[3], predictions=600, seed=seed)
        create_topics(broker.bootstrap_servers, OBSERVATIONS, OUTCOMES)
        produce(broker.bootstrap_servers, records)
        rng = np.random.default_rng(seed)
        done = 0
        for _ in range(KILLS):
            if done == len(records):
                break
            process = start_consumer(environment, consumers)
            await wait_for_progress(container, process, done)  # killed after its first commit, at a random point
            await asyncio.sleep(float(rng.uniform(0, 0.25)))
            process.send_signal(signal.SIGKILL)
            await asyncio.to_thread(process.wait, 10)
            done = await consumed(container, OBSERVATIONS, OUTCOMES)
        # The last consumer logs at info so the test can tell when it consumes (its SIGTERM handler is set by
        # then): the killed ones may have applied every record before it even started.
        process = start_consumer({**environment, "AUMOS_DRIFT_LOG_LEVEL": "INFO"}, consumers)
        await wait_until_consuming(process)
        await wait_for_progress(container, process, len(records) - 1)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(process.wait, 30) == 0
        reference, storage = await uninterrupted(container, monitors, records)
        assert await stored(container, monitors) == await stored(reference, monitors)
        assert storage.detections, "the error rate rises: the detectors must drift for the test to mean anything"
        joins = (await stored(reference, monitors))[monitors[3]][3]
        assert joins is not None
        assert joins[2] > 400, "most labels must join for the test to mean anything"
        assert await detections_stored(container) == len(storage.detections)
    finally:
        await container.close()


async def test_killed_and_restarted_consumers_store_what_an_uninterrupted_run_stores(
    sqlite_url: str,
    postgres_url: str,
    broker: servers.Broker,
    second_broker: servers.Broker,
    consumers: list[subprocess.Popen[bytes]],
) -> None:
    for url in (sqlite_url, postgres_url):  # migrations one at a time: Alembic's context is global
        container = container_of(stream_settings(url, broker.bootstrap_servers))
        await container.prepare_schema()
        await container.close()
    # SQLite and PostgreSQL side by side: the consumers of one start while those of the other work.
    await asyncio.gather(
        killed_and_restarted(sqlite_url, broker, consumers, seed=2026),
        killed_and_restarted(postgres_url, second_broker, consumers, seed=2027),
    )
