import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from aumos_drift_detector.adapters.files.tabular import detect_format, read_table
from aumos_drift_detector.core.errors import ValidationError

CSV = b"age,plan,score\n31,pro,0.5\n,basic,\n45,,1.5\n"


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


def test_csv_bytes_are_read_with_empty_cells_as_missing():
    table = read_table(CSV, "csv")
    assert table.schema.names == ["age", "plan", "score"]
    assert table.column("age").to_pylist() == [31, None, 45]
    assert table.column("plan").to_pylist() == ["pro", "basic", None]


def test_csv_path_format_comes_from_the_suffix(tmp_path):
    path = tmp_path / "current.csv"
    path.write_bytes(CSV)
    assert read_table(path).num_rows == 3


def test_parquet_path_and_bytes_give_the_same_table(tmp_path):
    table = pa.table({"x": [1.0, None, 3.0], "c": ["a", "b", None]})
    path = tmp_path / "reference.parquet"
    pq.write_table(table, path)
    assert read_table(path).equals(table)
    assert read_table(_parquet_bytes(table), "parquet").equals(table)


def test_json_array_of_records_and_json_lines_are_read():
    records = [{"x": 1, "c": "a"}, {"x": None, "c": "b"}]
    from_array = read_table(json.dumps(records).encode(), "json")
    from_lines = read_table(b"\n".join(json.dumps(r).encode() for r in records), "json")
    assert from_array.column("x").to_pylist() == [1, None]
    assert from_lines.column("c").to_pylist() == ["a", "b"]


def test_columns_are_selected_in_the_given_order():
    assert read_table(CSV, "csv", columns=["score", "age"]).schema.names == ["score", "age"]


def test_missing_column_error_names_file_and_column():
    with pytest.raises(ValidationError, match=r"^current\.csv: no column 'income'"):
        read_table(CSV, "csv", name="current.csv", columns=["income"])


def test_missing_file_error_names_the_file(tmp_path):
    with pytest.raises(ValidationError, match=r"nowhere\.csv: file not found"):
        read_table(tmp_path / "nowhere.csv")


def test_garbage_parquet_is_a_validation_error_naming_the_upload():
    with pytest.raises(ValidationError, match=r"^upload\.parquet: cannot read PARQUET"):
        read_table(b"definitely not parquet", "parquet", name="upload.parquet")


def test_ragged_csv_is_a_validation_error():
    with pytest.raises(ValidationError, match="cannot read CSV"):
        read_table(b"a,b\n1,2\n3,4,5\n", "csv", name="bad.csv")


def test_json_array_of_non_objects_is_rejected():
    with pytest.raises(ValidationError, match="cannot read JSON"):
        read_table(b"[1, 2, 3]", "json")


def test_header_only_csv_has_no_rows():
    with pytest.raises(ValidationError, match="no rows"):
        read_table(b"a,b\n", "csv", name="empty.csv")


def test_duplicated_column_is_rejected():
    with pytest.raises(ValidationError, match="'a' appears more than once"):
        read_table(b"a,a\n1,2\n", "csv")


def test_unknown_suffix_is_rejected():
    with pytest.raises(ValidationError, match=r"data\.xlsx"):
        detect_format("data.xlsx")
