import numpy as np
import pytest

from aumos_drift_detector.adapters.sources import DuckDbSource
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.summaries import (
    CategoricalBins,
    NumericBins,
    SummaryLayout,
    SummarySource,
    count_columns,
    merge_all,
)


def _assert_same(left, right):
    assert left.rows == right.rows
    for a, b in zip(left.features, right.features, strict=True):
        assert a.counts.tolist() == b.counts.tolist(), a.name
        if hasattr(a, "moments"):
            assert (a.moments.count, a.moments.missing) == (b.moments.count, b.moments.missing)
            assert (a.moments.minimum, a.moments.maximum) == (b.moments.minimum, b.moments.maximum)
            assert a.moments.total == pytest.approx(b.moments.total, rel=1e-9, abs=1e-9)
            assert a.moments.total_squares == pytest.approx(b.moments.total_squares, rel=1e-9)
        else:
            assert a.missing == b.missing


@pytest.mark.parametrize(("counting", "batch_rows"), [("stream", 1000), ("stream", 1_000_000), ("sql", 1)])
def test_a_glob_of_parquet_files_counts_like_the_rows_in_memory(dataset, layout, counting, batch_rows):
    directory, columns = dataset
    source = DuckDbSource(str(directory / "*.parquet"), threads=1, counting=counting, batch_rows=batch_rows)
    assert isinstance(source, SummarySource)
    summary = source.count(layout)
    _assert_same(summary, count_columns(layout, columns))
    assert summary.feature("x").counts[0] >= 1  # -inf lands in the first bin
    assert summary.feature("channel").missing > 0


def test_files_counted_one_by_one_merge_to_the_glob(dataset, layout):
    directory, _ = dataset
    parts = [DuckDbSource(str(path)).count(layout) for path in sorted(directory.glob("*.parquet"))]
    _assert_same(merge_all(layout, parts), DuckDbSource(str(directory / "*.parquet")).count(layout))


@pytest.mark.parametrize("counting", ["stream", "sql"])
def test_csv_files_count_like_the_parquet_files(dataset, layout, counting):
    directory, _ = dataset
    without_x = SummaryLayout(layout.features[1:])
    from_csv = DuckDbSource(str(directory / "*.csv"), file_format="csv", counting=counting).count(without_x)
    from_parquet = DuckDbSource(str(directory / "*.parquet")).count(without_x)
    _assert_same(from_csv, from_parquet)


def test_an_empty_layout_counts_the_rows(dataset):
    directory, columns = dataset
    for counting in ("stream", "sql"):
        summary = DuckDbSource(str(directory / "*.parquet"), counting=counting).count(SummaryLayout(()))
        assert summary.rows == len(columns["x"])


def test_a_missing_column_is_named(dataset):
    directory, _ = dataset
    layout = SummaryLayout((NumericBins("income", np.array([0.0])),))
    with pytest.raises(ValidationError, match="'income'"):
        DuckDbSource(str(directory / "*.parquet")).count(layout)


def test_text_where_numbers_belong_is_named(dataset):
    directory, _ = dataset
    layout = SummaryLayout((NumericBins("channel", np.array([0.0])),))
    with pytest.raises(ValidationError, match=r"'channel'.*not numeric"):
        DuckDbSource(str(directory / "*.parquet")).count(layout)


def test_numbers_can_be_counted_as_categories(dataset):
    directory, columns = dataset
    layout = SummaryLayout((CategoricalBins("level", ("0", "1", "2")),))
    expected = count_columns(layout, columns).features[0].counts.tolist()
    for counting in ("stream", "sql"):
        counted = DuckDbSource(str(directory / "*.parquet"), counting=counting).count(layout).features[0]
        assert counted.counts.tolist() == expected


def test_an_unmatched_path_is_a_validation_error(tmp_path):
    with pytest.raises(ValidationError, match="cannot read"):
        DuckDbSource(str(tmp_path / "nothing-*.parquet")).count(SummaryLayout(()))
