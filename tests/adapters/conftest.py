"""The one Spark session of a test run, shared by every test that counts with Spark.

Starting a session takes seconds (a JVM), and Spark allows one running context per process, so it is
started once, by the first test that asks for it, and stopped at the end of the run. The service under
test finds it running and uses it (its own session object would stop only a session it started).
PySpark and Java are required: a missing Spark fails the tests that ask for it rather than skipping them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("aumos-drift-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.memory", "512m")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
