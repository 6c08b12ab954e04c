"""Label-join benchmark: predictions stored and labels joined and fed per second on a fresh PostgreSQL database.

Creates one ADWIN monitor with ``"error": "absolute"`` in a fresh database (``AUMOS_DRIFT_TEST_POSTGRES_URL``,
default the local server's ``test`` database), stores ``--count`` predictions in batches of ``--batch`` through
``DelayedLabels.ingest_predictions``, then sends their labels shuffled, in batches of the same size, through
``ingest_labels``: each batch joins its labels, advances the watermark and feeds the errors in one transaction.
The detector's kernel is compiled before the clock starts (a process compiles it once), and what start-up
allocated is frozen out of the garbage collector's sight, as the ``serve`` and ``consume`` processes do. With
``--analyze`` the predictions table is analyzed between the two phases (as autovacuum would on a live table);
without it the planner sees a table it has no statistics of.

Run: ``.venv/bin/python benchmarks/bench_labels.py [--count 50000] [--batch 5000] [--analyze]``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from pathlib import Path

import numpy as np
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests import servers
from tests.core.inputs import ADMIN, OPERATOR, draft

from aumos_drift_detector.bootstrap import bootstrap
from aumos_drift_detector.core.concept import ADWIN
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.logging import configure_logging
from aumos_drift_detector.settings import load_settings


async def run(url: str, count: int, batch: int, *, analyze: bool) -> tuple[float, float, int]:
    """Predictions per second, labels joined and fed per second, and the errors fed."""
    container = bootstrap(load_settings(database_url=url, kafka_bootstrap_servers=None, scheduler_enabled=False))
    await container.prepare_schema()
    services = container.services()
    gc.collect()
    gc.freeze()  # as `aumos-drift serve` and `consume` do once started
    config = parse_concept({"detector": "ADWIN", "error": "absolute"})
    monitor_id = (await services.monitors.create(ADMIN, draft(concept=config))).id
    rng = np.random.default_rng(1)
    predicted, truth = rng.normal(size=count), rng.normal(size=count)
    started = time.perf_counter()
    for start in range(0, count, batch):
        rows = [{"inference_id": f"i{n}", "prediction": float(predicted[n])} for n in range(start, start + batch)]
        await services.labels.ingest_predictions(OPERATOR, monitor_id, rows)
    stored = time.perf_counter() - started
    if analyze and container.engine is not None:
        async with container.engine.begin() as connection:
            await connection.execute(text("ANALYZE drf_predictions"))
    order, fed = rng.permutation(count), 0
    started = time.perf_counter()
    for start in range(0, count, batch):
        labels = [{"inference_id": f"i{n}", "label": float(truth[n])} for n in order[start : start + batch]]
        fed += (await services.labels.ingest_labels(OPERATOR, monitor_id, labels)).fed
    joined = time.perf_counter() - started
    await container.close()
    return count / stored, count / joined, fed


def main() -> None:
    """Parse the arguments, run once on a fresh database, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--analyze", action="store_true")
    arguments = parser.parse_args()
    configure_logging(level="WARNING")
    # Compile the detector's kernel first: a process does it once, not once per batch.
    ADWIN().update_many([0.0, 1.0] * 20)
    with servers.postgres_database() as url:
        predictions, labels, fed = asyncio.run(run(url, arguments.count, arguments.batch, analyze=arguments.analyze))
    sys.stdout.write(f"predictions stored: {predictions:,.0f}/s\n")
    sys.stdout.write(f"labels joined and fed: {labels:,.0f}/s ({fed:,} errors fed)\n")


if __name__ == "__main__":
    main()
