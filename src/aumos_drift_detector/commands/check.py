"""The ``aumos-drift check`` command: compare two files and decide, as the service would, whether the data drifted.

    aumos-drift check --reference train.parquet --current today.csv [--features a,b | --monitor M.json]
                      [--json OUT] [--html OUT] [--multivariate classifier,pca] [--embedding COL]

The files are checked as a monitor: the one in ``--monitor`` (the body of ``POST /api/v1/monitors``),
or one whose features are the reference's columns (or ``--features``) with every default. The check
runs the service's own path: the monitor's tests (:mod:`~aumos_drift_detector.core.decisions.default_tests`),
the engine, then :func:`~aumos_drift_detector.core.decisions.judge.judge_detection` — the multiple-testing
correction (Benjamini–Hochberg by default), the effect floors, the dataset rules, severity by effect
size, and the alert budget as a first check. It prints one row per feature (drifted first), the
verdict with the rule that made it, and exits with

* 0 when the dataset did not drift,
* 1 when it drifted,
* 2 on bad input (unreadable file, missing column, too few values, a bad monitor file...), with a
  one-line reason on stderr naming the file and the column or field,
* 3 on an unexpected internal failure (never for a drift decision), so CI pipelines can tell a
  crash from drift.

With ``--multivariate`` and ``--embedding`` the check also tests the features together and
embedding columns (:mod:`.check_multivariate`); a multivariate test that fires makes the verdict drift.

No server or database is involved, so it runs in a notebook shell or a CI step.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from aumos_drift_detector.adapters.files.tabular import read_table
from aumos_drift_detector.adapters.files.text_numbers import refuse_text_in_numbers
from aumos_drift_detector.adapters.scheduling.croniter_calendar import CroniterCalendar
from aumos_drift_detector.commands.check_arguments import add_check_parser
from aumos_drift_detector.commands.check_report import CheckOutcome, check_document, render_table, verdict_line
from aumos_drift_detector.commands.monitor_file import columns_monitor, local_monitor, read_monitor_file
from aumos_drift_detector.commands.multivariate_arguments import MultivariatePlan
from aumos_drift_detector.core.decisions.judge import judge_detection
from aumos_drift_detector.core.decisions.rate import checks_per_year
from aumos_drift_detector.core.decisions.verdict import drift_rules
from aumos_drift_detector.core.detections.evaluation import evaluate_check, statistical_detection
from aumos_drift_detector.core.detections.model import DetectionStatus, RunTrigger, StatisticalSummary
from aumos_drift_detector.core.errors import DriftDetectorError
from aumos_drift_detector.core.ingest.service import feature_specs
from aumos_drift_detector.core.monitors.config import DatasetRule, MultipleTestingCorrection
from aumos_drift_detector.core.monitors.model import Monitor
from aumos_drift_detector.core.monitors.service import MonitorDraft
from aumos_drift_detector.core.statistical import DEFAULT_MAX_MISSING_SHIFT, NumericalProfile, ReferenceProfile
from aumos_drift_detector.core.validation import parse

EXIT_NO_DRIFT: Final[int] = 0
EXIT_DRIFT: Final[int] = 1
EXIT_BAD_INPUT: Final[int] = 2
EXIT_INTERNAL_ERROR: Final[int] = 3
_PROGRAM = "aumos-drift check"
__all__ = ["CORRECTION_NAMES", "add_check_parser", "decide_check", "run_check"]
#: ``--correction`` values, with the short name ``bh`` for Benjamini–Hochberg.
CORRECTION_NAMES: Final[dict[str, MultipleTestingCorrection]] = {
    **{item.value: item for item in MultipleTestingCorrection},
    "bh": MultipleTestingCorrection.BENJAMINI_HOCHBERG,
}


class _BadInputError(Exception):
    """Bad input, already phrased for the user with the file's name in front."""


def _rule(args: argparse.Namespace, rule: DatasetRule) -> DatasetRule:
    """The monitor's dataset rule with the command line's overrides, validated like a request body."""
    changes: dict[str, object] = {}
    if getattr(args, "drift_share", None) is not None:
        changes["drift_share"] = args.drift_share
    if getattr(args, "correction", None) is not None:
        changes["correction"] = CORRECTION_NAMES[args.correction].value
    if not changes:
        return rule
    return parse(DatasetRule, {**rule.model_dump(mode="json"), **changes}, path="dataset_rule")


def _draft(args: argparse.Namespace, draft: MonitorDraft) -> MonitorDraft:
    return dataclasses.replace(draft, dataset_rule=_rule(args, draft.dataset_rule))


def _prefixed(path: Path, message: str) -> str:
    return message if message.startswith(str(path)) else f"{path}: {message}"


def decide_check(
    monitor: Monitor,
    profile: ReferenceProfile,
    current: object,
    *,
    reference_rows: int,
    current_rows: int,
    max_missing_shift: float | None = DEFAULT_MAX_MISSING_SHIFT,
    now: datetime,
) -> CheckOutcome:
    """Check ``current`` against the reference profile and decide it under the monitor's rules, as a first check.

    Raises:
        DriftDetectorError: A column of ``current`` is missing or unusable, or has too few values.
    """
    result = evaluate_check(monitor, profile, current, max_missing_shift=max_missing_shift)
    summary = StatisticalSummary(
        reference_version=None, reference_rows=reference_rows, current_rows=current_rows,
        current_batches=1, drift_share_threshold=monitor.dataset_rule.drift_share,
        correction=monitor.dataset_rule.correction,
    )  # fmt: skip
    detection = statistical_detection(
        monitor, summary, trigger=RunTrigger.MANUAL, started=now, finished=now, status=DetectionStatus.SUCCEEDED,
        result=result,
    )  # fmt: skip
    rate = checks_per_year(CroniterCalendar(), monitor.schedule, now)
    decided, _ = judge_detection(monitor, detection, None, checks_per_year=rate, now=now)
    rules = drift_rules(decided.features, monitor.dataset_rule)
    return CheckOutcome(monitor, decided, rules, monitor.alert_policy.breaches(decided), rate)


