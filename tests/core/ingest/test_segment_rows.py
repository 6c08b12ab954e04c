"""Rows grouped by segment: the positions of each segment's rows agree with the rows split one by one."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from aumos_drift_detector.core.ingest.segment_rows import segment_indices, split_by_segment

LABELS = st.one_of(st.none(), st.sampled_from(["DE", "FR", "", "1", "(missing)"]))


@given(st.lists(st.tuples(LABELS, LABELS), max_size=60))
def test_segment_indices_give_the_rows_split_by_segment_gives(rows: list[tuple[str | None, str | None]]) -> None:
    table = pa.table(
        {
            "x": pa.array([float(index) for index in range(len(rows))], pa.float64()),
            "country": pa.array([country for country, _ in rows], pa.string()),
            "channel": pa.array([channel for _, channel in rows], pa.string()),
        }
    )
    expected = split_by_segment(table.to_pydict(), ["country", "channel"], ["x"])
    found = segment_indices(table, ["country", "channel"])
    assert set(found) == set(expected)
    for key, positions in found.items():
        assert positions.tolist() == expected[key]["x"].astype(int).tolist()


def test_a_table_without_the_segment_column_is_one_segment_of_missing_values() -> None:
    table = pa.table({"x": np.arange(4, dtype=float)})
    found = segment_indices(table, ["country"])
    assert {key: value.tolist() for key, value in found.items()} == {"country=(missing)": [0, 1, 2, 3]}


def test_values_spelled_alike_are_one_segment() -> None:
    table = pa.table({"x": np.arange(3, dtype=float), "code": pa.array([1, 2, 1])})
    found = segment_indices(table, ["code"])
    assert {key: value.tolist() for key, value in found.items()} == {"code=1": [0, 2], "code=2": [1]}
