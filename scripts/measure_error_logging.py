"""How long ``/health/live`` waits while the service logs unexpected errors.

Starts the service in a child process (SQLite in a temporary directory, console or JSON logging
written to a file) with two extra routes, one that always fails and one that always succeeds,
then measures the latency of ``/health/live`` while a burst of requests to each is handled.

    python scripts/measure_error_logging.py [--json] [--errors 20]

Prints the median and worst latency during each burst, and the ratio of the worst latency during
failures to the worst during successes (near 1 when logging an error costs little).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def _serve(port: int, database_url: str, as_json: bool) -> None:
    import uvicorn
    from fastapi import APIRouter

    from aumos_drift_detector.bootstrap import bootstrap, build_app
    from aumos_drift_detector.logging import configure_logging
    from aumos_drift_detector.settings import load_settings

    configure_logging(level="INFO", json=as_json)
    app = build_app(bootstrap(load_settings(database_url=database_url, scheduler_enabled=False)))
    router = APIRouter()

    @router.get("/failure")
    async def failure() -> None:
        raise RuntimeError("failing on purpose")

    @router.get("/success")
    async def success() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(router)
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False)


async def _latency(client: httpx.AsyncClient) -> float:
    started = time.perf_counter()
    (await client.get("/health/live")).raise_for_status()
    return time.perf_counter() - started


async def _during_burst(client: httpx.AsyncClient, path: str, requests: int) -> list[float]:
    burst = asyncio.gather(*(client.get(path) for _ in range(requests)))
    await asyncio.sleep(0.01)
    latencies = [await _latency(client)]
    while not burst.done():
        latencies.append(await _latency(client))
    await burst
    return latencies


async def _measure(base_url: str, requests: int) -> dict[str, list[float]]:
    async with httpx.AsyncClient(base_url=base_url, timeout=300) as client:
        for _ in range(200):
            try:
                await _latency(client)
                break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        return {
            "successes": await _during_burst(client, "/success", requests),
            "failures": await _during_burst(client, "/failure", requests),
        }


def main() -> None:
    """Run the measurement (or, with ``--serve``, the service it measures)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="JSON log lines instead of console lines")
    parser.add_argument("--errors", type=int, default=20, help="failing requests in the burst (default: 20)")
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--serve", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.port, args.serve, args.json)
        return
    with tempfile.TemporaryDirectory() as work:
        log_path = Path(work) / "service.log"
        command = [sys.executable, __file__, "--port", str(args.port), "--serve", f"sqlite+aiosqlite:///{work}/m.db"]
        with log_path.open("w") as log_file:
            child = subprocess.Popen([*command, *(["--json"] if args.json else [])], stderr=log_file)
            try:
                latencies = asyncio.run(_measure(f"http://127.0.0.1:{args.port}", args.errors))
            finally:
                child.terminate()
                child.wait(timeout=30)
        logged = log_path.read_text()
    print(f"mode: {'json' if args.json else 'console'}, requests per burst: {args.errors}")
    for burst, values in latencies.items():
        median, worst = statistics.median(values) * 1000, max(values) * 1000
        print(f"/health/live during {burst:<9}: median {median:8.1f} ms, worst {worst:8.1f} ms")
    ratio = max(latencies["failures"]) / max(latencies["successes"])
    print(f"worst latency, failures / successes: {ratio:.1f}")
    print(f"log: {len(logged.splitlines())} lines, {logged.count('Traceback (most recent call last)')} tracebacks")


if __name__ == "__main__":
    main()
