import numpy as np
import pytest
from scipy import stats

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.multivariate import ReservoirSample
from aumos_drift_detector.core.multivariate.reservoir import bounded_rows

ROWS = np.arange(40.0).reshape(-1, 1)


def _inclusions(sampler, runs=2000):
    counts = np.zeros(len(ROWS))
    for seed in range(runs):
        kept = sampler(np.random.default_rng(seed))
        counts[kept.astype(int)] += 1
    return counts


def test_every_row_is_kept_equally_often():
    counts = _inclusions(lambda rng: ReservoirSample.empty(10, width=1).add(ROWS, rng).rows[:, 0])
    assert counts.sum() == 2000 * 10
    assert stats.chisquare(counts).pvalue > 0.001


def test_merged_samples_of_two_streams_are_uniform_over_their_union():
    def merged(rng):
        left = ReservoirSample.empty(10, width=1).add(ROWS[:30], rng)
        right = ReservoirSample.empty(10, width=1).add(ROWS[30:], rng)
        return left.merge(right).rows[:, 0]

    counts = _inclusions(merged)
    assert stats.chisquare(counts).pvalue > 0.001
    # a naive merge (half from each side) would keep each of the last ten rows half the time
    assert counts[30:].mean() / 2000 == pytest.approx(0.25, abs=0.03)


def test_adding_in_blocks_is_the_same_as_adding_at_once_in_distribution_and_counts_what_it_saw():
    rng = np.random.default_rng(0)
    sample = ReservoirSample.empty(5, width=1)
    for block in np.array_split(ROWS, 4):
        sample = sample.add(block, rng)
    assert sample.seen == 40
    assert len(sample.rows) == 5
    assert len(set(sample.rows[:, 0])) == 5


def test_bad_rows_and_capacity_are_refused():
    with pytest.raises(ValidationError, match="capacity"):
        ReservoirSample.empty(0, width=2)
    with pytest.raises(ValidationError, match="2 columns"):
        ReservoirSample.empty(3, width=2).add(np.zeros((4, 3)), np.random.default_rng(0))


def test_bounded_rows_keeps_the_order_and_the_bound():
    rows = bounded_rows(ROWS, 7, np.random.default_rng(1))
    assert len(rows) == 7
    assert np.all(np.diff(rows[:, 0]) > 0)
    assert bounded_rows(ROWS, 100, np.random.default_rng(1)) is ROWS
