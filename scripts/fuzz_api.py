"""A long schemathesis run against the HTTP API: many generated requests, every phase, every check.

The same harness as ``tests/adapters/api/test_schemathesis.py`` (``tests/api_fuzzing.py``): the real
application on a SQLite file in a temporary directory, seeded with a monitor, a detection and
alerts, called in process with an admin token. Run from the repository root:

    python scripts/fuzz_api.py [--max-examples 300] [--seed N] [--no-stateful]

Prints the number of requests, of server errors (5xx) and of answers whose status the OpenAPI
document does not list, then the answers by operation and status, then each finding of the checks
(with a curl command that reproduces it). Exits 1 when there is a finding, 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.api_fuzzing import CHECKS, FuzzReport, fuzz

from aumos_drift_detector.logging import configure_logging


def _print_report(report: FuzzReport, seconds: float, seed: int | None) -> None:
    print(f"requests: {report.requests} in {seconds:.0f} s (seed {seed if seed is not None else 'random'})")
    print(f"server errors (5xx): {report.server_errors}")
    print(f"undocumented statuses: {sum(report.undocumented.values())}")
    for (operation, status), count in sorted(report.undocumented.items()):
        print(f"  {operation} -> {status}: {count}")
    print(f"findings: {len(report.findings)} (checks: {', '.join(CHECKS)})")
    print("answers by operation and status:")
    by_operation: dict[str, Counter[int]] = {}
    for (operation, status), count in report.statuses.items():
        by_operation.setdefault(operation, Counter())[status] = count
    for operation, statuses in sorted(by_operation.items()):
        print(f"  {operation}: " + ", ".join(f"{status}x{count}" for status, count in sorted(statuses.items())))
    for error in report.errors:
        print(f"error: {error}")
    for finding in report.findings:
        print(finding)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=300, help="generated examples per operation and phase")
    parser.add_argument("--seed", type=int, default=None, help="seed of the run (random when omitted)")
    parser.add_argument("--no-stateful", action="store_true", help="skip chains of operations")
    args = parser.parse_args()
    configure_logging(level="ERROR")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory:
        report = fuzz(
            Path(directory) / "drift.db",
            max_examples=args.max_examples,
            stateful=not args.no_stateful,
            seed=args.seed,
            deterministic=args.seed is not None,
        )
    _print_report(report, time.perf_counter() - started, args.seed)
    return 1 if report.findings or report.errors or report.server_errors or report.undocumented else 0


if __name__ == "__main__":
    sys.exit(main())
