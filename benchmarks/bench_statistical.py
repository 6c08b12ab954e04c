"""Benchmark of the statistical drift engine against evidently, a scipy loop and the sort floor.

Run:  .venv/bin/python benchmarks/bench_statistical.py [--quick] [--evidently-1m]

Every contender sees the same seeded data (reference and current, columns 0-9 of the current data
shifted by half a standard deviation). The reference profile is built before timing starts, as a
service would hold it. Contenders:

* ``ours (auto)``   evaluate(profile, current) with the automatic test choice (Wasserstein above 1000 rows)
* ``ours (ks)``     evaluate with every numeric feature forced to KS, the same test as the scipy loop
* ``scipy loop``    scipy.stats.ks_2samp per column on the raw reference and current columns
* ``evidently``     Report([DataDriftPreset()]).run(current, reference) (evidently 0.7.x)
* ``np.sort floor`` np.sort of every current column, one after another: no drift engine can avoid it

Timings are the best of several runs (one run for evidently). Peak memory is the largest traced
allocation (tracemalloc, which numpy reports to) during one call, as a multiple of the current
input arrays' size. evidently on 1M rows takes minutes, so by default its 1M figure is extrapolated
linearly from 100k and labelled so; ``--evidently-1m`` measures it.
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DO_NOT_TRACK", "1")

import numpy as np
import pandas as pd
from scipy import stats

from aumos_drift_detector.core.statistical import FeatureSpec, ReferenceProfile, evaluate

N_COLUMNS = 20
N_CATEGORIES = 50


def numeric_data(n_rows: int, seed: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    reference = {f"n{i}": rng.normal(0.0, 1.0, n_rows) for i in range(N_COLUMNS)}
    current = {f"n{i}": rng.normal(0.5 if i < N_COLUMNS // 2 else 0.0, 1.0, n_rows) for i in range(N_COLUMNS)}
    return reference, current


def categorical_data(n_rows: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    labels = np.array([f"cat_{k:02d}" for k in range(N_CATEGORIES)])
    base = rng.dirichlet(np.ones(N_CATEGORIES) * 2.0)
    moved = rng.dirichlet(np.ones(N_CATEGORIES) * 2.0)

    def frame(shifted: bool) -> pd.DataFrame:
        columns = {}
        for i in range(N_COLUMNS):
            probabilities = moved if shifted and i < N_COLUMNS // 2 else base
            codes = rng.choice(N_CATEGORIES, n_rows, p=probabilities)
            columns[f"c{i}"] = pd.Categorical.from_codes(codes, categories=labels)
        return pd.DataFrame(columns)

    return frame(False), frame(True)


def best_time(function: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_memory(function: Callable[[], Any]) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def sort_floor(current: dict[str, np.ndarray]) -> None:
    for values in current.values():
        np.sort(values)


def scipy_loop(reference: dict[str, np.ndarray], current: dict[str, np.ndarray]) -> int:
    return sum(stats.ks_2samp(reference[name], current[name]).pvalue < 0.05 for name in reference)


def run_evidently(reference: pd.DataFrame, current: pd.DataFrame) -> int | None:
    from evidently import Report
    from evidently.presets import DataDriftPreset

    snapshot = Report([DataDriftPreset()]).run(current_data=current, reference_data=reference)
    for metric in snapshot.dict()["metrics"]:
        if str(metric["metric_name"]).startswith("DriftedColumnsCount"):
            return int(metric["value"]["count"])
    return None


def print_table(title: str, rows: list[tuple[str, float, str, str]], baseline: float) -> None:
    print(f"\n{title}")
    print(f"  {'contender':<28}{'time (s)':>10}{'vs ours':>10}  {'drifted':<9}{'peak mem':<14}")
    for name, seconds, drifted, memory in rows:
        print(f"  {name:<28}{seconds:>10.3f}{seconds / baseline:>9.1f}x  {drifted:<9}{memory:<14}")


def numeric_case(n_rows: int, seed: int, evidently_mode: str, evidently_100k: float | None) -> float | None:
    reference, current = numeric_data(n_rows, seed)
    input_bytes = sum(values.nbytes for values in current.values())
    profile = ReferenceProfile.from_data(reference)
    ks_profile = ReferenceProfile.from_data(reference, [FeatureSpec(name, test="ks") for name in reference])
    repeats = 5 if n_rows <= 200_000 else 3
    ours_time, ours = best_time(lambda: evaluate(profile, current), repeats)
    ks_time, ours_ks = best_time(lambda: evaluate(ks_profile, current), repeats)
    ours_peak = peak_memory(lambda: evaluate(profile, current)) / input_bytes
    ks_peak = peak_memory(lambda: evaluate(ks_profile, current)) / input_bytes
    floor_time, _ = best_time(lambda: sort_floor(current), repeats)
    scipy_time, scipy_drifted = best_time(lambda: scipy_loop(reference, current), 1 if n_rows > 200_000 else 2)
    rows = [
        ("ours (auto: wasserstein)", ours_time, str(ours.n_drifted), f"{ours_peak:.2f}x input"),
        ("ours (ks)", ks_time, str(ours_ks.n_drifted), f"{ks_peak:.2f}x input"),
        ("scipy ks_2samp loop", scipy_time, str(scipy_drifted), "-"),
        ("np.sort floor", floor_time, "-", "-"),
    ]
    evidently_time = None
    if evidently_mode == "run":
        frames = pd.DataFrame(reference), pd.DataFrame(current)
        evidently_time, drifted = best_time(lambda: run_evidently(*frames), 1)
        rows.append(("evidently DataDriftPreset", evidently_time, str(drifted), "-"))
    elif evidently_mode == "extrapolate" and evidently_100k is not None:
        estimate = evidently_100k * n_rows / 100_000
        rows.append(("evidently (EXTRAPOLATED)", estimate, "n/a", "-"))
    print_table(f"numeric {n_rows:,} rows x {N_COLUMNS} columns (input {input_bytes / 2**20:.0f} MiB)", rows, ours_time)
    print(
        f"  ours/sort floor: {ours_time / floor_time:.2f} (auto), {ks_time / floor_time:.2f} (ks); "
        f"scipy/ours(ks): {scipy_time / ks_time:.1f}x; cores: {os.cpu_count()}"
    )
    return evidently_time


def categorical_case(n_rows: int, seed: int, with_evidently: bool) -> None:
    reference, current = categorical_data(n_rows, seed)
    profile = ReferenceProfile.from_data(reference)
    input_bytes = sum(current[name].cat.codes.to_numpy().nbytes for name in current.columns)
    ours_time, ours = best_time(lambda: evaluate(profile, current), 5)
    peak = peak_memory(lambda: evaluate(profile, current)) / input_bytes
    rows = [("ours (auto: jensen_shannon)", ours_time, str(ours.n_drifted), f"{peak:.2f}x codes")]
    if with_evidently:
        evidently_time, drifted = best_time(lambda: run_evidently(reference, current), 1)
        rows.append(("evidently DataDriftPreset", evidently_time, str(drifted), "-"))
    title = f"categorical {n_rows:,} rows x {N_COLUMNS} columns, {N_CATEGORIES} categories (pandas Categorical)"
    print_table(title, rows, ours_time)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k rows only")
    parser.add_argument("--evidently-1m", action="store_true", help="run evidently on 1M rows (minutes)")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    print("Statistical drift engine benchmark (targets: 1M x 20 <= 1.5 s, 100k x 20 <= 0.15 s,")
    print(">= 50x evidently, >= 4x scipy loop, <= 2x sort floor, peak memory <= 1.5x input)")
    evidently_100k = numeric_case(100_000, args.seed, "run", None)
    categorical_case(100_000, args.seed, with_evidently=True)
    if args.quick:
        return
    numeric_case(1_000_000, args.seed, "run" if args.evidently_1m else "extrapolate", evidently_100k)
    categorical_case(1_000_000, args.seed, with_evidently=False)


if __name__ == "__main__":
    main()
