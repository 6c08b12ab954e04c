"""The counting statements of the PostgreSQL source, built with SQLAlchemy Core.

Every identifier is quoted by SQLAlchemy's PostgreSQL dialect and every value -- edge arrays, the
``NaN`` and infinity markers, feature indexes -- is a bound parameter; no value is pasted into SQL.

**Numeric features, one scan.** Each row of the source is spread into one row per numeric feature
by a ``LATERAL (VALUES ...)`` list of ``(feature, value, bin)`` triples, and one ``GROUP BY feature,
bin`` counts them (a hash aggregate, parallel when the server chooses). The bin is
``width_bucket(x, ARRAY[e_1, ..., e_k])``, which returns the number of edges ``<= x``: 0 for
``x < e_1`` (and ``-inf``), ``i`` for ``e_i <= x < e_(i+1)``, ``k`` for ``x >= e_k`` (and ``+inf``) --
exactly the layout's bins ``(-inf, e_1), [e_1, e_2), ..., [e_k, +inf]``. PostgreSQL compares
``-0.0`` equal to ``0.0`` like numpy. It sorts ``NaN`` above ``+inf``, so ``width_bucket`` would put
``NaN`` in the last bin; the bin of ``NaN`` is therefore ``NULL``, like the bin of ``NULL``, and the
``NULL`` bin is the missing count. The moments' aggregates (count, sum, sum of squares, min, max over
finite values) run per bin in the same aggregate and are added up per feature by the caller.
PostgreSQL raises an error where a float8 product overflows to ``inf`` or underflows to ``0``, where
numpy returns those values; the square is therefore written as a ``CASE`` that returns ``0`` and
``inf`` outright at the magnitudes where numpy does, so tiny and huge values count as in memory. A
sum of finite values beyond ``±1.8e308`` remains an error in PostgreSQL (``inf`` in numpy).

**Categorical features and the row count, one more scan.** ``GROUP BY GROUPING SETS ((c_1), ...,
(c_n), ())`` returns every feature's distinct values with their counts, and the empty set the number
of rows; ``GROUPING(c_i)`` says which set a row belongs to. ``numeric`` columns are read as
``double precision`` so that ``1.0`` gets the label ``"1"`` as everywhere else.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, DOUBLE_PRECISION

from aumos_drift_detector.core.summaries.layout import CategoricalBins, NumericBins

NUMERIC_TYPE_OIDS = frozenset({20, 21, 23, 700, 701, 1700})
"""``int8``, ``int2``, ``int4``, ``float4``, ``float8`` and ``numeric``: the column types counted as numbers."""

NUMERIC_OID = 1700
"""``numeric``: read as ``double precision`` when counted as a category."""

SQUARE_UNDERFLOW = 1.5717277847026288e-162
"""Below this magnitude a float64 square rounds to 0 (numpy's result), which PostgreSQL raises as an underflow."""

SQUARE_OVERFLOW = 1.3407807929942596e154
"""Above this magnitude a float64 square is ``inf`` (numpy's result), which PostgreSQL raises as an overflow."""


def source_relation(
    columns: Sequence[str], *, table: str | None, schema: str | None, query: str | None
) -> sa.FromClause:
    """The table, or the user's query as a subquery named ``source``, exposing ``columns``.

    A colon in the query is escaped so that SQLAlchemy never reads ``:name`` as a parameter.
    """
    named: list[sa.ColumnClause[Any]] = [sa.column(name) for name in columns]
    if query is not None:
        return sa.text(query.replace(":", "\\:")).columns(*named).subquery("source")
    if table is None:  # pragma: no cover - the source checks that one of them is given
        raise ValueError("a table or a query is required")
    return sa.table(table, *named, schema=schema)


def probe_statement(relation: sa.FromClause) -> sa.Select[tuple[object]]:
    """``SELECT * FROM source LIMIT 0``: the column names and types without reading a row."""
    return sa.select(sa.literal_column("*")).select_from(relation).limit(0)


def numeric_statement(relation: sa.FromClause, features: Sequence[NumericBins]) -> sa.Select[tuple[object, ...]]:
    """Counts and moments per (feature index, bin) of every numeric feature, in one scan.

    Rows: feature index, bin (``NULL`` for missing), rows, finite count, sum, sum of squares, min, max.
    """
    not_a_number = sa.literal(math.nan, DOUBLE_PRECISION)
    triples = []
    for index, bins in enumerate(features):
        x = sa.cast(relation.c[bins.name], DOUBLE_PRECISION)
        edges = sa.bindparam(f"edges_{index}", [float(edge) for edge in bins.edges], type_=ARRAY(DOUBLE_PRECISION))
        bucket = sa.case((x == not_a_number, sa.null()), else_=sa.func.width_bucket(x, edges, type_=sa.Integer))
        triples.append((index, x, bucket))
    spread = (
        sa.values(
            sa.column("feature", sa.Integer),
            sa.column("value", DOUBLE_PRECISION),
            sa.column("bin", sa.Integer),
            name="spread",
        )
        .data(triples)
        .lateral()
    )
    value = spread.c.value
    infinity = sa.literal(math.inf, DOUBLE_PRECISION)
    finite = sa.and_(value > sa.literal(-math.inf, DOUBLE_PRECISION), value < infinity)
    magnitude = sa.func.abs(value, type_=DOUBLE_PRECISION)
    square = sa.case(
        (magnitude < sa.literal(SQUARE_UNDERFLOW, DOUBLE_PRECISION), sa.literal(0.0, DOUBLE_PRECISION)),
        (magnitude > sa.literal(SQUARE_OVERFLOW, DOUBLE_PRECISION), infinity),
        else_=value * value,
    )
    return (
        sa.select(
            spread.c.feature,
            spread.c.bin,
            sa.func.count(),
            sa.func.count(value).filter(finite),
            sa.func.sum(value).filter(finite),
            sa.func.sum(square).filter(finite),
            sa.func.min(value).filter(finite),
            sa.func.max(value).filter(finite),
        )
        .select_from(relation.join(spread, sa.true()))
        .group_by(spread.c.feature, spread.c.bin)
    )


def categorical_statement(
    relation: sa.FromClause, features: Sequence[CategoricalBins], numeric_columns: frozenset[str]
) -> sa.Select[Any]:
    """Distinct values and counts of every categorical feature, and the row count, in one scan.

    Rows: one value per feature, one ``GROUPING`` flag per feature (0 in the feature's own set), the count.
    The row whose flags are all 1 is the empty grouping set: its count is the number of rows.
    """
    columns = [
        sa.cast(relation.c[bins.name], DOUBLE_PRECISION) if bins.name in numeric_columns else relation.c[bins.name]
        for bins in features
    ]
    if not columns:
        return sa.select(sa.func.count()).select_from(relation)
    grouping_sets = sa.func.grouping_sets(*[sa.tuple_(column) for column in columns], sa.tuple_())
    return (
        sa.select(*columns, *[sa.func.grouping(column) for column in columns], sa.func.count())
        .select_from(relation)
        .group_by(grouping_sets)
    )
