"""Upload benchmark: server memory and liveness while a large CSV or Parquet body is uploaded and parsed.

For each route (``PUT /reference``, ``POST /observations``) and body format (CSV, Parquet) it starts
``aumos-drift serve`` as a subprocess (a fresh SQLite file or PostgreSQL database, a free loopback
port), warms it up with a small upload of the same format to the same route, then uploads a generated
body (about ``--mb`` MB of CSV, default 200, and the same rows as Parquet) and reports

* the server's peak RSS increase over its RSS just before the upload (the kernel's high-water mark
  ``VmHWM``, reset before the upload), as a ratio to the body's size, and
* the latency of ``GET /health/live`` sampled every 20 ms during the upload (p50, p99 and max).

``--compare SRC`` measures another checkout's ``src`` folder the same way first (for example
``/path/to/main/src``), so one command prints the figures of both versions side by side. The version
measured otherwise is whatever ``aumos_drift_detector`` the interpreter imports (``PYTHONPATH``).

Run: ``.venv/bin/python benchmarks/bench_upload_memory.py [--mb 200] [--route reference|observations]
[--format csv|parquet] [--database sqlite|postgresql] [--compare OTHER/src]`` (the list options may be
repeated: ``--database sqlite --database postgresql`` measures both).
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event as EventType
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests import servers

MONITOR = {
    "name": "bench-upload",
    "model_id": "bench-model",
    "model_version": "1",
    "features": [
        {"name": "age", "kind": "numerical"},
        {"name": "income", "kind": "numerical"},
        {"name": "visits", "kind": "numerical"},
        {"name": "score", "kind": "numerical"},
        {"name": "plan", "kind": "categorical"},
    ],
}
ROUTES = {"reference": ("PUT", "reference"), "observations": ("POST", "observations")}
MEDIA_TYPES = {"csv": "text/csv", "parquet": "application/vnd.apache.parquet"}


@dataclass(frozen=True)
class Figures:
    """One measured upload."""

    seconds: float
    rss_before_mb: float
    peak_mb: float
    ratio: float
    live_p50_ms: float
    live_p99_ms: float
    live_max_ms: float
    live_samples: int


def _rows(rng: np.random.Generator, n: int) -> pa.Table:
    return pa.table(
        {
            "age": np.round(rng.normal(40, 10, n), 1),
            "income": np.round(rng.lognormal(10, 1, n), 2),
            "visits": rng.integers(0, 50, n),
            "score": np.round(rng.random(n), 4),
            "plan": rng.choice(["basic", "pro", "team"], n),
        }
    )


def write_bodies(folder: Path, stem: str, megabytes: float, rng: np.random.Generator) -> dict[str, Path]:
    """Write a CSV of about ``megabytes`` MB in slices, and the same rows as Parquet (Snappy-compressed)."""
    paths = {"csv": folder / f"{stem}.csv", "parquet": folder / f"{stem}.parquet"}
    target = int(megabytes * 1_000_000)
    with paths["csv"].open("wb") as sink:
        header = True
        while sink.tell() < target:
            pa_csv.write_csv(_rows(rng, 200_000), sink, pa_csv.WriteOptions(include_header=header))
            header = False
    pq.write_table(pa_csv.read_csv(paths["csv"]), paths["parquet"])  # row groups of pyarrow's default size
    return paths


def _status(pid: int, key: str) -> int:
    """A ``/proc/<pid>/status`` memory field, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def _reset_peak(pid: int) -> None:
    """Reset the kernel's RSS high-water mark (VmHWM) of the process to its current RSS."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


@contextlib.contextmanager
def _database(kind: str, folder: Path, name: str) -> Iterator[str]:
    if kind == "postgresql":
        with servers.postgres_database() as url:
            yield url
    else:
        yield f"sqlite+aiosqlite:///{folder / name}.db"


def _serve(database_url: str, port: int, src: str | None) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "AUMOS_DRIFT_DATABASE_URL": database_url,
        "AUMOS_DRIFT_LOG_LEVEL": "WARNING",
        "AUMOS_DRIFT_SCHEDULER_ENABLED": "false",
        "AUMOS_DRIFT_MAX_UPLOAD_BYTES": str(1 << 30),
    }
    if src is not None:
        env["PYTHONPATH"] = src
    command = [str(Path(sys.executable).parent / "aumos-drift"), "serve", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_live(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health/live", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the service did not come up")


def _sample_liveness(base: str, done: EventType, out: Connection) -> None:
    """Send ``/health/live`` latencies in seconds, one request every 20 ms until ``done``.

    It runs in a process of its own: in a thread beside the uploading one, its requests would wait
    for this process's GIL, and the wait would be counted as the server's.
    """
    latencies = []
    with httpx.Client(base_url=base, timeout=60) as client:
        while not done.is_set():
            started = time.perf_counter()
            client.get("/health/live").raise_for_status()
            latencies.append(time.perf_counter() - started)
            time.sleep(0.02)
    out.send(latencies)


def measure(client: httpx.Client, pid: int, url: str, method: str, path: Path, media_type: str) -> Figures:
    """Upload ``path`` once; return the memory and liveness figures."""
    size = path.stat().st_size
    before = _status(pid, "VmRSS")
    _reset_peak(pid)
    done = multiprocessing.Event()
    received, sent = multiprocessing.Pipe(duplex=False)
    sampler = multiprocessing.Process(target=_sample_liveness, args=(str(client.base_url), done, sent))
    sampler.start()
    started = time.perf_counter()
    try:
        with path.open("rb") as body:
            headers = {"Content-Type": media_type, "Content-Length": str(size)}
            response = client.request(method, url, content=body, headers=headers)
        response.raise_for_status()
    finally:
        seconds = time.perf_counter() - started
        done.set()
        samples = received.recv()
        sampler.join()
    live = sorted(samples)
    peak = _status(pid, "VmHWM")
    return Figures(
        seconds=seconds,
        rss_before_mb=before / 1e6,
        peak_mb=peak / 1e6,
        ratio=(peak - before) / size,
        live_p50_ms=statistics.median(live) * 1000,
        live_p99_ms=live[int(0.99 * (len(live) - 1))] * 1000,
        live_max_ms=live[-1] * 1000,
        live_samples=len(live),
    )


def _token() -> str:
    command = [str(Path(sys.executable).parent / "aumos-drift"), "token", "--tenant", "bench", "--role", "admin"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


@dataclass(frozen=True)
class Case:
    """One route and body format, measured against one version of the service."""

    route: str
    fmt: str
    src: str | None
    database: str


def measure_case(case: Case, folder: Path, body: Path, warm_up: Path) -> Figures:
    """Start a fresh server, warm it up on the route, then measure one upload of ``body``."""
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    with _database(case.database, folder, f"{case.route}-{case.fmt}-{port}") as database_url:
        process = _serve(database_url, port, case.src)
        try:
            _wait_live(base, time.monotonic() + 60)
            auth = {"Authorization": f"Bearer {_token()}"}
            with httpx.Client(base_url=base, headers=auth, timeout=900) as client:
                monitor = client.post("/api/v1/monitors", json=MONITOR).json()
                method, route = ROUTES[case.route]
                url = f"/api/v1/monitors/{monitor['id']}/{route}"
                media_type = {"Content-Type": MEDIA_TYPES[case.fmt]}
                client.request(method, url, content=warm_up.read_bytes(), headers=media_type).raise_for_status()
                return measure(client, process.pid, url, method, body, MEDIA_TYPES[case.fmt])
        finally:
            process.terminate()
            process.wait(timeout=30)


def _line(label: str, figures: Figures) -> str:
    return (
        f"  {label:<9} {figures.seconds:6.1f} s  RSS {figures.rss_before_mb:5.0f} -> {figures.peak_mb:5.0f} MB  "
        f"increase/body {figures.ratio:5.2f}  /health/live p50 {figures.live_p50_ms:5.1f} ms, "
        f"p99 {figures.live_p99_ms:6.1f} ms, max {figures.live_max_ms:6.1f} ms ({figures.live_samples} samples)"
    )


def _describe(bodies: dict[str, Path]) -> str:
    table = pa_csv.read_csv(bodies["csv"])
    numeric = sum(column.nbytes for column in table.columns if column.type in (pa.int64(), pa.float64()))
    sizes = ", ".join(f"{fmt.upper()} {path.stat().st_size / 1e6:.0f} MB" for fmt, path in bodies.items())
    return (
        f"bodies: {sizes}; {table.num_rows:,} rows; as an Arrow table {table.nbytes / 1e6:.0f} MB, "
        f"of which numeric columns {numeric / 1e6:.0f} MB (the reference profile keeps them sorted)"
    )


def run(megabytes: float, routes: list[str], formats: list[str], databases: list[str], compare: str | None) -> None:
    rng = np.random.default_rng(20261130)
    versions = [("baseline", compare), ("current", None)] if compare else [("current", None)]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        bodies = write_bodies(folder, "upload", megabytes, rng)
        warm_ups = write_bodies(folder, "warm_up", 0.5, rng)
        print(_describe(bodies))
        print(f"a fresh server and database per line; baseline = {compare or '-'}")
        for database in databases:
            for route in routes:
                for fmt in formats:
                    method, path = ROUTES[route]
                    print(f"{database}: {method} /{path}, {fmt.upper()} body")
                    for label, src in versions:
                        figures = measure_case(Case(route, fmt, src, database), folder, bodies[fmt], warm_ups[fmt])
                        print(_line(label, figures), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0, help="size of the generated CSV in MB (default 200)")
    parser.add_argument("--route", choices=sorted(ROUTES), action="append", help="route(s) to measure (default both)")
    parser.add_argument("--format", choices=sorted(MEDIA_TYPES), action="append", help="body format(s) (default both)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], action="append", help="(default sqlite)")
    parser.add_argument("--compare", metavar="SRC", help="another checkout's src folder, measured first as baseline")
    args = parser.parse_args()
    databases = args.database or ["sqlite"]
    run(args.mb, args.route or list(ROUTES), args.format or list(MEDIA_TYPES), databases, args.compare)


if __name__ == "__main__":
    main()
