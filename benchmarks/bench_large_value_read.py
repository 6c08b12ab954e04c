"""Read benchmark: memory and event-loop lag while a large reference profile is read back from storage.

It stores one reference version whose profile is ``--mb`` MB of random bytes (default 218, the size of
the profile of a 200 MB CSV upload), then reads the newest version back through the reference
repository, as a detection run does, and reports

* the peak RSS increase during the read (``VmHWM``, reset before it) as a ratio to the profile's size,
* the largest lag of a coroutine that sleeps 5 ms at a time on the event loop meanwhile.

``--compare SRC`` first runs the same measurement in a subprocess importing another checkout's ``src``
folder, so one command prints both versions side by side.

Run: ``.venv/bin/python benchmarks/bench_large_value_read.py [--mb 218] [--database sqlite|postgresql]
[--compare OTHER/src]`` (``--database`` may be repeated).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests import servers
from tests.adapters.persistence.conftest import Storage
from tests.adapters.persistence.test_large_values import _reference
from tests.adapters.persistence.test_repositories import _add, make_monitor

from aumos_drift_detector.adapters.persistence import migrator
from aumos_drift_detector.adapters.persistence.database import create_engine, create_session_factory
from aumos_drift_detector.adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork


def _reset_peak() -> None:
    """Reset the kernel's RSS high-water mark (``VmHWM``) of this process to its current RSS."""
    Path("/proc/self/clear_refs").write_text("5")


def _memory(key: str) -> float:
    """A ``/proc/self/status`` memory field, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1000
    raise KeyError(key)


@contextlib.contextmanager
def _database(kind: str) -> Iterator[str]:
    if kind == "postgresql":
        with servers.postgres_database() as url:
            yield url
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite+aiosqlite:///{folder}/read.db"


async def _measure(url: str, megabytes: float) -> str:
    engine = create_engine(url)
    try:
        await migrator.upgrade(engine)
        storage = Storage(engine.dialect.name, lambda: SqlAlchemyUnitOfWork(create_session_factory(engine)))
        monitor = make_monitor()
        await _add(storage, monitor)
        async with storage.unit_of_work() as uow:
            await uow.references.add(_reference(monitor.id, os.urandom(int(megabytes * 1e6))))
            await uow.commit()
        lags: list[float] = []

        async def beat() -> None:
            while True:
                started = time.perf_counter()
                await asyncio.sleep(0.005)
                lags.append(time.perf_counter() - started - 0.005)

        _reset_peak()
        before = _memory("VmRSS")
        ticker = asyncio.create_task(beat())
        started = time.perf_counter()
        async with storage.unit_of_work() as uow:
            stored = await uow.references.latest("acme", monitor.id)
        seconds = time.perf_counter() - started
        ticker.cancel()
        assert stored is not None
        size = len(stored.profile) / 1e6
        increase = (_memory("VmHWM") - before) / size
        lag = max(lags, default=0.0) * 1000
        return f"{seconds:5.2f} s  RSS increase/value {increase:5.2f}  loop lag max {lag:6.1f} ms"
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mb", type=float, default=218.0, help="size of the profile in MB (default 218)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], action="append", help="(default sqlite)")
    parser.add_argument("--compare", metavar="SRC", help="another checkout's src folder, measured first as baseline")
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)  # one line, no label
    args = parser.parse_args()
    for database in args.database or ["sqlite"]:
        if args.bare:
            with _database(database) as url:
                sys.stdout.write(asyncio.run(_measure(url, args.mb)) + "\n")
            return
        sys.stdout.write(f"{database}: read the newest reference version, a {args.mb:.0f} MB profile\n")
        if args.compare:
            command = [sys.executable, __file__, "--bare", "--mb", str(args.mb), "--database", database]
            env = {**os.environ, "PYTHONPATH": args.compare}
            baseline = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
            sys.stdout.write(f"  baseline  {baseline.strip()}\n")
        with _database(database) as url:
            sys.stdout.write(f"  current   {asyncio.run(_measure(url, args.mb))}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
