"""The PostgreSQL source on drawn rows, extreme values, many distinct labels and slow queries.

A real server is required: outside CI a missing server skips these tests, with ``CI=true`` it fails them.
"""

import asyncio
import math
import uuid
from collections.abc import Iterator

import asyncpg
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aumos_drift_detector.adapters.sources import PostgresSource, postgres_source
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.summaries import CategoricalBins, NumericBins, SummaryLayout, count_columns
from tests.adapters.sources.postgres_tables import copy_rows, execute, fresh_database


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A fresh, empty database."""
    with fresh_database() as url:
        yield url


finite_or_special = st.one_of(
    st.floats(min_value=-1e100, max_value=1e100),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 0.0]),
    st.none(),
)
labels = st.one_of(st.none(), st.sampled_from(["a", "b", "", "A"]), st.text(st.characters(min_codepoint=1), max_size=2))


@settings(max_examples=40, deadline=None)
@given(
    edges=st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=0, max_size=8, unique=True),
    data=st.data(),
)
def test_any_rows_count_like_the_rows_in_memory(database_url, edges, data):
    ordered = sorted({edge + 0.0 for edge in edges})
    values = data.draw(st.lists(st.one_of(finite_or_special, st.sampled_from(ordered or [1.0])), max_size=60))
    names = data.draw(st.lists(labels, min_size=len(values), max_size=len(values)))
    layout = SummaryLayout((NumericBins("x", np.array(ordered)), CategoricalBins("c", ("a", "", "b"))))
    table = f"drawn_{uuid.uuid4().hex[:10]}"
    asyncio.run(copy_rows(database_url, table, f'CREATE TABLE "{table}" (x float8, c text)', {"x": values, "c": names}))
    counted = PostgresSource(database_url, table=table).count(layout)
    asyncio.run(execute(database_url, f'DROP TABLE "{table}"'))
    floats = np.array([math.nan if value is None else value for value in values], dtype=np.float64)
    expected = count_columns(layout, {"x": floats, "c": np.array(names, dtype=object)})
    assert counted.rows == expected.rows
    assert [item.counts.tolist() for item in counted.features] == [item.counts.tolist() for item in expected.features]
    got, want = counted.features[0].moments, expected.features[0].moments
    assert (got.count, got.missing, got.minimum, got.maximum) == (want.count, want.missing, want.minimum, want.maximum)
    scale = float(np.abs(floats[np.isfinite(floats)]).sum())
    assert abs(got.total - want.total) <= 1e-9 * scale
    assert counted.features[1].missing == expected.features[1].missing


def test_a_statement_timeout_stops_a_slow_query(database_url):
    slow = PostgresSource(database_url, query="SELECT 1.0::float8 AS x FROM pg_sleep(5)", statement_timeout=0.2)
    with pytest.raises(ValidationError, match="statement timeout"):
        slow.count(SummaryLayout((NumericBins("x", np.array([0.0])),)))


def test_tiny_and_huge_values_square_as_in_memory(database_url):
    values = [1e-200, -1.5e-162, 2e-162, 1e-160, 1e150, 1.35e154, -2e200, 3.0]
    asyncio.run(copy_rows(database_url, "extremes", "CREATE TABLE extremes (x float8)", {"x": values}))
    layout = SummaryLayout((NumericBins("x", np.array([0.0])),))
    got = PostgresSource(database_url, table="extremes").count(layout).features[0].moments
    with np.errstate(over="ignore"):
        want = count_columns(layout, {"x": np.array(values)}).features[0].moments
    assert (got.count, got.total, got.minimum, got.maximum) == (want.count, want.total, want.minimum, want.maximum)
    assert got.total_squares == want.total_squares == math.inf
    asyncio.run(execute(database_url, "DELETE FROM extremes WHERE abs(x) > 1e151"))
    got = PostgresSource(database_url, table="extremes").count(layout).features[0].moments
    finite = [value for value in values if abs(value) < 1e151]
    assert got.total_squares == pytest.approx(float(np.dot(finite, finite)), rel=1e-15)
    asyncio.run(execute(database_url, "INSERT INTO extremes (x) VALUES (1.3e154), (-1.3e154)"))
    with pytest.raises(ValidationError, match="exceeds double precision"):  # numpy's sum would be inf
        PostgresSource(database_url, table="extremes").count(layout)


def test_many_distinct_labels_come_back_as_the_layouts_labels_only(database_url, monkeypatch):
    returned: list[int] = []
    assemble = postgres_source.assemble
    monkeypatch.setattr(postgres_source, "assemble", lambda *args: returned.append(len(args[3])) or assemble(*args))
    query = "SELECT 'id-' || g AS uid, g AS n, g % 2 = 0 AS even FROM generate_series(1, 5000) AS g"
    layout = SummaryLayout(
        (
            CategoricalBins("uid", ("id-1", "id-2")),
            CategoricalBins("n", ("1", "-2")),
            CategoricalBins("even", ("true",)),
        )
    )
    summary = PostgresSource(database_url, query=query).count(layout)
    assert [item.counts.tolist() for item in summary.features] == [[1, 1, 4998], [1, 0, 4999], [2500, 2500]]
    assert returned == [3 + 2 + 2 + 1]  # per feature the labels seen and other, then the row count


def test_the_counting_transaction_turns_jit_off_and_raises_but_never_lowers_work_mem(database_url):
    async def server_settings() -> tuple[str, float]:
        connection = await asyncpg.connect(database_url)
        try:
            memory = await connection.fetchval("SELECT pg_size_bytes(current_setting('work_mem'))")
            return int(memory), float(await connection.fetchval("SELECT current_setting('parallel_tuple_cost')"))
        finally:
            await connection.close()

    server_memory, server_tuple_cost = asyncio.run(server_settings())
    query = (
        "SELECT current_setting('jit') AS jit, pg_size_bytes(current_setting('work_mem'))::text AS memory,"
        " current_setting('parallel_tuple_cost') AS cost, 1.0::float8 AS x, 2.0::float8 AS y"
    )
    for edges in (1, 100_001):  # 4 keys of 256 B fit in the server's work_mem, 100,004 keys do not
        layout = SummaryLayout(
            (
                CategoricalBins("jit", ("off",)),
                CategoricalBins("memory", (str(max(server_memory, (edges + 3) * 256)),)),
                CategoricalBins("cost", (f"{2 * server_tuple_cost:g}",)),
                NumericBins("x", np.arange(float(edges))),
                NumericBins("y", np.array([0.0])),
            )
        )
        summary = PostgresSource(database_url, query=query).count(layout)
        assert [item.counts.tolist() for item in summary.features[:3]] == [[1, 0]] * 3
