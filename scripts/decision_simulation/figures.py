"""The figures of the simulations: summaries of the per-seed results, each with its target when it has one."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

#: Each shift's target: the first alert within this many shifted checks in 95% of seeds.
DELAY_TARGETS = {0.3: 3, 0.1: 30, 1.0: 3}
#: Severities at or above the default alert policy's ``min_severity`` (``medium``).
BREACHING = frozenset({"medium", "high", "critical"})
#: Share of seeds that must reach a target.
TARGET_SHARE = 0.95


def _mean_interval(values: Sequence[float]) -> dict[str, float]:
    """Mean and a normal 95% interval for it (counts: never below 0)."""
    array = np.asarray(values, dtype=np.float64)
    mean = float(array.mean()) if array.size else math.nan
    half = 1.96 * float(array.std(ddof=1)) / math.sqrt(array.size) if array.size > 1 else math.nan
    return {"mean": mean, "low": max(mean - half, 0.0), "high": mean + half}


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def quantiles(values: Sequence[float | None]) -> dict[str, float]:
    """Median, p90, p95 and max of values where ``None`` (never happened) counts as infinite."""
    array = np.asarray([math.inf if value is None else value for value in values], dtype=np.float64)
    if not array.size:
        return {"median": math.nan, "p90": math.nan, "p95": math.nan, "max": math.nan}
    picked = np.quantile(array, [0.5, 0.9, 0.95], method="inverted_cdf")
    return {"median": float(picked[0]), "p90": float(picked[1]), "p95": float(picked[2]), "max": float(array.max())}


def year_figures(seeds: list[dict[str, Any]], *, days: int, change_day: int) -> dict[str, Any]:
    """False alerts per year under no drift, the naive rules' counts, and each shift's delays."""
    per_year = 365.0 / days
    alerts = [seed["alerts"] * per_year for seed in seeds]
    figures: dict[str, Any] = {
        "seeds": len(seeds),
        "false_alerts_per_year": _mean_interval(alerts),
        "false_alert_distribution": dict(sorted(Counter(seed["alerts"] for seed in seeds).items())),
        "alarms_per_year": _mean_interval([seed["alarms"] * per_year for seed in seeds]),
        "breaches_per_year": _mean_interval([seed["breaches"] * per_year for seed in seeds]),
        "verdict_drifts_per_year": _mean_interval([seed["verdicts"] * per_year for seed in seeds]),
        "naive_checks_per_year": _mean_interval([seed["naive_checks"] * per_year for seed in seeds]),
        "naive_flags_per_year": _mean_interval([seed["naive_flags"] * per_year for seed in seeds]),
        "alerts_before_change": _mean_interval([seed["alerts_before_change"] for seed in seeds]),
        "shifts": {},
    }
    for key in seeds[0]["shifts"] if seeds else ():
        runs = [seed["shifts"][key] for seed in seeds]
        delays = [run["delay"] for run in runs]
        target = DELAY_TARGETS.get(float(key))
        within = sum(1 for delay in delays if delay is not None and target is not None and delay <= target)
        figures["shifts"][key] = {
            "target_checks": target,
            "horizon": runs[0]["horizon"],
            "delay": quantiles(delays),
            "alarm_delay": quantiles([run["alarm_delay"] for run in runs]),
            "never": sum(delay is None for delay in delays),
            "share_within_target": within / len(runs) if target is not None else None,
            "severity": dict(Counter(run["severity"] or "none" for run in runs)),
        }
    return figures


def diabetes_figures(splits: list[dict[str, Any]]) -> dict[str, Any]:
    """Shares of random splits that alert, without and with the shift of ``bp``."""
    count = len(splits)

    def share(part: str, field: str) -> float:
        return sum(bool(split[part][field]) for split in splits) / count

    return {
        "splits": count,
        "null_no_alert": 1.0 - share("null", "alert"),
        "null_verdict_drift": share("null", "verdict"),
        "null_some_feature_drifted": sum(bool(split["null"]["drifted"]) for split in splits) / count,
        "null_naive_flagged": sum(split["null"]["raw_flags"] > 0 for split in splits) / count,
        "shifted_verdict_drift": share("shifted", "verdict"),
        "shifted_alarm": share("shifted", "alarm"),
        "shifted_alert": share("shifted", "alert"),
        "shifted_drift_and_alert": sum(
            bool(split["shifted"]["verdict"] and split["shifted"]["alert"]) for split in splits
        )
        / count,
        "shifted_bp_p": quantiles([split["shifted"]["bp_p"] for split in splits]),
        "shifted_bp_effect": quantiles([split["shifted"]["bp_effect"] for split in splits]),
        "shifted_severity": dict(Counter(split["shifted"]["severity"] for split in splits)),
    }


def _covers(figure: dict[str, float | None], truth: float) -> bool:
    low, high = figure["low"], figure["high"]
    return low is not None and high is not None and low <= truth <= high


def _detector_figures(runs: list[list[dict[str, Any]]], before: float, after: float, change: int) -> dict[str, Any]:
    expected = "degradation" if after > before else "improvement"
    firsts = [next((drift for drift in drifts if drift["index"] >= change), None) for drifts in runs]
    found = [drift for drift in firsts if drift is not None]
    later = [[drift for drift in drifts if drift["index"] >= change] for drifts in runs]
    alert_after = [sum(drift["alert"] for drift in drifts) for drifts in later]
    # An open alert absorbs later breaches: count the drifts after the change that breach, alert or not.
    breach_after = [sum(drift["severity"] in BREACHING for drift in drifts) for drifts in later]
    return {
        "delay": quantiles([None if drift is None else drift["index"] - change + 1 for drift in firsts]),
        "detected": len(found) / len(runs),
        "direction_right": _share(sum(drift["direction"] == expected for drift in found), len(found)),
        "before_covers": _share(sum(_covers(drift["before"], before) for drift in found), len(found)),
        "after_covers": _share(sum(_covers(drift["after"], after) for drift in found), len(found)),
        "false_drifts_before_change": _mean_interval([sum(d["index"] < change for d in drifts) for drifts in runs]),
        "alerts_before_change": sum(sum(d["alert"] for d in drifts if d["index"] < change) for drifts in runs),
        "alerts_after_change": sum(alert_after),
        "breaches_after_change": sum(breach_after),
        "streams_breaching_after_change": sum(count > 0 for count in breach_after) / len(runs),
        "streams_alerting_after_change": sum(count > 0 for count in alert_after) / len(runs),
        "first_drift_alerted": _share(sum(drift["alert"] for drift in found), len(found)),
    }


def concept_figures(seeds: list[dict[str, Any]], *, change: int) -> dict[str, Any]:
    """For each change of rate and each detector: delay, direction, intervals, false drifts, alerts."""
    figures: dict[str, Any] = {"seeds": len(seeds), "change_index": change, "changes": {}}
    for key in seeds[0]["changes"] if seeds else ():
        before, after = (float(part) for part in key.split(" → "))
        detectors = seeds[0]["changes"][key]
        figures["changes"][key] = {
            name: _detector_figures([seed["changes"][key][name] for seed in seeds], before, after, change)
            for name in detectors
        }
    return figures
