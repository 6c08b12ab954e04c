"""Summary benchmarks: counting a numeric Parquet dataset where it lies, and a run over a month of hours.

1. **Push-down.** Writes a seeded ``--rows`` x ``--columns`` float64 Parquet dataset once to a temp
   directory (``--files`` files; reused with ``--data DIR``), fixes a layout of ``--bins`` reference-
   quantile bins per column from a 200,000-row reference, then measures, each in a fresh process
   (its own peak RSS, ``ru_maxrss``):

   * ``count(*)``: DuckDB's ``SELECT count(*)`` over the files (it reads only the Parquet footers);
   * ``scan floor``: ``SELECT sum(c) ...`` over every column, the cost of reading the values once;
   * ``summary, stream``: :class:`~aumos_drift_detector.adapters.sources.DuckDbSource` counting every
     column into its bins with its moments (Arrow batches counted by numpy);
   * ``summary, SQL histogram`` (with ``--with-sql``): the same counts from one SQL aggregate.

   With ``--postgres URL``, ``--postgres-rows`` seeded rows of the same column distributions are loaded
   with ``COPY`` into a table of that database (then ``VACUUM ANALYZE``), and two more lines are timed:
   PostgreSQL's own ``SELECT sum(c) ...`` of every column (the scan floor) and
   :class:`~aumos_drift_detector.adapters.sources.PostgresSource` counting the table. ``--postgres-only``
   skips the Parquet and month parts, ``--repeat N`` times the PostgreSQL lines N times, and
   ``--baseline-src DIR`` times, alternately with this checkout, the source of another checkout's ``src``
   directory (same table, same minutes: the way to compare two versions on a shared machine).

2. **Month of hours.** 720 hourly summaries of ``--columns`` numeric features on ``--bins`` bins (each
   hour 10,000 rows counted in memory, not timed), then the timed part of a run: merge the 720
   summaries and run KS (with its bound) and PSI on every feature against the reference summary.

Run: ``.venv/bin/python benchmarks/bench_summaries.py [--rows 10000000] [--columns 20] [--files 20]
[--bins 2000] [--threads 2] [--data DIR] [--keep] [--postgres postgresql://postgres@127.0.0.1:5432/test]
[--postgres-table bench_summaries] [--postgres-only] [--repeat 1] [--baseline-src DIR]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from aumos_drift_detector.core.summaries import (
    NumericBins,
    SummaryLayout,
    WindowSummary,
    compare_summaries,
    count_columns,
    merge_all,
)
from aumos_drift_detector.core.summaries.layout_builder import numeric_edges

SEED = 20261130
POSTGRES_TABLE = "bench_summaries"


def layout_for(columns: int, bins: int) -> SummaryLayout:
    rng = np.random.default_rng(SEED)
    features = []
    for index in range(columns):
        reference = np.sort(rng.normal(index * 0.1, 1.0 + index * 0.05, 200_000))
        features.append(NumericBins(f"c{index}", numeric_edges(reference, bins)))
    return SummaryLayout(tuple(features))


def write_dataset(directory: Path, rows: int, columns: int, files: int) -> float:
    started = time.perf_counter()
    rng = np.random.default_rng(SEED + 1)
    per_file = -(-rows // files)
    for part in range(files):
        size = min(per_file, rows - part * per_file)
        table = pa.table({f"c{index}": rng.normal(index * 0.1, 1.0 + index * 0.05, size) for index in range(columns)})
        pq.write_table(table, directory / f"part-{part:04d}.parquet", row_group_size=1_000_000)
    return time.perf_counter() - started


def load_postgres(url: str, rows: int, columns: int, table: str) -> float:
    """Load ``rows`` seeded rows of the dataset's column distributions into ``table`` with ``COPY``."""
    import asyncio

    import asyncpg

    async def load() -> None:
        connection = await asyncpg.connect(url)
        try:
            names = [f"c{index}" for index in range(columns)]
            await connection.execute(f"DROP TABLE IF EXISTS {table}")
            await connection.execute(f"CREATE TABLE {table} ({', '.join(f'{n} float8' for n in names)})")
            rng = np.random.default_rng(SEED + 1)
            for start in range(0, rows, 100_000):
                size = min(100_000, rows - start)
                block = np.column_stack([rng.normal(i * 0.1, 1.0 + i * 0.05, size) for i in range(columns)])
                await connection.copy_records_to_table(table, records=block.tolist(), columns=names)
            await connection.execute(f"VACUUM ANALYZE {table}")
        finally:
            await connection.close()

    started = time.perf_counter()
    asyncio.run(load())
    return time.perf_counter() - started


