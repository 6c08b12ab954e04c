"""Benchmark of the multivariate tests, each beside the per-feature engine on the same data.

Run:  .venv/bin/python benchmarks/bench_multivariate.py [--repeats 2]

* Tabular: 100,000 rows × 50 columns a side (45 numerical, 5 categorical; a correlation flip between
  two columns). The domain classifier samples 5,000 rows a side (its default bound), fits five folds
  and ranks the 50 features; the PCA reconstruction samples 10,000 reference and 5,000 current rows.
  Beside them: the per-feature engine (``evaluate``) on all 100,000 rows, with its reference profile
  built once beforehand as the service holds it (the profile's build time is shown too).
* Embeddings: 2,000 × 384 a side (a seeded Gaussian mixture, weights moved by 10 points): MMD² with
  200 permutations, the centroid distance, and the classifier on a 20-component projection. Beside
  them: the per-feature engine on the 384 dimensions as columns.

Times are the best of ``--repeats`` runs on one thread each; peak memory is the largest traced
allocation (tracemalloc) during one call. Allocations made inside scikit-learn's compiled code are
not all traced, so the classifier's figure is a floor.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from aumos_drift_detector.core.multivariate import (
    centroid_cosine,
    domain_classifier,
    embedding_classifier,
    mmd,
    pca_reconstruction,
)
from aumos_drift_detector.core.statistical import ReferenceProfile, evaluate

ROWS, COLUMNS, CATEGORICAL = 100_000, 50, 5
POINTS, DIMENSIONS, CLUSTERS = 2_000, 384, 6


def tabular(seed: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    labels = np.array(["a", "b", "c", "d", "e", "f"])

    def side(rho: float) -> dict[str, np.ndarray]:
        first = rng.normal(0, 1, ROWS)
        columns = {"x0": first, "x1": rho * first + np.sqrt(1 - rho * rho) * rng.normal(0, 1, ROWS)}
        columns |= {f"x{i}": rng.normal(0, 1, ROWS) for i in range(2, COLUMNS - CATEGORICAL)}
        columns |= {f"c{i}": rng.choice(labels, ROWS) for i in range(CATEGORICAL)}
        return columns

    return side(0.6), side(-0.6)


def embeddings(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    means = rng.normal(0, 0.35, (CLUSTERS, DIMENSIONS))
    even = np.full(CLUSTERS, 1 / CLUSTERS)
    moved = even + np.r_[0.1, -0.1, np.zeros(CLUSTERS - 2)]

    def side(weights: np.ndarray) -> np.ndarray:
        return means[rng.choice(CLUSTERS, POINTS, p=weights)] + rng.normal(0, 0.5, (POINTS, DIMENSIONS))

    return side(even), side(moved)


def measure(call: Callable[[], Any], repeats: int) -> tuple[float, float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    call()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 2**20, result


def row(name: str, seconds: float, peak_mib: float, note: str) -> None:
    print(f"  {name:<44} {seconds:8.2f} s  {peak_mib:8.0f} MiB  {note}")


def bench_tabular(repeats: int) -> None:
    reference, current = tabular(1)
    print(f"tabular: {ROWS:,} rows × {COLUMNS} columns a side ({CATEGORICAL} categorical), correlation flip x0/x1")
    seconds, peak, result = measure(lambda: domain_classifier(reference, current), repeats)
    top = ", ".join(item.feature for item in result.attribution[:2])
    row("domain classifier (5,000 rows a side, 5 folds)", seconds, peak, f"AUC {result.statistic:.3f}, top: {top}")
    seconds, peak, result = measure(lambda: pca_reconstruction(reference, current), repeats)
    row("PCA reconstruction (10,000 + 5,000 rows)", seconds, peak, f"p {result.p_value:.2g}")
    started = time.perf_counter()
    profile = ReferenceProfile.from_data(reference, max_workers=1)
    built = time.perf_counter() - started
    seconds, peak, verdict = measure(lambda: evaluate(profile, current, max_workers=1), repeats)
    note = f"{verdict.n_drifted} of {verdict.n_features} features drifted; profile built in {built:.2f} s"
    row("per-feature engine (all 100,000 rows)", seconds, peak, note)


def bench_embeddings(repeats: int) -> None:
    reference, current = embeddings(2)
    print(f"embeddings: {POINTS:,} × {DIMENSIONS} a side, mixture weights moved 10 points")
    for name, test in (
        ("MMD² (200 permutations)", mmd),
        ("centroid cosine (200 permutations)", centroid_cosine),
        ("classifier on 20-component projection", embedding_classifier),
    ):
        seconds, peak, result = measure(lambda test=test: test(reference, current), repeats)
        row(name, seconds, peak, f"p {result.p_value:.2g}")
    columns = [f"d{i}" for i in range(DIMENSIONS)]
    profile = ReferenceProfile.from_data(reference, columns=columns, max_workers=1)
    seconds, peak, verdict = measure(lambda: evaluate(profile, current, columns=columns, max_workers=1), repeats)
    row("per-feature engine (384 dimensions as columns)", seconds, peak, f"{verdict.n_drifted} of 384 drifted")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with threadpool_limits(limits=1):
        bench_tabular(args.repeats)
        bench_embeddings(args.repeats)


if __name__ == "__main__":
    main()
