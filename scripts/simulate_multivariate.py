"""Seeded calibration and power of the multivariate tests; writes the tables of docs/multivariate.md.

Usage: .venv/bin/python scripts/simulate_multivariate.py SCENARIO [--runs N] [--write-doc docs/multivariate.md]

Scenarios (each a few minutes on one core at its default size):

* null-tabular: the mixed table of ``tests/core/multivariate/scenarios.py`` (five numerical, one
  categorical, one boolean column), 500 rows a side, no drift: the domain classifier and the PCA
  reconstruction; 200 runs.
* null-pooled: why the classifier's p-value combines its folds: the same out-of-fold scores judged
  by the Mann–Whitney test of the pooled scores and by the Cauchy combination of the folds' tests,
  200 rows a side; 100 runs.
* null-pca: the PCA reconstruction alone on the same data, 1,000 runs (it is cheap, and 200 runs
  leave an interval of ±3 points).
* null-embedding: 384-dimensional mixture vectors, 300 points a side, no drift: MMD and the
  centroid distance; 200 runs.
* null-projection: the same at 200 points a side: the classifier on the PCA projection; 200 runs.
* power-flip: 5,000 rows a side, the correlation of ``a`` and ``b`` flipped from 0.6 to −0.6:
  both tabular tests, per-feature KS (Bonferroni over the five numerical columns) and whether the
  attribution ranks ``a`` and ``b`` first; 50 runs.
* power-mixture: 2,000 points a side, 10 points of mixture weight moved between two clusters:
  MMD, the classifier on the projection and the centroid distance; 30 runs.

The classifier on embeddings runs without its attribution (its p-value does not depend on it).
Run ``i`` draws its data from seed ``SEED + i`` and seeds the test with ``i``. Each rate comes with
its Wilson 95% interval. ``--write-doc`` replaces the scenario's block between its markers.
"""

from __future__ import annotations

import argparse
import math
import re
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.core.multivariate.scenarios import mixed_table, mixture_embeddings, shifted_weights

from aumos_drift_detector.core.multivariate import (
    centroid_cosine,
    domain_classifier,
    embedding_classifier,
    mmd,
    pca_reconstruction,
)
from aumos_drift_detector.core.multivariate.auc import auc_p_value, cauchy_combination
from aumos_drift_detector.core.multivariate.classifier_model import ClassifierSettings
from aumos_drift_detector.core.multivariate.cross_fitting import out_of_fold_scores
from aumos_drift_detector.core.multivariate.encoding import encode_columns
from aumos_drift_detector.core.statistical import ks_test

SEED = 20261130
ALPHA = 0.05
DOC = "docs/multivariate.md"
NUMERICAL = ("a", "b", "c", "d", "e")
Outcome = dict[str, bool]


def _null_tabular(run: int) -> Outcome:
    rng = np.random.default_rng(SEED + run)
    reference, current = mixed_table(rng, 500), mixed_table(rng, 500)
    return {
        "domain classifier": domain_classifier(reference, current, seed=run, attribution=False).drift_detected,
        "PCA reconstruction": pca_reconstruction(reference, current, seed=run).drift_detected,
    }


def _null_pooled(run: int) -> Outcome:
    """The classifier's folds scored once, judged by the pooled Mann–Whitney test and by the Cauchy combination."""
    rng = np.random.default_rng(SEED + run)
    pair = encode_columns(mixed_table(rng, 200), mixed_table(rng, 200))
    matrix, labels = np.vstack([pair.reference, pair.current]), np.repeat([0, 1], 200)
    with threadpool_limits(limits=1, user_api="openmp"):
        scores, folds = out_of_fold_scores(
            matrix, labels, pair.categorical, folds=5, settings=ClassifierSettings(), seed=run
        )
    pooled = auc_p_value(scores[labels == 0], scores[labels == 1])
    per_fold = [auc_p_value(scores[f.rows][labels[f.rows] == 0], scores[f.rows][labels[f.rows] == 1]) for f in folds]
    combined = cauchy_combination(per_fold)
    return {
        "pooled Mann–Whitney, α = 0.05": pooled < ALPHA,
        "pooled Mann–Whitney, α = 0.20": pooled < 0.2,
        "Cauchy combination of the folds (used), α = 0.05": combined < ALPHA,
        "Cauchy combination of the folds (used), α = 0.20": combined < 0.2,
    }


def _null_pca(run: int) -> Outcome:
    rng = np.random.default_rng(SEED + run)
    reference, current = mixed_table(rng, 500), mixed_table(rng, 500)
    return {"PCA reconstruction": pca_reconstruction(reference, current, seed=run).drift_detected}


def _null_embedding(run: int) -> Outcome:
    rng = np.random.default_rng(SEED + run)
    reference, current = mixture_embeddings(rng, 300), mixture_embeddings(rng, 300)
    return {
        "MMD": mmd(reference, current, seed=run).drift_detected,
        "centroid cosine": centroid_cosine(reference, current, seed=run).drift_detected,
    }


def _null_projection(run: int) -> Outcome:
    rng = np.random.default_rng(SEED + run)
    reference, current = mixture_embeddings(rng, 200), mixture_embeddings(rng, 200)
    result = embedding_classifier(reference, current, seed=run, attribution=False)
    return {"classifier on PCA projection": result.drift_detected}


