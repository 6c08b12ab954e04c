"""Seeded simulations of the service's decisions; prints the calibration tables of docs/decisions.md.

Usage: .venv/bin/python scripts/simulate_decisions.py [--quick] [--seeds 200] [--workers 2]
       [--scenarios year diabetes concept] [--json OUT] [--write-doc docs/decisions.md]

* year: 365 daily checks of 50 features (half numerical, a tenth binary, the rest categorical) with
  1,000 rows a day against a 20,000-row reference, under no drift; the same years forked at day 200
  with one numerical feature moved by 0.3σ and by 0.1σ (the delay to the first alert).
* diabetes: scikit-learn's diabetes data split at random in halves, checked as is and with `bp` +8 mmHg.
* concept: error streams 0.1 → 0.3 and 0.4 → 0.05 through the concept use case, for each detector.

Everything runs through the service's own code (``decision_simulation``). Progress goes to stderr, the
tables to stdout; ``--write-doc`` rewrites the part of the page between the calibration markers.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import multiprocessing
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import structlog
from decision_simulation import figures, report
from decision_simulation.concept import DETECTORS, ConceptConfig, run_streams
from decision_simulation.diabetes import DiabetesConfig, run_split
from decision_simulation.year import YearConfig, run_year

SEED = 20261102
SCENARIOS = ("year", "assumptions", "diabetes", "concept")
#: The years that break an assumption of the budget's guarantee, each with what it changes.
ASSUMPTIONS = ("small_reference", "overlapping_window")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few seeds and small sizes (a smoke run)")
    parser.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--seed", type=int, default=SEED, help="base seed of every scenario")
    parser.add_argument("--workers", type=int, choices=(1, 2), default=2, help="processes")
    parser.add_argument("--seeds", type=int, help="years simulated (default 200; quick 3)")
    parser.add_argument("--features", type=int, help="features of the year (default 50)")
    parser.add_argument("--reference-rows", type=int, help="reference rows of the year (default 20000)")
    parser.add_argument("--rows", type=int, help="rows of each daily window (default 1000)")
    parser.add_argument("--days", type=int, help="checks in the year (default 365)")
    parser.add_argument("--change-day", type=int, help="first shifted day (default 200)")
    parser.add_argument("--shifts", type=float, nargs="+", help="shifts in σ (default 0.3 0.1)")
    parser.add_argument("--window-days", type=int, default=1, help="days of rows in each checked window (default 1)")
    parser.add_argument("--assumption-seeds", type=int, help="years that break an assumption (default 20)")
    parser.add_argument("--diabetes-seeds", type=int, help="random splits (default 200)")
    parser.add_argument("--bp-shift", type=float, default=8.0, help="mmHg added to bp (default 8)")
    parser.add_argument("--concept-seeds", type=int, help="streams per change and detector (default 200)")
    parser.add_argument("--concept-before", type=int, help="outcomes before the change (default 5000)")
    parser.add_argument("--concept-after", type=int, help="outcomes after the change (default 5000)")
    parser.add_argument("--batch", type=int, default=100, help="outcomes per posted batch (default 100)")
    parser.add_argument("--detectors", nargs="+", choices=DETECTORS, help="concept detectors (default all)")
    parser.add_argument("--json", type=Path, help="write the per-seed results and the figures here")
    parser.add_argument("--write-doc", type=Path, help="rewrite this page's calibration section")
    return parser.parse_args(argv)


def _pick(value: Any, full: Any, quick: Any, is_quick: bool) -> Any:
    return value if value is not None else (quick if is_quick else full)


def make_plan(args: argparse.Namespace) -> report.Plan:
    q = args.quick
    year = YearConfig(
        seed=args.seed,
        features=_pick(args.features, 50, 10, q),
        reference_rows=_pick(args.reference_rows, 20_000, 5_000, q),
        rows=_pick(args.rows, 1_000, 500, q),
        days=_pick(args.days, 365, 120, q),
        change_day=_pick(args.change_day, 200, 60, q),
        shifts=tuple(_pick(args.shifts, (0.3, 0.1), (1.0, 0.3), q)),
        window_days=args.window_days,
    )
    concept = ConceptConfig(
        seed=args.seed,
        before=_pick(args.concept_before, 5_000, 2_000, q),
        after=_pick(args.concept_after, 5_000, 2_000, q),
        batch=args.batch,
        detectors=tuple(_pick(args.detectors, DETECTORS, ("ADWIN", "DDM"), q)),
    )
    assumptions = {
        "small_reference": dataclasses.replace(year, reference_rows=2 * year.rows, shifts=()),
        "overlapping_window": dataclasses.replace(year, window_days=_pick(None, 10, 3, q), shifts=()),
    }
    seeds = {
        "year": _pick(args.seeds, 200, 3, q),
        **dict.fromkeys(ASSUMPTIONS, _pick(args.assumption_seeds, 20, 2, q)),
        "diabetes": _pick(args.diabetes_seeds, 200, 20, q),
        "concept": _pick(args.concept_seeds, 200, 2, q),
    }
    chosen = [
        name for name in seeds if name in args.scenarios or (name in ASSUMPTIONS and "assumptions" in args.scenarios)
    ]
    diabetes = DiabetesConfig(seed=args.seed, bp_shift=args.bp_shift)
    configs = {"year": year, **assumptions, "diabetes": diabetes, "concept": concept}
    return report.Plan({name: configs[name] for name in chosen}, {name: seeds[name] for name in chosen})


def quiet_logging() -> None:
    """Only warnings of the service's code, on stderr."""
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )


