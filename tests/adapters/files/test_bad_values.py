"""The bad-value policy on Parquet (typed numbers: NaN and inf arrive as such) and the streamed
Parquet read, which must equal pyarrow's whole-file read."""

import io
import math

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from aumos_drift_detector.adapters.files.bad_values import missing_values
from aumos_drift_detector.adapters.files.tabular import read_table, read_tabular
from aumos_drift_detector.core.errors import ValidationError


def _parquet(table: pa.Table, **options: object) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink, **options)
    return sink.getvalue()


@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_infinity_in_parquet_is_refused_naming_column_and_row(value: float) -> None:
    body = _parquet(pa.table({"plan": ["pro", "basic", "team"], "score": [0.5, 1.0, value]}))
    with pytest.raises(ValidationError, match=r"^ref: column 'score', row 3: -?inf is not a finite number"):
        read_table(body, "parquet", name="ref")


def test_nan_and_null_in_parquet_are_counted_as_missing_and_kept() -> None:
    table = pa.table({"score": [0.5, math.nan, None, 2.0], "plan": ["pro", None, "team", "basic"]})
    parsed = read_tabular(io.BytesIO(_parquet(table)), "parquet", name="ref")
    assert parsed.missing_values == {"score": 2, "plan": 1}
    score = parsed.table.column("score").to_pylist()
    assert (score[0], math.isnan(score[1]), score[2:]) == (0.5, True, [None, 2.0])
    assert parsed.table.column("plan").equals(table.column("plan"))


def test_columns_without_missing_values_are_left_out_of_the_counts() -> None:
    assert missing_values(pa.table({"a": [1, 2], "b": pa.array([1.0, None], pa.float32())})) == {"b": 1}


def test_streamed_parquet_read_equals_the_whole_file_read_with_its_metadata() -> None:
    rows = 50_000
    table = pa.table(
        {
            "age": pa.array(range(rows), pa.int32()),
            "plan": pa.array(["pro", "basic"] * (rows // 2)).dictionary_encode(),
            "when": pa.array(range(rows), pa.timestamp("ms", tz="UTC")),
        }
    ).replace_schema_metadata({"origin": "warehouse"})
    body = _parquet(table, row_group_size=7_000)
    streamed = read_table(body, "parquet")
    assert streamed.equals(pq.read_table(io.BytesIO(body)), check_metadata=True)
