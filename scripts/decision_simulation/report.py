"""The calibration tables in Markdown, and their place in ``docs/decisions.md`` between two marker comments."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from decision_simulation.figures import TARGET_SHARE
from decision_simulation.year import YearConfig

BEGIN, END = "<!-- calibration:begin -->", "<!-- calibration:end -->"


@dataclass(frozen=True, slots=True)
class Plan:
    """What to simulate: each scenario's configuration and number of seeds, by scenario name."""

    configs: dict[str, Any]
    seeds: dict[str, int]


def _number(value: float, digits: int = 2) -> str:
    if math.isinf(value):
        return "never"
    if math.isnan(value):
        return "n/a"
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"


def _interval(figure: dict[str, float], digits: int = 2) -> str:
    if math.isnan(figure["high"]):
        return _number(figure["mean"], digits)
    low, high = (_number(figure[name], digits) for name in ("low", "high"))
    return f"{_number(figure['mean'], digits)} (95% CI {low} to {high})"


def _percent(share: float | None) -> str:
    return "n/a" if share is None or math.isnan(share) else f"{100 * share:.1f}%"


def _spread(figure: dict[str, float], unit: str = "") -> str:
    parts = (f"{name} {_number(figure[name], 0)}" for name in ("median", "p90", "p95", "max"))
    return ", ".join(parts) + unit


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def year_table(year: dict[str, Any], config: dict[str, Any]) -> list[str]:
    """Rows of the year: false alerts under no drift against the naive rules, then each shift's delays."""
    alerts = year["false_alerts_per_year"]
    distribution = ", ".join(f"{count} alert(s): {seeds}" for count, seeds in year["false_alert_distribution"].items())
    rows = [
        "| scenario | target | measured | |",
        "|---|---|---|---|",
        f"| no drift: false alerts per year, budget 1 (the service) | ≤ 1 | {_interval(alerts, 3)}; seeds with "
        f"{distribution} | {_met(alerts['mean'] <= 1)} |",
        f"| no drift: sequential alarms per year (before the severity gate) | ≤ 1 | "
        f"{_interval(year['alarms_per_year'], 3)} | |",
        f"| no drift: checks whose dataset verdict is drift, per year | | "
        f"{_interval(year['verdict_drifts_per_year'], 3)} | |",
        f"| no drift: naive rule, checks with some feature at p < 0.05, per year | | "
        f"{_interval(year['naive_checks_per_year'], 1)} | |",
        f"| no drift: naive rule, feature flags at p < 0.05, per year | ≈ 900 | "
        f"{_interval(year['naive_flags_per_year'], 1)} | |",
        f"| false alerts before day {config['change_day']} (per seed) | | "
        f"{_interval(year['alerts_before_change'], 3)} | |",
    ]
    for key, shift in year["shifts"].items():
        target = shift["target_checks"]
        share = shift["share_within_target"]
        ok = share is not None and share >= TARGET_SHARE
        rows.append(
            f"| one numerical feature moved by {key}σ from day {config['change_day']}: first alert within "
            f"{target} checks | ≥ {_percent(TARGET_SHARE)} of seeds | {_percent(share)}; delay in checks "
            f"{_spread(shift['delay'])}; first alarm {_spread(shift['alarm_delay'])}; no alert within "
            f"{shift['horizon']} checks: {shift['never']} seeds | {_met(ok)} |"
        )
    return rows


def diabetes_table(diabetes: dict[str, Any], bp_shift: float) -> list[str]:
    """Rows of the diabetes splits."""
    null_ok = diabetes["null_no_alert"] >= TARGET_SHARE
    shifted_ok = diabetes["shifted_drift_and_alert"] >= TARGET_SHARE
    return [
        "| scenario | target | measured | |",
        "|---|---|---|---|",
        f"| random half/half split: no alert | ≥ {_percent(TARGET_SHARE)} | {_percent(diabetes['null_no_alert'])} "
        f"(verdict drift {_percent(diabetes['null_verdict_drift'])}, some feature drifted "
        f"{_percent(diabetes['null_some_feature_drifted'])}, naive p < 0.05 somewhere "
        f"{_percent(diabetes['null_naive_flagged'])}) | {_met(null_ok)} |",
        f"| same splits, `bp` +{_number(bp_shift)} mmHg: drift and alert | all or nearly all | "
        f"{_percent(diabetes['shifted_drift_and_alert'])} "
        f"(verdict drift {_percent(diabetes['shifted_verdict_drift'])}, "
        f"alarm {_percent(diabetes['shifted_alarm'])}; `bp` KS p median {diabetes['shifted_bp_p']['median']:.1e}, "
        f"p90 {diabetes['shifted_bp_p']['p90']:.1e}) | {_met(shifted_ok)} |",
    ]


