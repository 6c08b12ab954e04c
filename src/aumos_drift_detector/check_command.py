"""The ``aumos-drift check`` command: compare two files and say whether the data drifted.

    aumos-drift check --reference train.parquet --current today.csv [--features a,b] [--json OUT]

It profiles the reference file, checks the current file against the profile, prints one row per
feature (strongest drift first) and the dataset verdict, and exits with

* 0 when the dataset did not drift,
* 1 when it drifted,
* 2 on bad input (unreadable file, missing column, too few values...), with a one-line reason on
  stderr naming the file and the column,
* 3 on an unexpected internal failure (never for a drift decision), so CI pipelines can tell a
  crash from drift.

No server or database is involved, so it runs in a notebook shell or a CI step.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Final

from aumos_drift_detector.adapters.files.tabular import read_table
from aumos_drift_detector.adapters.reports.html_report import render_report
from aumos_drift_detector.core.errors import DriftDetectorError
from aumos_drift_detector.core.statistical import (
    CORRECTIONS,
    DEFAULT_DRIFT_SHARE,
    DEFAULT_MAX_MISSING_SHIFT,
    DEFAULT_MIN_SAMPLES,
    DatasetDriftResult,
    FeatureDriftResult,
    ReferenceProfile,
    evaluate,
)

EXIT_NO_DRIFT: Final[int] = 0
EXIT_DRIFT: Final[int] = 1
EXIT_BAD_INPUT: Final[int] = 2
EXIT_INTERNAL_ERROR: Final[int] = 3
_PROGRAM = "aumos-drift check"


class _BadInputError(Exception):
    """Bad input, already phrased for the user with the file's name in front."""


def _feature_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected comma-separated feature names")
    return names


def add_check_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the ``check`` sub-command on an argparse sub-parser collection.

    Args:
        subparsers: The object returned by ``ArgumentParser.add_subparsers()``.
    """
    parser = subparsers.add_parser(
        "check",
        help="compare a current data file with a reference file",
        description="Compare a current CSV/Parquet/JSON file with a reference file, feature by feature. "
        "Exit status: 0 no drift, 1 drift, 2 bad input.",
    )
    parser.add_argument("--reference", required=True, type=Path, metavar="FILE", help="reference data file")
    parser.add_argument("--current", required=True, type=Path, metavar="FILE", help="current data file")
    parser.add_argument("--features", type=_feature_list, metavar="A,B", help="features to check (default: all)")
    parser.add_argument("--json", dest="json_out", type=Path, metavar="OUT", help="also write the result as JSON")
    parser.add_argument("--html", dest="html_out", type=Path, metavar="OUT", help="also write an HTML report")
    parser.add_argument("--drift-share", type=float, default=DEFAULT_DRIFT_SHARE, help="share of drifted features")
    parser.add_argument("--correction", choices=CORRECTIONS, default="none", help="multiple-testing correction")
    parser.add_argument("--min-samples", type=int, default=DEFAULT_MIN_SAMPLES, help="fewest values per feature")
    parser.add_argument(
        "--max-missing-shift", type=float, default=DEFAULT_MAX_MISSING_SHIFT, help="tolerated change of missing share"
    )
    parser.set_defaults(handler=run_check)


def _format_number(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _row(item: FeatureDriftResult, with_adjusted: bool) -> list[str]:
    result = item.result
    marker = "DRIFT" if item.test_drift_detected else "DRIFT (missing)" if item.drift_detected else "-"
    missing = f"{item.missing.reference_share:.1%} -> {item.missing.current_share:.1%}"
    row = [item.name, item.kind, result.test, _format_number(result.statistic, ".4g")]
    row.append(_format_number(result.p_value, ".3g"))
    if with_adjusted:
        row.append(_format_number(item.adjusted_p_value, ".3g"))
    return [*row, format(result.threshold, "g"), missing, marker]


def render_table(result: DatasetDriftResult) -> str:
    """The human-readable report: one row per feature and the verdict line."""
    with_adjusted = result.correction != "none"
    header = ["feature", "kind", "test", "statistic", "p-value"]
    header += [f"p ({result.correction})"] if with_adjusted else []
    header += ["threshold", "missing", "drift"]
    rows = [header, *(_row(item, with_adjusted) for item in result.features)]
    widths = [max(len(row[index]) for row in rows) for index in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    comparison = ">=" if result.drift_detected else "<"
    verdict = "Dataset drift detected" if result.drift_detected else "No dataset drift"
    lines.append("")
    lines.append(
        f"{verdict}: {result.n_drifted} of {result.n_features} features drifted "
        f"(share {result.share_drifted:.2f} {comparison} {result.drift_share:.2f})."
    )
    return "\n".join(lines) + "\n"


def _check(args: argparse.Namespace) -> DatasetDriftResult:
    features = args.features
    try:
        reference = read_table(args.reference, columns=features)
        profile = ReferenceProfile.from_data(reference, features, min_samples=args.min_samples)
    except DriftDetectorError as exc:
        raise _BadInputError(_prefixed(args.reference, exc.message)) from exc
    try:
        current = read_table(args.current, columns=features)
        return evaluate(
            profile,
            current,
            drift_share=args.drift_share,
            correction=args.correction,
            max_missing_shift=args.max_missing_shift,
        )
    except DriftDetectorError as exc:
        raise _BadInputError(_prefixed(args.current, exc.message)) from exc


def _json_default(value: object) -> object:
    """Numpy scalars and arrays that test details may carry, as plain JSON values."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _prefixed(path: Path, message: str) -> str:
    return message if message.startswith(str(path)) else f"{path}: {message}"


def _html(args: argparse.Namespace, result: DatasetDriftResult) -> str:
    facts = {
        "reference": str(args.reference),
        "current": str(args.current),
        "drift share": result.share_drifted,
        "drift share threshold": result.drift_share,
        "correction": result.correction,
    }
    features = [item.to_dict() for item in result.features]
    return render_report(
        f"{args.current} against {args.reference}", facts, is_drift=result.drift_detected, features=features
    )


def run_check(args: argparse.Namespace) -> int:
    """Run ``check`` with parsed arguments and return the exit status.

    Args:
        args: The namespace produced by a parser set up with :func:`add_check_parser`.

    Returns:
        0 no drift, 1 drift, 2 bad input, 3 internal error.
    """
    try:
        result = _check(args)
        target = args.json_out
        if target is not None:
            text = json.dumps(result.to_dict(), indent=2, default=_json_default)
            target.write_text(text + "\n", encoding="utf-8")
        target = getattr(args, "html_out", None)
        if target is not None:
            target.write_text(_html(args, result), encoding="utf-8")
    except _BadInputError as exc:
        sys.stderr.write(f"{_PROGRAM}: error: {exc}\n")
        return EXIT_BAD_INPUT
    except OSError as exc:
        sys.stderr.write(f"{_PROGRAM}: error: cannot write {target}: {exc.strerror or exc}\n")
        return EXIT_BAD_INPUT
    except Exception as exc:
        sys.stderr.write(f"{_PROGRAM}: internal error: {type(exc).__name__}: {exc}\n")
        return EXIT_INTERNAL_ERROR
    sys.stdout.write(render_table(result))
    return EXIT_DRIFT if result.drift_detected else EXIT_NO_DRIFT
