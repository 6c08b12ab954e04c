import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from aumos_drift_detector.adapters.files.embedding_columns import embedding_matrix
from aumos_drift_detector.adapters.files.tabular import read_table
from aumos_drift_detector.core.errors import ValidationError

VECTORS = np.array([[0.5, -1.0, 2.0], [0.25, 0.0, -3.5]])


@pytest.mark.parametrize(
    "array",
    [
        pa.array(VECTORS.tolist(), type=pa.list_(pa.float64())),
        pa.array(VECTORS.tolist(), type=pa.large_list(pa.float32())),
        pa.array(VECTORS.tolist(), type=pa.list_(pa.float64(), 3)),
        pa.FixedShapeTensorArray.from_numpy_ndarray(VECTORS),
    ],
    ids=["list", "large_list", "fixed_size_list", "tensor"],
)
def test_arrow_vector_columns_round_trip_through_parquet(tmp_path, array):
    pq.write_table(pa.table({"vec": array, "x": [1.0, 2.0]}), tmp_path / "e.parquet")
    matrix = embedding_matrix(read_table(tmp_path / "e.parquet"), "vec", name="e.parquet")
    np.testing.assert_array_equal(matrix, VECTORS)


def test_json_arrays_in_csv_and_json_records(tmp_path):
    (tmp_path / "e.csv").write_text("vec\n" + "".join(f'"{json.dumps(row)}"\n' for row in VECTORS.tolist()))
    (tmp_path / "e.json").write_text(json.dumps([{"vec": row} for row in VECTORS.tolist()]))
    for name in ("e.csv", "e.json"):
        np.testing.assert_array_equal(embedding_matrix(read_table(tmp_path / name), "vec", name=name), VECTORS)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["[1, 2]", "[1, 2, 3]"], "row 2: has 3 values where the first row has 2"),
        (["[1, 2]", "oops"], "row 2: not a JSON array"),
        (["[1, 2]", '["a", 2]'], "row 2: expected a JSON array of numbers"),
        (["[1, 2]", None], "row 2: expected a JSON array of numbers"),
    ],
)
def test_bad_text_vectors_name_the_row(values, message):
    with pytest.raises(ValidationError, match=message):
        embedding_matrix(pa.table({"vec": pa.array(values, type=pa.string())}), "vec", name="f.csv")


def test_bad_list_vectors_and_types_are_refused():
    ragged = pa.table({"vec": pa.array([[1.0, 2.0], [1.0]])})
    with pytest.raises(ValidationError, match="f: embedding column 'vec', row 2: has 1 values"):
        embedding_matrix(ragged, "vec", name="f")
    with pytest.raises(ValidationError, match="row 1: a row has no vector"):
        embedding_matrix(pa.table({"vec": pa.array([None, [1.0]])}), "vec", name="f")
    with pytest.raises(ValidationError, match="not a finite number"):
        embedding_matrix(pa.table({"vec": pa.array([[1.0], [float("inf")]])}), "vec", name="f")
    with pytest.raises(ValidationError, match="holds double, not vectors"):
        embedding_matrix(pa.table({"vec": pa.array([1.0])}), "vec", name="f")
    with pytest.raises(ValidationError, match="no embedding column 'emb'"):
        embedding_matrix(pa.table({"vec": pa.array([[1.0]])}), "emb", name="f")