def measure_postgres(kind: str, url: str, columns: int, bins: int, table: str) -> int:
    """Count the PostgreSQL table with the source, or sum every column (the scan floor); returns the rows."""
    import asyncio

    import asyncpg

    from aumos_drift_detector.adapters.sources import PostgresSource

    if kind == "pg-summary":
        return PostgresSource(url, table=table).count(layout_for(columns, bins)).rows

    async def scan() -> int:
        connection = await asyncpg.connect(url)
        try:
            sums = ", ".join(f"sum(c{index})" for index in range(columns))
            return int(await connection.fetchval(f"SELECT count(*), {sums} FROM {table}", column=0))
        finally:
            await connection.close()

    return asyncio.run(scan())


def measure(kind: str, glob: str, columns: int, bins: int, threads: int, table: str) -> dict[str, float]:
    """Run in a child process: time one query and report the process's peak RSS."""
    import duckdb

    from aumos_drift_detector.adapters.sources import DuckDbSource

    layout = layout_for(columns, bins)
    started = time.perf_counter()
    if kind.startswith("pg-"):
        rows = measure_postgres(kind, glob, columns, bins, table)
    elif kind in ("stream", "sql"):
        rows = DuckDbSource(glob, threads=threads, counting=kind).count(layout).rows
    else:
        connection = duckdb.connect(":memory:")
        connection.execute(f"SET threads = {threads}")
        if kind == "count":
            select = "count(*)"
        else:
            select = "count(*), " + ", ".join(f"sum(c{index})" for index in range(columns))
        rows = int(connection.execute(f"SELECT {select} FROM read_parquet(?)", [glob]).fetchone()[0])
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": elapsed, "rows": rows, "peak_rss_mb": peak_mb}


def child(kind: str, glob: str, args: argparse.Namespace, src: str | None = None) -> dict[str, float]:
    """Run ``measure`` in a fresh process, importing the project from ``src`` when given."""
    command = [sys.executable, __file__, "--child", kind, "--glob", glob, "--columns", str(args.columns)]
    command += ["--bins", str(args.bins), "--threads", str(args.threads), "--postgres-table", args.postgres_table]
    env = {**os.environ, "PYTHONPATH": src} if src else None
    output = subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(output.strip().splitlines()[-1])


def timed_run(layout: SummaryLayout, reference: WindowSummary, parts: list[WindowSummary]) -> tuple[float, float]:
    """Best of five: (merge + KS + PSI on every feature, merge alone), in seconds."""
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        window = merge_all(layout, parts)
        merged = time.perf_counter()
        compare_summaries(reference, window, dict.fromkeys(layout.names, "ks"))
        compare_summaries(reference, window, dict.fromkeys(layout.names, "psi"))
        timings.append((time.perf_counter() - started, merged - started))
    return min(timings)


