"""Concept-drift detectors: ours against River on the same streams, per-sample and batch.

Run: .venv/bin/python benchmarks/bench_concept.py [--quick] [--only ADWIN [--only DDM ...]]

For every detector exported by ``aumos_drift_detector.core.concept`` (River's counterpart where it has
one) it prints updates per second for a per-sample ``update`` loop and for one ``update_many`` call,
the ratios against River's per-sample loop, and whether the drift indices agree. Batch kernels are
compiled (or loaded from Numba's cache) by a warm-up call first; the first-call cost is printed too.
"""

from __future__ import annotations

import argparse
import importlib
import time

import numpy as np
from river import drift as river_drift

from aumos_drift_detector.core import concept
from aumos_drift_detector.core.concept.base import StreamKind

RIVER = {
    "ADWIN": lambda: river_drift.ADWIN(),
    "ADWIN/errors": lambda: river_drift.ADWIN(),
    "KSWIN": lambda: river_drift.KSWIN(seed=1),
    "DDM": lambda: river_drift.binary.DDM(),
    "EDDM": lambda: river_drift.binary.EDDM(),
    "HDDM_A": lambda: river_drift.binary.HDDMA(),
    "HDDM_W": lambda: river_drift.binary.HDDMW(),
    "PageHinkley": lambda: river_drift.PageHinkley(),
}
OURS = {
    "ADWIN": ("adwin", {}),
    "ADWIN/errors": ("adwin", {}),  # ADWIN on the Bernoulli error stream the error-stream detectors see
    "KSWIN": ("kswin", {"seed": 1}),
    "DDM": ("ddm", {}),
    "EDDM": ("eddm", {}),
    "HDDM_A": ("hddm_a", {}),
    "HDDM_W": ("hddm_w", {}),
    "PageHinkley": ("page_hinkley", {}),
    "RDDM": ("rddm", {}),
}


def load(name: str):
    class_name = name.split("/")[0]
    cls = getattr(concept, class_name, None)
    if cls is None:
        try:
            cls = getattr(importlib.import_module(f"aumos_drift_detector.core.concept.{OURS[name][0]}"), class_name)
        except (ImportError, AttributeError):
            return None
    return lambda: cls(**OURS[name][1])


def stream(kind: StreamKind, size: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    bounds = np.linspace(0, size, 11).astype(int)
    if kind is StreamKind.ERROR:
        rates = rng.uniform(0.05, 0.5, 10)
        return np.concatenate(
            [rng.random(b - a) < r for a, b, r in zip(bounds, bounds[1:], rates, strict=False)]
        ).astype(np.float64)
    means = rng.uniform(-1.0, 1.0, 10)
    return np.concatenate([rng.normal(m, 1.0, b - a) for a, b, m in zip(bounds, bounds[1:], means, strict=False)])


def loop(make, values: list, repeats: int) -> float:
    """Best of ``repeats`` timings of a fresh detector's per-sample loop (the machine is shared)."""
    best = float("inf")
    for _ in range(repeats):
        update = make().update
        start = time.perf_counter()
        for value in values:
            update(value)
        best = min(best, time.perf_counter() - start)
    return best


def loop_indices(detector, values: list) -> list[int]:
    found = []
    for i, value in enumerate(values):
        detector.update(value)
        if detector.drift_detected:
            found.append(i)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="100k values instead of 1M")
    parser.add_argument("--only", action="append", choices=sorted(OURS), help="benchmark only these detectors")
    args = parser.parse_args()
    size = 100_000 if args.quick else 1_000_000
    repeats = 2 if args.quick else 3
    print(f"{size:,} values per stream; rates in million updates per second (M/s)\n")
    header = f"{'detector':<12}{'River loop':>11}{'ours loop':>11}{'loop ratio':>11}{'ours batch':>12}"
    print(header + f"{'batch ratio':>13}{'1st batch s':>13}{'same drifts':>13}")
    for name in args.only or OURS:
        make = load(name)
        if make is None:
            print(f"{name:<12}  (not present)")
            continue
        kind = StreamKind.ERROR if name.endswith("/errors") else make().stream_kind
        values = stream(kind, size, seed=7)
        as_list = values.tolist() if kind is StreamKind.REAL else values.astype(int).tolist()
        river_rate = same = None
        timed = as_list
        if name in RIVER:
            probe = loop(RIVER[name], as_list[:10_000], 1)
            timed = as_list if probe < 0.5 else as_list[:20_000]  # slow River detectors: rate from a prefix
            river_rate = len(timed) / loop(RIVER[name], timed, repeats) / 1e6
        ours_time = loop(make, as_list, repeats)
        first = time.perf_counter()
        make().update_many(values[:1000])
        first_cost = time.perf_counter() - first
        batch_time = float("inf")
        for _ in range(repeats):
            detector = make()
            start = time.perf_counter()
            result = detector.update_many(values)
            batch_time = min(batch_time, time.perf_counter() - start)
        if name in RIVER and name != "KSWIN" and len(timed) == size:
            same = loop_indices(RIVER[name](), as_list) == result.drift_indices.tolist()
        loop_rate, batch_rate = size / ours_time / 1e6, size / batch_time / 1e6
        ratio = f"{loop_rate / river_rate:.2f}x" if river_rate else "-"
        batch_ratio = f"{batch_rate / river_rate:.1f}x" if river_rate else "-"
        print(
            f"{name:<12}{river_rate or float('nan'):>11.2f}{loop_rate:>11.2f}{ratio:>11}{batch_rate:>12.1f}"
            f"{batch_ratio:>13}{first_cost:>13.3f}{'-' if same is None else str(same):>13}"
        )


if __name__ == "__main__":
    main()
