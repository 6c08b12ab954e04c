"""The ``aumos-drift backtest`` command: a history file replayed period by period, its report and its bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from aumos_drift_detector.cli import main

DAY0 = datetime(2026, 1, 5, tzinfo=UTC)
SHIFT_DAY = 6
DAYS = 9


def _write_csv(path: Path, columns: dict[str, Any]) -> Path:
    pa_csv.write_csv(pa.table(columns), path)
    return path


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    columns = {"age": rng.normal(40, 10, 2000), "plan": rng.choice(["a", "b"], 2000)}
    return _write_csv(tmp_path / "reference.csv", columns)


def _history(days: int, *, shift_day: int | None, rows: int = 250) -> dict[str, Any]:
    """Rows at random times of each day; ``age`` moves by 0.8 reference sd from ``shift_day`` on."""
    rng = np.random.default_rng(2)
    times, ages, plans = [], [], []
    for day in range(days):
        seconds = rng.uniform(0, 86_400, rows)
        times += [DAY0 + timedelta(days=day, seconds=float(value)) for value in seconds]
        shift = 8.0 if shift_day is not None and day >= shift_day else 0.0
        ages += list(rng.normal(40 + shift, 10, rows))
        plans += list(rng.choice(["a", "b"], rows))
    order = rng.permutation(len(times))  # the file need not be in time order
    return {
        "ts": pa.array([times[i] for i in order], pa.timestamp("s", tz="UTC")),
        "age": [ages[i] for i in order],
        "plan": [plans[i] for i in order],
    }


@pytest.fixture
def history(tmp_path: Path) -> Path:
    return _write_csv(tmp_path / "history.csv", _history(DAYS, shift_day=SHIFT_DAY))


def _backtest(reference: Path, history: Path, *extra: str, every: str = "1d") -> int:
    argv = ["backtest", "--reference", str(reference), "--history", str(history), "--time-column", "ts"]
    return main([*argv, "--every", every, *extra])


def test_a_shift_is_alerted_at_the_end_of_its_first_day(
    reference: Path, history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.json"
    assert _backtest(reference, history, "--json", str(out)) == 0
    report = json.loads(out.read_text())
    checks = report["checks"]
    assert [check["start"] for check in checks] == [f"2026-01-{5 + day:02d}T00:00:00Z" for day in range(DAYS)]
    assert [check["end"] for check in checks][SHIFT_DAY] == "2026-01-12T00:00:00Z"
    assert [check["rows"] for check in checks] == [250] * DAYS
    assert [check["alert"] for check in checks] == [day == SHIFT_DAY for day in range(DAYS)]
    assert [check["drift_detected"] for check in checks] == [day >= SHIFT_DAY for day in range(DAYS)]
    assert {check["severity"] for check in checks[SHIFT_DAY:]} == {"critical"}
    assert report["alerts"] == 1
    assert report["summary"]["first_alert"] == "2026-01-12T00:00:00Z"
    assert report["summary"]["feature_flags"] == {"age": DAYS - SHIFT_DAY, "plan": 0}
    assert report["summary"]["checks_per_year"] == pytest.approx(365.25)
    printed = capsys.readouterr().out
    assert printed.splitlines()[0].split() == [
        "start", "end", "rows", "status", "drift", "alarm", "severity", "alert", "drifted", "features",
    ]  # fmt: skip
    assert "9 checks, 1 alert raised, the first at 2026-01-12 00:00" in printed


def test_a_monitor_file_configures_the_replayed_monitor(
    reference: Path, history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monitor = tmp_path / "monitor.json"
    body = {
        "features": [{"name": "age", "kind": "numerical"}],
        "window": {"last_rows": 100, "min_rows": 50},
        "alert_policy": {"min_severity": "critical"},
    }
    monitor.write_text(json.dumps(body))
    assert _backtest(reference, history, "--monitor", str(monitor), "--json", "-", every="12h") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["every"] == "12h"
    assert len(report["checks"]) == 2 * DAYS
    assert {check["rows"] for check in report["checks"]} == {100}
    shifted = [index >= 2 * SHIFT_DAY for index in range(2 * DAYS)]
    # A chance flag before the shift (medium: below the policy's critical floor, and no alarm) pages nobody.
    assert report["summary"]["feature_flags"] == {"age": 2 * (DAYS - SHIFT_DAY) + 1}
    assert [check["alarm"] for check in report["checks"]] == shifted
    assert [check["alert"] for check in report["checks"]] == [index == 2 * SHIFT_DAY for index in range(2 * DAYS)]
    assert report["summary"]["checks_per_year"] == pytest.approx(2 * 365.25)
    assert report["summary"]["first_alert"] == "2026-01-11T12:00:00Z"


def test_a_parquet_history_with_text_times_is_read(reference: Path, tmp_path: Path, capsys) -> None:
    columns = _history(3, shift_day=None)
    columns["ts"] = [moment.isoformat() for moment in columns["ts"].to_pylist()]
    pq.write_table(pa.table(columns), tmp_path / "history.parquet")
    assert _backtest(reference, tmp_path / "history.parquet", every="1d") == 0
    assert "3 checks, 0 alerts raised; 0 checks drifted" in capsys.readouterr().out


def test_a_parquet_history_with_nanosecond_times_is_read(reference: Path, tmp_path: Path, capsys) -> None:
    """pandas writes nanosecond timestamps; they are truncated to the microsecond, not refused."""
    columns = _history(3, shift_day=None)
    nanos = columns["ts"].cast(pa.int64()).to_numpy() * 1_000_000_000 + 123
    columns["ts"] = pa.array(nanos, pa.timestamp("ns", tz="UTC"))
    pq.write_table(pa.table(columns), tmp_path / "history.parquet")
    assert _backtest(reference, tmp_path / "history.parquet", every="1d") == 0
    assert "3 checks, 0 alerts raised; 0 checks drifted" in capsys.readouterr().out


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


def test_a_missing_time_column_exits_two_naming_file_and_column(reference: Path, tmp_path: Path, capsys) -> None:
    history = _write_csv(tmp_path / "h.csv", {"age": [1.0, 2.0], "plan": ["a", "b"]})
    assert _backtest(reference, history) == 2
    assert _error(capsys) == f"aumos-drift backtest: error: {history}: no column 'ts' (columns: age, plan)"


@pytest.mark.parametrize("every", ["1x", "day", "0h", "1.5d"])
def test_an_unparseable_period_exits_two_naming_the_value(reference: Path, history: Path, every: str, capsys) -> None:
    assert _backtest(reference, history, every=every) == 2
    assert _error(capsys).startswith(f"aumos-drift backtest: error: --every: {every!r}")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"features": [{"name": "age", "test": "nope"}]}, "features[0].test: unknown test 'nope'"),
        ({"features": []}, "features: List should have at least 1 item"),
        ({"features": [{"name": "age"}], "alert_policy": {"min_severity": "loud"}}, "alert_policy.min_severity"),
        ({"features": [{"name": "age"}], "schedule": {"cron": "every day"}}, "schedule.cron: 'every day'"),
        ({"features": [{"name": "age"}], "colour": "red"}, "colour: Extra inputs are not permitted"),
        ({"features": [{"name": "ts"}]}, "the time column 'ts' cannot be a feature"),
        (["age"], "must hold a JSON object"),
    ],
)
def test_a_bad_monitor_file_exits_two_naming_the_field(
    reference: Path, history: Path, tmp_path: Path, body: Any, message: str, capsys
) -> None:
    monitor = tmp_path / "monitor.json"
    monitor.write_text(json.dumps(body))
    assert _backtest(reference, history, "--monitor", str(monitor)) == 2
    error = _error(capsys)
    assert error.startswith(f"aumos-drift backtest: error: {monitor}: ")
    assert message in error


def test_a_monitor_file_that_is_not_json_exits_two(reference: Path, history: Path, tmp_path: Path, capsys) -> None:
    monitor = tmp_path / "monitor.json"
    monitor.write_text("{features: [}")
    assert _backtest(reference, history, "--monitor", str(monitor)) == 2
    assert "monitor.json: not valid JSON: Expecting property name enclosed in double quotes at line 1" in _error(capsys)


def test_an_empty_history_exits_two(reference: Path, tmp_path: Path, capsys) -> None:
    history = tmp_path / "empty.csv"
    history.write_text("ts,age,plan\n")
    assert _backtest(reference, history) == 2
    assert _error(capsys) == f"aumos-drift backtest: error: {history}: no rows"


@pytest.mark.parametrize(
    ("times", "message"),
    [
        (["2026-01-05T00:00:00Z", "yesterday"], "column 'ts' row 2: 'yesterday' is not an ISO 8601 time"),
        (["2026-01-05T00:00:00Z", None], "column 'ts' row 2: no time"),
        ([1.5, 2.5], "column 'ts' holds double, not times"),
    ],
)
def test_a_bad_time_exits_two_naming_column_and_row(
    reference: Path, tmp_path: Path, times: list[Any], message: str, capsys
) -> None:
    history = tmp_path / "h.json"
    records = [{"ts": moment, "age": 40.0, "plan": "a"} for moment in times]
    history.write_text("\n".join(json.dumps(record) for record in records))
    assert _backtest(reference, history) == 2
    assert _error(capsys).startswith(f"aumos-drift backtest: error: {history}: {message}")


def test_a_monitor_file_with_a_rolling_reference_replays_against_the_reference_file(
    reference: Path, history: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monitor = tmp_path / "monitor.json"
    option = {"last_seconds": 7 * 86_400, "ending_seconds_ago": 86_400}
    monitor.write_text(json.dumps({"features": [{"name": "age", "kind": "numerical"}], "reference_window": option}))
    assert _backtest(reference, history, "--monitor", str(monitor), "--json", "-") == 0
    report = json.loads(capsys.readouterr().out)
    assert [check["drift_detected"] for check in report["checks"]] == [day >= SHIFT_DAY for day in range(DAYS)]
