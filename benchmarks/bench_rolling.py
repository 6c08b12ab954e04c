"""Service benchmark: the run that builds a rolling reference, and the runs that reuse it.

Starts ``aumos-drift serve`` on a fresh PostgreSQL database, creates a monitor whose reference is the
10 minutes ending 2 minutes before each run and whose current window is the last 2 minutes, posts
``--rows`` x 20 rows (Parquet batches), waits until they have left the current window, posts as many
shifted rows, then times ``POST /runs`` over real HTTP: the first run reads the reference window from
the stored batches, profiles and samples it and stores the version; the next ones reuse it. Then the
window is made a minute longer (over the same batches), and the run that rebuilds the version adds up
the window's stored summaries instead of reading its rows (the first such rebuild also counts the batches
stored before version 1 existed; a second one only adds summaries).

Run: ``.venv/bin/python benchmarks/bench_rolling.py [--rows 1000000] [--quick]`` (it waits about two minutes).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_api import N_FEATURES, _parquet, _table, admin_client
from tests import servers

CURRENT_SECONDS = 120
OPTION = {"last_seconds": 600, "ending_seconds_ago": CURRENT_SECONDS, "refresh_seconds": 3600, "min_rows": 30}


def _post(client: httpx.Client, url: str, rng: np.random.Generator, rows: int, shift: float, tag: str) -> None:
    chunk = max(1, rows // 10)
    for index in range(rows // chunk):
        body = _parquet(_table(rng, chunk, shift=shift))
        headers = {"Content-Type": "application/vnd.apache.parquet", "Idempotency-Key": f"{tag}-{index}"}
        client.post(f"{url}/observations", content=body, headers=headers).raise_for_status()


def _timed_runs(client: httpx.Client, url: str, count: int) -> list[tuple[float, dict[str, object]]]:
    found = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.post(f"{url}/runs")
        response.raise_for_status()
        found.append((time.perf_counter() - started, response.json()))
    return found


def _monitor(client: httpx.Client) -> str:
    body = {
        "name": "bench-rolling",
        "model_id": "bench-model",
        "model_version": "1",
        "features": [{"name": f"f{i}", "kind": "numerical"} for i in range(N_FEATURES)],
        "window": {"last_rows": None, "last_seconds": CURRENT_SECONDS},
        "reference_window": OPTION,
    }
    response = client.post("/api/v1/monitors", json=body)
    response.raise_for_status()
    return f"/api/v1/monitors/{response.json()['id']}"


def run(rows: int) -> None:
    rng = np.random.default_rng(20261130)
    with servers.postgres_database() as database_url, admin_client(database_url) as client:
        url = _monitor(client)
        _post(client, url, rng, rows, 0.0, "past")
        time.sleep(CURRENT_SECONDS + 1)  # the past rows leave the current window for the reference window
        _post(client, url, rng, rows, 0.05, "now")
        (first, detection), *rest = _timed_runs(client, url, 3)
        reference = client.get(f"{url}/reference").json()
        # a longer window over the same batches: the next run rebuilds, adding up the window's summaries
        # (the first rebuild also counts the batches stored before version 1; the second only adds)
        rebuilt = []
        for extra in (60, 120):
            longer = {**OPTION, "last_seconds": OPTION["last_seconds"] + extra}
            client.patch(url, json={"reference_window": longer}).raise_for_status()
            rebuilt += [seconds for seconds, _ in _timed_runs(client, url, 1)]
        again = client.get(f"{url}/reference").json()
    summary = detection["summary"]
    assert isinstance(summary, dict)
    print(
        f"run building a rolling reference of {reference['rows']:,} x {N_FEATURES} from its rows (kind "
        f"{reference['kind']}, version {reference['version']}, kept {reference['kept']}) against "
        f"{summary['current_rows']:,} current rows: {first:.2f} s"
    )
    print(f"runs reusing it: {', '.join(f'{seconds:.2f} s' for seconds, _ in rest)}")
    print(
        f"runs rebuilding it from the window's stored summaries (to version {again['version']}, {again['rows']:,} "
        f"rows, kept {again['kept']}): {rebuilt[0]:.2f} s counting the batches stored before version 1 on its "
        f"bins, then {rebuilt[1]:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="reference and window rows (default 1,000,000)")
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    args = parser.parse_args()
    run(100_000 if args.quick else args.rows)


if __name__ == "__main__":
    main()
