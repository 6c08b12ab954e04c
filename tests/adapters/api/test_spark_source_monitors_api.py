"""End-to-end: monitors whose source engine is Spark, over HTTP, on both storage databases.

The Parquet files are written by the test and counted by a real local Spark session (the run's one,
``spark`` in ``tests/adapters/conftest.py``, which the service finds running and uses). Each verdict
is compared with the same monitor over the same files counted by DuckDB. PySpark and Java are
required: a missing Spark fails these tests rather than skipping them. One test runs the service in a
process where PySpark cannot be imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from tests.adapters.api.test_source_monitors_api import Service, _monitor, _parquet, _run
from tests.api_client import MINIMAL_MONITOR, api, auth, churn_rows, csv_bytes
from tests.conftest import DatabaseTarget

if TYPE_CHECKING:  # PySpark is imported by the ``spark`` fixture: the child process below runs without it
    from pyspark.sql import SparkSession

pytestmark = pytest.mark.integration
ROOT = Path(__file__).parents[3]


@pytest.fixture
async def service(database: DatabaseTarget, spark: SparkSession) -> AsyncIterator[Service]:
    async with api(database.url) as (client, container):
        yield client, container


def _verdict(detection: dict[str, Any]) -> dict[str, Any]:
    """What must not depend on the engine that counted: the decision, the rows and each feature's counts."""
    return {
        "status": detection["status"],
        "is_drift": detection["is_drift"],
        "severity": detection["severity"],
        "current_rows": detection["summary"]["current_rows"],
        "features": {
            feature["name"]: (
                feature["test"],
                feature["drift_detected"],
                feature["details"].get("statistic_upper"),
                feature["distribution"]["current_counts"],
            )
            for feature in detection["features"]
        },
    }


@pytest.mark.parametrize(("shift", "seed", "drifted"), [(6.0, 2, {"age"}), (0.0, 7, set())])
async def test_a_spark_source_gives_the_verdict_of_the_same_files_counted_by_duckdb(
    service: Service, tmp_path: Path, shift: float, seed: int, drifted: set[str]
) -> None:
    glob = _parquet(tmp_path / "scores", churn_rows(np.random.default_rng(seed), 4000, age_shift=shift))
    by_spark = await _run(service, await _monitor(service, {"engine": "spark", "paths": [glob]}))
    by_duckdb = await _run(service, await _monitor(service, {"engine": "duckdb", "paths": [glob]}))
    assert by_spark["status"] == "succeeded", by_spark
    assert (by_spark["summary"]["source"], by_spark["summary"]["current_rows"]) == ("spark", 4000)
    found = {feature["name"] for feature in by_spark["features"] if feature["drift_detected"]}
    assert (by_spark["is_drift"], found) == (bool(drifted), drifted)
    assert _verdict(by_spark) == _verdict(by_duckdb)
    for ours, theirs in zip(by_spark["features"], by_duckdb["features"], strict=True):
        assert ours["statistic"] == pytest.approx(theirs["statistic"], rel=1e-12, abs=1e-15), ours["name"]
        assert ours["p_value"] == pytest.approx(theirs["p_value"], rel=1e-9, abs=1e-300), ours["name"]
        assert ours["effect_size"] == pytest.approx(theirs["effect_size"], rel=1e-9), ours["name"]


async def test_csv_files_are_counted_by_spark_like_duckdb(service: Service, tmp_path: Path) -> None:
    (tmp_path / "day-1.csv").write_bytes(csv_bytes(churn_rows(np.random.default_rng(8), 1500, pro_share=0.6)))
    (tmp_path / "day-2.csv").write_bytes(csv_bytes(churn_rows(np.random.default_rng(9), 700, pro_share=0.6)))
    source = {"paths": [str(tmp_path / "day-*.csv")], "format": "csv"}
    by_spark = await _run(service, await _monitor(service, {"engine": "spark", **source}))
    by_duckdb = await _run(service, await _monitor(service, {"engine": "duckdb", **source}))
    assert (by_spark["status"], by_spark["summary"]["current_rows"]) == ("succeeded", 2200)
    assert {feature["name"] for feature in by_spark["features"] if feature["drift_detected"]} == {"plan"}
    assert _verdict(by_spark) == _verdict(by_duckdb)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("nowhere/*.parquet", "[PATH_NOT_FOUND] Path does not exist: "),
        ("broken.parquet", "[FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER] Encountered error while reading file "),
    ],
)
async def test_missing_or_broken_files_make_a_failed_detection_naming_the_source(
    service: Service, tmp_path: Path, name: str, reason: str
) -> None:
    (tmp_path / "broken.parquet").write_bytes(b"not a Parquet file")
    glob = str(tmp_path / name)
    detection = await _run(service, await _monitor(service, {"engine": "spark", "paths": [glob]}))
    assert detection["status"] == "failed"
    assert detection["error"].startswith(f"source spark: cannot read the source ['{glob}']: {reason}"), detection
    assert "\n" not in detection["error"]
    assert (detection["summary"]["source"], detection["summary"]["current_rows"]) == ("spark", 0)


