"""PostgreSQL counts a table (and a query) to the same counts as DuckDB on Parquet and as the in-memory counter.

A real server is required: outside CI a missing server skips these tests, with ``CI=true`` it fails them.
"""

import asyncio
import math
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from structlog.testing import capture_logs

from aumos_drift_detector.adapters.sources import DuckDbSource, PostgresSource
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.summaries import (
    CategoricalBins,
    NumericBins,
    SummaryLayout,
    SummarySource,
    count_columns,
)
from tests import servers
from tests.adapters.sources.postgres_tables import copy_rows, execute, fresh_database

EDGES = np.array([-1.0, -0.5, 0.0, 0.5, 1.0, 2.0])
TABLE_DDL = 'CREATE TABLE events (x float8, "Grid" float8, level int8, amount numeric(12, 2), channel text, flag bool)'


def seeded_rows(seed: int, rows: int) -> dict[str, list[object]]:
    """Rows with NaN, ±inf, -0.0, values on edges and nulls; labels with nulls, unseen ones and numbers."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows)
    x[::37] = np.nan
    x[3], x[4], x[5], x[6] = np.inf, -np.inf, -0.0, 0.0
    x[7 : 7 + len(EDGES)] = EDGES
    grid: list[object] = list(np.round(rng.normal(size=rows), 1))  # many values sit exactly on edges
    for index in range(0, rows, 29):
        grid[index] = None
    level = rng.integers(-2, 6, rows).tolist()
    amount: list[object] = [float(value) for value in np.round(rng.choice([1.0, 1.5, 2.25, 3.0], rows), 2)]
    amount[::13] = [None] * len(amount[::13])
    channel: list[object] = rng.choice(["web", "app", "store", "phone", "", "Web"], rows).tolist()
    channel[::11] = [None] * len(channel[::11])
    flag: list[object] = [bool(value) for value in rng.integers(0, 2, rows)]
    flag[::17] = [None] * len(flag[::17])
    return {"x": x.tolist(), "Grid": grid, "level": level, "amount": amount, "channel": channel, "flag": flag}


ROWS = seeded_rows(7, 4000)
NAMES = list(ROWS)


LAYOUT = SummaryLayout(
    (
        NumericBins("x", EDGES),
        NumericBins("Grid", np.arange(-2.0, 2.05, 0.1).round(1)),
        NumericBins("level", np.array([1.0, 2.0, 4.0])),
        NumericBins("amount", np.array([1.5, 2.0])),
        CategoricalBins("channel", ("app", "web", "")),
        CategoricalBins("flag", ("true",)),
    )
)
NUMBERS_AS_CATEGORIES = SummaryLayout(
    (CategoricalBins("level", ("0", "1", "-2")), CategoricalBins("amount", ("1", "1.5")), NumericBins("x", EDGES))
)


def in_memory_columns() -> dict[str, np.ndarray]:
    return {
        name: np.array([math.nan if value is None else value for value in values], dtype=np.float64)
        if name in ("x", "Grid")
        else np.array(values, dtype=object)
        for name, values in ROWS.items()
    }


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A fresh database holding the seeded rows in the table ``events``."""
    with fresh_database() as url:
        rows = {**ROWS, "amount": [None if value is None else Decimal(f"{value:.2f}") for value in ROWS["amount"]]}
        asyncio.run(copy_rows(url, "events", TABLE_DDL, {name: rows[name] for name in NAMES}))
        yield url


@pytest.fixture(scope="module")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("postgres") / "events.parquet"
    pq.write_table(pa.table({name: pa.array(values) for name, values in ROWS.items()}), path)
    return path


def assert_same(left, right) -> None:
    assert left.rows == right.rows
    for a, b in zip(left.features, right.features, strict=True):
        assert a.counts.tolist() == b.counts.tolist(), a.name
        if hasattr(a, "moments"):
            assert (a.moments.count, a.moments.missing) == (b.moments.count, b.moments.missing), a.name
            assert (a.moments.minimum, a.moments.maximum) == (b.moments.minimum, b.moments.maximum), a.name
            assert a.moments.total == pytest.approx(b.moments.total, rel=1e-9, abs=1e-9)
            assert a.moments.total_squares == pytest.approx(b.moments.total_squares, rel=1e-9)
        else:
            assert a.missing == b.missing, a.name


@pytest.mark.parametrize("counted_layout", [LAYOUT, NUMBERS_AS_CATEGORIES], ids=["layout", "numbers-as-categories"])
def test_a_table_counts_like_parquet_through_duckdb_and_like_the_rows_in_memory(postgres_url, parquet, counted_layout):
    source = PostgresSource(postgres_url, table="events")
    assert isinstance(source, SummarySource)
    from_postgres = source.count(counted_layout)
    assert_same(from_postgres, count_columns(counted_layout, in_memory_columns()))
    for counting in ("stream", "sql"):
        assert_same(from_postgres, DuckDbSource(str(parquet), counting=counting).count(counted_layout))


def test_the_edge_cases_land_where_the_layout_says(postgres_url):
    x = PostgresSource(postgres_url, table="events").count(LAYOUT).feature("x")
    values = np.array(ROWS["x"], dtype=np.float64)
    assert x.moments.missing == int(np.isnan(values).sum())  # NaN is missing, not in the last bin
    assert x.counts.sum() == values.size - x.moments.missing  # ±inf are counted in the end bins
    assert x.moments.count == int(np.isfinite(values).sum())  # but not in the moments
    assert x.counts[0] == int((values < EDGES[0]).sum())
    assert x.counts[3] == int(((values >= 0.0) & (values < 0.5)).sum())  # -0.0 is 0.0, on the edge 0.0