def concept_table(concept: dict[str, Any]) -> list[str]:
    """One row per detector and change of rate."""
    rows = [
        "| change | detector | detected | delay (outcomes after the change) | direction right | before covers "
        "truth | after covers truth | false drifts before the change (per stream) | alerts opened after the change "
        "| breaching drifts after the change |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for change, detectors in concept["changes"].items():
        for name, item in detectors.items():
            rows.append(
                f"| {change} | {name} | {_percent(item['detected'])} | {_spread(item['delay'])} | "
                f"{_percent(item['direction_right'])} | {_percent(item['before_covers'])} | "
                f"{_percent(item['after_covers'])} | {_interval(item['false_drifts_before_change'], 2)} | "
                f"{item['alerts_after_change']} in {_percent(item['streams_alerting_after_change'])} of streams | "
                f"{item['breaches_after_change']} in {_percent(item['streams_breaching_after_change'])} of streams |"
            )
    return rows


def write_section(path: Path, section: str) -> None:
    """Replace the text between the calibration markers of ``path`` with ``section``."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        msg = f"{path} has no {BEGIN} ... {END} markers"
        raise SystemExit(msg)
    path.write_text(pattern.sub(lambda _: f"{BEGIN}\n{section.strip()}\n{END}", text, count=1), encoding="utf-8")


def assumptions_table(found: dict[str, Any], configs: dict[str, Any]) -> list[str]:
    """Rows of the years that break an assumption of the guarantee."""
    what = {
        "small_reference": lambda year: (
            f"a {year.reference_rows:,}-row reference (each check shares its sampling error)"
        ),
        "overlapping_window": lambda year: (
            f"each window holds the latest {year.window_days} days (consecutive checks share rows)"
        ),
    }
    rows = [
        "| the year, with | seeds | false alerts per year | sequential alarms per year | seeds by false alerts |",
        "|---|---|---|---|---|",
    ]
    for name, describe in what.items():
        if name in found:
            item = found[name]
            spread = ", ".join(f"{count}: {seeds}" for count, seeds in item["false_alert_distribution"].items())
            rows.append(
                f"| {describe(configs[name])} | {item['seeds']} | {_interval(item['false_alerts_per_year'], 2)} | "
                f"{_interval(item['alarms_per_year'], 2)} | {spread} |"
            )
    return rows


def _year_text(year: YearConfig, seeds: int) -> str:
    window = "" if year.window_days == 1 else f" (each check sees the latest {year.window_days} days)"
    return (
        f"**A year of daily checks** ({seeds} seeds): {year.days} checks of {year.features} features "
        f"({year.features // 2} numerical N(0, 1), {max(1, year.features // 10)} binary, the rest categorical with "
        f"5 to 8 categories) with {year.rows:,} rows a day{window} against a {year.reference_rows:,}-row "
        f"reference, every policy at its default. The shifted years are the same years from day {year.change_day} "
        "on with one numerical feature moved; the delay counts shifted checks up to the first that breaches "
        "(1: the first shifted check alerts)."
    )


def section(plan: Plan, found: dict[str, Any], command: str, elapsed: float, workers: int) -> str:
    """The calibration section: how it was made, then each scenario's table."""
    configs = plan.configs
    seed = next(iter(configs.values())).seed
    lines = [
        f"Regenerated by `make calibration` (`{command}`), base seed {seed}; the run took "
        f"{elapsed / 60:.0f} minutes on {workers} processes.",
        "",
    ]
    if "year" in found:
        year = configs["year"]
        lines += [_year_text(year, found["year"]["seeds"]), "", *year_table(found["year"], asdict(year)), ""]
    if any(name in found for name in ("small_reference", "overlapping_window")):
        lines += [
            "**The same year when an assumption of the guarantee fails** (no shift; fewer seeds): the bound needs "
            "each check's p-values to be valid given the past, which checks sharing data are not.",
            "",
            *assumptions_table(found, configs),
            "",
        ]
    if "diabetes" in found:
        lines += [
            f"**Diabetes** (scikit-learn's `load_diabetes(scaled=False)`, {found['diabetes']['splits']} random "
            "splits into two halves of 221 rows; one check of a fresh monitor of the ten features, defaults):",
            "",
            *diabetes_table(found["diabetes"], configs["diabetes"].bp_shift),
            "",
        ]
    if "concept" in found:
        concept = configs["concept"]
        lines += [
            f"**Concept drift** ({found['concept']['seeds']} streams per row): Bernoulli errors, {concept.before:,} "
            f"outcomes at the first rate then {concept.after:,} at the second, posted in batches of {concept.batch} "
            "to the concept use case; each detector with its default parameters, the alert policy at its default.",
            "",
            *concept_table(found["concept"]),
            "",
        ]
    return "\n".join(lines)