def _numerical(monitor: Monitor) -> list[str]:
    return [feature.name for feature in monitor.features if feature.kind == "numerical"]


def _feature_columns(args: argparse.Namespace, draft: MonitorDraft | None, plan: MultivariatePlan) -> list[str] | None:
    """The columns to read: the features (all columns when none are named) and the embedding columns."""
    if draft is not None:
        clash = sorted(set(plan.embeddings) & {feature.name for feature in draft.features})
        if clash:
            raise _BadInputError(f"{args.monitor}: column {clash[0]!r} is both a monitored feature and an embedding")
        names = [feature.name for feature in draft.features]
    elif args.features is not None:
        names = [name for name in args.features if name not in plan.embeddings]
    else:
        return None
    return names + list(plan.embeddings)


def _check(args: argparse.Namespace) -> CheckOutcome:
    now = datetime.now(UTC)
    plan = MultivariatePlan.from_args(args)
    monitor_path = getattr(args, "monitor", None)
    draft = read_monitor_file(monitor_path).draft if monitor_path is not None else None
    if plan.count == 0 and draft is not None and draft.multivariate is not None:
        plan = MultivariatePlan.of_option(draft.multivariate)  # the monitor's own tests
    columns = _feature_columns(args, draft, plan)
    try:
        reference = read_table(args.reference, columns=columns)
        features = [name for name in reference.column_names if name not in plan.embeddings]
        monitor = local_monitor(_draft(args, draft or columns_monitor(features)), now)
        refuse_text_in_numbers(reference, _numerical(monitor), name=str(args.reference))
        profile = ReferenceProfile.from_data(reference, feature_specs(monitor), min_samples=args.min_samples)
    except DriftDetectorError as exc:
        raise _BadInputError(_prefixed(args.reference, exc.message)) from exc
    try:
        current = read_table(args.current, columns=[*monitor.feature_names, *plan.embeddings])
        numbers = [name for name in profile.names if isinstance(profile.feature(name), NumericalProfile)]
        refuse_text_in_numbers(current, numbers, name=str(args.current))
        outcome = decide_check(
            monitor, profile, current, reference_rows=reference.num_rows, current_rows=current.num_rows,
            max_missing_shift=args.max_missing_shift, now=now,
        )  # fmt: skip
    except DriftDetectorError as exc:
        raise _BadInputError(_prefixed(args.current, exc.message)) from exc
    if plan.count == 0:
        return outcome
    from aumos_drift_detector.commands.check_multivariate import run_multivariate  # loads scikit-learn

    categorical = frozenset(feature.name for feature in monitor.features if feature.kind == "categorical")
    results = run_multivariate(
        plan, reference, current, features=monitor.feature_names, categorical=categorical,
        names=(str(args.reference), str(args.current)),
    )  # fmt: skip
    return dataclasses.replace(outcome, multivariate=results)


def _html(args: argparse.Namespace, outcome: CheckOutcome) -> str:
    from aumos_drift_detector.adapters.reports.detection_report import render_detection  # only when asked for

    detection = outcome.detection
    facts = {
        "reference": str(args.reference),
        "current": str(args.current),
        "verdict": verdict_line(outcome),
        "severity": detection.severity.value,
        "alert": "yes" if outcome.alert else "no",
        "drift share": detection.drift_share,
        "drift share threshold": outcome.monitor.dataset_rule.drift_share,
        "correction": outcome.monitor.dataset_rule.correction.value,
    }
    return render_detection(
        detection, title=f"{args.current} against {args.reference}", facts=facts,
        multivariate=[result.to_dict() for result in outcome.multivariate],
    )  # fmt: skip


def _json(_args: argparse.Namespace, outcome: CheckOutcome) -> str:
    return json.dumps(check_document(outcome), indent=2) + "\n"


def _write(target: Path, text: str) -> None:
    if str(target) == "-":
        sys.stdout.write(text)
    else:
        target.write_text(text, encoding="utf-8")


def run_check(args: argparse.Namespace) -> int:
    """Run ``check`` with parsed arguments and return the exit status.

    Args:
        args: The namespace produced by a parser set up with :func:`add_check_parser`.

    Returns:
        0 no drift, 1 drift, 2 bad input, 3 internal error.
    """
    target: Path | None = None
    try:
        outcome = _check(args)
        for target, render in ((getattr(args, "json_out", None), _json), (getattr(args, "html_out", None), _html)):
            if target is not None:
                _write(target, render(args, outcome))
    except (_BadInputError, DriftDetectorError) as exc:
        message = exc.message if isinstance(exc, DriftDetectorError) else str(exc)
        sys.stderr.write(f"{_PROGRAM}: error: {message}\n")
        return EXIT_BAD_INPUT
    except OSError as exc:
        sys.stderr.write(f"{_PROGRAM}: error: cannot write {target}: {exc.strerror or exc}\n")
        return EXIT_BAD_INPUT
    except Exception as exc:
        sys.stderr.write(f"{_PROGRAM}: internal error: {type(exc).__name__}: {exc}\n")
        return EXIT_INTERNAL_ERROR
    if "-" not in (str(getattr(args, "json_out", None)), str(getattr(args, "html_out", None))):
        sys.stdout.write(render_table(outcome))
    return EXIT_DRIFT if outcome.is_drift else EXIT_NO_DRIFT
