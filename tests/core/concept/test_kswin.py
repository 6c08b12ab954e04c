from __future__ import annotations

import warnings

import numpy as np
import pytest
from river import drift as river_drift
from scipy import stats
from scipy.stats._stats_py import _compute_prob_outside_square

from aumos_drift_detector.core.concept import KSWIN
from aumos_drift_detector.core.concept.kswin import drift_threshold
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.ks_distribution import exact_p_value
from tests.core.concept.streams import (
    bernoulli_steps,
    gaussian_shifts,
    river_adwin_doctest_stream,
    run_per_sample,
)

CONFIGS = [
    {"seed": 1},
    {"seed": 7, "alpha": 0.05, "window_size": 50, "stat_size": 10},
    {"seed": 3, "alpha": 0.01, "window_size": 300, "stat_size": 20},  # set-based sampling in Python
    {"seed": 5, "alpha": 0.2, "window_size": 30, "stat_size": 4},
]


def test_river_doctest_stream_gives_rivers_detection():
    stream = river_adwin_doctest_stream()
    expected, _ = run_per_sample(river_drift.KSWIN(alpha=0.0001, seed=42), stream)
    assert expected == [1016]
    assert KSWIN(alpha=0.0001, seed=42).update_many(stream).drift_indices.tolist() == expected


@pytest.mark.parametrize("config", CONFIGS, ids=str)
@pytest.mark.parametrize("seed", range(4))
def test_detections_equal_rivers_on_seeded_streams(config, seed):
    values = gaussian_shifts(seed, length=300) if seed % 2 else bernoulli_steps(seed, length=300)
    expected, _ = run_per_sample(river_drift.KSWIN(**config), values.tolist())
    assert run_per_sample(KSWIN(**config), values[:600].tolist())[0] == [i for i in expected if i < 600]
    assert KSWIN(**config).update_many(values).drift_indices.tolist() == expected


def test_generator_state_matches_rivers_after_many_draws():
    values = np.random.default_rng(0).normal(0, 1, 500)
    theirs, ours = river_drift.KSWIN(seed=3), KSWIN(seed=3)
    run_per_sample(theirs, values.tolist())
    ours.update_many(values)
    _, words, _ = theirs._rng.getstate()
    assert ours.to_state()["statistics"]["rng"] == list(words)


def test_exact_p_value_equals_scipys_recurrence():
    for n in range(1, 120):
        for h in range(1, n + 1):
            reference = _compute_prob_outside_square(n, h)
            if 0.0 <= reference <= 1.0:
                assert exact_p_value(h, n, n) == reference


@pytest.mark.parametrize("stat_size", [5, 30, 64])
def test_exact_p_value_equals_ks_2samp_on_samples(stat_size):
    rng = np.random.default_rng(stat_size)
    for _ in range(20):
        reference, current = rng.normal(0, 1, stat_size), rng.normal(0.7, 1, stat_size)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = stats.ks_2samp(reference, current, method="auto")
        h = round(result.statistic * stat_size)
        if caught:  # SciPy fell back to the asymptotic law: only for p-values this close to 1
            assert result.pvalue > 0.999
            assert exact_p_value(h, stat_size, stat_size) == 1.0
        else:
            assert exact_p_value(h, stat_size, stat_size) == result.pvalue


@pytest.mark.parametrize("stat_size", [4, 10, 30, 100])
@pytest.mark.parametrize("alpha", [1e-4, 0.005, 0.05, 0.3])
def test_drift_threshold_is_the_smallest_statistic_that_passes(stat_size, alpha):
    passing = [
        h for h in range(1, stat_size + 1) if h / stat_size > 0.1 and exact_p_value(h, stat_size, stat_size) <= alpha
    ]
    assert drift_threshold(stat_size, alpha) == min(passing, default=stat_size + 1)


def test_keeping_the_recent_sample_after_drift_continues_the_generator():
    values = np.concatenate([np.zeros(300), np.ones(300)]) + np.random.default_rng(1).normal(0, 0.1, 600)
    river_like, paper_like = KSWIN(seed=2), KSWIN(seed=2, reset_on_drift=False)
    first = int(KSWIN(seed=2).update_many(values).drift_indices[0])
    river_like.update_many(values[: first + 1])
    paper_like.update_many(values[: first + 1])
    assert river_like.drift_detected
    assert paper_like.drift_detected
    river_like.update(1.0)
    paper_like.update(1.0)
    assert len(river_like.to_state()["statistics"]["window"]) == 1
    assert len(paper_like.to_state()["statistics"]["window"]) == 31


def test_change_start_is_the_first_value_of_the_recent_sample():
    values = np.concatenate([np.zeros(300), np.ones(300)])
    event = KSWIN(seed=4).update_many(values).drifts[0]
    assert event.change_start == event.index - 29


@pytest.mark.parametrize(
    "kwargs",
    [
        {"alpha": 0.0},
        {"alpha": 1.5},
        {"window_size": 50, "stat_size": 30},
        {"stat_size": 0},
        {"seed": -1},
        {"seed": 1.5},
        {"reset_on_drift": None},
    ],
    ids=str,
)
def test_invalid_parameters_are_refused(kwargs):
    with pytest.raises(ValidationError):
        KSWIN(**kwargs)
