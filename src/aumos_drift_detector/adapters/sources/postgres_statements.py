"""The counting statements of the PostgreSQL source, built with SQLAlchemy Core.

Every identifier is quoted by SQLAlchemy's PostgreSQL dialect and every value -- edge and label
arrays, the ``NaN``, infinity and ``other`` markers -- is a bound parameter; no value is pasted into SQL.

**Numeric bins, one scan.** Every numeric feature owns a run of consecutive keys: its bin plus
the number of bins of the features before it (:func:`bin_offsets`). Each row's keys, one per
feature, are spread by ``unnest(ARRAY[...])`` in the select list of a subquery (a ``ProjectSet``,
cheaper per value than a ``LATERAL`` function scan, which builds a tuple store for every row), and
one ``GROUP BY key`` counts them: a hash aggregate on a single integer, partial in parallel workers.
The bin is ``width_bucket(x, ARRAY[e_1, ..., e_k])``, which returns the number of edges ``<= x``: 0
for ``x < e_1`` (and ``-inf``), ``i`` for ``e_i <= x < e_(i+1)``, ``k`` for ``x >= e_k`` (and
``+inf``) -- exactly the layout's bins ``(-inf, e_1), [e_1, e_2), ..., [e_k, +inf]``. PostgreSQL
compares ``-0.0`` equal to ``0.0``, as numpy does. It sorts ``NaN`` above ``+inf``, so
``width_bucket`` would put ``NaN`` in the last bin: the value is read as ``NULLIF(x, 'NaN')``, whose
bin and key are ``NULL`` like those of ``NULL``, and that key is not counted (missing values are
counted with the moments).

**Moments, one more scan.** A plain aggregate returns the row count and, per numeric feature, the
count, sum, sum of squares, minimum and maximum of its finite values and its missing count.
PostgreSQL raises an error where a float8 product overflows to ``inf`` or underflows to ``0``, where
numpy returns those values; the square is therefore a ``CASE`` returning ``0`` and ``inf`` outright
at the magnitudes where numpy does, so tiny and huge values count as in memory. A sum of finite
values beyond ``±1.8e308`` remains an error in PostgreSQL (``inf`` in numpy).

**Categorical features, one more scan.** ``GROUP BY GROUPING SETS ((c_1), ..., (c_n), ())`` counts
every feature's distinct values, and the empty set the number of rows; ``GROUPING(c_i)`` says which
set a row belongs to. An outer query maps the distinct values of text, integer and boolean columns to
the layout's labels or ``other`` and adds their counts, so a high-cardinality column returns at most
its labels plus two rows; other types return their distinct values, labelled by the caller.
``numeric`` columns are read as ``double precision`` so that ``1.0`` gets the label ``"1"`` as
everywhere else.

**Planner settings** (:func:`settings_statement`, local to the counting transaction). JIT is
turned off: compiling the statements' many expressions took longer than it saved (0.8 s of the 2.8 s
moments scan of 1 M rows x 20 columns). The planner does not multiply its row estimate by what an
``unnest`` in a subquery returns, so it would rather send every spread key through ``Gather`` than
aggregate in the workers; ``parallel_tuple_cost`` is scaled by the number of numeric features to
price those rows. ``work_mem`` is raised, never lowered, to what a hash table holding every key
needs (up to :data:`HASH_BYTES_CAP`), so the aggregate does not spill to disk.

**Cost.** On a cached table of 1 M rows x 20 float8 columns with 2,000 bins each (PostgreSQL 15, one
process, CPU seconds), the scan alone costs 0.16 s, ``width_bucket`` on every value 1.6 s, and the
spread and count 3.8-4.7 s in all, against 5.5-6.0 s for a ``LATERAL`` unnest grouped by (feature, bin),
8.7 s for hashed ``GROUPING SETS`` (one set per feature, never parallel) and over 9 s for a
``LATERAL (VALUES ...)``. One ``GROUP BY`` per feature joined by ``UNION ALL`` costs about as much
(4.3-4.9 s) but reads the table, or runs the user's query, once per feature.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, DOUBLE_PRECISION, array

from aumos_drift_detector.core.summaries.layout import OTHER, CategoricalBins, NumericBins

NUMERIC_TYPE_OIDS = frozenset({20, 21, 23, 700, 701, 1700})
"""``int8``, ``int2``, ``int4``, ``float4``, ``float8`` and ``numeric``: the column types counted as numbers."""

NUMERIC_OID = 1700
"""``numeric``: read as ``double precision`` when counted as a category."""

LABELLED_AS_TEXT = frozenset({16, 20, 21, 23, 25, 1043})
"""``bool``, ``int8``, ``int2``, ``int4``, ``text``, ``varchar``: types whose PostgreSQL text form is the
category label (``true``, ``-3``, the string itself), so values are mapped to the layout's labels in the
database. Other types (``float8`` prints ``1e+20`` where the label is ``100000000000000000000``,
``char(n)`` loses its padding) come back as distinct values."""

HASH_BYTES_PER_KEY = 256
"""A generous size of one group of a PostgreSQL hash aggregate counting one integer key (about 130 B measured)."""

HASH_BYTES_CAP = 256 * 2**20
"""The most ``work_mem`` the counting transaction asks for: a wider layout's aggregate spills to disk instead."""

