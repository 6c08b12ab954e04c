"""CSV: unclosed quotes are refused with their line, non-finite numbers with their row, and the
block-by-block reader types columns exactly as a whole-file read does."""

import io

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aumos_drift_detector.adapters.files.tabular import read_table, read_tabular
from aumos_drift_detector.core.errors import ValidationError


def _whole_file(body: bytes) -> pa.Table:
    return pa_csv.read_csv(pa.BufferReader(body), convert_options=pa_csv.ConvertOptions(strings_can_be_null=True))


def test_unclosed_quote_is_refused_naming_line_row_and_column() -> None:
    body = b'age,plan\n31,pro\n40,"basic\n50,team\n'
    with pytest.raises(
        ValidationError, match=r"^up\.csv: line 3 \(row 2\), column 'plan': a quote is opened"
    ) as caught:
        read_table(body, "csv", name="up.csv")
    assert caught.value.details == {"line": 3, "row": 2, "column": "plan", "problem": "unclosed_quote"}


def test_quote_closed_on_a_later_line_is_refused_rather_than_joining_the_lines() -> None:
    body = b'age,plan\n31,"pro\n40,basic"\n\n50,team\n'
    with pytest.raises(ValidationError, match=r"line 2 \(row 1\), column 'plan'"):
        read_table(body, "csv")


def test_unclosed_quote_in_a_large_file_never_drops_rows() -> None:
    lines = [f"{i},x{i}" for i in range(200_000)]
    lines[100_000] = '100000,"unclosed'
    body = ("id,label\n" + "\n".join(lines) + "\n").encode()
    with pytest.raises(ValidationError, match=r"line 100002 \(row 100001\), column 'label'"):
        read_table(body, "csv", name="big.csv")


@settings(deadline=None)
@given(position=st.integers(0, 299), block_size=st.sampled_from([64, 100, 257, 1000]))
def test_unclosed_quote_is_found_wherever_the_blocks_split(position: int, block_size: int) -> None:
    lines = [f"{i},x{i},{i * 0.5}" for i in range(300)]
    lines[position] = f'{position},"x{position},1.0'
    body = ("id,label,score\n" + "\n".join(lines) + "\n").encode()
    with pytest.raises(ValidationError, match=rf"line {position + 2} \(row {position + 1}\), column 'label'"):
        read_tabular(io.BytesIO(body), "csv", name="up.csv", csv_block_size=block_size)


@pytest.mark.parametrize("value", ["inf", "-inf", "Infinity", "1e400"])
def test_infinite_or_overflowing_number_is_refused_naming_column_and_row(value: str) -> None:
    body = f"age,plan\n31.5,pro\n{value},basic\n".encode()
    with pytest.raises(ValidationError, match=r"^up\.csv: column 'age', row 2: -?inf is not a finite number") as caught:
        read_table(body, "csv", name="up.csv")
    assert caught.value.details["problem"] == "not_finite"


def test_nan_null_markers_and_empty_cells_are_counted_as_missing() -> None:
    body = b"age,plan,score\n31,pro,NaN\n,basic,1.5\nNA,,nan\n44,team,2\n"
    parsed = read_tabular(io.BytesIO(body), "csv", name="up.csv")
    assert parsed.missing_values == {"age": 2, "plan": 1, "score": 2}
    assert parsed.table.column("age").to_pylist() == [31, None, None, 44]


_LATER_VALUES = {
    "integers then a decimal": ("7", "2.5"),
    "empty then numbers": ("", "12"),
    "integers then text": ("3", "gold"),
    "zeros and ones then true": ("1", "true"),
    "dates then text": ("2024-01-02", "soon"),
}


@settings(deadline=None)
@given(
    change=st.sampled_from(sorted(_LATER_VALUES)),
    at=st.integers(1, 399),
    block_size=st.sampled_from([128, 512, 4096]),
)
def test_column_types_match_a_whole_file_read_when_later_values_widen_them(
    change: str, at: int, block_size: int
) -> None:
    early, late = _LATER_VALUES[change]
    values = [early] * 400
    values[at] = late
    rng = np.random.default_rng(at)
    lines = [f"{v},{rng.integers(0, 9)},{p}" for v, p in zip(values, rng.choice(["a", "b"], 400), strict=True)]
    body = ("changing,steady,plan\n" + "\n".join(lines) + "\n").encode()
    table = read_tabular(io.BytesIO(body), "csv", name="up.csv", csv_block_size=block_size).table
    expected = _whole_file(body)
    assert table.schema == expected.schema
    assert table.equals(expected)


def test_invalid_utf8_after_the_first_block_is_a_validation_error() -> None:
    body = b"label\n" + b"plain\n" * 50 + b"caf\xe9\n"
    with pytest.raises(ValidationError, match=r"^up\.csv: cannot read CSV: .*UTF8"):
        read_tabular(io.BytesIO(body), "csv", name="up.csv", csv_block_size=64)
