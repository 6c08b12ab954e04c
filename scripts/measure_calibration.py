"""Measure false-positive rates under no drift and power for a 0.2 sigma shift, for every test.

Usage: .venv/bin/python scripts/measure_calibration.py [--replications 2000] [--seed 20240601]

Numeric tests see N(0, 1) samples (current shifted by 0.2 for power). Categorical tests see the same
draws cut into five categories at -1.5, -0.5, 0.5, 1.5, and the binary z-test sees ``x > 0``, so the
0.2 sigma shift moves every kind of feature. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
from functools import lru_cache

import numpy as np

from aumos_drift_detector.core.statistical.catalogue import CATALOGUE
from aumos_drift_detector.core.statistical.ks_distribution import MAX_EXACT_N, exact_p_value, exact_statistic
from aumos_drift_detector.core.statistical.ks_test import ks_statistic_sorted
from aumos_drift_detector.core.statistical.psi import psi_sorted

CUTS = np.array([-1.5, -0.5, 0.5, 1.5])
NULL_SIZES = [(1000, 1000), (1000, 200), (200, 1000)]
POWER_SIZES = [(1000, 1000), (10_000, 10_000)]


def counts(sorted_values: np.ndarray, binary: bool) -> np.ndarray:
    edges = np.array([0.0]) if binary else CUTS
    positions = np.searchsorted(sorted_values, edges, side="right")
    return np.diff(np.concatenate(([0], positions, [sorted_values.size])))


def decide(name: str, reference: np.ndarray, current: np.ndarray) -> bool:
    if name == "psi_p_value":
        return psi_sorted(reference, current, decision="p_value").drift_detected
    spec = CATALOGUE[name]
    if name == "ks" and max(reference.size, current.size) <= MAX_EXACT_N:
        d, _ = ks_statistic_sorted(reference, current)
        return cached_ks_p(exact_statistic(d, reference.size, current.size)[1], reference.size, current.size) < 0.05
    if spec.sorted_kernel is not None:
        return spec.sorted_kernel(reference, current).drift_detected
    binary = name == "z_test"
    return spec.counts_kernel(counts(reference, binary), counts(current, binary), None).drift_detected


@lru_cache(maxsize=100_000)
def cached_ks_p(h: int, n_reference: int, n_current: int) -> float:
    return exact_p_value(h, n_reference, n_current)


def rate(name: str, n_reference: int, n_current: int, shift: float, replications: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(replications):
        reference = np.sort(rng.normal(0.0, 1.0, n_reference))
        current = np.sort(rng.normal(shift, 1.0, n_current))
        hits += decide(name, reference, current)
    return hits / replications


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replications", type=int, default=2000)
    parser.add_argument("--power-replications", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    names = [*CATALOGUE, "psi_p_value"]
    header = [f"FPR {n}v{m}" for n, m in NULL_SIZES] + [f"power {n}v{m}" for n, m in POWER_SIZES]
    print("| test | " + " | ".join(header) + " |")
    print("|---" * (len(header) + 1) + "|")
    for index, name in enumerate(names):
        seed = args.seed + 100 * index
        null = [rate(name, n, m, 0.0, args.replications, seed + k) for k, (n, m) in enumerate(NULL_SIZES)]
        power = [rate(name, n, m, 0.2, args.power_replications, seed + 10 + k) for k, (n, m) in enumerate(POWER_SIZES)]
        print(f"| {name} | " + " | ".join(f"{100 * value:.1f}%" for value in null + power) + " |", flush=True)


if __name__ == "__main__":
    main()