SQUARE_UNDERFLOW = 1.5717277847026288e-162
"""Below this magnitude a float64 square rounds to 0 (numpy's result), which PostgreSQL raises as an underflow."""

SQUARE_OVERFLOW = 1.3407807929942596e154
"""Above this magnitude a float64 square is ``inf`` (numpy's result), which PostgreSQL raises as an overflow."""


def source_relation(
    columns: Sequence[str], *, table: str | None, schema: str | None, query: str | None
) -> sa.FromClause:
    """The table, or the user's query as a subquery named ``source``, exposing ``columns``.

    A colon in the query is escaped so that SQLAlchemy never reads ``:name`` as a parameter, and the
    query ends with a line break so that a trailing ``--`` comment cannot swallow the closing parenthesis.
    """
    named: list[sa.ColumnClause[Any]] = [sa.column(name) for name in columns]
    if query is not None:
        return sa.text(query.replace(":", "\\:") + "\n").columns(*named).subquery("source")
    if table is None:  # pragma: no cover - the source checks that one of them is given
        raise ValueError("a table or a query is required")
    return sa.table(table, *named, schema=schema)


def probe_statement(relation: sa.FromClause) -> sa.Select[tuple[object]]:
    """``SELECT * FROM source LIMIT 0``: the column names and types without reading a row."""
    return sa.select(sa.literal_column("*")).select_from(relation).limit(0)


def bin_offsets(features: Sequence[NumericBins]) -> list[int]:
    """The first key of each feature's run: the number of bins of the features before it."""
    offsets, total = [], 0
    for bins in features:
        offsets.append(total)
        total += bins.n_bins
    return offsets


def bins_statement(relation: sa.FromClause, features: Sequence[NumericBins]) -> sa.Select[Any]:
    """The count per key (a feature's offset plus its bin) of every numeric feature, in one scan.

    Rows: the key (``None`` for missing values, of any feature), the count.
    """
    keys: list[sa.ColumnElement[int]] = []
    for index, (bins, offset) in enumerate(zip(features, bin_offsets(features), strict=True)):
        x = sa.cast(relation.c[bins.name], DOUBLE_PRECISION)
        edges = sa.bindparam(f"edges_{index}", [float(edge) for edge in bins.edges], type_=ARRAY(DOUBLE_PRECISION))
        bucket = sa.func.width_bucket(
            sa.func.nullif(x, sa.literal(math.nan, DOUBLE_PRECISION)), edges, type_=sa.Integer
        )
        keys.append(bucket + sa.bindparam(f"offset_{index}", offset, type_=sa.Integer))
    spread = (
        sa.select(sa.func.unnest(array[Any](keys, type_=sa.Integer), type_=sa.Integer).label("key"))
        .select_from(relation)
        .subquery("spread")
    )
    return sa.select(spread.c.key, sa.func.count()).group_by(spread.c.key)


