"""What a new user meets first: a light ``--help`` whose options all state their default, and ``--json -``."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from aumos_drift_detector.cli import build_parser, main
from aumos_drift_detector.commands import check_arguments, multivariate_arguments
from aumos_drift_detector.commands.check import CORRECTION_NAMES
from aumos_drift_detector.core.monitors import multivariate
from aumos_drift_detector.core.statistical import DEFAULT_MAX_MISSING_SHIFT, DEFAULT_MIN_SAMPLES

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HEAVY = ("numpy", "scipy", "pyarrow", "pandas", "numba", "fastapi", "sqlalchemy", "pydantic", "structlog")


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    actions = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    return dict(actions[0].choices)


def test_help_imports_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "from aumos_drift_detector.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "for name in ('check', 'backtest', 'serve'):\n"
        "    try:\n        main([name, '--help'])\n    except SystemExit:\n        pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip().splitlines()[-1] == "[]"


def test_every_option_states_its_default_or_that_it_is_required() -> None:
    missing = []
    for name, parser in _subcommands(build_parser()).items():
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction) or not action.option_strings:
                continue
            text = (action.help or "") % {"default": action.default}
            if "(default: " not in text and not (action.required and "(required)" in text):
                missing.append(f"{name} {action.option_strings[0]}")
    assert missing == []


def test_the_literal_defaults_of_check_are_the_engine_defaults() -> None:
    assert check_arguments.MIN_SAMPLES == DEFAULT_MIN_SAMPLES
    assert check_arguments.MAX_MISSING_SHIFT == DEFAULT_MAX_MISSING_SHIFT
    assert set(check_arguments.CORRECTION_CHOICES) == set(CORRECTION_NAMES)
    assert multivariate_arguments.DEFAULT_SAMPLE_SIZE == multivariate.DEFAULT_SAMPLE_SIZE
    assert multivariate.MultivariateConfig.model_fields["alpha"].default == multivariate_arguments.DEFAULT_ALPHA


def test_json_dash_writes_only_the_json_document_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--reference", str(EXAMPLES / "reference.csv"), "--current", str(EXAMPLES / "current.csv")]
    assert main([*argv, "--json", "-"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["drift_detected"] is True
    assert [feature["name"] for feature in document["features"]] == ["age", "plan"]


def test_the_examples_drift_in_age_only(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--reference", str(EXAMPLES / "reference.csv"), "--current", str(EXAMPLES / "current.csv")]
    assert main(argv) == 1
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert rows["age"][2] == "ks"
    assert rows["age"][-1] == "DRIFT"
    assert rows["plan"][2] == "chi_squared"
    assert rows["plan"][-1] == "-"


def test_a_small_check_loads_neither_numba_nor_scipy_stats() -> None:
    # Loading numba (and its compiled-kernel cache) or scipy.stats costs a second the 1,000-row check does not need.
    code = (
        "import contextlib, io, sys\n"
        "from aumos_drift_detector.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['check', '--reference', {str(EXAMPLES / 'reference.csv')!r},"
        f" '--current', {str(EXAMPLES / 'current.csv')!r}])\n"
        "print(code, sorted(m for m in ('numba', 'scipy.stats') if m in sys.modules))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip().splitlines()[-1] == "1 []"


def _check_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    base = ["check", "--reference", str(EXAMPLES / "reference.csv")]
    assert main([*base, *argv]) == 2
    return capsys.readouterr().err.strip()


@pytest.mark.parametrize(
    ("monitor", "message"),
    [
        (
            {"features": [{"name": "age"}], "schedule": {"cron": "61 * * * *"}},
            "schedule.cron: '61 * * * *': the minute field: 61 is out of range 0-59",
        ),
        (
            {"features": [{"name": "age"}], "schedule": {"cron": "0 0 30 2 *"}},
            "schedule.cron: '0 0 30 2 *': it never fires: no date has a day and a month that its day field '30' "
            "and month field '2' both allow",
        ),
        (
            {"features": [{"name": "age"}], "concept": {"detector": "ADWIN", "params": {"delt": 0.1}}},
            "concept.params: unknown parameter 'delt'; ADWIN takes delta, clock, max_buckets, min_window_length, "
            "grace_period, reset_on_drift",
        ),
    ],
)
def test_a_bad_monitor_file_says_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monitor: dict[str, object], message: str
) -> None:
    path = tmp_path / "monitor.json"
    path.write_text(json.dumps(monitor))
    error = _check_error(capsys, "--current", str(EXAMPLES / "current.csv"), "--monitor", str(path))
    assert error == f"aumos-drift check: error: {path}: {message}"


def test_a_malformed_monitor_file_names_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "monitor.json"
    path.write_text('{"features": [{"name": "age"}],\n  }')
    error = _check_error(capsys, "--current", str(EXAMPLES / "current.csv"), "--monitor", str(path))
    assert error.endswith("not valid JSON: Expecting property name enclosed in double quotes at line 2 column 3")


def test_a_malformed_json_data_file_names_row_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "current.json"
    path.write_text('[{"age": 40, "plan": "pro"},\n {"age": 41 "plan": "pro"}]')
    error = _check_error(capsys, "--current", str(path))
    assert error == (
        f"aumos-drift check: error: {path}: cannot read JSON: row 2: Expecting ',' delimiter at line 2, column 13"
    )


@pytest.mark.parametrize("declared", [False, True])
def test_a_word_among_numbers_names_column_row_and_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], declared: bool
) -> None:
    current = tmp_path / "current.csv"
    current.write_text("age,plan\n31,pro\n40,basic\nforty-two,pro\n")
    extra = []
    if declared:
        monitor = tmp_path / "monitor.json"
        monitor.write_text(json.dumps({"features": [{"name": "age", "kind": "numerical"}]}))
        extra = ["--monitor", str(monitor)]
    error = _check_error(capsys, "--current", str(current), *extra)
    assert error.startswith(f"aumos-drift check: error: {current}: column 'age', row 3: 'forty-two' is not a number")


def test_a_file_of_another_format_is_refused_naming_the_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "current.txt"
    path.write_text("age,plan\n31,pro\n")
    error = _check_error(capsys, "--current", str(path))
    assert error.endswith("cannot tell the format from the suffix '.txt' (use .csv, .parquet or .json)")
