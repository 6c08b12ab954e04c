"""Service benchmark: ingestion throughput through the HTTP API into PostgreSQL, and run latency.

Starts ``aumos-drift serve`` on a fresh PostgreSQL database (``AUMOS_DRIFT_TEST_POSTGRES_URL``, default
the local server's ``test`` database) and a free loopback port, then over real HTTP:

1. posts batches of production rows (Parquet and CSV, 20 numeric columns) and reports rows/s;
2. uploads a reference of ``--rows`` x 20 to a monitor of the last day's rows, fills its window with
   as many rows, and times ``POST /runs`` (the whole request: reading the window, from stored summaries
   when it holds at least ``AUMOS_DRIFT_SUMMARY_MIN_ROWS`` rows, the checks, storing the detection).

Run: ``.venv/bin/python benchmarks/bench_api.py [--rows 1000000] [--quick]``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests import servers

N_FEATURES = 20


def _table(rng: np.random.Generator, rows: int, shift: float = 0.0) -> pa.Table:
    return pa.table({f"f{i}": rng.normal(shift if i < 5 else 0.0, 1.0, rows) for i in range(N_FEATURES)})


def _parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def _csv(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pa_csv.write_csv(table, sink)
    return sink.getvalue()


def _wait_ready(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the service did not become ready")


def _serve(database_url: str, port: int, extra_env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "AUMOS_DRIFT_DATABASE_URL": database_url,
        "AUMOS_DRIFT_LOG_LEVEL": "WARNING",
        "AUMOS_DRIFT_SCHEDULER_ENABLED": "false",
        "AUMOS_DRIFT_MAX_UPLOAD_BYTES": str(1 << 30),
        **(extra_env or {}),
    }
    command = [str(Path(sys.executable).parent / "aumos-drift"), "serve", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@contextlib.contextmanager
def admin_client(
    database_url: str, *, timeout: float = 600, extra_env: dict[str, str] | None = None
) -> Iterator[httpx.Client]:
    """``aumos-drift serve`` on the database and a free port, and an HTTP client holding an admin token."""
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    process = _serve(database_url, port, extra_env)
    try:
        _wait_ready(base, time.monotonic() + 60)
        command = [str(Path(sys.executable).parent / "aumos-drift"), "token", "--tenant", "bench", "--role", "admin"]
        token = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=timeout) as client:
            yield client
    finally:
        process.terminate()
        process.wait(timeout=30)


def _ingest(client: httpx.Client, url: str, batches: list[bytes], media: str, rows_per_batch: int) -> float:
    started = time.perf_counter()
    for index, body in enumerate(batches):
        response = client.post(
            url, content=body, headers={"Content-Type": media, "Idempotency-Key": f"{media}-{index}"}
        )
        response.raise_for_status()
    return rows_per_batch * len(batches) / (time.perf_counter() - started)


def run(rows: int, batch_rows: int, batches: int) -> None:
    rng = np.random.default_rng(20261126)
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    with servers.postgres_database() as database_url:
        process = _serve(database_url, port)
        try:
            _wait_ready(base, time.monotonic() + 60)
            token = subprocess.run(
                [str(Path(sys.executable).parent / "aumos-drift"), "token", "--tenant", "bench", "--role", "admin"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
                features = [{"name": f"f{i}", "kind": "numerical"} for i in range(N_FEATURES)]
                body = {
                    "name": "bench",
                    "model_id": "bench-model",
                    "model_version": "1",
                    "features": features,
                    "window": {"last_rows": rows, "min_rows": 30},
                }
                monitor = client.post("/api/v1/monitors", json=body).json()
                url = f"/api/v1/monitors/{monitor['id']}"
                batch = _table(rng, batch_rows)
                parquet_rate = _ingest(
                    client,
                    f"{url}/observations",
                    [_parquet(batch)] * batches,
                    "application/vnd.apache.parquet",
                    batch_rows,
                )
                csv_rate = _ingest(client, f"{url}/observations", [_csv(batch)] * batches, "text/csv", batch_rows)

                # A monitor of the last day's rows: a window this large is read from stored summaries.
                body = {**body, "name": "bench-window", "window": {"last_rows": None, "last_seconds": 86_400}}
                monitor = client.post("/api/v1/monitors", json=body).json()
                url = f"/api/v1/monitors/{monitor['id']}"
                reference = _parquet(_table(rng, rows))
                started = time.perf_counter()
                client.put(
                    f"{url}/reference", content=reference, headers={"Content-Type": "application/octet-stream"}
                ).raise_for_status()
                reference_seconds = time.perf_counter() - started
                chunk = max(1, rows // 10)
                current = [_parquet(_table(rng, chunk, shift=0.05)) for _ in range(rows // chunk)]
                window_rate = _ingest(
                    client, f"{url}/observations", current, "application/vnd.apache.parquet", chunk
                )  # each batch is also counted into the reference's bins
                timings = []
                for _ in range(3):
                    started = time.perf_counter()
                    detection = client.post(f"{url}/runs").json()
                    timings.append(time.perf_counter() - started)
            print(f"ingest, Parquet batches of {batch_rows:,} x {N_FEATURES}: {parquet_rate:,.0f} rows/s")
            print(f"ingest, CSV batches of {batch_rows:,} x {N_FEATURES}:     {csv_rate:,.0f} rows/s")
            print(f"reference upload + profile, {rows:,} x {N_FEATURES}: {reference_seconds:.2f} s")
            print(
                f"ingest with a reference, Parquet batches of {chunk:,} (counted on arrival): {window_rate:,.0f} rows/s"
            )
            print(
                f"run over a {detection['summary']['current_rows']:,} x {N_FEATURES} window: "
                f"best {min(timings):.2f} s, median {sorted(timings)[1]:.2f} s "
                f"(status {detection['status']}, drift share {detection['drift_share']:.2f}, "
                f"stored summaries read {detection['summary'].get('stored_summaries')})"
            )
        finally:
            process.terminate()
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="reference and window rows (default 1,000,000)")
    parser.add_argument("--quick", action="store_true", help="100,000 rows and fewer batches")
    args = parser.parse_args()
    rows = 100_000 if args.quick else args.rows
    run(rows, batch_rows=10_000, batches=5 if args.quick else 20)


if __name__ == "__main__":
    main()
