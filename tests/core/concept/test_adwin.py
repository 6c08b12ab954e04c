from __future__ import annotations

import numpy as np
import pytest
from river import drift as river_drift

from aumos_drift_detector.core.concept import ADWIN, adwin_cut
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


def small_shifts(seed: int, *, length: int, offset: float = 0.0, scale: float = 1.0) -> np.ndarray:
    """Gaussian stream whose mean moves by a fraction of a standard deviation every 20,000 values."""
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0, 0.15, size=length // 20_000 + 1).cumsum()
    return offset + scale * (np.repeat(steps, 20_000)[:length] + rng.normal(0.0, 1.0, length))


@pytest.mark.parametrize(("offset", "scale"), [(0.0, 1.0), (1e6, 1.0), (-3e9, 1e-3), (0.0, 1e12)], ids=str)
def test_detections_equal_rivers_on_long_streams_with_small_shifts(offset, scale):
    # Small shifts keep many splits near the threshold, where the screen must hand over to the exact test.
    values = small_shifts(11, length=120_000, offset=offset, scale=scale)
    expected, _ = run_per_sample(river_drift.ADWIN(), values.tolist())
    assert len(expected) >= 2
    assert ADWIN().update_many(values).drift_indices.tolist() == expected


def _plain(function):
    return getattr(function, "py_func", function)


def test_screen_clears_no_split_that_rivers_test_cuts():
    rng = np.random.default_rng(2024)
    exact_cut, unscreened = _plain(adwin_cut.exact_cut), _plain(adwin_cut._unscreened)
    cut = cleared = 0
    for _ in range(20_000):
        width = float(rng.integers(12, 10**7))
        n_old = float(rng.integers(1, width))
        mean, spread = rng.normal(0.0, 10.0 ** rng.integers(-3, 9)), 10.0 ** rng.uniform(-4, 4)
        variance, log_term = spread**2, float(np.log(2.0 * np.log(width) / 0.002))
        epsilon_scale = spread * np.sqrt(2.0 * log_term * (1.0 / n_old + 1.0 / (width - n_old)))
        gap = epsilon_scale * rng.uniform(0.9, 1.1)  # within 10% of the threshold
        sum_old = (mean + gap) * n_old
        sum_new = mean * (width - n_old)
        splits = np.array([[n_old], [sum_old], [sum_new]])
        is_cut = exact_cut(sum_old, sum_new, n_old, width - n_old, 5.0, variance, log_term)
        is_cleared = unscreened(splits, 1, width, 5.0, variance, log_term) == 0
        assert not (is_cut and is_cleared)
        cut += is_cut
        cleared += is_cleared
    assert cut > 1000  # both outcomes occur, so the check above is not vacuous
    assert cleared > 1000


def test_a_single_bucket_per_level_still_detects_a_shift():
    # River's Rust ADWIN panics with max_buckets=1; the cut search never tests the split with an empty newer part.
    values = np.concatenate([np.zeros(3000), np.ones(3000)])
    drifts = ADWIN(max_buckets=1).update_many(values).drift_indices.tolist()
    assert drifts
    assert 3000 <= drifts[0] < 3300


def quiet_then_change(seed: int, kind: str) -> tuple[np.ndarray, int]:
    """A long stationary stretch (many searches without a cut), then a change that ADWIN cuts soon after."""
    rng = np.random.default_rng(seed)
    quiet = rng.normal(0.0, 1.0, 6_000 + 37 * seed)
    if kind == "step":  # a mean shift of a fraction of a standard deviation: the cut comes many ticks later
        after = rng.normal(0.35 + 0.05 * seed, 1.0, 4_000)
    elif kind == "burst":  # a few extreme values: a cut at a split inside the newest values
        after = np.concatenate([np.full(5 + seed % 4, 7.5), rng.normal(0.0, 1.0, 2_000)])
    else:  # "variance": the spread grows while the mean stays
        after = rng.normal(0.0, 4.0, 4_000)
    return np.concatenate([quiet, after]), quiet.size


@pytest.mark.parametrize("kind", ["step", "burst", "variance"])
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("config", [{}, {"clock": 8, "min_window_length": 2}], ids=str)
def test_cuts_right_after_long_quiet_stretches_equal_rivers(kind, seed, config):
    # Any shortcut that skips searches after quiet ticks must still find these cuts at River's tick.
    values, change = quiet_then_change(seed, kind)
    expected, _ = run_per_sample(river_drift.ADWIN(**config), values.tolist())
    assert expected
    assert change <= expected[0] < change + 300  # River cuts only after the quiet stretch, and soon
    assert ADWIN(**config).update_many(values).drift_indices.tolist() == expected


@pytest.mark.parametrize("config", CONFIGS, ids=str)
def test_window_sums_after_every_drift_equal_rivers_bit_for_bit(config):
    # The sum of squares after a cut comes from the dropped buckets' variances, so it checks every bucket merge.
    values = gaussian_shifts(4, segments=8, length=4_000, spread=2.0)
    ours, theirs = ADWIN(**config), river_drift.ADWIN(**config)
    drifts = 0
    for value in values.tolist():
        ours.update(value)
        theirs.update(value)
        assert ours.drift_detected == theirs.drift_detected
        if theirs.drift_detected:
            drifts += 1
            assert (ours.width, ours.total) == (theirs.width, theirs.total)
            assert ours.variance == theirs.variance / theirs.width
    assert drifts >= 3


@pytest.mark.parametrize("config", [*CONFIGS, {"max_buckets": 1, "clock": 3}], ids=str)
@pytest.mark.parametrize("reset_on_drift", [True, False])
def test_batches_of_any_size_leave_the_state_of_one_batch(config, reset_on_drift):
    values = gaussian_shifts(9, segments=5, length=3_000, spread=2.0)
    whole = ADWIN(reset_on_drift=reset_on_drift, **config)
    expected = whole.update_many(values).drift_indices.tolist()
    assert expected
    chunked = ADWIN(reset_on_drift=reset_on_drift, **config)
    sizes = np.random.default_rng(1).integers(1, 3 * chunked.max_buckets + 70, size=values.size)
    bounds = np.cumsum(sizes)
    found: list[int] = []
    for start, stop in zip(np.r_[0, bounds], bounds, strict=False):
        if start >= values.size:
            break
        found += (start + chunked.update_many(values[start:stop]).drift_indices).tolist()
    assert found == expected
    assert chunked.to_state() == whole.to_state()
