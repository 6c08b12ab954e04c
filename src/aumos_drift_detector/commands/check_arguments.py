"""The arguments of ``aumos-drift check``, kept apart from the check itself so that ``--help`` imports nothing heavy.

The defaults are plain literals here; a test holds them equal to the engine's own
(:data:`~aumos_drift_detector.core.statistical.DEFAULT_MIN_SAMPLES` and
:data:`~aumos_drift_detector.core.statistical.DEFAULT_MAX_MISSING_SHIFT`) and the correction names to
:class:`~aumos_drift_detector.core.monitors.config.MultipleTestingCorrection`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Final

from aumos_drift_detector.commands.multivariate_arguments import add_multivariate_arguments

#: Fewest values a feature needs in each sample (the engine's ``DEFAULT_MIN_SAMPLES``).
MIN_SAMPLES: Final[int] = 5
#: Largest tolerated change of a feature's missing share (the engine's ``DEFAULT_MAX_MISSING_SHIFT``).
MAX_MISSING_SHIFT: Final[float] = 0.1
#: ``--correction`` values: the corrections' names, and ``bh`` for Benjamini–Hochberg.
CORRECTION_CHOICES: Final[tuple[str, ...]] = ("benjamini_hochberg", "bh", "bonferroni", "none")


def _feature_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected comma-separated feature names")
    return names


def _run(args: argparse.Namespace) -> int:
    from aumos_drift_detector.commands.check import run_check

    return run_check(args)


def add_check_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the ``check`` sub-command on an argparse sub-parser collection.

    Args:
        subparsers: The object returned by ``ArgumentParser.add_subparsers()``.
    """
    parser = subparsers.add_parser(
        "check",
        help="compare a current data file with a reference file",
        description="Compare a current CSV/Parquet/JSON file with a reference file and decide, as the service "
        "would, whether the data drifted. Exit status: 0 no drift, 1 drift, 2 bad input, 3 internal error.",
    )
    parser.add_argument("--reference", required=True, type=Path, metavar="FILE", help="reference data file (required)")
    parser.add_argument("--current", required=True, type=Path, metavar="FILE", help="current data file (required)")
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument(
        "--features", type=_feature_list, metavar="A,B", help="features to check (default: every reference column)"
    )
    chosen.add_argument(
        "--monitor", type=Path, metavar="MONITOR.json",
        help="the monitor, as the body of POST /api/v1/monitors (default: one with every default)",
    )  # fmt: skip
    parser.add_argument(
        "--json", dest="json_out", type=Path, metavar="OUT",
        help="also write the result as JSON; '-' writes it to standard output instead of the table (default: none)",
    )  # fmt: skip
    parser.add_argument(
        "--html", dest="html_out", type=Path, metavar="OUT",
        help="also write an HTML report; '-' writes it to standard output instead of the table (default: none)",
    )  # fmt: skip
    parser.add_argument(
        "--drift-share", type=float, metavar="SHARE",
        help="share of drifted features that makes the dataset drift (default: the monitor's, 0.5)",
    )  # fmt: skip
    parser.add_argument(
        "--correction", choices=CORRECTION_CHOICES,
        help="multiple-testing correction across features (default: the monitor's, benjamini_hochberg)",
    )  # fmt: skip
    parser.add_argument(
        "--min-samples", type=int, default=MIN_SAMPLES, help="fewest values per feature (default: %(default)s)"
    )
    parser.add_argument(
        "--max-missing-shift", type=float, default=MAX_MISSING_SHIFT,
        help="tolerated change of a feature's missing share (default: %(default)s)",
    )  # fmt: skip
    add_multivariate_arguments(parser)
    parser.set_defaults(handler=_run)
