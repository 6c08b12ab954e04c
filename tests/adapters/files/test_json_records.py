"""JSON records: one kind per column, finite numbers, every key kept, errors naming column and row,
in both shapes (an array of objects and one object per line)."""

import io
import json
import re

import pyarrow as pa
import pyarrow.json as pa_json
import pytest

from aumos_drift_detector.adapters.files.json_records import BATCH_ROWS
from aumos_drift_detector.adapters.files.tabular import read_table, read_tabular
from aumos_drift_detector.core.errors import ValidationError


def _array(*records: str) -> bytes:
    return ("[" + ",\n ".join(records) + "]").encode()


def _lines(*records: str) -> bytes:
    return ("\n".join(records) + "\n").encode()


SHAPES = pytest.mark.parametrize(("shape", "where"), [(_array, r"row 2"), (_lines, r"row 2 \(line 2\)")])


MIXED_KINDS = [
    ("1", "true", "the boolean true in a column of numbers"),
    ("1.5", "true", "the boolean true in a column of numbers"),
    ("false", "1", "the number 1 in a column of booleans"),
    ("31", '"31"', 'the string "31" in a column of numbers'),
    ('"pro"', '{"tier": 2}', 'the object {"tier": 2} in a column of strings'),
]


@SHAPES
@pytest.mark.parametrize(("first", "then", "problem"), MIXED_KINDS)
def test_value_of_another_kind_is_refused_naming_column_and_row(shape, where, first, then, problem) -> None:
    body = shape(f'{{"age": {first}, "plan": "pro"}}', f'{{"age": {then}, "plan": "basic"}}')
    with pytest.raises(ValidationError, match=rf"^up: column 'age', {where}: {re.escape(problem)}$"):
        read_table(body, "json", name="up")


@SHAPES
@pytest.mark.parametrize("literal", ["Infinity", "-Infinity", "1e400"])
def test_infinite_or_overflowing_number_is_refused_naming_column_and_row(shape, where, literal) -> None:
    body = shape('{"age": 31.5}', f'{{"age": {literal}}}')
    with pytest.raises(ValidationError, match=r"column 'age', row 2.*: -?inf is not a finite number"):
        read_table(body, "json", name="up")


@SHAPES
def test_repeated_key_is_refused_naming_column_and_row(shape, where) -> None:
    body = shape('{"age": 31}', '{"age": 40, "age": 41}')
    with pytest.raises(ValidationError, match=rf"column 'age', {where}: the key appears twice"):
        read_table(body, "json", name="up")


@pytest.mark.parametrize("shape", [_array, _lines])
def test_nan_null_and_absent_keys_are_counted_as_missing(shape) -> None:
    body = shape('{"age": 31.5, "plan": "pro"}', '{"age": NaN, "plan": null}', '{"age": null}', '{"age": 2}')
    parsed = read_tabular(io.BytesIO(body), "json", name="up")
    assert parsed.missing_values == {"age": 2, "plan": 3}
    assert parsed.table.num_rows == 4


def test_key_first_seen_in_a_later_record_is_kept() -> None:
    table = read_table(_array('{"age": 1}', '{"age": 2, "plan": "pro"}'), "json")
    assert table.schema.names == ["age", "plan"]
    assert table.column("plan").to_pylist() == [None, "pro"]


def test_integer_beyond_64_bits_is_refused_naming_column_and_row() -> None:
    with pytest.raises(ValidationError, match=r"column 'id', row 2: the integer 99999999999999999999 does not fit"):
        read_table(_array('{"id": 1}', '{"id": 99999999999999999999}'), "json", name="up")


def test_record_that_is_not_an_object_is_refused_naming_the_row() -> None:
    with pytest.raises(ValidationError, match=r"cannot read JSON: row 2: a array where an object"):
        read_table(_array('{"age": 1}', "[2]"), "json")
    with pytest.raises(ValidationError, match=r"cannot read JSON: row 2 \(line 3\): Expecting"):
        read_table(b'{"age": 1}\n\n{"age": 2,}\n', "json")


def test_large_array_gives_the_table_of_a_whole_list_read() -> None:
    records = [{"age": i, "plan": "pro" if i % 2 else None} for i in range(3 * BATCH_ROWS)]
    records[-1]["age"] = 0.5  # the last batch turns the column into floats
    records[-2]["late"] = True  # a key seen only near the end
    table = read_table(json.dumps(records, indent=1).encode(), "json")
    columns = {key: [record.get(key) for record in records] for key in ("age", "plan", "late")}
    assert table.equals(pa.table({key: pa.array(values) for key, values in columns.items()}))


def test_json_lines_whose_later_blocks_change_types_give_the_table_of_a_whole_file_read() -> None:
    lines = [json.dumps({"age": i, "plan": "pro"}) for i in range(60_000)]
    lines.append(json.dumps({"age": 0.5, "plan": "basic", "late": "2024-01-02"}))
    body = _lines(*lines)
    assert len(body) > 1 << 20  # more than one of pyarrow's blocks
    assert read_table(body, "json").equals(pa_json.read_json(pa.BufferReader(body)))


def test_a_syntax_error_in_a_json_array_names_line_and_column_even_past_the_first_chunk() -> None:
    records = b"[\n" + b'{"age": 1},\n' * 30_000 + b'{"age": 2,}]'
    with pytest.raises(ValidationError) as caught:
        read_table(records, "json", name="current.json")
    assert caught.value.message == (
        "current.json: cannot read JSON: row 30001: Expecting property name enclosed in double quotes "
        "at line 30002, column 11"
    )


def test_a_missing_comma_between_records_names_where_the_next_one_starts() -> None:
    with pytest.raises(ValidationError) as caught:
        read_table(b'[{"age": 1},\n {"age": 2}\n {"age": 3}]', "json", name="current.json")
    assert caught.value.message == (
        "current.json: cannot read JSON: row 3: expected ',' or ']' after a record at line 3, column 2, found '{'"
    )
