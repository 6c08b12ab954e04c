"""A word in a column of numbers is refused naming the column, its row and the word."""

from __future__ import annotations

import pyarrow as pa
import pytest

from aumos_drift_detector.adapters.files.tabular import read_table
from aumos_drift_detector.adapters.files.text_numbers import first_non_number, refuse_text_in_numbers
from aumos_drift_detector.core.errors import ValidationError


def test_numbers_in_every_spelling_the_csv_reader_parses_are_numbers() -> None:
    numbers = ["1", "-2", "+3.5", "4.", ".5", "1e3", "2.5E-4", " 7 ", "inf", "-Infinity", None]
    assert first_non_number(pa.array(numbers)) is None


@pytest.mark.parametrize("word", ["old", "1,5", "12 years", "0x1F", "--1", "e5"])
def test_the_first_word_is_found_across_chunks(word: str) -> None:
    column = pa.chunked_array([["31", None, "40"], ["2", word, "nope"]])
    assert first_non_number(column) == (4, word)


def test_a_csv_column_declared_numerical_with_a_word_names_row_and_value() -> None:
    table = read_table(b"age,plan\n31,pro\n40,basic\nold,pro\n", "csv", name="current.csv")
    with pytest.raises(ValidationError) as caught:
        refuse_text_in_numbers(table, ["age", "absent"], name="current.csv")
    assert caught.value.message.startswith("current.csv: column 'age', row 3: 'old' is not a number")
    assert caught.value.details == {"column": "age", "row": 3, "value": "old", "problem": "not_a_number"}


def test_a_categorical_column_is_left_alone() -> None:
    table = read_table(b"age,plan\n31,pro\n40,basic\n", "csv", name="current.csv")
    refuse_text_in_numbers(table, ["age"], name="current.csv")
