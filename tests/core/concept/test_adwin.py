from __future__ import annotations

import numpy as np
import pytest
from river import drift as river_drift

from aumos_drift_detector.core.concept import ADWIN
from aumos_drift_detector.core.errors import ValidationError
from tests.core.concept.streams import (
    bernoulli_steps,
    gaussian_shifts,
    river_adwin_doctest_stream,
    run_per_sample,
)

CONFIGS = [
    {},
    {"clock": 1},
    {"delta": 0.05, "clock": 7, "max_buckets": 2, "min_window_length": 1, "grace_period": 0},
    {"delta": 1e-5, "clock": 64, "max_buckets": 9, "min_window_length": 20, "grace_period": 100},
]


def test_river_doctest_stream_gives_rivers_detection():
    stream = river_adwin_doctest_stream()
    expected, _ = run_per_sample(river_drift.ADWIN(), stream)
    assert expected == [1023]
    assert run_per_sample(ADWIN(), stream)[0] == expected
    assert ADWIN().update_many(stream).drift_indices.tolist() == expected


@pytest.mark.parametrize("config", CONFIGS, ids=str)
@pytest.mark.parametrize("seed", range(8))
def test_detections_equal_rivers_on_seeded_streams(config, seed):
    values = gaussian_shifts(seed, length=700) if seed % 2 else bernoulli_steps(seed, length=900)
    expected, _ = run_per_sample(river_drift.ADWIN(**config), values.tolist())
    assert run_per_sample(ADWIN(**config), values.tolist())[0] == expected
    assert ADWIN(**config).update_many(values).drift_indices.tolist() == expected


def test_window_statistics_equal_rivers():
    values = np.random.default_rng(3).normal(2.0, 1.0, 777)
    ours, theirs = ADWIN(), river_drift.ADWIN()
    for value in values.tolist():
        ours.update(value)
        theirs.update(value)
    assert ours.width == theirs.width
    assert ours.total == theirs.total
    assert ours.estimation == theirs.estimation
    assert ours.variance == pytest.approx(np.var(values), rel=1e-9)  # River exposes the unnormalised sum


def feed_until_drift(detector: ADWIN, values: np.ndarray) -> int:
    for i, value in enumerate(values.tolist()):
        detector.update(value)
        if detector.drift_detected:
            return i
    raise AssertionError("no drift")


def test_change_start_is_the_first_value_left_in_the_window():
    values = np.concatenate([np.zeros(2000), np.ones(2000)])
    detector = ADWIN()
    index = feed_until_drift(detector, values)
    assert detector.last_drift is not None
    assert detector.last_drift.change_start == index + 1 - detector.width
    assert 1900 <= detector.last_drift.change_start <= index


def test_keeping_the_window_after_drift_starts_from_the_new_concept():
    values = np.concatenate([np.zeros(2000), np.ones(2000)])
    river_like, moa_like = ADWIN(), ADWIN(reset_on_drift=False)
    index = feed_until_drift(river_like, values)
    assert feed_until_drift(moa_like, values) == index
    kept = moa_like.width
    assert kept == river_like.width < index + 1  # both still hold the shrunken window
    river_like.update(1.0)
    moa_like.update(1.0)
    assert river_like.width == 1
    assert moa_like.width == kept + 1


def test_keeping_the_window_tracks_a_second_change():
    values = np.concatenate([np.zeros(3000), np.ones(3000), np.zeros(3000)])
    drifts = ADWIN(reset_on_drift=False).update_many(values).drift_indices
    assert any(3000 <= i < 3300 for i in drifts)
    assert any(6000 <= i < 6300 for i in drifts)


def test_per_sample_buffering_is_invisible_to_state_and_properties():
    values = np.random.default_rng(5).normal(0, 1, 45)
    buffered = ADWIN()
    for value in values.tolist():
        buffered.update(value)
    direct = ADWIN()
    direct.update_many(values)
    assert buffered.to_state() == direct.to_state()
    assert buffered.width == 45


def test_accepts_integers_and_numpy_scalars_like_floats():
    a, b = ADWIN(), ADWIN()
    for value in [1, 2, 3, np.int64(4), np.float32(5.0), True] * 20:
        a.update(value)
        b.update(float(value))
    assert a.to_state() == b.to_state()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"delta": 0.0},
        {"delta": 1.0},
        {"clock": 0},
        {"clock": 2.5},
        {"max_buckets": 0},
        {"min_window_length": 0},
        {"grace_period": -1},
        {"reset_on_drift": "yes"},
    ],
    ids=str,
)
def test_invalid_parameters_are_refused(kwargs):
    with pytest.raises(ValidationError):
        ADWIN(**kwargs)
