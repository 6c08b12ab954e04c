"""EDDM: River parity, the population-deviation option, batch/loop equivalence, checkpoints, validation."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from river.drift import binary as river_binary

from aumos_drift_detector.core.concept.eddm import EDDM, _eddm_kernel
from aumos_drift_detector.core.errors import ValidationError


def stepped_bernoulli(seed: int, segments: int = 8) -> list[int]:
    """Errors whose rate steps up and down at random points."""
    rng = np.random.default_rng(seed)
    parts = [rng.random(int(rng.integers(200, 4000))) < rng.uniform(0.02, 0.7) for _ in range(segments)]
    return np.concatenate(parts).astype(int).tolist()


def flags_of_loop(detector, values) -> tuple[list[int], list[int]]:
    drifts, warnings = [], []
    for i, value in enumerate(values):
        detector.update(value)
        if detector.drift_detected:
            drifts.append(i)
        if detector.warning_detected:
            warnings.append(i)
    return drifts, warnings


@pytest.mark.parametrize("seed", range(30))
def test_eddm_matches_river_indices_on_stepped_error_rates(seed):
    values = stepped_bernoulli(seed)
    expected = flags_of_loop(river_binary.EDDM(), values)
    assert flags_of_loop(EDDM(), values) == expected
    batch = EDDM().update_many(values)
    assert (batch.drift_indices.tolist(), batch.warning_indices.tolist()) == expected


@pytest.mark.parametrize(("warm_start", "alpha", "beta"), [(0, 0.9, 0.85), (60, 0.8, 0.75), (30, 1.0, 1.0)])
def test_eddm_matches_river_with_other_parameters(warm_start, alpha, beta):
    values = stepped_bernoulli(77, segments=12)
    params = {"warm_start": warm_start, "alpha": alpha, "beta": beta}
    assert flags_of_loop(EDDM(**params), values) == flags_of_loop(river_binary.EDDM(**params), values)


def test_eddm_reproduces_the_river_docstring_stream():
    rng = random.Random(42)
    stream = rng.choices([0, 1], k=1000) + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])
    drifts, warnings = flags_of_loop(EDDM(alpha=0.8, beta=0.75), stream)
    assert drifts == [1278]
    assert warnings[0] == 1059


def test_eddm_refuses_a_fractional_error_and_names_its_position():
    detector = EDDM()
    with pytest.raises(ValidationError, match=r"0\.5 at position 2"):
        detector.update_many([0, 1, 0.5, 1])
    with pytest.raises(ValidationError, match="must be 0 or 1"):
        detector.update(0.5)
    assert detector.n_seen == 0


def test_population_deviation_option_tracks_numpy_population_std():
    values = np.random.default_rng(12).random(3000) < 0.3
    detector = EDDM(warm_start=0, alpha=1e-9, beta=1e-9, ddof=0)
    positions = np.flatnonzero(values) + 1
    distances = np.diff(np.concatenate([[0], positions]))
    expected_max = max(distances[: k + 1].mean() + 2 * distances[: k + 1].std(ddof=0) for k in range(distances.size))
    detector.update_many(values)
    assert detector._p2s_max == pytest.approx(expected_max, rel=1e-12)
    assert detector._m2 / detector._n_errors == pytest.approx(distances.var(ddof=0), rel=1e-9)


def test_sample_and_population_deviations_give_different_maxima():
    values = np.random.default_rng(13).random(2000) < 0.3
    sample, population = EDDM(ddof=1), EDDM(ddof=0)
    sample.update_many(values)
    population.update_many(values)
    assert population._p2s_max < sample._p2s_max


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.sampled_from([0.0, 1.0, 1.0, 0.0]), min_size=1, max_size=400),
    cut=st.integers(min_value=0, max_value=400),
    warm_start=st.integers(min_value=0, max_value=10),
    ddof=st.sampled_from([0, 1]),
)
def test_eddm_update_many_equals_update_loop(values, cut, warm_start, ddof):
    params = {"warm_start": warm_start, "alpha": 0.95, "beta": 0.9, "ddof": ddof}
    looped = EDDM(**params)
    looped_flags = flags_of_loop(looped, values)
    batched = EDDM(**params)
    head = batched.update_many(values[:cut])
    tail = batched.update_many(values[cut:])
    offset = min(cut, len(values))
    drifts = head.drift_indices.tolist() + [offset + i for i in tail.drift_indices.tolist()]
    warnings = head.warning_indices.tolist() + [offset + i for i in tail.warning_indices.tolist()]
    assert (drifts, warnings) == looped_flags
    assert batched.to_state() == looped.to_state()
    assert batched.n_warnings == looped.n_warnings


@pytest.mark.parametrize("seed", range(5))
def test_eddm_restored_mid_stream_continues_bit_identically(seed):
    values = stepped_bernoulli(seed)
    checkpoint = np.random.default_rng(seed).integers(1, len(values))
    original = EDDM()
    original.update_many(values[:checkpoint])
    restored = EDDM.from_state(json.loads(json.dumps(original.to_state())))
    assert flags_of_loop(restored, values[checkpoint:]) == flags_of_loop(original, values[checkpoint:])
    assert restored.to_state() == original.to_state()


def test_compiled_eddm_kernel_equals_its_python_source():
    values = np.asarray(stepped_bernoulli(3), dtype=np.float64)
    outputs = []
    for function in (_eddm_kernel, getattr(_eddm_kernel, "py_func", _eddm_kernel)):
        counters = np.array([0, 0, 0, -1], dtype=np.int64)
        moments = np.array([0.0, 0.0, -1.0])
        drift = np.zeros(values.size, dtype=np.bool_)
        warning = np.zeros(values.size, dtype=np.bool_)
        start = np.full(values.size, -1, dtype=np.int64)
        function(values, 0, counters, moments, False, 30, 0.95, 0.9, 1, 0.5, drift, warning, start)
        outputs.append((counters.tolist(), moments.tolist(), drift.tolist(), warning.tolist(), start.tolist()))
    assert outputs[0] == outputs[1]
    assert any(outputs[0][2])


@pytest.mark.parametrize("bad", [float("nan"), float("-inf"), -1, 2, "x"])
def test_eddm_rejects_invalid_values_and_stays_untouched(bad):
    detector = EDDM()
    detector.update_many([0, 1, 1])
    before = detector.to_state()
    with pytest.raises(ValidationError):
        detector.update(bad)
    assert detector.to_state() == before


@pytest.mark.parametrize(
    "params",
    [{"alpha": 0.8, "beta": 0.9}, {"alpha": 0.0}, {"beta": 1.5}, {"ddof": 2}, {"ddof": True}, {"warm_start": -3}],
)
def test_eddm_rejects_invalid_parameters(params):
    with pytest.raises(ValidationError):
        EDDM(**params)
