"""Agreement of our PCA reconstruction and domain classifier with NannyML's over seeded runs.

Usage: .venv/bin/python scripts/compare_nannyml.py [--runs N] [--write-doc docs/multivariate.md]

Each run compares both methods with NannyML's on the same data (``tests/oracles/agreement.py`` says
which data and settings, and why they are comparable) in three scenarios: no drift, a correlation
flip, a mean shift. Prints two tables, the reconstruction's and the classifier's, and with
``--write-doc`` replaces the ``nannyml-oracle`` block of the page. About 2 s a run on one core.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulate_multivariate import write_block
from tests.oracles.agreement import (
    CLASSIFIER_REFERENCE_ROWS,
    CURRENT_ROWS,
    REFERENCE_ROWS,
    SCENARIOS,
    RunComparison,
    compare_run,
)
from tests.oracles.nannyml_oracle import NANNYML_VERSION

DOC = "docs/multivariate.md"
BLOCK = "nannyml-oracle"


def _count(items: list[RunComparison], hits: int) -> str:
    return f"{hits}/{len(items)}"


def _relative(ours: float, theirs: float) -> float:
    return abs(ours / theirs - 1.0)


def _reconstruction_row(scenario: str, items: list[RunComparison]) -> str:
    same = max(_relative(item.error_ours, item.error_nannyml_same_rows) for item in items)
    as_run = [_relative(item.error_ours, item.error_nannyml) for item in items]
    in_errors = max(abs(item.error_ours - item.error_nannyml) / item.sampling_error_nannyml for item in items)
    components = sum(item.components_ours == item.components_nannyml for item in items)
    band = sum(item.band_ours == item.alert_nannyml for item in items)
    welch = sum(item.welch_ours == item.alert_nannyml for item in items)
    rates = " / ".join(
        _count(items, sum(getattr(item, key) for item in items)) for key in ("welch_ours", "band_ours", "alert_nannyml")
    )
    return (
        f"| {scenario} | {same:.1e} | {statistics.median(as_run):.2%} / {max(as_run):.2%} | {in_errors:.2f} | "
        f"{_count(items, components)} | {_count(items, band)} / {_count(items, welch)} | {rates} |"
    )


def _band_widths(items: list[RunComparison]) -> str:
    logs = [math.log(item.band_width_ours / item.band_width_nannyml) for item in items]
    return (
        f"Band width, ours ÷ NannyML's, over the {len(items)} references (the scenarios of a run share one): "
        f"geometric mean {math.exp(statistics.fmean(logs)):.2f}, standard deviation of the log ratio "
        f"{statistics.stdev(logs):.2f}, ours the narrower in {sum(value < 0 for value in logs)} of {len(items)}."
    )


def _classifier_row(scenario: str, items: list[RunComparison]) -> str:
    differences = [item.auc_ours - item.auc_nannyml for item in items]
    matched = [item.auc_ours - item.auc_nannyml_our_leaves for item in items if item.auc_nannyml_our_leaves is not None]
    agree = sum(item.classifier_ours == item.classifier_nannyml for item in items)
    ours = sum(item.classifier_ours for item in items)
    theirs = sum(item.classifier_nannyml for item in items)
    return (
        f"| {scenario} | {statistics.fmean(item.auc_ours for item in items):.3f} | "
        f"{statistics.fmean(item.auc_nannyml for item in items):.3f} | {statistics.fmean(differences):+.3f} / "
        f"{max(abs(value) for value in differences):.3f} | {statistics.fmean(matched):+.3f} / "
        f"{max(abs(value) for value in matched):.3f} | {_count(items, agree)} | "
        f"{_count(items, ours)} / {_count(items, theirs)} |"
    )


def table(runs: int, comparisons: list[RunComparison], seconds: float) -> str:
    by_scenario = {name: [item for item in comparisons if item.scenario == name] for name in SCENARIOS}
    lines = [
        f"**nannyml-oracle** — NannyML {NANNYML_VERSION} beside ours on the same data; runs 0 to {runs - 1} of "
        f"each scenario; {seconds:.0f} s.",
        f"Command: `python scripts/compare_nannyml.py --runs {runs} --write-doc {DOC}`",
        "",
        f"PCA reconstruction (columns a – e; {REFERENCE_ROWS:,} reference rows, {CURRENT_ROWS} current rows = one "
        "chunk; 65% of the variance):",
        "",
        "| scenario | error, NannyML fitted on our fit rows: largest relative difference | error, NannyML as run: "
        "median / largest relative difference | as run: largest difference in NannyML's sampling errors | same "
        "number of components | alert = NannyML's: our band / our test | alerts: our test / our band / NannyML |",
        "|---|---|---|---|---|---|---|",
        *(_reconstruction_row(name, items) for name, items in by_scenario.items()),
        "",
        _band_widths(by_scenario["no drift"]),
        "",
        f"Domain classifier (all seven columns; {CLASSIFIER_REFERENCE_ROWS:,} reference rows, {CURRENT_ROWS} current "
        "rows = one chunk):",
        "",
        "| scenario | AUC ours (mean) | AUC NannyML (mean) | ours − NannyML: mean / largest absolute | "
        "ours − NannyML with our 15 leaves: mean / largest absolute | verdicts agree | alerts: ours / NannyML |",
        "|---|---|---|---|---|---|---|",
        *(_classifier_row(name, items) for name, items in by_scenario.items()),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per scenario (default 20)")
    parser.add_argument("--write-doc", type=Path, help=f"replace the {BLOCK} block in this page")
    args = parser.parse_args()
    if args.runs < 2:
        parser.error("--runs must be at least 2")
    started = time.perf_counter()
    comparisons: list[RunComparison] = []
    for scenario in SCENARIOS:
        comparisons.extend(compare_run(scenario, run, our_leaves=True) for run in range(args.runs))
        print(f"{scenario}: {args.runs} runs, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    text = table(args.runs, comparisons, time.perf_counter() - started)
    print(text)
    if args.write_doc:
        write_block(args.write_doc, BLOCK, text)


if __name__ == "__main__":
    main()