async def test_a_missing_or_textual_column_fails_naming_it(service: Service, tmp_path: Path) -> None:
    ages = _parquet(tmp_path / "ages", {"age": np.arange(100, dtype=float)}, parts=1)
    missing = await _run(service, await _monitor(service, {"engine": "spark", "paths": [ages]}))
    assert missing["status"] == "failed"
    assert missing["error"] == f"source spark: the source ['{ages}'] has no column 'plan'"
    (tmp_path / "bad.csv").write_bytes(csv_bytes({"age": ["forty"] * 50, "plan": ["basic"] * 50}))
    option = {"engine": "spark", "paths": [str(tmp_path / "bad.csv")], "format": "csv"}
    textual = await _run(service, await _monitor(service, option))
    assert textual["status"] == "failed"
    assert textual["error"].startswith("source spark: column 'age' of the source"), textual["error"]
    assert "is not numeric" in textual["error"]


async def test_the_service_uses_the_running_session_and_leaves_it_running_when_it_stops(
    database: DatabaseTarget, spark: SparkSession, tmp_path: Path
) -> None:
    glob = _parquet(tmp_path / "scores", churn_rows(np.random.default_rng(5), 1000))
    async with api(database.url) as service:
        detection = await _run(service, await _monitor(service, {"engine": "spark", "paths": [glob]}))
        assert detection["status"] == "succeeded", detection
        _, container = service
        assert container.spark is not None
        assert container.spark.get() is spark
    assert spark.range(3).count() == 3  # the service's shutdown did not stop a session it did not start


@pytest.mark.parametrize(
    ("source", "field"),
    [
        ({"engine": "spark"}, "source.paths"),
        ({"engine": "spark", "paths": ["a.parquet"], "format": "orc"}, "source.format"),
        ({"engine": "spark", "paths": ["a.parquet"], "url": "postgresql://reader@h/lake"}, "source.url"),
        ({"engine": "spark", "paths": ["a.parquet"], "table": "scores"}, "source.table"),
        ({"engine": "spark", "paths": ["a.parquet"], "query": "SELECT 1"}, "source.query"),
        ({"engine": "spark", "paths": ["a.parquet"], "master": "spark://h:7077"}, "source.master"),
    ],
)
async def test_a_bad_spark_source_is_a_422_naming_the_field(
    service: Service, source: dict[str, Any], field: str
) -> None:
    client, container = service
    body = {**MINIMAL_MONITOR, "source": source}
    response = await client.post("/api/v1/monitors", json=body, headers=auth(container.settings))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"].startswith(f"{field}: "), response.json()


async def test_the_openapi_document_describes_the_spark_engine(service: Service) -> None:
    client, _ = service
    option = (await client.get("/openapi.json")).json()["components"]["schemas"]["SourceOption"]["properties"]
    assert "spark" in option["engine"]["enum"]
    assert "AUMOS_DRIFT_SPARK_MASTER" in option["engine"]["description"]
    assert "spark" in option["paths"]["description"]
    assert "s3a://" in json.dumps(option["paths"]["examples"])
    assert "spark" in option["format"]["description"]


_WITHOUT_PYSPARK = textwrap.dedent(
    """
    import asyncio, importlib.abc, json, sys

    class NoPySpark(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "pyspark" or name.startswith("pyspark."):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, NoPySpark())

    from tests.adapters.api.test_spark_source_monitors_api import without_pyspark

    print(json.dumps(asyncio.run(without_pyspark(sys.argv[1], sys.argv[2]))))
    """
)


async def without_pyspark(database_url: str, glob: str) -> dict[str, Any]:
    """Start the service, create a spark monitor and run it; what the run answered (run in the child)."""
    async with api(database_url) as service:
        detection = await _run(service, await _monitor(service, {"engine": "spark", "paths": [glob]}))
    return {"status": detection["status"], "error": detection["error"], "pyspark": "pyspark" in sys.modules}


def test_without_pyspark_the_service_starts_and_a_spark_run_fails_saying_what_to_install(tmp_path: Path) -> None:
    glob = _parquet(tmp_path / "scores", churn_rows(np.random.default_rng(6), 500), parts=1)
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'drift.db'}"
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    child = subprocess.run(
        [sys.executable, "-c", _WITHOUT_PYSPARK, database_url, glob],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    answered = json.loads(child.stdout.strip().splitlines()[-1])
    assert answered == {
        "status": "failed",
        "error": "source spark: pyspark is not installed in the service; install the 'spark' extra",
        "pyspark": False,
    }
