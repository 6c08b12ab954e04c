"""The ``source`` option: which fields each engine takes, and no password ever stored."""

from __future__ import annotations

from typing import Any

import pytest

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.source import SourceOption
from aumos_drift_detector.core.validation import parse

PG = {"engine": "postgres", "url": "postgresql://reader@db.example:5432/lake", "table": "scores"}


def _refused(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        parse(SourceOption, data, path="source")
    return caught.value.message


def test_a_duckdb_source_keeps_its_paths_and_format() -> None:
    option = parse(SourceOption, {"engine": "duckdb", "paths": ["a/*.csv"], "format": "csv"})
    assert (option.paths, option.format, option.url) == (["a/*.csv"], "csv", None)
    assert option.describe() == "duckdb csv files a/*.csv"


def test_a_spark_source_takes_the_same_fields_as_duckdb_and_no_master() -> None:
    option = parse(SourceOption, {"engine": "spark", "paths": ["s3a://lake/scores/*.parquet", "/mnt/more/*.parquet"]})
    assert (option.engine, option.format, option.url, option.table) == ("spark", "parquet", None, None)
    assert option.describe() == "spark parquet files s3a://lake/scores/*.parquet, /mnt/more/*.parquet"
    assert parse(SourceOption, {"engine": "spark", "paths": ["a/*.csv"], "format": "csv"}).format == "csv"
    assert "master" not in SourceOption.model_fields
    assert _refused({"engine": "spark", "paths": ["a.parquet"], "master": "spark://h:7077"}).startswith(
        "source.master: "
    )


def test_a_postgres_source_with_a_password_variable_is_accepted() -> None:
    option = parse(SourceOption, {**PG, "password_env": "LAKE_PG_PASSWORD"})
    assert (option.table, option.password_env) == ("scores", "LAKE_PG_PASSWORD")
    assert option.describe() == "postgres table 'scores' at postgresql://reader@db.example:5432/lake"


def test_a_url_with_a_password_is_refused_without_echoing_it() -> None:
    message = _refused({**PG, "url": "postgresql://reader:s3cr3t-pw@db.example/lake"})
    assert message.startswith("source.url: holds a password")
    assert "password_env" in message
    assert "s3cr3t-pw" not in message


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"engine": "duckdb"}, "source.paths"),
        ({"engine": "duckdb", "paths": [" "]}, "source.paths"),
        ({"engine": "duckdb", "paths": ["a.parquet"], "url": "postgresql://x@h/d"}, "source.url"),
        ({"engine": "duckdb", "paths": ["a.parquet"], "table": "t"}, "source.table"),
        ({"engine": "duckdb", "paths": ["a.parquet"], "table_schema": "public"}, "source.table_schema"),
        ({"engine": "postgres", "table": "t"}, "source.url"),
        ({"engine": "postgres", "url": "mysql://x@h/d", "table": "t"}, "source.url"),
        ({"engine": "postgres", "url": "postgresql://x@h/d"}, "source.query"),
        ({**PG, "query": "SELECT 1"}, "source.query"),
        ({**PG, "paths": ["a.parquet"]}, "source.paths"),
        ({**PG, "password_env": "not a name"}, "source.password_env"),
        ({"engine": "orc", "paths": ["a.parquet"]}, "source.engine"),
        ({"engine": "spark"}, "source.paths"),
        ({"engine": "spark", "paths": []}, "source.paths"),
        ({"engine": "spark", "paths": ["\t"]}, "source.paths[0]"),
        ({"engine": "spark", "paths": ["a.parquet"], "format": "orc"}, "source.format"),
        ({"engine": "spark", "paths": ["a.parquet"], "url": "postgresql://x@h/d"}, "source.url"),
        ({"engine": "spark", "paths": ["a.parquet"], "table": "t"}, "source.table"),
        ({"engine": "spark", "paths": ["a.parquet"], "table_schema": "public"}, "source.table_schema"),
        ({"engine": "spark", "paths": ["a.parquet"], "query": "SELECT 1"}, "source.query"),
        ({"engine": "spark", "paths": ["a.parquet"], "password_env": "PW"}, "source.password_env"),
        ({**PG, "engine": "spark", "paths": ["a.parquet"]}, "source.url"),
        ({"engine": "duckdb", "paths": ["a\x00.parquet"]}, "source.paths[0]"),
        ({**PG, "table": "sco\x00res"}, "source.table"),
        ({**PG, "table": None, "query": "SELECT\x00 1"}, "source.query"),
    ],
)
def test_a_field_that_does_not_fit_the_engine_is_refused_by_name(data: dict[str, Any], field: str) -> None:
    assert _refused(data).startswith(f"{field}: ")


@pytest.mark.parametrize("field", ["url", "table", "table_schema", "query", "password_env"])
def test_a_postgres_field_on_a_spark_source_says_it_does_not_apply(field: str) -> None:
    value = "postgresql://x@h/d" if field == "url" else "SELECT 1" if field == "query" else "X"
    message = _refused({"engine": "spark", "paths": ["a.parquet"], field: value})
    assert message == f"source.{field}: does not apply to engine 'spark'"