def test_a_query_counts_its_rows_inside_a_read_only_transaction(postgres_url):
    query = "SELECT * FROM events WHERE channel IS DISTINCT FROM 'web' AND level::text <> ':x' AND '%' = '%';"
    summary = PostgresSource(postgres_url, query=query).count(LAYOUT)
    kept = [row for row in zip(*ROWS.values(), strict=True) if row[NAMES.index("channel")] != "web"]
    columns = {name: [row[index] for row in kept] for index, name in enumerate(NAMES)}
    expected = count_columns(
        LAYOUT, {**in_memory_columns(), **{n: np.array(v, dtype=object) for n, v in columns.items()}}
    )
    assert_same(summary, expected)
    writing = "SELECT x, nextval('events_sequence') AS n FROM events"
    asyncio.run(execute(postgres_url, "CREATE SEQUENCE IF NOT EXISTS events_sequence"))
    with pytest.raises(ValidationError, match="read-only transaction"):
        PostgresSource(postgres_url, query=writing).count(SummaryLayout((NumericBins("n", EDGES),)))


def test_an_empty_result_and_an_empty_layout_count_zero_and_the_rows(postgres_url):
    empty = PostgresSource(postgres_url, query="SELECT * FROM events WHERE false").count(LAYOUT)
    assert empty.rows == 0
    assert all(item.counts.sum() == 0 for item in empty.features)
    assert PostgresSource(postgres_url, table="events", schema="public").count(SummaryLayout(())).rows == len(ROWS["x"])


def test_a_missing_table_or_column_and_text_where_numbers_belong_are_named(postgres_url):
    with pytest.raises(ValidationError, match=r"table 'public\.nothing' does not exist"):
        PostgresSource(postgres_url, table="nothing", schema="public").count(LAYOUT)
    with pytest.raises(ValidationError, match="no column 'income'"):
        PostgresSource(postgres_url, table="events").count(SummaryLayout((NumericBins("income", EDGES),)))
    with pytest.raises(ValidationError, match=r"'channel'.*not numeric"):
        PostgresSource(postgres_url, table="events").count(SummaryLayout((NumericBins("channel", EDGES),)))
    with pytest.raises(ValidationError, match="refused the counting query"):
        PostgresSource(postgres_url, query="SELECT nonsense FROM events").count(LAYOUT)


def test_an_unreachable_database_is_named_without_its_password():
    url = f"postgresql://reader:s3cret-pass@127.0.0.1:{servers.free_port()}/warehouse"
    with capture_logs() as logs, pytest.raises(ValidationError, match="cannot connect") as raised:
        PostgresSource(url, table="events", connect_timeout=2).count(LAYOUT)
    assert "127.0.0.1" in raised.value.message
    assert "s3cret" not in f"{raised.value.message} {raised.value.details} {raised.value!r} {logs}"


def test_a_wrong_password_or_database_is_named_without_the_password(postgres_url):
    base = postgres_url.rsplit("/", 1)[0].replace("postgres@", "postgres:s3cret-pass@")
    with pytest.raises(ValidationError, match="cannot connect") as raised:
        PostgresSource(f"{base}/no_such_database", table="events").count(LAYOUT)
    assert "s3cret" not in f"{raised.value.message} {raised.value.details}"


def test_a_source_needs_exactly_one_relation_and_a_postgresql_url():
    with pytest.raises(ValidationError, match="exactly one"):
        PostgresSource("postgresql://127.0.0.1/test")
    with pytest.raises(ValidationError, match="exactly one"):
        PostgresSource("postgresql://127.0.0.1/test", table="a", query="SELECT 1")
    with pytest.raises(ValidationError, match="postgresql://"):
        PostgresSource("mysql://127.0.0.1/test", table="a")


def test_odd_column_names_and_a_trailing_comment_in_a_query(postgres_url):
    query = 'SELECT x AS "odd ""name"" :x", channel AS "Select" FROM events -- the window'
    layout = SummaryLayout((NumericBins('odd "name" :x', EDGES), CategoricalBins("Select", ("app",))))
    summary = PostgresSource(postgres_url, query=query).count(layout)
    expected = count_columns(layout, {'odd "name" :x': in_memory_columns()["x"], "Select": ROWS["channel"]})
    assert_same(summary, expected)


def test_count_works_from_a_thread_that_runs_an_event_loop(postgres_url):
    async def inside_a_loop() -> int:
        return PostgresSource(postgres_url, table="events").count(SummaryLayout(())).rows

    assert asyncio.run(inside_a_loop()) == len(ROWS["x"])


def test_the_statements_run_in_a_read_only_repeatable_read_transaction(postgres_url):
    query = "SELECT current_setting('transaction_isolation') AS iso, current_setting('transaction_read_only') AS ro"
    layout = SummaryLayout((CategoricalBins("iso", ("repeatable read",)), CategoricalBins("ro", ("on",))))
    summary = PostgresSource(postgres_url, query=query).count(layout)
    assert [item.counts.tolist() for item in summary.features] == [[1, 0], [1, 0]]


def test_features_of_every_width_keep_their_own_bins(postgres_url):
    layout = SummaryLayout(
        (
            NumericBins("Grid", np.arange(-2.0, 2.05, 0.1).round(1)),
            NumericBins("level", np.array([])),  # one bin: every value that is not missing
            NumericBins("x", EDGES),
            NumericBins("amount", np.array([1.5])),
            NumericBins("again", np.array([0.0, 3.0])),
        )
    )
    summary = PostgresSource(postgres_url, query="SELECT *, level AS again FROM events").count(layout)
    columns = in_memory_columns()
    assert_same(summary, count_columns(layout, {**columns, "again": columns["level"]}))
    assert summary.features[1].counts.tolist() == [len(ROWS["level"])]
