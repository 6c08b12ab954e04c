"""Row samples in Arrow: bounded, uniform over every batch offered, seeded, and read back as matrices."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from aumos_drift_detector.adapters.files.row_samples import ArrowSampleCodec
from aumos_drift_detector.core.errors import ValidationError


def _sample(seed: int, batches: int = 10, rows: int = 50, capacity: int = 100) -> np.ndarray:
    writer = ArrowSampleCodec().writer(["x", "vec"], capacity=capacity, seed=seed)
    assert writer.start(["x", "vec", "ignored"])
    for index in range(batches):
        start = index * rows
        values = np.arange(start, start + rows, dtype=np.float64)
        writer.add(pa.record_batch({"x": values, "vec": [[v, -v] for v in values], "ignored": values}))
    sample = ArrowSampleCodec().read(writer.finish(), columns=["x"], embeddings=["vec"])
    assert np.array_equal(sample.embeddings["vec"][:, 0], sample.columns["x"])  # rows stay whole
    return sample.columns["x"]


def test_the_sample_is_bounded_distinct_in_order_and_reproducible() -> None:
    kept = _sample(seed=3)
    assert len(kept) == 100
    assert len(set(kept.tolist())) == 100
    assert np.all(np.diff(kept) > 0)
    assert np.array_equal(kept, _sample(seed=3))
    assert not np.array_equal(kept, _sample(seed=4))


def test_every_row_is_kept_as_often_whichever_batch_it_came_in() -> None:
    # 100 of 500 rows: each is kept with probability 0.2; over 400 seeds a row's count is Binomial(400, 0.2)
    # (mean 80, sd 8); the first and the last batch must be kept alike (a sample that favours early or
    # late rows fails).
    counts = np.zeros(500)
    for seed in range(400):
        counts[_sample(seed).astype(int)] += 1
    assert counts.sum() == 400 * 100
    assert abs(counts[:50].mean() - 80) < 4
    assert abs(counts[-50:].mean() - 80) < 4
    assert counts.min() > 80 - 5 * 8


def test_a_small_upload_is_kept_whole() -> None:
    assert np.array_equal(_sample(seed=0, batches=1, rows=30), np.arange(30.0))


def test_a_window_sample_is_drawn_to_the_bound_and_names_a_missing_column() -> None:
    codec, table = ArrowSampleCodec(), pa.table({"x": np.arange(1000.0), "vec": [[1.0, 2.0]] * 1000})
    drawn = codec.draw(table, columns=["x"], embeddings=["vec"], capacity=200, seed=1)
    assert (drawn.rows, drawn.embeddings["vec"].shape) == (200, (200, 2))
    assert np.all(np.diff(drawn.columns["x"]) > 0)
    with pytest.raises(ValidationError, match="the current window has no column 'y'"):
        codec.draw(table, columns=["y"], embeddings=[], capacity=200, seed=1)


def test_text_columns_come_back_as_labels() -> None:
    writer = ArrowSampleCodec().writer(["plan"], capacity=10, seed=0)
    writer.start(["plan"])
    writer.add(pa.table({"plan": ["free", None, "pro"]}))
    sample = ArrowSampleCodec().read(writer.finish(), columns=["plan"], embeddings=[])
    assert sample.columns["plan"].tolist() == ["free", None, "pro"]


def test_batches_of_differing_encodings_and_number_types_join_one_sample() -> None:
    writer = ArrowSampleCodec().writer(["c", "x"], capacity=100, seed=0)
    writer.start(["c", "x"])
    writer.add(pa.record_batch({"c": pa.array(["a", "b"]).dictionary_encode(), "x": pa.array([1, 2])}))
    writer.add(pa.record_batch({"c": pa.array(["z", "a"]).dictionary_encode(), "x": pa.array([1.5, 2.5])}))
    writer.add(pa.record_batch({"c": pa.array(["q", None]), "x": pa.array([None, None], pa.null())}))
    sample = ArrowSampleCodec().read(writer.finish(), columns=["c", "x"], embeddings=[])
    assert sample.columns["c"].tolist() == ["a", "b", "z", "a", "q", None]
    assert sample.columns["x"][:4].tolist() == [1.0, 2.0, 1.5, 2.5]
    assert np.isnan(sample.columns["x"][4:]).all()