def month_of_hours(columns: int, bins: int) -> dict[str, tuple[float, float]]:
    layout = layout_for(columns, bins)
    rng = np.random.default_rng(SEED + 2)
    hours: list[WindowSummary] = []
    for _ in range(720):
        batch = {f"c{index}": rng.normal(index * 0.1, 1.0 + index * 0.05, 10_000) for index in range(columns)}
        hours.append(count_columns(layout, batch))
    reference = count_columns(
        layout, {f"c{index}": rng.normal(index * 0.1, 1.0 + index * 0.05, 200_000) for index in range(columns)}
    )
    days = [merge_all(layout, hours[start : start + 24]) for start in range(0, 720, 24)]
    return {
        "720 hourly summaries": timed_run(layout, reference, hours),
        "30 daily roll-ups": timed_run(layout, reference, days),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--bins", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--with-sql", action="store_true", help="also time counting='sql' (slow at 2000 bins)")
    parser.add_argument("--postgres", default=None, help="also load and count a PostgreSQL table (a URL)")
    parser.add_argument("--postgres-rows", type=int, default=1_000_000)
    parser.add_argument("--postgres-table", default=POSTGRES_TABLE)
    parser.add_argument("--postgres-only", action="store_true", help="skip the Parquet and month-of-hours parts")
    parser.add_argument("--repeat", type=int, default=1, help="time the PostgreSQL lines this many times")
    parser.add_argument("--baseline-src", default=None, help="also time the source of this src directory")
    parser.add_argument("--child", default=None)
    parser.add_argument("--glob", default=None)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.glob, args.columns, args.bins, args.threads, args.postgres_table)))
        return
    if args.postgres_only:
        postgres_part(args)
        return
    directory = args.data or Path(tempfile.mkdtemp(prefix="bench-summaries-"))
    directory.mkdir(parents=True, exist_ok=True)
    if not any(directory.glob("*.parquet")):
        seconds = write_dataset(directory, args.rows, args.columns, args.files)
        print(f"wrote {args.rows:,} x {args.columns} float64 to {directory} in {seconds:.1f} s")
    size_gb = sum(path.stat().st_size for path in directory.glob("*.parquet")) / 1e9
    glob = str(directory / "*.parquet")
    print(f"dataset: {size_gb:.2f} GB of Parquet, {args.bins} bins per column, DuckDB threads={args.threads}")
    print("| query | seconds | rows/s | values/s | peak RSS (MB) |")
    print("|---|---|---|---|---|")
    kinds = [("count", "SELECT count(*)"), ("scan", "scan floor: sum of every column"), ("stream", "summary, stream")]
    if args.with_sql:
        kinds.append(("sql", "summary, SQL histogram"))
    report(kinds, glob, args)
    if args.postgres:
        postgres_part(args)
    for label, (total, merge) in month_of_hours(args.columns, args.bins).items():
        print(
            f"run over {label} ({args.columns} features x {args.bins} bins, KS + PSI on every feature): "
            f"{1000 * total:.1f} ms (merge {1000 * merge:.1f} ms), best of 5"
        )
    if not args.keep and args.data is None:
        shutil.rmtree(directory)


def postgres_part(args: argparse.Namespace) -> None:
    """Load the table, time the scan floor and the source (``--repeat`` times), drop the table unless ``--keep``."""
    seconds = load_postgres(args.postgres, args.postgres_rows, args.columns, args.postgres_table)
    print(f"loaded {args.postgres_rows:,} x {args.columns} float8 into PostgreSQL with COPY in {seconds:.1f} s")
    if args.postgres_only:
        print("| query | seconds | rows/s | values/s | peak RSS (MB) |")
        print("|---|---|---|---|---|")
    kinds = [("pg-scan", "PostgreSQL scan floor: sum of every column"), ("pg-summary", "PostgreSQL summary")]
    for _ in range(args.repeat):
        report(kinds, args.postgres, args)
        if args.baseline_src:
            report([("pg-summary", f"PostgreSQL summary, {args.baseline_src}")], args.postgres, args, args.baseline_src)
    if not args.keep:
        drop_postgres(args.postgres, args.postgres_table)


def report(kinds: list[tuple[str, str]], target: str, args: argparse.Namespace, src: str | None = None) -> None:
    """Time each kind in a fresh process and print its table row."""
    for kind, label in kinds:
        result = child(kind, target, args, src)
        rate = result["rows"] / result["seconds"]
        print(
            f"| {label} | {result['seconds']:.2f} | {rate:,.0f} | {rate * args.columns:,.0f} | "
            f"{result['peak_rss_mb']:.0f} |",
            flush=True,
        )


def drop_postgres(url: str, table: str) -> None:
    """Drop the benchmark's table."""
    import asyncio

    import asyncpg

    async def drop() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(f"DROP TABLE IF EXISTS {table}")
        finally:
            await connection.close()

    asyncio.run(drop())


if __name__ == "__main__":
    main()
