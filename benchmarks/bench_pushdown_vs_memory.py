"""Push-down against loading: the same Parquet check counted by DuckDB, loaded by pandas, and run by evidently.

For each ``--sizes`` (rows x ``--columns`` float64, no drift), writes a seeded Parquet dataset (the one of
``bench_summaries.py``) and checks it against a 200,000-row reference of the same distributions three ways,
each in a fresh process capped at ``--timeout`` seconds and ``--memory-gb`` of address space:

* ``push-down``: :class:`~aumos_drift_detector.adapters.sources.DuckDbSource` counts the files into 2,000
  reference-quantile bins per column (the service's ``source`` path), then KS from counts on every column;
* ``pandas + engine``: ``pandas.read_parquet`` of the files, then the statistical engine's KS on the frame
  (the exact path of a service that loads its window);
* ``evidently``: ``pandas.read_parquet``, then ``Report([DataDriftPreset()])`` (evidently 0.7.x, a dev-only
  comparison); once it fails at a size, the larger sizes are not tried.

It prints seconds, peak RSS and the features each found drifted, or why a contender did not finish.

Run: ``.venv/bin/python benchmarks/bench_pushdown_vs_memory.py [--sizes 1000000 3000000 10000000]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_summaries import SEED, layout_for, write_dataset

CONTENDERS = ("push-down", "pandas + engine", "evidently")
REFERENCE_ROWS = 200_000


def _reference(columns: int) -> dict[str, np.ndarray[Any, np.dtype[np.float64]]]:
    rng = np.random.default_rng(SEED + 2)
    return {f"c{i}": rng.normal(i * 0.1, 1.0 + i * 0.05, REFERENCE_ROWS) for i in range(columns)}


def _push_down(directory: Path, columns: int) -> int:
    from aumos_drift_detector.adapters.sources import DuckDbSource
    from aumos_drift_detector.core.summaries import compare_summaries, count_columns

    layout = layout_for(columns, 2000)
    current = DuckDbSource(str(directory / "*.parquet"), threads=2).count(layout)
    reference = count_columns(layout, _reference(columns))
    results = compare_summaries(reference, current, {f"c{i}": "ks" for i in range(columns)})
    return sum(1 for result in results.values() if result.drift_detected)


def _pandas_engine(directory: Path, columns: int) -> int:
    import pandas as pd

    from aumos_drift_detector.core.statistical import FeatureSpec, ReferenceProfile, evaluate

    frame = pd.read_parquet(directory)
    profile = ReferenceProfile.from_data(_reference(columns), [FeatureSpec(f"c{i}", test="ks") for i in range(columns)])
    return evaluate(profile, frame).n_drifted


def _evidently(directory: Path, columns: int) -> int:
    import pandas as pd
    from benchmarks.bench_statistical import run_evidently

    drifted = run_evidently(pd.DataFrame(_reference(columns)), pd.read_parquet(directory))
    return -1 if drifted is None else drifted


def _child(kind: str, directory: Path, columns: int, memory_gb: float) -> None:
    """Run one contender in this process under the address-space cap and print its figures as JSON."""
    cap = int(memory_gb * (1 << 30))
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    run = {"push-down": _push_down, "pandas + engine": _pandas_engine, "evidently": _evidently}[kind]
    started = time.perf_counter()
    drifted = run(directory, columns)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "drifted": drifted}))


def _measure(kind: str, directory: Path, args: argparse.Namespace) -> dict[str, Any] | str:
    command = [sys.executable, __file__, "--child", kind, "--data", str(directory), "--columns", str(args.columns)]
    command += ["--memory-gb", str(args.memory_gb)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout, check=False)
    except subprocess.TimeoutExpired:
        return f"did not finish in {args.timeout:.0f} s"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["exit code " + str(done.returncode)])[-1]
        memory = "MemoryError" in done.stderr or "bad_alloc" in done.stderr or done.returncode < 0
        return f"out of memory ({args.memory_gb:.0f} GB cap)" if memory else f"failed: {last[:120]}"
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 3_000_000, 10_000_000])
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per contender and size")
    parser.add_argument("--memory-gb", type=float, default=16.0, help="address-space cap per contender")
    parser.add_argument("--child", default=None)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.data, args.columns, args.memory_gb)
        return
    failed: set[str] = set()
    print("| rows x columns | contender | seconds | peak RSS (MB) | drifted features |")
    print("|---|---|---|---|---|")
    for rows in args.sizes:
        directory = Path(tempfile.mkdtemp(prefix="bench-pushdown-"))
        try:
            write_dataset(directory, rows, args.columns, max(1, rows // 1_000_000))
            for kind in CONTENDERS:
                if kind in failed:
                    print(f"| {rows:,} x {args.columns} | {kind} | not tried (failed at a smaller size) | | |")
                    continue
                found = _measure(kind, directory, args)
                if isinstance(found, str):
                    if kind == "evidently":
                        failed.add(kind)
                    print(f"| {rows:,} x {args.columns} | {kind} | {found} | | |", flush=True)
                    continue
                print(
                    f"| {rows:,} x {args.columns} | {kind} | {found['seconds']:.2f} | {found['peak_rss_mb']:,.0f} | "
                    f"{found['drifted']} |",
                    flush=True,
                )
        finally:
            shutil.rmtree(directory)


if __name__ == "__main__":
    main()
