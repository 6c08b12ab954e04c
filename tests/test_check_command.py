import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from aumos_drift_detector.commands.check import add_check_parser, run_check


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="aumos-drift")
    add_check_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["check", *argv])
    return int(args.handler(args))


def _write_csv(path: Path, columns: dict[str, np.ndarray]) -> Path:
    import pyarrow.csv as pa_csv

    pa_csv.write_csv(pa.table(columns), path)
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    rng = np.random.default_rng(9)
    n = 600

    def table(shift: float) -> dict[str, np.ndarray]:
        return {
            "age": rng.normal(40 + 15 * shift, 10, n),
            "plan": rng.choice(np.array(["basic", "pro", "team"]), n, p=[0.6 - 0.4 * shift, 0.3, 0.1 + 0.4 * shift]),
            "score": rng.normal(0, 1, n),
        }

    reference = tmp_path / "reference.parquet"
    pq.write_table(pa.table(table(0.0)), reference)
    return {
        "reference": reference,
        "same": _write_csv(tmp_path / "same.csv", table(0.0)),
        "drifted": _write_csv(tmp_path / "drifted.csv", table(1.0)),
        "short": _write_csv(tmp_path / "short.csv", {"age": np.array([1.0, 2.0]), "plan": np.array(["a", "b"])}),
    }


def test_no_drift_exits_zero_and_prints_the_table(files, capsys):
    code = _run("--reference", str(files["reference"]), "--current", str(files["same"]))
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0].split() == [
        "feature", "kind", "test", "statistic", "p-value", "p", "adj.", "effect", "threshold", "missing", "drift",
    ]  # fmt: skip
    assert "No dataset drift: 0 of 3 features drifted" in out
    assert "Severity: none (nothing drifted)." in out
    assert "Correction: Benjamini-Hochberg across 3 p-value tests" in out


def test_drift_exits_one_and_writes_json(files, capsys, tmp_path):
    out_path = tmp_path / "result.json"
    code = _run("--reference", str(files["reference"]), "--current", str(files["drifted"]), "--json", str(out_path))
    out = capsys.readouterr().out
    assert code == 1
    # age moved by 1.5 reference sd and plan's mix by 0.4 of its mass: both past the large-effect bounds.
    assert "Dataset drift detected by the share rule: 2 of 3 features drifted" in out
    assert "the large-effect rule: 'age' moved 1." in out
    assert "Severity: critical" in out
    payload = json.loads(out_path.read_text())
    assert (payload["drift_detected"], payload["severity"], payload["alarm"], payload["alert"]) == (
        True, "critical", True, True,
    )  # fmt: skip
    assert payload["rules"] == [
        {"rule": "share", "feature": None},
        {"rule": "large_effect", "feature": "age"},
        {"rule": "alarm", "feature": "age"},
        {"rule": "large_effect", "feature": "plan"},
        {"rule": "alarm", "feature": "plan"},
    ]
    assert payload["correction"] == "benjamini_hochberg"
    features = {item["name"]: item for item in payload["features"]}
    assert [item["name"] for item in payload["features"]][2] == "score"
    assert features["age"]["effect_unit"] == "reference_sd"
    assert features["age"]["effect_size"] > 1.2
    assert features["plan"]["effect_unit"] == "total_variation"
    assert features["score"]["adjusted_p_value"] >= features["score"]["p_value"]


def test_feature_subset_limits_the_check(files, capsys):
    code = _run("--reference", str(files["reference"]), "--current", str(files["drifted"]), "--features", "score")
    assert code == 0
    assert "0 of 1 features" in capsys.readouterr().out


def test_missing_column_exits_two_naming_file_and_column(files, capsys):
    code = _run("--reference", str(files["reference"]), "--current", str(files["short"]), "--features", "score")
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err == f"aumos-drift check: error: {files['short']}: no column 'score' (columns: age, plan)"


def test_too_few_current_values_exit_two(files, capsys):
    code = _run("--reference", str(files["reference"]), "--current", str(files["short"]), "--features", "age")
    err = capsys.readouterr().err
    assert code == 2
    assert str(files["short"]) in err
    assert "feature 'age'" in err
    assert len(err.strip().splitlines()) == 1


def test_unreadable_reference_exits_two(tmp_path, files, capsys):
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet at all")
    code = _run("--reference", str(broken), "--current", str(files["same"]))
    assert code == 2
    assert capsys.readouterr().err.startswith(f"aumos-drift check: error: {broken}: cannot read PARQUET")


def test_missing_file_exits_two(tmp_path, files, capsys):
    code = _run("--reference", str(files["reference"]), "--current", str(tmp_path / "nope.csv"))
    assert code == 2
    assert "nope.csv: file not found" in capsys.readouterr().err


def test_subprocess_run_reports_drift_with_exit_status_one(files):
    script = (
        "import argparse, sys\n"
        "from aumos_drift_detector.commands.check import add_check_parser\n"
        "parser = argparse.ArgumentParser(prog='aumos-drift')\n"
        "add_check_parser(parser.add_subparsers(dest='command', required=True))\n"
        "args = parser.parse_args(sys.argv[1:])\n"
        "sys.exit(args.handler(args))\n"
    )
    argv = ["check", "--reference", str(files["reference"]), "--current", str(files["drifted"])]
    completed = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, check=False)
    assert completed.returncode == 1, completed.stderr
    assert "Dataset drift detected" in completed.stdout
    assert completed.stderr == ""


def test_run_check_can_be_called_with_a_plain_namespace(files, capsys):
    args = argparse.Namespace(
        reference=files["reference"], current=files["same"], features=None, json_out=None, drift_share=0.5,
        correction="none", min_samples=5, max_missing_shift=0.1,
    )  # fmt: skip
    assert run_check(args) == 0
    assert "No dataset drift" in capsys.readouterr().out
