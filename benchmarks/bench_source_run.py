"""Service benchmark: runs of a monitor whose source is a Parquet dataset, counted by DuckDB.

Writes ``--rows`` x 20 float64 columns as Parquet files to a temporary directory (five columns
shifted by 0.05 SD), starts ``aumos-drift serve`` on a fresh PostgreSQL database, creates a monitor
with ``{"engine": "duckdb", "paths": [<glob>]}``, uploads a 100,000-row reference, then times
``POST /runs`` over real HTTP: each run fixes the layout from the reference profile, counts every
file into it and checks the 20 features from the counts. No observations are uploaded.

Run: ``.venv/bin/python benchmarks/bench_source_run.py [--rows 10000000] [--quick]``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_api import N_FEATURES, _parquet, _table, admin_client
from benchmarks.bench_rolling import _timed_runs
from tests import servers

REFERENCE_ROWS = 100_000
FILE_ROWS = 1_000_000


def _write(directory: Path, rng: np.random.Generator, rows: int) -> float:
    started = time.perf_counter()
    for part, start in enumerate(range(0, rows, FILE_ROWS)):
        pq.write_table(_table(rng, min(FILE_ROWS, rows - start), shift=0.05), directory / f"part-{part:04d}.parquet")
    return time.perf_counter() - started


def _monitor(client: httpx.Client, glob: str, rng: np.random.Generator) -> str:
    body = {
        "name": "bench-source",
        "model_id": "bench-model",
        "model_version": "1",
        "features": [{"name": f"f{i}", "kind": "numerical"} for i in range(N_FEATURES)],
        "source": {"engine": "duckdb", "paths": [glob], "format": "parquet"},
    }
    response = client.post("/api/v1/monitors", json=body)
    response.raise_for_status()
    url = f"/api/v1/monitors/{response.json()['id']}"
    reference = _parquet(_table(rng, REFERENCE_ROWS))
    headers = {"Content-Type": "application/vnd.apache.parquet"}
    client.put(f"{url}/reference", content=reference, headers=headers).raise_for_status()
    return url


def run(rows: int, runs: int) -> None:
    rng = np.random.default_rng(20261130)
    folder = Path(tempfile.mkdtemp(prefix="bench-source-"))
    try:
        written = _write(folder, rng, rows)
        with servers.postgres_database() as database_url, admin_client(database_url, timeout=900) as client:
            timed = _timed_runs(client, _monitor(client, str(folder / "*.parquet"), rng), runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _, detection = timed[-1]
    summary, features = detection["summary"], detection["features"]
    assert isinstance(summary, dict)
    assert isinstance(features, list)
    drifted = sorted(feature["name"] for feature in features if feature["drift_detected"])
    print(f"dataset: {rows:,} rows x {N_FEATURES} float64 columns in {-(-rows // FILE_ROWS)} files ({written:.1f} s)")
    print(f"runs counting it through the API: {', '.join(f'{seconds:.2f} s' for seconds, _ in timed)}")
    print(f"verdict: {detection['status']}, source {summary['source']}, {summary['current_rows']:,} rows counted,")
    print(f"  drift {detection['is_drift']}, drifted features {drifted}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="dataset rows (default 10,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (default 3)")
    parser.add_argument("--quick", action="store_true", help="1,000,000 rows")
    args = parser.parse_args()
    run(1_000_000 if args.quick else args.rows, args.runs)


if __name__ == "__main__":
    main()
