"""The decision simulations' quick run: the structure of its output and the sanity of its figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "simulate_decisions.py"


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str, str]:
    folder = tmp_path_factory.mktemp("simulation")
    page = folder / "page.md"
    page.write_text("# Page\n\nbefore\n<!-- calibration:begin -->\nold table\n<!-- calibration:end -->\nafter\n")
    output = folder / "out.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--workers", "1", "--json", str(output), "--write-doc", str(page)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(output.read_text()), done.stdout, page.read_text()


@pytest.mark.slow
def test_the_quick_run_reports_every_scenario_per_seed(quick_run: tuple[dict[str, Any], str, str]) -> None:
    payload, stdout, page = quick_run
    names = ("year", "small_reference", "overlapping_window", "diabetes", "concept")
    assert set(payload["figures"]) == set(names)
    assert [len(payload["results"][name]) for name in names] == [3, 2, 2, 20, 2]
    assert "| scenario | target | measured | |" in stdout
    assert page.startswith("# Page\n\nbefore\n<!-- calibration:begin -->\n")
    assert page.endswith("<!-- calibration:end -->\nafter\n")
    assert "old table" not in page
    assert stdout.strip() in page


@pytest.mark.slow
def test_the_quick_year_holds_the_budget_and_finds_a_one_sigma_shift_at_once(
    quick_run: tuple[dict[str, Any], str, str],
) -> None:
    payload, _, _ = quick_run
    years = payload["results"]["year"]
    # Three years of 120 daily checks at 1 false alert a year: about 1 expected at the budget's edge.
    assert sum(year["alerts"] for year in years) <= 4
    # Ten features at p < 0.05 over 120 checks: about 60 naive flags a year's third.
    assert all(30 <= year["naive_flags"] <= 100 for year in years)
    assert all(year["naive_checks"] > year["alerts"] for year in years)
    assert [year["shifts"]["1.0"]["delay"] for year in years] == [1, 1, 1]


@pytest.mark.slow
def test_the_quick_diabetes_and_concept_runs_are_sane(quick_run: tuple[dict[str, Any], str, str]) -> None:
    figures = quick_run[0]["figures"]
    assert figures["diabetes"]["null_no_alert"] >= 0.9
    assert figures["diabetes"]["shifted_verdict_drift"] >= 0.5
    rising, falling = (figures["concept"]["changes"][change]["ADWIN"] for change in ("0.1 → 0.3", "0.4 → 0.05"))
    assert (rising["detected"], rising["direction_right"]) == (1.0, 1.0)
    assert falling["alerts_after_change"] == 0
    assert falling["direction_right"] in (None, 1.0)
