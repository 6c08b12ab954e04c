"""Rows decoded from a stream record are read exactly as the same rows uploaded as a JSON array."""

from __future__ import annotations

import io
import json

import pytest

from aumos_drift_detector.adapters.files.rows_reader import read_rows
from aumos_drift_detector.adapters.files.tabular import read_tabular
from aumos_drift_detector.core.errors import ValidationError

ROWS: list[object] = [
    {"age": 31, "plan": "pro"},
    {"age": 40.5, "plan": None},
    {"plan": "team", "seats": 4},
    {"age": float("nan"), "plan": "basic"},
    {"age": -2, "plan": "", "seats": None},
]


def uploaded(rows: list[object]) -> io.BytesIO:
    return io.BytesIO(json.dumps(rows).encode())


def test_rows_give_the_table_and_missing_counts_of_a_json_array_upload() -> None:
    expected = read_tabular(uploaded(ROWS), "json", name="observations")
    upload = read_rows(ROWS)
    assert upload.table.schema == expected.table.schema
    assert repr(upload.table.to_pydict()) == repr(expected.table.to_pydict())  # NaN shown alike, unlike ==
    assert (upload.rows, dict(upload.missing_values)) == (5, dict(expected.missing_values))
    assert dict(upload.missing_values) == {"age": 2, "plan": 1, "seats": 4}


@pytest.mark.parametrize(
    "rows",
    [
        [{"age": 1}, {"age": "old"}],
        [{"age": 1}, {"age": True}],
        [{"age": 2**70}],
        [{"age": float("inf")}],
        [{"age": 1e200}],
        [{"plan": "pro\x00"}],
    ],
)
def test_a_value_the_upload_refuses_is_refused_with_the_same_message(rows: list[object]) -> None:
    with pytest.raises(ValidationError) as expected:
        read_tabular(uploaded(rows), "json", name="observations")
    with pytest.raises(ValidationError) as refused:
        read_rows(rows)
    assert refused.value.message == expected.value.message
    assert refused.value.message.startswith("observations: column ")
