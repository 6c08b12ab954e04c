"""The arguments of ``aumos-drift backtest``, kept apart from the replay so that ``--help`` imports nothing heavy."""

from __future__ import annotations

import argparse
from pathlib import Path


def _run(args: argparse.Namespace) -> int:
    from aumos_drift_detector.commands.backtest import run_backtest

    return run_backtest(args)


def add_backtest_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the ``backtest`` sub-command on an argparse sub-parser collection.

    Args:
        subparsers: The object returned by ``ArgumentParser.add_subparsers()``.
    """
    parser = subparsers.add_parser(
        "backtest",
        help="replay a history through the service's decision logic",
        description="Replay a history file period by period through the service's decision logic and report "
        "each check's verdict and the alerts it would raise. Exit status: 0 done, 2 bad input, 3 internal error.",
    )
    parser.add_argument("--reference", required=True, type=Path, metavar="REF", help="reference data file (required)")
    parser.add_argument(
        "--history", required=True, type=Path, metavar="HIST", help="production rows with times (required)"
    )
    parser.add_argument("--time-column", required=True, metavar="COL", help="the history's time column (required)")
    parser.add_argument(
        "--every", required=True, metavar="PERIOD", help="one check per period: 30m, 12h, 1d, 7d (required)"
    )
    parser.add_argument(
        "--monitor", type=Path, metavar="MONITOR.json",
        help="the monitor, as the body of POST /api/v1/monitors (default: every reference column but the time "
        "column, with every default and a window of one period)",
    )  # fmt: skip
    parser.add_argument(
        "--json", dest="json_out", type=Path, metavar="OUT",
        help="also write the report as JSON; '-' writes it to standard output instead of the table (default: none)",
    )  # fmt: skip
    parser.set_defaults(handler=_run)