def _power_flip(run: int) -> Outcome:
    rng = np.random.default_rng(SEED + run)
    reference, current = mixed_table(rng, 5000, rho=0.6), mixed_table(rng, 5000, rho=-0.6)
    classifier = domain_classifier(reference, current, seed=run)  # with attribution: its ranking is measured
    ks = [ks_test(reference[name], current[name], threshold=ALPHA).p_value for name in NUMERICAL]
    return {
        "domain classifier": classifier.drift_detected,
        "PCA reconstruction": pca_reconstruction(reference, current, seed=run).drift_detected,
        "any per-feature KS (Bonferroni)": min(p or 1.0 for p in ks) < ALPHA / len(NUMERICAL),
        "attribution ranks a, b first": {item.feature for item in classifier.attribution[:2]} == {"a", "b"},
    }


def _power_mixture(run: int) -> Outcome:
    rng = np.random.default_rng(SEED + run)
    reference, current = mixture_embeddings(rng, 2000), mixture_embeddings(rng, 2000, shifted_weights(0.10))
    return {
        "MMD": mmd(reference, current, seed=run).drift_detected,
        "classifier on PCA projection": embedding_classifier(
            reference, current, seed=run, attribution=False
        ).drift_detected,
        "centroid cosine": centroid_cosine(reference, current, seed=run).drift_detected,
    }


SCENARIOS: dict[str, tuple[Callable[[int], Outcome], int, str]] = {
    "null-tabular": (_null_tabular, 200, "false-positive rate, mixed table, 500 rows a side, no drift"),
    "null-pooled": (_null_pooled, 100, "false-positive rate of two p-values of the classifier, 200 rows a side"),
    "null-pca": (_null_pca, 1000, "false-positive rate, mixed table, 500 rows a side, no drift"),
    "null-embedding": (_null_embedding, 200, "false-positive rate, 384-dim mixture, 300 points a side, no drift"),
    "null-projection": (_null_projection, 200, "false-positive rate, 384-dim mixture, 200 points a side, no drift"),
    "power-flip": (_power_flip, 50, "detection rate, correlation 0.6 → −0.6, 5,000 rows a side"),
    "power-mixture": (_power_mixture, 30, "detection rate, mixture weights moved 10 points, 2,000 points a side"),
}


def wilson(hits: int, runs: int) -> tuple[float, float]:
    """The Wilson 95% interval of a rate."""
    z, rate = 1.959964, hits / runs
    centre = (rate + z * z / (2 * runs)) / (1 + z * z / runs)
    half = z * math.sqrt(rate * (1 - rate) / runs + z * z / (4 * runs * runs)) / (1 + z * z / runs)
    return centre - half, centre + half


def table(name: str, runs: int, outcomes: list[Outcome], seconds: float, first_run: int = 0) -> str:
    _, _, title = SCENARIOS[name]
    extra = f" --first-run {first_run}" if first_run else ""
    lines = [
        f"**{name}** — {title}; α = {ALPHA}; runs {first_run} to {first_run + runs - 1}; {seconds:.0f} s.",
        f"Command: `python scripts/simulate_multivariate.py {name} --runs {runs}{extra} --write-doc {DOC}`",
        "",
        "| test | rate | 95% interval |",
        "|---|---|---|",
    ]
    for key in outcomes[0]:
        hits = sum(outcome[key] for outcome in outcomes)
        low, high = wilson(hits, runs)
        lines.append(f"| {key} | {hits / runs:.1%} ({hits}/{runs}) | {low:.1%} – {high:.1%} |")
    return "\n".join(lines)


def write_block(path: Path, name: str, text: str) -> None:
    page = path.read_text(encoding="utf-8")
    start, end = f"<!-- simulation:{name} -->", f"<!-- /simulation:{name} -->"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.DOTALL)
    if not pattern.search(page):
        raise SystemExit(f"{path}: no {start} … {end} block")
    path.write_text(pattern.sub(lambda _: f"{start}\n{text}\n{end}", page), encoding="utf-8")


class _StoppedError(BaseException):
    """SIGTERM arrived: report the runs done so far."""


def _stop(_signum: int, _frame: object) -> None:
    raise _StoppedError


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--runs", type=int, help="runs (default: the scenario's)")
    parser.add_argument("--first-run", type=int, default=0, help="index of the first run (to extend a simulation)")
    parser.add_argument("--write-doc", type=Path, help="replace the scenario's block in this page")
    args = parser.parse_args()
    simulate, default_runs, _ = SCENARIOS[args.scenario]
    runs = args.runs or default_runs
    started = time.perf_counter()
    outcomes: list[Outcome] = []
    signal.signal(signal.SIGTERM, _stop)
    try:
        for index in range(runs):
            outcomes.append(simulate(args.first_run + index))
            if (index + 1) % 10 == 0:
                print(f"{index + 1}/{runs} runs, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    except _StoppedError:
        print(f"stopped after {len(outcomes)} runs", file=sys.stderr)
    if not outcomes:
        raise SystemExit("no run finished")
    text = table(args.scenario, len(outcomes), outcomes, time.perf_counter() - started, args.first_run)
    print(text)
    if args.write_doc:
        write_block(args.write_doc, args.scenario, text)


if __name__ == "__main__":
    main()
