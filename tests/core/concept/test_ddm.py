"""DDM: River parity, batch/loop equivalence, checkpoints, validation and the long-stream fix."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from river.drift import binary as river_binary

from aumos_drift_detector.core.concept import eddm as eddm_module
from aumos_drift_detector.core.concept.ddm import DDM, EDDM, _ddm_kernel
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
def test_ddm_matches_river_indices_on_stepped_error_rates(seed):
    values = stepped_bernoulli(seed)
    expected = flags_of_loop(river_binary.DDM(), values)
    assert flags_of_loop(DDM(), values) == expected
    batch = DDM().update_many(values)
    assert (batch.drift_indices.tolist(), batch.warning_indices.tolist()) == expected


@pytest.mark.parametrize(("warm_start", "warning_threshold", "drift_threshold"), [(0, 1.0, 1.5), (100, 2.5, 4.0)])
def test_ddm_matches_river_with_other_parameters(warm_start, warning_threshold, drift_threshold):
    values = stepped_bernoulli(99, segments=12)
    params = {"warm_start": warm_start, "warning_threshold": warning_threshold, "drift_threshold": drift_threshold}
    assert flags_of_loop(DDM(**params), values) == flags_of_loop(river_binary.DDM(**params), values)


def test_ddm_refuses_a_fractional_error_and_names_its_position():
    detector = DDM()
    with pytest.raises(ValidationError, match=r"0\.5 at position 1"):
        detector.update_many(np.array([1.0, 0.5, 0.0]))
    with pytest.raises(ValidationError, match="must be 0 or 1"):
        detector.update(0.5)
    assert detector.n_seen == 0


def test_ddm_reproduces_the_river_docstring_stream():
    rng = random.Random(42)
    stream = rng.choices([0, 1], k=1000) + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])
    drifts, warnings = flags_of_loop(DDM(), stream)
    assert drifts == [1334]
    assert warnings[0] == 1084
    assert min(w for w in warnings if w > 1334) == 1492


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.sampled_from([0.0, 1.0, 0.0]), min_size=1, max_size=400),
    cut=st.integers(min_value=0, max_value=400),
    warm_start=st.integers(min_value=0, max_value=20),
)
def test_ddm_update_many_equals_update_loop(values, cut, warm_start):
    params = {"warm_start": warm_start, "warning_threshold": 1.0, "drift_threshold": 1.5, "minimum_refresh": 37}
    looped = DDM(**params)
    looped_flags = flags_of_loop(looped, values)
    batched = DDM(**params)
    head = batched.update_many(values[:cut])
    tail = batched.update_many(values[cut:])
    offset = min(cut, len(values))
    drifts = head.drift_indices.tolist() + [offset + i for i in tail.drift_indices.tolist()]
    warnings = head.warning_indices.tolist() + [offset + i for i in tail.warning_indices.tolist()]
    assert (drifts, warnings) == looped_flags
    assert batched.to_state() == looped.to_state()
    assert [e.index for e in head.drifts + tail.drifts] == drifts


@pytest.mark.parametrize("seed", range(5))
def test_ddm_restored_mid_stream_continues_bit_identically(seed):
    values = stepped_bernoulli(seed)
    checkpoint = np.random.default_rng(seed).integers(1, len(values))
    original = DDM(minimum_refresh=500)
    original.update_many(values[:checkpoint])
    restored = DDM.from_state(json.loads(json.dumps(original.to_state())))
    assert flags_of_loop(restored, values[checkpoint:]) == flags_of_loop(original, values[checkpoint:])
    assert restored.to_state() == original.to_state()


def test_compiled_ddm_kernel_equals_its_python_source():
    values = np.asarray(stepped_bernoulli(3), dtype=np.float64)
    outputs = []
    for function in (_ddm_kernel, getattr(_ddm_kernel, "py_func", _ddm_kernel)):
        drift = np.zeros(values.size, dtype=np.bool_)
        warning = np.zeros(values.size, dtype=np.bool_)
        start = np.full(values.size, -1, dtype=np.int64)
        state = function(values, 0, 0, 0.0, 0.0, 0.0, float("inf"), -1, 30, 2.0, 3.0, 1000, drift, warning, start)
        outputs.append((state, drift.tolist(), warning.tolist(), start.tolist()))
    assert outputs[0] == outputs[1]
    assert any(outputs[0][1])


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -0.1, 1.5, "1", None])
def test_ddm_rejects_invalid_values_and_stays_untouched(bad):
    detector = DDM()
    detector.update_many([0, 1, 0])
    before = detector.to_state()
    with pytest.raises(ValidationError):
        detector.update(bad)
    assert detector.to_state() == before


def test_ddm_rejects_a_batch_with_nan_without_consuming_any_value():
    detector = DDM()
    with pytest.raises(ValidationError, match="position 2"):
        detector.update_many([0.0, 1.0, float("nan"), 0.0])
    assert detector.n_seen == 0


@pytest.mark.parametrize(
    "params",
    [
        {"warm_start": -1},
        {"warm_start": 2.5},
        {"warning_threshold": 0.0},
        {"drift_threshold": float("nan")},
        {"warning_threshold": 3.0, "drift_threshold": 2.0},
        {"minimum_refresh": 0},
    ],
)
def test_ddm_rejects_invalid_parameters(params):
    with pytest.raises(ValidationError):
        DDM(**params)


def test_ddm_counters_survive_reset_and_drift_records_the_change_start():
    rng = np.random.default_rng(8)
    values = np.concatenate([rng.random(3000) < 0.1, rng.random(3000) < 0.5])
    detector = DDM()
    result = detector.update_many(values)
    first = next(event for event in result.drifts if event.index >= 3000)
    assert 0 <= first.change_start <= first.index
    seen, detections = detector.n_seen, detector.n_detections
    detector.reset()
    assert (detector.n_seen, detector.n_detections) == (seen, detections)
    assert not detector.drift_detected
    assert not detector.warning_detected


def test_eddm_is_importable_from_the_ddm_module():
    assert EDDM is eddm_module.EDDM


def test_minimum_refresh_detects_a_late_rise_that_the_frozen_minimum_misses():
    river_like_delays, refreshed_delays = [], []
    for seed in range(8):
        rng = np.random.default_rng(seed)
        values = np.concatenate([rng.random(500_000) < 0.2, rng.random(50_000) < 0.3])
        for detector, delays in ((DDM(), river_like_delays), (DDM(minimum_refresh=10_000), refreshed_delays)):
            late = [int(i) - 500_000 for i in detector.update_many(values).drift_indices if i >= 500_000]
            delays.append(late[0] if late else None)
    assert all(delay is not None for delay in refreshed_delays)
    assert sum(delay is None for delay in river_like_delays) >= 4
    assert max(refreshed_delays) < 20_000


def test_minimum_refresh_raises_no_more_false_alarms_than_river_on_a_stationary_stream():
    values = np.random.default_rng(21).random(1_000_000) < 0.2
    river_like = DDM().update_many(values).drift_indices.size
    refreshed = DDM(minimum_refresh=10_000).update_many(values).drift_indices.size
    assert refreshed <= river_like + 2
