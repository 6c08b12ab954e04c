"""Service benchmark: a run over a 30-day window of stored hourly summaries, through the API.

Starts ``aumos-drift serve`` on a fresh PostgreSQL database (as ``bench_api.py`` does), creates a monitor
of 20 numeric features whose window is the last 30 days, uploads a reference, then stores one hourly
summary for each of the last 720 hours (each the counts of 2,000 rows, written through the service's
own repository, as the roll-up would have left them) and times ``POST /runs``; then rolls the hours up
as the service does (days for all but the last two days) and times it again. The target is 100 ms.

Run: ``.venv/bin/python benchmarks/bench_summary_window.py [--hours 720]``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_api import N_FEATURES, _parquet, _table, admin_client
from tests import servers

from aumos_drift_detector.adapters.persistence.database import create_engine, create_session_factory
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork
from aumos_drift_detector.core.clock import SystemClock
from aumos_drift_detector.core.ingest.summary_rollup import SummaryRollup
from aumos_drift_detector.core.summaries import count_columns
from aumos_drift_detector.core.summaries.stored import HOUR, StoredSummary, SummaryKind, floor_to


async def _store_hours(database_url: str, monitor_id: uuid.UUID, hours: int) -> None:
    engine = create_engine(database_url)
    factory = create_session_factory(engine)
    rng = np.random.default_rng(5)
    now = floor_to(datetime.now(UTC), HOUR)
    try:
        async with SqlAlchemyUnitOfWork(factory) as uow:
            counts = await uow.summaries.reference("bench", monitor_id, 1)
            assert counts is not None
            for back in range(hours, 0, -1):
                start = now - back * HOUR
                columns = {f"f{i}": rng.normal(0.0, 1.0, 2000) for i in range(N_FEATURES)}
                summary = count_columns(counts.summary.layout, columns)
                await uow.summaries.add(
                    StoredSummary(
                        id=uuid.uuid4(),
                        tenant_id="bench",
                        monitor_id=monitor_id,
                        kind=SummaryKind.HOUR,
                        summary=summary,
                        period_start=start,
                        period_end=start + HOUR,
                        batches=1,
                    )
                )
            await uow.commit()
    finally:
        await engine.dispose()


async def _roll_up(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        return await SummaryRollup(
            lambda: SqlAlchemyUnitOfWork(create_session_factory(engine)), SystemClock()
        ).roll_up()
    finally:
        await engine.dispose()


def run(hours: int) -> None:
    rng = np.random.default_rng(20261130)
    with servers.postgres_database() as database_url, admin_client(database_url) as client:
        features = [{"name": f"f{i}", "kind": "numerical"} for i in range(N_FEATURES)]
        window = {"last_rows": None, "last_seconds": hours * 3600}
        body = {"name": "month", "model_id": "bench-model", "model_version": "1", "features": features}
        monitor = client.post("/api/v1/monitors", json={**body, "window": window}).json()
        url = f"/api/v1/monitors/{monitor['id']}"
        reference = _parquet(_table(rng, 100_000))
        client.put(url + "/reference", content=reference, headers={"Content-Type": "application/octet-stream"})
        asyncio.run(_store_hours(database_url, uuid.UUID(monitor["id"]), hours))
        for label in (f"{hours} hourly summaries", "after the roll-up (days + the last 48 hours)"):
            timings, detection = [], {}
            for _ in range(5):
                started = time.perf_counter()
                detection = client.post(url + "/runs").json()
                timings.append(time.perf_counter() - started)
            summary = detection["summary"]
            print(
                f"run over {summary['current_rows']:,} rows x {N_FEATURES} in {label}: "
                f"best {min(timings) * 1000:.1f} ms, median {sorted(timings)[2] * 1000:.1f} ms "
                f"({summary['stored_summaries']} summaries read, status {detection['status']})"
            )
            if label.startswith(str(hours)):
                asyncio.run(_roll_up(database_url))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=720, help="hours of summaries (default 720: 30 days)")
    run(parser.parse_args().hours)


if __name__ == "__main__":
    main()
