"""Stream benchmark: rows and outcomes per second from the ingest topics into PostgreSQL, beside REST Parquet.

Starts a fresh ``tansu`` broker and a fresh PostgreSQL database (``AUMOS_DRIFT_TEST_POSTGRES_URL``, default the
local server's ``test`` database) with three ADWIN monitors of the churn example (columns ``age`` and ``plan``),
each with a 5,000-row reference so every batch is also counted into its bins (``--without-reference``: not),
then, in one run:

1. **Backlog.** Produces ``--records`` observation records and as many outcome records (``--rows`` rows or
   outcome values each) and times the stream consumer, in this process, until every record is applied exactly
   once: from its start (joining the group included) and from its first commit.
2. **Latency.** With the consumer caught up, produces observation and outcome records at a steady
   ``--rate`` rows/s and ``--outcome-rate`` values/s for ``--seconds`` and reports the produce-to-stored
   latency (p50, p99, max) of every record (:mod:`stream_latency`).
3. **Delayed labels.** Predictions of a regression monitor on the observation topic, then their labels
   shuffled on the outcome topic: predictions stored and labels joined and fed to ADWIN per second
   (:mod:`stream_labels`).
4. **REST.** Stops the consumer, starts ``aumos-drift serve`` on the same database and posts the same kind of
   rows as Parquet batches of ``--rest-batch`` rows to ``POST /monitors/{id}/observations``.

Run: ``.venv/bin/python benchmarks/bench_streams.py [--records 5000] [--rows 200] [--batch 500]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_api import _parquet, _serve, _wait_ready
from benchmarks.stream_labels import measure as measure_labels
from benchmarks.stream_latency import OffsetReadings, latencies, produce_paced
from tests import servers
from tests.adapters.messaging.streams import (
    OBSERVATIONS,
    OUTCOMES,
    Produced,
    all_partitions,
    concept_monitors,
    consumed,
    container_of,
    create_topics,
    eventually,
    produce,
    stream_settings,
)
from tests.core.inputs import ADMIN, churn_rows, upload

from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.logging import configure_logging


def _ages(rows: int, rng: np.random.Generator) -> list[float]:
    return np.round(rng.normal(40, 10, rows), 1).tolist()  # type: ignore[no-any-return]


def _records(monitors: list[str], count: int, rows: int, rng: np.random.Generator, *, kind: str) -> list[Produced]:
    produced = []
    for n in range(count):
        monitor_id = monitors[n % len(monitors)]
        if kind == OBSERVATIONS:
            body: dict[str, object] = {"rows": [{"age": age, "plan": "pro"} for age in _ages(rows, rng)]}
        else:
            body = {"values": (rng.random(rows) < 0.2).astype(int).tolist()}
        body = {"tenant_id": "acme", "monitor_id": monitor_id, **body}
        produced.append(Produced(kind, monitor_id.encode(), json.dumps(body).encode()))
    return produced


def _interleaved(first: list[Produced], second: list[Produced]) -> list[Produced]:
    return [record for pair in zip(first, second, strict=True) for record in pair]


def _write(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


async def _backlog(
    container: Container, readings: OffsetReadings, count: int, started: float, args: argparse.Namespace
) -> None:
    await eventually(lambda: _applied(container, count), f"{count} records applied")
    first_commit = min(times[0] for times in readings.times.values())
    values = args.records * args.rows
    with_join, from_commit = time.time() - started, time.time() - first_commit
    _write(
        f"backlog: {count:,} records ({values:,} rows + {values:,} outcomes) in {with_join:.2f} s with the group "
        f"join, {from_commit:.2f} s from the first commit: {values / from_commit:,.0f} rows/s and "
        f"{values / from_commit:,.0f} outcomes/s at once ({count / from_commit:,.0f} records/s)"
    )


async def _applied(container: Container, count: int) -> bool:
    return await consumed(container, OBSERVATIONS, OUTCOMES) >= count


def _evenly(first: list[Produced], second: list[Produced]) -> list[Produced]:
    """Both lists merged so that each is spread evenly over the whole."""
    placed = [(n / len(first), 0, record) for n, record in enumerate(first)]
    placed += [(n / len(second), 1, record) for n, record in enumerate(second)]
    return [record for _, _, record in sorted(placed, key=lambda item: item[:2])]


async def _latency(
    container: Container, bootstrap: str, monitors: list[str], done: int, args: argparse.Namespace
) -> None:
    rng, rows = np.random.default_rng(2), args.rows
    observations = _records(monitors, int(args.rate * args.seconds / rows), rows, rng, kind=OBSERVATIONS)
    outcomes = _records(monitors, int(args.outcome_rate * args.seconds / rows), rows, rng, kind=OUTCOMES)
    paced = _evenly(observations, outcomes)
    readings, stop = OffsetReadings(all_partitions(OBSERVATIONS, OUTCOMES)), asyncio.Event()
    follower = asyncio.create_task(readings.follow(container, stop))
    sent = await asyncio.to_thread(produce_paced, bootstrap, paced, len(paced) / args.seconds)
    await eventually(lambda: _applied(container, done + len(paced)), "the paced records applied")
    stop.set()
    await follower
    seconds = latencies(sent, readings)
    p50, p99 = np.percentile(seconds, [50, 99])
    _write(
        f"latency at {args.rate:,.0f} rows/s + {args.outcome_rate:,.0f} outcomes/s for {args.seconds:.0f} s "
        f"({len(paced) / args.seconds:,.0f} records/s): produce to stored p50 {p50:.3f} s, p99 {p99:.3f} s, "
        f"max {np.max(seconds):.3f} s over {len(seconds):,} records"
    )


async def _labels(container: Container, bootstrap: str, args: argparse.Namespace) -> None:
    stored, joined = await measure_labels(container, bootstrap, args.label_predictions, args.rows)
    _write(
        f"delayed labels ({args.label_predictions:,} predictions, then their labels shuffled, {args.rows} a record): "
        f"predictions stored {stored.applied:,.0f}/s of batch time ({stored.end_to_end:,.0f}/s produce to stored); "
        f"labels joined and fed to ADWIN {joined.applied:,.0f}/s of batch time "
        f"({joined.end_to_end:,.0f}/s produce to fed)"
    )


def _rest(database_url: str, monitor_id: str, args: argparse.Namespace) -> None:
    rng, port = np.random.default_rng(3), servers.free_port()
    body = _parquet(pa.table({"age": _ages(args.rest_batch, rng), "plan": ["pro"] * args.rest_batch}))
    process = _serve(database_url, port)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(base, time.monotonic() + 60)
        command = [str(Path(sys.executable).parent / "aumos-drift"), "token", "--tenant", "acme", "--role", "operator"]
        token = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/vnd.apache.parquet"}
        with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
            started = time.perf_counter()
            for _ in range(args.rest_batches):
                url = f"/api/v1/monitors/{monitor_id}/observations"
                client.post(url, content=body, headers={"Idempotency-Key": str(uuid.uuid4())}).raise_for_status()
            seconds = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
    rows = args.rest_batch * args.rest_batches
    _write(
        f"REST Parquet: {rows:,} rows in batches of {args.rest_batch:,} in {seconds:.2f} s: "
        f"{rows / seconds:,.0f} rows/s"
    )


async def _references(container: Container, monitors: list[str]) -> None:
    """Give each monitor a reference (5,000 rows of the churn example), as production monitors have."""
    services = container.services()
    for seed, monitor_id in enumerate(monitors):
        rows = churn_rows(seed, 5000)
        await services.datasets.replace_reference(ADMIN, uuid.UUID(monitor_id), upload(rows))


async def _measure(database_url: str, args: argparse.Namespace) -> None:
    broker = servers.start_tansu()
    try:
        environment = stream_settings(database_url, broker.bootstrap_servers)
        environment["AUMOS_DRIFT_KAFKA_CONSUMER_MAX_RECORDS"] = str(args.batch)
        environment["AUMOS_DRIFT_KAFKA_CONSUMER_MAX_WAIT_SECONDS"] = str(args.wait)
        environment["AUMOS_DRIFT_KAFKA_CONSUMER_MAX_BATCH_BYTES"] = str(args.batch_bytes)
        container = container_of(environment)
        await container.prepare_schema()
        monitors = [str(monitor_id) for monitor_id in await concept_monitors(container, 3)]
        if not args.without_reference:  # each batch is then also counted into the reference's bins
            await _references(container, monitors)
        rng = np.random.default_rng(1)
        observations = _records(monitors, args.records, args.rows, rng, kind=OBSERVATIONS)
        backlog = _interleaved(observations, _records(monitors, args.records, args.rows, rng, kind=OUTCOMES))
        create_topics(broker.bootstrap_servers, OBSERVATIONS, OUTCOMES)
        produce(broker.bootstrap_servers, backlog)
        readings, stop = OffsetReadings(all_partitions(OBSERVATIONS, OUTCOMES)), asyncio.Event()
        started = time.time()
        consumer, follower = (
            asyncio.create_task(container.consume(stop)),
            asyncio.create_task(readings.follow(container, stop)),
        )
        try:
            await _backlog(container, readings, len(backlog), started, args)
            await _latency(container, broker.bootstrap_servers, monitors, len(backlog), args)
            await _labels(container, broker.bootstrap_servers, args)
        finally:
            stop.set()
            await asyncio.gather(consumer, follower)
            await container.close()
    finally:
        broker.stop()
    _rest(database_url, monitors[0], args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000, help="backlog records per topic")
    parser.add_argument("--rows", type=int, default=200, help="rows (or outcome values) per record")
    parser.add_argument("--batch", type=int, default=500, help="most records per consumer batch (the service default)")
    parser.add_argument(
        "--batch-bytes", type=int, default=16 * 1024 * 1024, help="most value bytes per transaction (the default)"
    )
    parser.add_argument(
        "--without-reference", action="store_true", help="monitors without a reference: batches are not counted"
    )
    parser.add_argument("--wait", type=float, default=0.25, help="longest wait for a consumer batch, seconds")
    parser.add_argument("--rate", type=float, default=200_000, help="paced observation rows per second")
    parser.add_argument("--outcome-rate", type=float, default=50_000, help="paced outcome values per second")
    parser.add_argument("--seconds", type=float, default=10, help="how long records are paced")
    parser.add_argument("--label-predictions", type=int, default=50_000, help="predictions, then as many labels")
    parser.add_argument("--rest-batch", type=int, default=10_000, help="rows per REST Parquet batch")
    parser.add_argument("--rest-batches", type=int, default=20, help="REST Parquet batches posted")
    args = parser.parse_args()
    configure_logging(level=os.environ.get("BENCH_LOG_LEVEL", "WARNING"))
    with servers.postgres_database() as url:
        asyncio.run(_measure(url, args))


if __name__ == "__main__":
    main()
