"""Spark counts the same Parquet files to the same counts as DuckDB, on a real local session.

PySpark and Java are required: a missing Spark fails these tests rather than skipping them. The session
is the run's one (``spark`` in ``tests/adapters/conftest.py``).
"""

import numpy as np
import pytest

from aumos_drift_detector.adapters.sources import DuckDbSource
from aumos_drift_detector.adapters.sources.spark_source import SparkSource
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.summaries import NumericBins, SummaryLayout, SummarySource


def test_spark_and_duckdb_produce_identical_counts_on_the_same_parquet_files(spark, dataset, layout):
    directory, _ = dataset
    source = SparkSource(spark, str(directory / "*.parquet"))
    assert isinstance(source, SummarySource)
    from_spark = source.count(layout)
    from_duckdb = DuckDbSource(str(directory / "*.parquet"), counting="sql").count(layout)
    assert from_spark.rows == from_duckdb.rows
    for a, b in zip(from_spark.features, from_duckdb.features, strict=True):
        assert a.counts.tolist() == b.counts.tolist(), a.name
        if hasattr(a, "moments"):
            assert (a.moments.count, a.moments.missing) == (b.moments.count, b.moments.missing)
            assert (a.moments.minimum, a.moments.maximum) == (b.moments.minimum, b.moments.maximum)
            assert a.moments.total == pytest.approx(b.moments.total, rel=1e-9, abs=1e-9)
        else:
            assert a.missing == b.missing


def test_spark_names_a_missing_column(spark, dataset):
    directory, _ = dataset
    with pytest.raises(ValidationError, match="'income'"):
        SparkSource(spark, str(directory / "*.parquet")).count(SummaryLayout((NumericBins("income", np.zeros(0)),)))


def test_spark_refuses_an_unreadable_path(spark, tmp_path):
    with pytest.raises(ValidationError, match="cannot read"):
        SparkSource(spark, str(tmp_path / "none-*.parquet")).count(SummaryLayout(()))
