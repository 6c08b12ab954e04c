"""False-positive rates under no drift on the summary path: KS, PSI and chi-squared at unequal n.

Usage: .venv/bin/python scripts/simulate_summaries.py [--replications 2000] [--bins 2000] [--seed 20261130]
                                                       [--write-doc docs/summaries.md]

Each replication draws a reference and a current sample from N(0, 1), fixes the summary layout from the
reference (``--bins`` reference-quantile bins), counts both samples into summaries and runs the tests
from the counts only: KS on the fine bins (deciding on the lower end of its bound), PSI (its p-value) and
chi-squared on ten groups of equal reference share. Prints a Markdown table; ``--write-doc`` replaces the
table between the calibration markers of the given file.
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path

import numpy as np

from aumos_drift_detector.core.summaries import NumericBins, SummaryLayout, compare_feature, count_columns
from aumos_drift_detector.core.summaries.layout_builder import numeric_edges

ALPHA = 0.05
SIZES = [(1000, 1000), (1000, 200), (200, 1000), (20_000, 5_000)]
TESTS = ["ks", "psi", "chi_squared"]
START, END = "<!-- calibration:start -->", "<!-- calibration:end -->"


def false_positive_rates(n_reference: int, n_current: int, replications: int, bins: int, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    hits = dict.fromkeys(TESTS, 0)
    for _ in range(replications):
        reference, current = rng.normal(0.0, 1.0, n_reference), rng.normal(0.0, 1.0, n_current)
        layout = SummaryLayout((NumericBins("x", numeric_edges(np.sort(reference), bins)),))
        ref = count_columns(layout, {"x": reference}).features[0]
        cur = count_columns(layout, {"x": current}).features[0]
        for test in TESTS:
            result = compare_feature(test, layout.features[0], ref, cur, threshold=ALPHA)
            hits[test] += bool(result.p_value is not None and result.p_value < ALPHA)
    return {test: count / replications for test, count in hits.items()}


def table(replications: int, bins: int, seed: int) -> str:
    standard_error = math.sqrt(ALPHA * (1 - ALPHA) / replications)
    lines = [
        "| test | " + " | ".join(f"FPR {n}v{m}" for n, m in SIZES) + " |",
        "|---" * (len(SIZES) + 1) + "|",
    ]
    rates = [false_positive_rates(n, m, replications, bins, seed + index) for index, (n, m) in enumerate(SIZES)]
    for test in TESTS:
        lines.append(f"| {test} | " + " | ".join(f"{100 * rate[test]:.1f}%" for rate in rates) + " |")
    lines.append("")
    lines.append(
        f"alpha = {ALPHA}, {replications} replications per cell (standard error {100 * standard_error:.2f} pp), "
        f"{bins} reference-quantile bins, seed {seed}."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--replications", type=int, default=2000)
    parser.add_argument("--bins", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--write-doc", type=Path, default=None)
    args = parser.parse_args()
    text = table(args.replications, args.bins, args.seed)
    print(text)
    if args.write_doc is not None:
        document = args.write_doc.read_text()
        replaced = re.sub(
            re.escape(START) + ".*?" + re.escape(END), lambda _: f"{START}\n{text}\n{END}", document, flags=re.S
        )
        args.write_doc.write_text(replaced)


if __name__ == "__main__":
    main()
