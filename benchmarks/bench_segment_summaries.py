"""Segment summaries benchmark: a segmented monitor's large window read from summaries against read from rows.

Starts ``aumos-drift serve`` on a fresh PostgreSQL database twice, alternating: once with the default
(windows of at least 100,000 rows read from stored summaries, segments included) and once reading every
window from rows (``AUMOS_DRIFT_SUMMARY_MIN_ROWS`` above the rows). Each time it creates a monitor of 20
numeric features segmented by ``region`` (``--segments`` values), uploads a reference of ``--reference``
rows, posts ``--rows`` rows in Parquet batches of 100,000 (each counted on arrival, per segment too, on the
summary side), and times ``POST /runs``. It also times the same ingest into a monitor without segments, so
the cost of counting per segment on arrival is read beside it.

Run: ``.venv/bin/python benchmarks/bench_segment_summaries.py [--rows 1000000] [--rounds 2]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_api import N_FEATURES, _parquet, _table, admin_client
from tests import servers

PARQUET = {"Content-Type": "application/vnd.apache.parquet"}
CHUNK = 100_000
MODES = {"summaries": {}, "rows": {"AUMOS_DRIFT_SUMMARY_MIN_ROWS": str(10**12)}}


def _with_regions(table: pa.Table, segments: int, rng: np.random.Generator) -> pa.Table:
    regions = np.array([f"r{index}" for index in range(segments)], dtype=object)[
        rng.integers(0, segments, table.num_rows)
    ]
    return table.append_column("region", pa.array(regions, pa.string()))


def _monitor(client: httpx.Client, segmented: bool) -> str:
    body: dict[str, Any] = {
        "name": "segments", "model_id": "m", "model_version": "1",
        "features": [{"name": f"f{i}", "kind": "numerical"} for i in range(N_FEATURES)],
        "window": {"last_rows": None, "last_seconds": 86_400, "min_rows": 30},
    }  # fmt: skip
    if segmented:
        body["segments"] = {"by": ["region"], "min_rows": 100}
    return f"/api/v1/monitors/{client.post('/api/v1/monitors', json=body).json()['id']}"


def _ingest(client: httpx.Client, url: str, reference: bytes, batches: list[bytes]) -> float:
    client.put(f"{url}/reference", content=reference, headers=PARQUET).raise_for_status()
    started = time.perf_counter()
    for index, body in enumerate(batches):
        headers = {**PARQUET, "Idempotency-Key": f"b{index}"}
        client.post(f"{url}/observations", content=body, headers=headers).raise_for_status()
    return CHUNK * len(batches) / (time.perf_counter() - started)


def _round(env: dict[str, str], reference: bytes, batches: list[bytes]) -> tuple[float, float, float, int]:
    with servers.postgres_database() as database_url, admin_client(database_url, extra_env=env) as client:
        plain = _ingest(client, _monitor(client, False), reference, batches)
        url = _monitor(client, True)
        segmented = _ingest(client, url, reference, batches)
        started = time.perf_counter()
        detection = client.post(f"{url}/runs").json()
        seconds = time.perf_counter() - started
    return plain, segmented, seconds, len(detection["segments"]["segments"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="window rows (default 1,000,000)")
    parser.add_argument("--reference", type=int, default=100_000, help="reference rows (default 100,000)")
    parser.add_argument("--segments", type=int, default=8, help="region values (default 8)")
    parser.add_argument("--rounds", type=int, default=2, help="alternated rounds (default 2)")
    args = parser.parse_args()
    rng = np.random.default_rng(20261130)
    reference = _parquet(_with_regions(_table(rng, args.reference), args.segments, rng))
    batches = [
        _parquet(_with_regions(_table(rng, CHUNK, shift=0.02), args.segments, rng)) for _ in range(args.rows // CHUNK)
    ]
    found: dict[str, list[tuple[float, float, float, int]]] = {mode: [] for mode in MODES}
    for _ in range(args.rounds):
        for mode, env in MODES.items():
            found[mode].append(_round(env, reference, batches))
    print(f"{args.rows:,} x {N_FEATURES} rows in batches of {CHUNK:,}, {args.segments} segments, {args.rounds} rounds")
    for mode, rounds in found.items():
        plain, segmented, seconds, tested = (statistics.median(values) for values in zip(*rounds, strict=True))
        print(
            f"  windows read from {mode:<9}: ingest {plain:,.0f} rows/s without segments, {segmented:,.0f} with; "
            f"run of the segmented monitor {seconds:.2f} s ({tested:.0f} segments)"
        )


if __name__ == "__main__":
    main()
