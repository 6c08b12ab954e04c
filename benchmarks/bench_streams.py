"""Stream benchmark: records, rows and outcomes per second from the ingest topics into PostgreSQL.

Starts a fresh ``tansu`` broker and a fresh PostgreSQL database (``AUMOS_DRIFT_TEST_POSTGRES_URL``, default the
local server's ``test`` database), produces ``--records`` observation records and as many outcome records
(``--rows`` rows or outcome values each) for three ADWIN monitors, then times the stream consumer, in this process,
from its start (including joining the group) until every record is applied exactly once.

Run: ``.venv/bin/python benchmarks/bench_streams.py [--records 1000] [--rows 200] [--batch 500]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests import servers
from tests.adapters.messaging.streams import (
    OBSERVATIONS,
    OUTCOMES,
    Produced,
    concept_monitors,
    container_of,
    create_topics,
    produce,
    run_until_applied,
    stream_settings,
)

from aumos_drift_detector.logging import configure_logging


def _records(monitors: list[str], count: int, rows: int, rng: np.random.Generator) -> list[Produced]:
    produced = []
    for n in range(count):
        monitor_id = monitors[n % len(monitors)]
        ages = np.round(rng.normal(40, 10, rows), 1).tolist()
        body = {"tenant_id": "acme", "monitor_id": monitor_id, "rows": [{"age": a, "plan": "pro"} for a in ages]}
        produced.append(Produced(OBSERVATIONS, monitor_id.encode(), json.dumps(body).encode()))
        values = (rng.random(rows) < 0.2).astype(int).tolist()
        body = {"tenant_id": "acme", "monitor_id": monitor_id, "values": values}
        produced.append(Produced(OUTCOMES, monitor_id.encode(), json.dumps(body).encode()))
    return produced


async def _measure(database_url: str, args: argparse.Namespace) -> None:
    broker = servers.start_tansu()
    try:
        environment = stream_settings(database_url, broker.bootstrap_servers)
        environment["AUMOS_DRIFT_KAFKA_CONSUMER_MAX_RECORDS"] = str(args.batch)
        container = container_of(environment)
        await container.prepare_schema()
        monitors = [str(monitor_id) for monitor_id in await concept_monitors(container, 3)]
        records = _records(monitors, args.records, args.rows, np.random.default_rng(1))
        create_topics(broker.bootstrap_servers, OBSERVATIONS, OUTCOMES)
        produce(broker.bootstrap_servers, records)
        started = time.perf_counter()
        await run_until_applied(container, container.consume, len(records))
        seconds = time.perf_counter() - started
        await container.close()
    finally:
        broker.stop()
    values = args.records * args.rows
    sys.stdout.write(
        f"{len(records)} records in {seconds:.1f} s (with the group join): {len(records) / seconds:,.0f} records/s, "
        f"{values / seconds:,.0f} rows/s and {values / seconds:,.0f} outcomes/s into PostgreSQL\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000, help="records per topic")
    parser.add_argument("--rows", type=int, default=200, help="rows (or outcome values) per record")
    parser.add_argument("--batch", type=int, default=500, help="most records per consumer batch")
    args = parser.parse_args()
    configure_logging(level="WARNING")
    with servers.postgres_database() as url:
        asyncio.run(_measure(url, args))


if __name__ == "__main__":
    main()
