"""``aumos-drift check`` decides as the service does, on scikit-learn's diabetes data (442 patients, 10 features).

The issue's case: the data split at random into a reference and a current half, and only blood pressure
(``bp``) moved by +8 mmHg (0.58 reference sd) in the current half. The naive rule (ten raw p-values at
0.05, drift when half the features drifted) says "no drift" and flags ``age`` and ``sex`` by chance;
the decision rules (``docs/decisions.md``) say drift, by the large-effect rule, with ``bp`` alone drifted.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.datasets import load_diabetes

from aumos_drift_detector.commands.check import add_check_parser, decide_check
from aumos_drift_detector.commands.monitor_file import columns_monitor, local_monitor
from aumos_drift_detector.core.ingest.service import feature_specs
from aumos_drift_detector.core.statistical import ReferenceProfile

#: A split whose chance differences flag age (p 0.044) and sex (p 0.028) under the naive rule, as in the issue.
SPLIT_SEED = 122


def _diabetes() -> pd.DataFrame:
    frame: pd.DataFrame = load_diabetes(scaled=False, as_frame=True).frame.drop(columns="target")
    return frame


def _split(seed: int, *, bp_shift: float = 0.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    data = _diabetes()
    order = np.random.default_rng(seed).permutation(len(data))
    half = len(data) // 2
    reference = data.iloc[order[:half]].reset_index(drop=True)
    current = data.iloc[order[half:]].reset_index(drop=True)
    current["bp"] = current["bp"] + bp_shift
    return reference, current


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    reference, current = _split(SPLIT_SEED)
    paths = {"reference": tmp_path / "reference.csv", "same": tmp_path / "same.csv", "bp": tmp_path / "bp.csv"}
    reference.to_csv(paths["reference"], index=False)
    current.to_csv(paths["same"], index=False)
    current.assign(bp=current["bp"] + 8).to_csv(paths["bp"], index=False)
    return paths


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="aumos-drift")
    add_check_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["check", *argv])
    return int(args.handler(args))


def _check_json(files: dict[str, Path], current: str, tmp_path: Path, *extra: str) -> tuple[int, dict]:
    out = tmp_path / "check.json"
    code = _run("--reference", str(files["reference"]), "--current", str(files[current]), "--json", str(out), *extra)
    return code, json.loads(out.read_text())


def test_bp_moved_by_8_mmhg_is_drift_by_the_large_effect_rule(files, tmp_path, capsys) -> None:
    code, payload = _check_json(files, "bp", tmp_path)
    assert code == 1
    features = {item["name"]: item for item in payload["features"]}
    assert [name for name, item in features.items() if item["drift_detected"]] == ["bp"]
    assert features["bp"]["p_value"] < 1e-8
    assert features["bp"]["effect_size"] > 0.5  # 8 mmHg is 0.58 reference sd; this split adds a little
    # age and sex differ by chance: significant one at a time, not after Benjamini-Hochberg across ten.
    for name in ("age", "sex"):
        assert features[name]["p_value"] < 0.05
        assert features[name]["adjusted_p_value"] > 0.05
        assert not features[name]["drift_detected"]
    # bp's p-value also crosses its detector's threshold at this first check: the alert budget alarms
    assert payload["rules"] == [{"rule": "large_effect", "feature": "bp"}, {"rule": "alarm", "feature": "bp"}]
    assert (payload["severity"], payload["alert"]) == ("critical", True)
    out = capsys.readouterr().out
    assert "Dataset drift detected by the large-effect rule: 'bp' moved 0.7" in out
    assert (
        "(bound 0.5 sd); the alert budget: the evidence on 'bp' crossed its detector's threshold; "
        "1 of 10 features drifted (importance-weighted share 0.10 < 0.5)." in out
    )


def test_the_unmoved_split_is_not_drift(files, tmp_path) -> None:
    code, payload = _check_json(files, "same", tmp_path)
    assert code == 0
    assert (payload["drift_detected"], payload["severity"], payload["alert"], payload["rules"]) == (
        False, "none", False, [],
    )  # fmt: skip


def test_without_correction_the_chance_differences_drift_too(files, tmp_path) -> None:
    code, payload = _check_json(files, "same", tmp_path, "--correction", "none")
    drifted = sorted(item["name"] for item in payload["features"] if item["drift_detected"])
    assert drifted == ["age", "sex"]
    assert (code, payload["severity"]) == (0, "low")  # 2 of 10 features: below the share, no large effect


@pytest.mark.slow
def test_random_splits_of_unmoved_data_rarely_drift_and_never_alert_beyond_5_percent() -> None:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    drifted = alerts = 0
    for seed in range(200):
        reference, current = _split(seed)
        monitor = local_monitor(columns_monitor(list(reference.columns)), now)
        profile = ReferenceProfile.from_data(pa.Table.from_pandas(reference), feature_specs(monitor))
        outcome = decide_check(
            monitor, profile, pa.Table.from_pandas(current), reference_rows=len(reference),
            current_rows=len(current), now=now,
        )  # fmt: skip
        drifted += outcome.detection.is_drift
        alerts += outcome.alert
    assert drifted <= 10  # at most 5% of 200 splits
    assert alerts <= drifted


def test_a_monitor_file_sets_the_rules(files, tmp_path, capsys) -> None:
    monitor = tmp_path / "monitor.json"
    body = {
        "features": [{"name": "bp", "critical": True}, {"name": "age"}, {"name": "bmi"}],
        "dataset_rule": {"large_effect_sd": 2.0},
        "alert_policy": {"min_severity": "critical", "budget": {"false_alerts_per_year": 0.1}},
    }
    monitor.write_text(json.dumps(body))
    code, payload = _check_json(files, "bp", tmp_path, "--monitor", str(monitor))
    assert code == 1
    assert [item["name"] for item in payload["features"]] == ["bp", "age", "bmi"]
    assert payload["rules"] == [{"rule": "critical", "feature": "bp"}, {"rule": "alarm", "feature": "bp"}]
    assert payload["severity"] == "critical"  # critical effect (0.58 sd), a critical feature: capped at critical
    assert payload["features"][0]["critical"] is True


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--drift-share", "2"), "dataset_rule.drift_share: Input should be less than or equal to 1"),
        (("--monitor", "{monitor}"), "features[0].importance: Input should be greater than 0"),
    ],
)
def test_bad_rules_exit_two_naming_the_field(files, tmp_path, capsys, extra, message) -> None:
    monitor = tmp_path / "monitor.json"
    monitor.write_text(json.dumps({"features": [{"name": "bp", "importance": 0}]}))
    argv = [item.replace("{monitor}", str(monitor)) for item in extra]
    assert _run("--reference", str(files["reference"]), "--current", str(files["bp"]), *argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert message in err


def test_json_to_standard_output_prints_only_the_json(files, capsys) -> None:
    assert _run("--reference", str(files["reference"]), "--current", str(files["bp"]), "--json", "-") == 1
    assert json.loads(capsys.readouterr().out)["drift_detected"] is True
