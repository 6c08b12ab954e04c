"""Counting where the data lives: sources that run the counting of a summary next to the data.

Each source implements :class:`~aumos_drift_detector.core.summaries.source.SummarySource`: it receives a
:class:`~aumos_drift_detector.core.summaries.layout.SummaryLayout` and returns a
:class:`~aumos_drift_detector.core.summaries.window_summary.WindowSummary`. Only counts leave the engine.

* :class:`DuckDbSource` -- Parquet or CSV files or a glob, counted in-process by DuckDB (the default).
* :class:`~aumos_drift_detector.adapters.sources.spark_source.SparkSource` -- the same files counted by
  a Spark session (``local[*]`` or a cluster). PySpark is an optional dependency (the ``spark`` extra),
  so it is imported from its module, never from this package.
* :class:`PostgresSource` -- a PostgreSQL table or query counted by the database, in one read-only
  transaction.
"""

from aumos_drift_detector.adapters.sources.duckdb_source import DuckDbSource
from aumos_drift_detector.adapters.sources.postgres_source import PostgresSource

__all__ = ["DuckDbSource", "PostgresSource"]
