"""End-to-end: monitors with a source over HTTP, on both storage databases.

The sources are real: Parquet files written by the test and counted by DuckDB, and a table in a
PostgreSQL database of its own, counted by the database. The reference is uploaded as usual; a run
needs no observations.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.logging import configure_logging
from tests import servers
from tests.api_client import MINIMAL_MONITOR, api, auth, churn_rows, csv_bytes
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration
CSV = {"Content-Type": "text/csv"}
SECRET = "hunter2-not-for-logs"
Service = tuple[httpx.AsyncClient, Container]


@pytest.fixture
async def service(database: DatabaseTarget) -> AsyncIterator[Service]:
    async with api(database.url) as (client, container):
        yield client, container


def _parquet(folder: Path, columns: dict[str, Any], parts: int = 2) -> str:
    """The columns as ``parts`` Parquet files in ``folder``; returns their glob."""
    folder.mkdir()
    table = pa.table(columns)
    step = -(-table.num_rows // parts)
    for part in range(parts):
        pq.write_table(table.slice(part * step, step), folder / f"part-{part}.parquet")
    return str(folder / "*.parquet")


async def _monitor(service: Service, source: dict[str, Any]) -> str:
    client, container = service
    admin = auth(container.settings)
    created = await client.post("/api/v1/monitors", json={**MINIMAL_MONITOR, "source": source}, headers=admin)
    assert created.status_code == 201, created.text
    monitor_id: str = created.json()["id"]
    assert created.json()["source"]["engine"] == source["engine"]
    reference = csv_bytes(churn_rows(np.random.default_rng(1), 3000))
    uploaded = await client.put(f"/api/v1/monitors/{monitor_id}/reference", content=reference, headers={**admin, **CSV})
    assert uploaded.status_code in (200, 201), uploaded.text
    return monitor_id


async def _run(service: Service, monitor_id: str) -> dict[str, Any]:
    client, container = service
    response = await client.post(f"/api/v1/monitors/{monitor_id}/runs", headers=auth(container.settings))
    assert response.status_code == 201, response.text
    detection: dict[str, Any] = response.json()
    return detection


def _drifted(detection: dict[str, Any]) -> set[str]:
    return {feature["name"] for feature in detection["features"] if feature["drift_detected"]}


@pytest.mark.parametrize(("shift", "seed", "drifted"), [(6.0, 2, {"age"}), (0.0, 7, set())])
async def test_a_duckdb_source_over_parquet_files_is_checked_from_its_counts(
    service: Service, tmp_path: Path, shift: float, seed: int, drifted: set[str]
) -> None:
    glob = _parquet(tmp_path / "scores", churn_rows(np.random.default_rng(seed), 4000, age_shift=shift))
    monitor_id = await _monitor(service, {"engine": "duckdb", "paths": [glob], "format": "parquet"})
    detection = await _run(service, monitor_id)
    assert detection["status"] == "succeeded", detection
    assert (detection["is_drift"], _drifted(detection)) == (bool(drifted), drifted)
    assert (detection["summary"]["source"], detection["summary"]["current_rows"]) == ("duckdb", 4000)
    age = next(feature for feature in detection["features"] if feature["name"] == "age")
    assert (age["test"], age["details"]["binning"]) == ("ks", "summary")
    assert age["statistic"] <= age["details"]["statistic_upper"]
    assert (age["distribution"]["kind"], sum(age["distribution"]["current_counts"])) == ("histogram", 4000)
    client, container = service
    report = await client.get(f"/api/v1/detections/{detection['id']}/report", headers=auth(container.settings))
    assert report.status_code == 200, report.text
    assert "age" in report.text


@pytest.mark.parametrize("name", ["nowhere/*.parquet", "broken.parquet"])
async def test_missing_or_broken_files_make_a_failed_detection_naming_the_source(
    service: Service, tmp_path: Path, name: str
) -> None:
    (tmp_path / "broken.parquet").write_bytes(b"not a Parquet file")
    glob = str(tmp_path / name)
    monitor_id = await _monitor(service, {"engine": "duckdb", "paths": [glob]})
    detection = await _run(service, monitor_id)
    assert detection["status"] == "failed"
    assert detection["error"].startswith(f"source duckdb: cannot read the source ['{glob}']: "), detection["error"]


@pytest.fixture
def lake(postgres_available: str | None) -> Iterator[str]:
    """A PostgreSQL database holding a ``scores`` table of drifted churn rows; yields its URL (no password)."""
    if postgres_available is not None:
        servers.unavailable(postgres_available)
    with servers.postgres_database() as url:
        asyncio.run(_fill(url, churn_rows(np.random.default_rng(3), 3000, pro_share=0.6)))
        yield url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _fill(url: str, columns: dict[str, Any]) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.text("CREATE TABLE scores (age double precision, plan text)"))
            rows = [{"age": float(a), "plan": str(p)} for a, p in zip(columns["age"], columns["plan"], strict=True)]
            await connection.execute(sa.text("INSERT INTO scores VALUES (:age, :plan)"), rows)
    finally:
        await engine.dispose()


async def test_a_postgres_table_is_counted_in_the_database_with_the_password_from_the_environment(
    service: Service, lake: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAKE_PG_PASSWORD", SECRET)
    option = {"engine": "postgres", "url": lake, "password_env": "LAKE_PG_PASSWORD", "table": "scores"}
    detection = await _run(service, await _monitor(service, option))
    assert detection["status"] == "succeeded", detection
    assert (detection["is_drift"], _drifted(detection)) == (True, {"plan"})
    assert (detection["summary"]["source"], detection["summary"]["current_rows"]) == ("postgres", 3000)
    queried = await _monitor(service, {**option, "table": None, "query": "SELECT * FROM scores WHERE plan <> 'pro'"})
    assert (await _run(service, queried))["summary"]["current_rows"] < 3000


async def test_an_unreadable_postgres_source_fails_naming_it_without_the_password(
    service: Service, lake: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(level="INFO")  # bound to this test's captured streams, whatever earlier tests configured
    option = {"engine": "postgres", "url": lake, "password_env": "LAKE_PG_PASSWORD", "table": "scores"}
    unset = await _run(service, await _monitor(service, option))
    assert unset["status"] == "failed"
    assert "'LAKE_PG_PASSWORD' named by source.password_env is not set" in unset["error"]
    monkeypatch.setenv("LAKE_PG_PASSWORD", SECRET)
    missing = await _run(service, await _monitor(service, {**option, "table": "no_such_table"}))
    assert missing["status"] == "failed"
    assert "the table 'no_such_table' does not exist" in missing["error"]
    assert SECRET not in missing["error"]
    captured = capsys.readouterr()
    logged = captured.out + captured.err
    assert "drift_checked" in logged
    assert SECRET not in logged


@pytest.mark.parametrize(
    ("source", "field"),
    [
        ({"engine": "postgres", "url": f"postgresql://reader:{SECRET}@h/lake", "table": "t"}, "source.url"),
        ({"engine": "postgres", "url": "postgresql://reader@h/lake"}, "source.query"),
        ({"engine": "duckdb"}, "source.paths"),
        ({"engine": "duckdb", "paths": ["a.parquet"], "format": "orc"}, "source.format"),
    ],
)
async def test_a_bad_source_is_a_422_naming_the_field(service: Service, source: dict[str, Any], field: str) -> None:
    client, container = service
    body = {**MINIMAL_MONITOR, "source": source}
    response = await client.post("/api/v1/monitors", json=body, headers=auth(container.settings))
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"].startswith(f"{field}: "), response.json()
    assert SECRET not in response.text


async def test_observations_for_a_monitor_with_a_source_are_a_409_naming_source(
    service: Service, tmp_path: Path
) -> None:
    client, container = service
    monitor_id = await _monitor(service, {"engine": "duckdb", "paths": [str(tmp_path / "*.parquet")]})
    rows = csv_bytes(churn_rows(np.random.default_rng(4), 100))
    url = f"/api/v1/monitors/{monitor_id}/observations"
    response = await client.post(url, content=rows, headers={**auth(container.settings), **CSV})
    assert response.status_code == 409, response.text
    assert response.json()["error"]["message"].startswith("source: ")


async def test_csv_files_are_counted_and_text_in_a_numerical_column_fails_naming_it(
    service: Service, tmp_path: Path
) -> None:
    rows = churn_rows(np.random.default_rng(7), 2000)
    (tmp_path / "good.csv").write_bytes(csv_bytes(rows))
    (tmp_path / "bad.csv").write_bytes(csv_bytes({"age": ["forty"] * 50, "plan": ["basic"] * 50}))
    good = await _run(
        service, await _monitor(service, {"engine": "duckdb", "paths": [str(tmp_path / "good.csv")], "format": "csv"})
    )
    assert (good["status"], good["is_drift"], good["summary"]["current_rows"]) == ("succeeded", False, 2000)
    bad = await _run(
        service, await _monitor(service, {"engine": "duckdb", "paths": [str(tmp_path / "bad.csv")], "format": "csv"})
    )
    assert bad["status"] == "failed"
    assert bad["error"].startswith("source duckdb: column 'age' of the source"), bad["error"]
    assert "is not numeric" in bad["error"]


async def test_the_openapi_document_describes_the_source_option(service: Service) -> None:
    client, _ = service
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    option = schemas["SourceOption"]["properties"]
    assert option["engine"]["enum"] == ["duckdb", "postgres", "spark"]
    assert {"paths", "format", "url", "password_env", "table", "table_schema", "query"} <= set(option)
    assert "password" in option["password_env"]["description"]
