"""Upload benchmark: server memory and liveness while a large CSV is uploaded and parsed.

For each of ``PUT /reference`` and ``POST /observations`` it starts ``aumos-drift serve`` (a fresh
SQLite file, a free loopback port) as a subprocess, warms it up with a small upload to the route, then
uploads a generated CSV of about ``--mb`` MB (default 200) and reports

* the server's peak RSS increase over its RSS just before the upload (the kernel's high-water mark,
  reset before each upload), as a ratio to the body size, and
* the latency of ``GET /health/live`` sampled every 20 ms during the upload (p50, p99 and max).

Run: ``.venv/bin/python benchmarks/bench_upload_memory.py [--mb 200] [--route reference|observations]``.
The service code is whatever ``aumos_drift_detector`` the interpreter imports, so pointing
``PYTHONPATH`` at another checkout's ``src`` measures that version with the same script.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

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


def write_csv(path: Path, megabytes: float, rng: np.random.Generator) -> int:
    """Write a CSV of about ``megabytes`` MB in slices; return its size in bytes."""
    target = int(megabytes * 1_000_000)
    with path.open("wb") as sink:
        header = True
        while sink.tell() < target:
            pa_csv.write_csv(_rows(rng, 200_000), sink, pa_csv.WriteOptions(include_header=header))
            header = False
    return path.stat().st_size


def _status(pid: int, key: str) -> int:
    """A ``/proc/<pid>/status`` memory field, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def _reset_peak(pid: int) -> None:
    """Reset the kernel's RSS high-water mark (VmHWM) of the process to its current RSS."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _serve(database: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "AUMOS_DRIFT_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "AUMOS_DRIFT_LOG_LEVEL": "WARNING",
        "AUMOS_DRIFT_SCHEDULER_ENABLED": "false",
        "AUMOS_DRIFT_MAX_UPLOAD_BYTES": str(1 << 30),
    }
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


def _sample_liveness(base: str, done: threading.Event) -> list[float]:
    """``/health/live`` latencies in seconds, one request every 20 ms until ``done``."""
    latencies = []
    with httpx.Client(base_url=base, timeout=60) as client:
        while not done.is_set():
            started = time.perf_counter()
            client.get("/health/live").raise_for_status()
            latencies.append(time.perf_counter() - started)
            time.sleep(0.02)
    return latencies


def measure(client: httpx.Client, pid: int, url: str, method: str, path: Path) -> dict[str, float]:
    """Upload ``path`` once; return the memory and liveness figures."""
    size = path.stat().st_size
    before = _status(pid, "VmRSS")
    _reset_peak(pid)
    done = threading.Event()
    result: dict[str, list[float]] = {}
    sampler = threading.Thread(target=lambda: result.setdefault("live", _sample_liveness(str(client.base_url), done)))
    sampler.start()
    started = time.perf_counter()
    try:
        with path.open("rb") as body:
            headers = {"Content-Type": "text/csv", "Content-Length": str(size)}
            response = client.request(method, url, content=body, headers=headers)
        response.raise_for_status()
    finally:
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    live = sorted(result["live"])
    peak = _status(pid, "VmHWM")
    return {
        "body_mb": size / 1e6,
        "seconds": seconds,
        "rss_before_mb": before / 1e6,
        "peak_mb": peak / 1e6,
        "ratio": (peak - before) / size,
        "live_p50_ms": statistics.median(live) * 1000,
        "live_p99_ms": live[int(0.99 * (len(live) - 1))] * 1000,
        "live_max_ms": live[-1] * 1000,
        "live_samples": len(live),
    }


def _token() -> str:
    command = [str(Path(sys.executable).parent / "aumos-drift"), "token", "--tenant", "bench", "--role", "admin"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def _measure_route(folder: Path, body: Path, warm_up: Path, name: str) -> None:
    """Start a fresh server, warm it up on the route, then measure one upload of ``body``."""
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    process = _serve(folder / f"{name}.db", port)
    try:
        _wait_live(base, time.monotonic() + 60)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {_token()}"}, timeout=900) as client:
            monitor = client.post("/api/v1/monitors", json=MONITOR).json()
            method, route = ROUTES[name]
            url = f"/api/v1/monitors/{monitor['id']}/{route}"
            client.request(method, url, content=warm_up.read_bytes(), headers={"Content-Type": "text/csv"})
            figures = measure(client, process.pid, url, method, body)
        print(
            f"{method} /{route}: {figures['seconds']:.1f} s; RSS {figures['rss_before_mb']:.0f} MB -> "
            f"peak {figures['peak_mb']:.0f} MB, increase / body = {figures['ratio']:.2f}; "
            f"/health/live p50 {figures['live_p50_ms']:.1f} ms, p99 {figures['live_p99_ms']:.1f} ms, "
            f"max {figures['live_max_ms']:.1f} ms ({figures['live_samples']} samples)"
        )
    finally:
        process.terminate()
        process.wait(timeout=30)


def run(megabytes: float, routes: list[str]) -> None:
    rng = np.random.default_rng(20261130)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        size = write_csv(folder / "upload.csv", megabytes, rng)
        write_csv(folder / "warm_up.csv", 0.5, rng)
        print(f"body: generated CSV, {size / 1e6:.0f} MB; a fresh server per route")
        for route in routes:
            _measure_route(folder, folder / "upload.csv", folder / "warm_up.csv", route)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0, help="size of the generated CSV in MB (default 200)")
    parser.add_argument("--route", choices=sorted(ROUTES), action="append", help="route(s) to measure (default both)")
    args = parser.parse_args()
    run(args.mb, args.route or list(ROUTES))


if __name__ == "__main__":
    main()
