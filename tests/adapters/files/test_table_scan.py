"""scan_tabular: a consumer gets the file batch by batch, and the file is refused as a whole-table
check would refuse it, whatever batch the problem is in."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from aumos_drift_detector.adapters.files.table_scan import scan_tabular
from aumos_drift_detector.core.errors import ValidationError


class Recorder:
    """A consumer that keeps the batches of the last pass and counts its passes."""

    def __init__(self, accept: bool = True) -> None:
        self.accept = accept
        self.passes: list[list[str]] = []
        self.batches: list[pa.RecordBatch] = []

    def start(self, names: Sequence[str]) -> bool:
        self.passes.append(list(names))
        self.batches = []
        return self.accept

    def add(self, batch: Any) -> None:
        self.batches.append(batch)


def _csv(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _scan(body: bytes, fmt: str = "csv", **options: Any) -> tuple[Recorder, Any]:
    recorder = options.pop("consumer", Recorder())
    found = scan_tabular(io.BytesIO(body), fmt, name="up", consumer=recorder, csv_block_size=256, **options)  # type: ignore[arg-type]
    return recorder, found


def test_the_batches_make_up_the_whole_table_and_missing_values_are_counted_over_all_of_them() -> None:
    rows = [f"{i % 90},{'pro' if i % 3 else ''},{'NaN' if i % 7 == 0 else i / 4}" for i in range(500)]
    body = _csv(["age,plan,score", *rows])
    recorder, found = _scan(body)
    assert len(recorder.batches) > 5
    expected = pa_csv.read_csv(pa.BufferReader(body), convert_options=pa_csv.ConvertOptions(strings_can_be_null=True))
    assert pa.Table.from_batches(recorder.batches, schema=found.schema).equals(expected)
    assert (found.rows, found.missing_values) == (500, {"plan": 167, "score": 72})


def test_a_type_that_widens_after_the_first_block_restarts_the_consumer_with_the_final_type() -> None:
    body = _csv(["age,plan"] + [f"{i},pro" for i in range(300)] + ["2.5,basic"])
    recorder, found = _scan(body)
    assert len(recorder.passes) == 2
    assert found.schema.field("age").type == pa.float64()
    assert all(batch.schema.field("age").type == pa.float64() for batch in recorder.batches)
    assert sum(batch.num_rows for batch in recorder.batches) == 301


def test_an_infinity_in_an_earlier_column_is_named_even_when_a_later_column_has_one_in_an_earlier_block() -> None:
    rows = [f"{i}.5,{i}.25" for i in range(400)]
    rows[150] = "150.5,inf"
    rows[350] = "-inf,350.25"
    recorder = Recorder()
    with pytest.raises(ValidationError, match=r"^up: column 'a', row 351: -inf is not a finite number"):
        _scan(_csv(["a,b", *rows]), consumer=recorder)
    assert 0 < sum(batch.num_rows for batch in recorder.batches) <= 150  # none from the first refused value's batch


def test_a_parse_error_after_a_refused_value_is_the_error_reported() -> None:
    rows = [f"{i}.5,x" for i in range(400)]
    rows[3] = "inf,x"
    rows[390] = "1,2,3"
    with pytest.raises(ValidationError, match=r"^up: cannot read CSV: .*Expected 2 columns, got 3"):
        _scan(_csv(["a,b", *rows]))


def test_a_consumer_that_declines_the_columns_gets_no_batch_but_the_file_is_still_checked() -> None:
    recorder = Recorder(accept=False)
    with pytest.raises(ValidationError, match=r"column 'plan', row 2: 'p\\x00ro' contains a NUL character"):
        _scan(b"age,plan\n31,pro\n32,p\x00ro\n", consumer=recorder)
    assert recorder.batches == []
    _, found = _scan(b"age,plan\n31,pro\n", consumer=Recorder(accept=False))
    assert found.rows == 1


def test_a_selection_is_what_the_consumer_gets_and_what_is_checked() -> None:
    body = _csv(["age,plan,note", "31,pro,inf", "40,basic,2"])
    recorder, found = _scan(body, columns=["plan", "age"])
    assert recorder.passes == [["plan", "age"]]
    assert found.schema.names == ["plan", "age"]
    assert recorder.batches[0].column(1).to_pylist() == [31, 40]


def test_parquet_is_read_batch_by_batch() -> None:
    table = pa.table({"x": [float(i) for i in range(100_000)], "plan": ["a", "b"] * 50_000})
    sink = io.BytesIO()
    pq.write_table(table, sink, row_group_size=30_000)
    recorder, found = _scan(sink.getvalue(), "parquet")
    assert len(recorder.batches) >= 2
    assert pa.Table.from_batches(recorder.batches).equals(table)
    assert found.rows == 100_000
