"""Column sources: numpy, pandas and pyarrow containers read alike, without importing pandas or pyarrow."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.columns import as_columns

VALUES = [1.0, None, 2.5, 1.0]
LABELS = ["b", None, "a", "b"]


def containers() -> dict[str, object]:
    frame = pd.DataFrame({"x": VALUES, "c": LABELS})
    return {
        "mapping": {"x": np.array(VALUES, dtype=object), "c": np.array(LABELS, dtype=object)},
        "pandas": frame,
        "pandas categorical": frame.astype({"c": "category"}),
        "arrow table": pa.table({"x": VALUES, "c": LABELS}),
        "arrow dictionary": pa.table({"x": VALUES, "c": pa.array(LABELS).dictionary_encode()}),
        "arrow batch": pa.record_batch({"x": pa.array(VALUES), "c": pa.array(LABELS)}),
    }


@pytest.mark.parametrize("name", list(containers()))
def test_every_container_reads_the_same_numbers_and_counts(name):
    source = as_columns(containers()[name])
    numbers = source.numeric("x").tolist()
    assert numbers[0] == 1.0
    assert math.isnan(numbers[1])
    assert numbers[2:] == [2.5, 1.0]
    counts = source.category_counts("c")
    assert dict(zip(counts.labels, counts.counts.tolist(), strict=True)) == {"b": 2, "a": 1}
    assert counts.n_missing == 1


def test_a_text_column_is_not_read_as_numbers():
    for container in (pd.DataFrame({"c": LABELS}), pa.table({"c": LABELS}), {"c": np.array(["1", "x"], dtype=object)}):
        with pytest.raises(ValidationError, match="'c' is not numeric"):
            as_columns(container).numeric("c")


def test_an_object_column_mixing_numbers_and_text_is_counted_under_string_labels():
    counts = as_columns({"c": np.array([1, "a", 2.0, None, 1.0], dtype=object)}).category_counts("c")
    assert dict(zip(counts.labels, counts.counts.tolist(), strict=True)) == {"1": 2, "a": 1, "2": 1}
    assert counts.n_missing == 1


def test_nullable_and_arrow_backed_pandas_dtypes_are_numeric_or_boolean():
    frame = pd.DataFrame(
        {
            "i": pd.array([1, None], dtype="Int64"),
            "b": pd.array([True, None], dtype="boolean"),
            "a": pd.array([1, None], dtype="int64[pyarrow]"),
            "s": pd.array(["x", None], dtype="string"),
        }
    )
    source = as_columns(frame)
    assert [source.is_numeric(name) for name in "ibas"] == [True, True, True, False]
    assert [source.is_boolean(name) for name in "ibas"] == [False, True, False, False]


def test_reading_columns_imports_neither_pandas_nor_pyarrow():
    script = (
        "import sys, numpy as np\n"
        "from aumos_drift_detector.core.statistical import ReferenceProfile, evaluate\n"
        "data = {'x': np.arange(50.0), 'c': np.array(['a', 'b'] * 25, dtype=object)}\n"
        "evaluate(ReferenceProfile.from_data(data), data)\n"
        "print(sorted({'pandas', 'pyarrow'} & set(sys.modules)))\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