def run_task(task: tuple[str, Any, int]) -> tuple[str, dict[str, Any]]:
    name, config, index = task
    if isinstance(config, YearConfig):
        return name, run_year(config, index)
    if isinstance(config, DiabetesConfig):
        return name, run_split(config, index)
    return name, run_streams(config, index)


def run_plan(plan: report.Plan, workers: int) -> dict[str, list[dict[str, Any]]]:
    tasks = [(name, plan.configs[name], index) for name, count in plan.seeds.items() for index in range(count)]
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in plan.seeds}
    started = time.perf_counter()
    quiet_logging()
    with multiprocessing.Pool(workers, initializer=quiet_logging) if workers > 1 else _Serial() as pool:
        for done, (name, result) in enumerate(pool.imap_unordered(run_task, tasks), start=1):
            results[name].append(result)
            elapsed = time.perf_counter() - started
            left = elapsed / done * (len(tasks) - done)
            print(
                f"[{done}/{len(tasks)}] {name} seed {result['seed']} done; {elapsed:.0f}s elapsed, ~{left:.0f}s left",
                file=sys.stderr,
                flush=True,
            )
    for items in results.values():
        items.sort(key=lambda item: item["seed"])
    return results


class _Serial:
    """The pool's interface in this process (one worker)."""

    def __enter__(self) -> _Serial:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    @staticmethod
    def imap_unordered(function: Callable[[Any], Any], items: Sequence[Any]) -> Any:
        return map(function, items)


def summarise(plan: report.Plan, results: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, items in results.items():
        config = plan.configs[name]
        if not items:
            continue
        if isinstance(config, YearConfig):
            found[name] = figures.year_figures(items, days=config.days, change_day=config.change_day)
        elif isinstance(config, DiabetesConfig):
            found[name] = figures.diabetes_figures(items)
        else:
            found[name] = figures.concept_figures(items, change=config.before)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    plan = make_plan(args)
    started = time.perf_counter()
    results = run_plan(plan, args.workers)
    elapsed = time.perf_counter() - started
    found = summarise(plan, results)
    command = "python scripts/simulate_decisions.py " + " ".join(sys.argv[1:] if argv is None else argv)
    text = report.section(plan, found, command.strip(), elapsed, args.workers)
    sys.stdout.write(text + "\n")
    if args.json:
        payload = {"plan": asdict(plan), "figures": found, "results": results, "elapsed_seconds": elapsed}
        args.json.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    if args.write_doc:
        report.write_section(args.write_doc, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