def settings_statement(features: Sequence[NumericBins]) -> sa.Select[Any]:
    """Planner settings for the counting transaction (see the module's notes): JIT, tuple cost, memory."""
    keys = max(1, sum(bins.n_bins for bins in features))
    tuple_cost = sa.cast(sa.func.current_setting("parallel_tuple_cost"), DOUBLE_PRECISION) * sa.bindparam(
        "spread", max(1, len(features)), type_=sa.Integer
    )
    needed = sa.bindparam("hash_bytes", min(keys * HASH_BYTES_PER_KEY, HASH_BYTES_CAP), type_=sa.BigInteger)
    memory = sa.func.greatest(sa.func.pg_size_bytes(sa.func.current_setting("work_mem")), needed)
    return sa.select(
        sa.func.set_config("jit", "off", True),
        sa.func.set_config("parallel_tuple_cost", sa.cast(tuple_cost, sa.Text), True),
        sa.func.set_config("work_mem", sa.cast(memory, sa.Text) + "B", True),
    )


def moments_statement(relation: sa.FromClause, features: Sequence[NumericBins]) -> sa.Select[Any]:
    """The row count, then per numeric feature: finite count, sum, sum of squares, min, max, missing count."""
    infinity = sa.literal(math.inf, DOUBLE_PRECISION)
    aggregates: list[sa.ColumnElement[Any]] = [sa.func.count()]
    for bins in features:
        x = sa.cast(relation.c[bins.name], DOUBLE_PRECISION)
        finite = sa.and_(x > sa.literal(-math.inf, DOUBLE_PRECISION), x < infinity)
        magnitude = sa.func.abs(x, type_=DOUBLE_PRECISION)
        square = sa.case(
            (magnitude < sa.literal(SQUARE_UNDERFLOW, DOUBLE_PRECISION), sa.literal(0.0, DOUBLE_PRECISION)),
            (magnitude > sa.literal(SQUARE_OVERFLOW, DOUBLE_PRECISION), infinity),
            else_=x * x,
        )
        missing = sa.or_(x.is_(None), x == sa.literal(math.nan, DOUBLE_PRECISION))
        aggregates += [
            sa.func.count(x).filter(finite),
            sa.func.sum(x).filter(finite),
            sa.func.sum(square).filter(finite),
            sa.func.min(x).filter(finite),
            sa.func.max(x).filter(finite),
            sa.func.count().filter(missing),
        ]
    return sa.select(*aggregates).select_from(relation)


def categorical_statement(
    relation: sa.FromClause, features: Sequence[CategoricalBins], types: Mapping[str, int]
) -> sa.Select[Any]:
    """Counts of every categorical feature's values, and the row count, in one scan.

    Rows: one value per feature, one ``GROUPING`` flag per feature (0 in the feature's own set), the count.
    The row whose flags are all 1 is the empty grouping set: its count is the number of rows. A value is
    the layout's label, :data:`OTHER` or ``None`` (missing) for a column whose type's text form is its
    label (:data:`LABELLED_AS_TEXT`), so at most ``labels + 2`` rows per feature leave the server;
    otherwise it is the raw distinct value, labelled by the caller.
    """
    columns = [
        sa.cast(relation.c[bins.name], DOUBLE_PRECISION)
        if types.get(bins.name) == NUMERIC_OID
        else relation.c[bins.name]
        for bins in features
    ]
    if not columns:
        return sa.select(sa.func.count()).select_from(relation)
    grouping_sets = sa.func.grouping_sets(*[sa.tuple_(column) for column in columns], sa.tuple_())
    counted = (
        sa.select(
            *[column.label(f"value_{index}") for index, column in enumerate(columns)],
            *[sa.func.grouping(column).label(f"set_{index}") for index, column in enumerate(columns)],
            sa.func.count().label("rows"),
        )
        .select_from(relation)
        .group_by(grouping_sets)
        .subquery("counted")
    )
    values: list[sa.ColumnElement[Any]] = []
    for index, bins in enumerate(features):
        value: sa.ColumnElement[Any] = counted.c[f"value_{index}"]
        if types.get(bins.name) in LABELLED_AS_TEXT:
            text = sa.cast(value, sa.Text)
            labels = sa.bindparam(f"labels_{index}", list(bins.labels), type_=ARRAY(sa.Text))
            value = sa.case((value.is_(None), sa.null()), (text == sa.any_(labels), text), else_=sa.literal(OTHER))
        values.append(value)
    flags = [counted.c[f"set_{index}"] for index in range(len(features))]
    return sa.select(*values, *flags, sa.func.sum(counted.c.rows)).group_by(*values, *flags)
