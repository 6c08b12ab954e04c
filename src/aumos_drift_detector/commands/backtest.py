"""The ``aumos-drift backtest`` command: a history replayed through the service's decision logic.

    aumos-drift backtest --reference train.parquet --history production.csv --time-column ts --every 1d
                         [--monitor monitor.json] [--json OUT]

The history's rows are cut into periods by their time; each period's rows are received at its start
and checked at its end, through the service's own use cases (:mod:`aumos_drift_detector.core.backtest`),
so the verdicts, alarms, severities and alerts are those the service would have produced. Without
``--monitor`` every column of the reference but the time column is a feature with the defaults, and
each check compares one period's rows; a monitor file without a ``window`` gets that window too.

Exit status: 0 the replay ran (whatever it found), 2 bad input (a one-line reason on stderr naming
the file, column or value), 3 an unexpected internal failure.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import hashlib
import json
import logging
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

import pyarrow as pa

from aumos_drift_detector.adapters.files.tabular import read_table
from aumos_drift_detector.adapters.persistence.arrow_codec import ArrowIpcTableWriter
from aumos_drift_detector.adapters.scheduling.croniter_calendar import CroniterCalendar
from aumos_drift_detector.commands.backtest_arguments import add_backtest_parser
from aumos_drift_detector.commands.history_file import cut_periods
from aumos_drift_detector.commands.monitor_file import columns_monitor, read_monitor_file
from aumos_drift_detector.commands.text_table import text_table
from aumos_drift_detector.core.backtest.model import BacktestCheck, BacktestReport
from aumos_drift_detector.core.backtest.period import parse_period
from aumos_drift_detector.core.backtest.replay import Replay
from aumos_drift_detector.core.errors import DriftDetectorError, ValidationError
from aumos_drift_detector.core.ingest.model import Upload
from aumos_drift_detector.core.monitors.config import WindowSpec
from aumos_drift_detector.core.monitors.service import MonitorDraft

EXIT_DONE: Final[int] = 0
EXIT_BAD_INPUT: Final[int] = 2
EXIT_INTERNAL_ERROR: Final[int] = 3
_PROGRAM = "aumos-drift backtest"
#: The logger of the replay's progress, shown at info while the rest of the service logs warnings only.
PROGRESS_LOGGER = "aumos_drift_detector.core.backtest"
__all__ = ["PROGRESS_LOGGER", "add_backtest_parser", "backtest", "render_report", "run_backtest"]


def _monitor(args: argparse.Namespace, every: timedelta) -> MonitorDraft | None:
    """The monitor file's monitor (with the period's window unless it sets one), or ``None`` without a file."""
    if args.monitor is None:
        return None
    found = read_monitor_file(args.monitor)
    if args.time_column in {feature.name for feature in found.draft.features}:
        raise ValidationError(f"{args.monitor}: the time column {args.time_column!r} cannot be a feature")
    return found.draft if "window" in found.given else _period_window(found.draft, every)


def _period_window(draft: MonitorDraft, every: timedelta) -> MonitorDraft:
    return dataclasses.replace(draft, window=WindowSpec(last_rows=None, last_seconds=int(every.total_seconds())))


def _upload(path: Path, table: pa.Table) -> Upload:
    with path.open("rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()
    return Upload(table=table, rows=table.num_rows, content_type="application/octet-stream", checksum=digest)


def backtest(args: argparse.Namespace) -> BacktestReport:
    """Read the inputs, replay the history and return the report.

    Raises:
        ValidationError: Bad input; the message names the file, column or value.
    """
    every = parse_period(args.every, field="--every")
    draft = _monitor(args, every)
    columns = None if draft is None else [feature.name for feature in draft.features]
    reference = read_table(args.reference, columns=columns)
    if draft is None:
        draft = _period_window(
            columns_monitor([name for name in reference.column_names if name != args.time_column]), every
        )
    features = [feature.name for feature in draft.features]
    history = read_table(args.history, columns=[*features, args.time_column])
    periods = cut_periods(history, args.time_column, every, name=str(args.history), features=features)
    replay = Replay(draft, every=every, calendar=CroniterCalendar(), table_writer=ArrowIpcTableWriter)
    return asyncio.run(replay.run(_upload(args.reference, reference), periods))


def _time(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def _row(check: BacktestCheck) -> list[str]:
    return [
        _time(check.start),
        _time(check.end),
        str(check.rows),
        check.status.value,
        "DRIFT" if check.drift_detected else "-",
        "ALARM" if check.alarm else "-",
        check.severity.value,
        "ALERT" if check.alert else "-",
        ", ".join(check.drifted_features) or "-",
    ]


def render_report(report: BacktestReport) -> str:
    """The human-readable report: one row per check, then the summary."""
    header = ["start", "end", "rows", "status", "drift", "alarm", "severity", "alert", "drifted features"]
    lines = text_table(header, (_row(check) for check in report.checks))
    summary = report.summary
    first = f", the first at {_time(summary.first_alert)}" if summary.first_alert else ""
    flags = ", ".join(f"{name} {count}" for name, count in summary.feature_flags.items())
    noun = "alert" if summary.alerts == 1 else "alerts"
    lines += [
        "",
        f"{summary.checks} checks, {summary.alerts} {noun} raised{first}; {summary.drifted_checks} checks drifted, "
        f"{summary.alarms} alarmed (alert budget spread over {summary.checks_per_year:.6g} checks a year).",
        f"Checks at which each feature drifted: {flags}.",
    ]
    return "\n".join(lines) + "\n"


def run_backtest(args: argparse.Namespace) -> int:
    """Run ``backtest`` with parsed arguments and return the exit status (0 done, 2 bad input, 3 internal)."""
    logging.getLogger(PROGRESS_LOGGER).setLevel(logging.INFO)
    target = args.json_out
    try:
        report = backtest(args)
        if target is not None:
            text = json.dumps(report.model_dump(mode="json"), indent=2) + "\n"
            if str(target) == "-":
                sys.stdout.write(text)
            else:
                target.write_text(text, encoding="utf-8")
    except DriftDetectorError as exc:
        sys.stderr.write(f"{_PROGRAM}: error: {exc.message}\n")
        return EXIT_BAD_INPUT
    except OSError as exc:
        sys.stderr.write(f"{_PROGRAM}: error: cannot write {target}: {exc.strerror or exc}\n")
        return EXIT_BAD_INPUT
    except Exception as exc:
        sys.stderr.write(f"{_PROGRAM}: internal error: {type(exc).__name__}: {exc}\n")
        return EXIT_INTERNAL_ERROR
    if target is None or str(target) != "-":
        sys.stdout.write(render_report(report))
    return EXIT_DONE
