"""Reference upload benchmark: a large reference stored as counts against the same reference stored as values.

Starts ``aumos-drift serve`` on a fresh PostgreSQL database twice per round, alternating, once keeping every
value of references (``AUMOS_DRIFT_REFERENCE_EXACT_ROWS`` above the rows) and once with the default, which
keeps a reference of more than 200,000 rows as counts on reference-quantile bins. Each upload is timed
over HTTP (the whole ``PUT /reference``: receiving, scanning, profiling, counting, storing); then a run over
a small window (``--window`` rows, read from rows) is timed against each, and the KS statistic of a shifted
feature is compared: exact on the values, a guaranteed bound on the counts.

Run: ``.venv/bin/python benchmarks/bench_reference_upload.py [--rows 1000000] [--rounds 3]``.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_api import N_FEATURES, _parquet, _table, admin_client
from tests import servers

PARQUET = {"Content-Type": "application/vnd.apache.parquet"}
MODES = {"values": {"AUMOS_DRIFT_REFERENCE_EXACT_ROWS": str(10**12)}, "counts": {}}


def _once(client: httpx.Client, reference: bytes, window: bytes) -> tuple[float, float, dict[str, Any]]:
    features = [{"name": f"f{i}", "kind": "numerical"} for i in range(N_FEATURES)]
    body = {"name": "upload", "model_id": "m", "model_version": "1", "features": features, "window": {"min_rows": 30}}
    url = f"/api/v1/monitors/{client.post('/api/v1/monitors', json=body).json()['id']}"
    started = time.perf_counter()
    client.put(f"{url}/reference", content=reference, headers=PARQUET).raise_for_status()
    upload = time.perf_counter() - started
    client.post(f"{url}/observations", content=window, headers=PARQUET).raise_for_status()
    started = time.perf_counter()
    detection = client.post(f"{url}/runs").json()
    run = time.perf_counter() - started
    f0 = next(item for item in detection["features"] if item["name"] == "f0")
    return upload, run, f0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="reference rows (default 1,000,000)")
    parser.add_argument("--window", type=int, default=20_000, help="current window rows (default 20,000)")
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds (default 3)")
    args = parser.parse_args()
    rng = np.random.default_rng(20261130)
    reference = _parquet(_table(rng, args.rows))
    window = _parquet(_table(rng, args.window, shift=0.03))
    uploads: dict[str, list[float]] = {mode: [] for mode in MODES}
    runs: dict[str, list[float]] = {mode: [] for mode in MODES}
    found: dict[str, dict[str, Any]] = {}
    for _ in range(args.rounds):
        for mode, env in MODES.items():
            with servers.postgres_database() as database_url, admin_client(database_url, extra_env=env) as client:
                upload, run, found[mode] = _once(client, reference, window)
            uploads[mode].append(upload)
            runs[mode].append(run)
    print(f"reference {args.rows:,} x {N_FEATURES} Parquet ({len(reference) / 1e6:.0f} MB), {args.rounds} rounds")
    for mode in MODES:
        times = uploads[mode]
        print(
            f"  upload keeping {mode:<6}: median {statistics.median(times):.2f} s (best {min(times):.2f} s); "
            f"run over {args.window:,} rows: median {statistics.median(runs[mode]):.3f} s"
        )
    ratio = statistics.median(uploads["counts"]) / statistics.median(uploads["values"])
    print(f"  counts / values, median upload: {ratio:.2f}")
    exact, counted = found["values"], found["counts"]
    print(
        f"  f0 KS: exact {exact['statistic']:.5f} (p {exact['p_value']:.3g}); from counts "
        f"[{counted['statistic']:.5f}, {counted['details']['statistic_upper']:.5f}] (p {counted['p_value']:.3g})"
    )


if __name__ == "__main__":
    main()
