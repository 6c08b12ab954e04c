"""PageHinkley: River parity in every mode, batch/loop equivalence, checkpoints, validation."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from river.drift import PageHinkley as RiverPageHinkley

from aumos_drift_detector.core.concept.page_hinkley import PageHinkley, _page_hinkley_kernel
from aumos_drift_detector.core.errors import ValidationError


def shifting_gaussian(seed: int, segments: int = 8) -> list[float]:
    """Gaussian values whose mean shifts up and down at random points."""
    rng = np.random.default_rng(seed)
    parts = [
        rng.normal(rng.uniform(-3, 3), rng.uniform(0.2, 2.0), int(rng.integers(300, 3000))) for _ in range(segments)
    ]
    return np.concatenate(parts).tolist()


def drifts_of_loop(detector, values) -> list[int]:
    drifts = []
    for i, value in enumerate(values):
        detector.update(value)
        assert not getattr(detector, "warning_detected", False)
        if detector.drift_detected:
            drifts.append(i)
    return drifts


@pytest.mark.parametrize("mode", ["both", "up", "down"])
@pytest.mark.parametrize("seed", range(12))
def test_page_hinkley_matches_river_on_shifting_means(seed, mode):
    values = shifting_gaussian(seed)
    expected = drifts_of_loop(RiverPageHinkley(mode=mode), values)
    assert drifts_of_loop(PageHinkley(mode=mode), values) == expected
    assert PageHinkley(mode=mode).update_many(values).drift_indices.tolist() == expected


def test_page_hinkley_matches_river_with_other_parameters():
    values = shifting_gaussian(40, segments=12)
    params = {"min_instances": 5, "delta": 0.1, "threshold": 10.0, "alpha": 0.99}
    assert drifts_of_loop(PageHinkley(**params), values) == drifts_of_loop(RiverPageHinkley(**params), values)


def test_page_hinkley_reproduces_the_river_docstring_stream():
    rng = random.Random(12345)
    stream = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    assert drifts_of_loop(PageHinkley(), stream) == [1006]


def test_up_mode_ignores_a_drop_that_both_mode_detects():
    rng = np.random.default_rng(2)
    values = np.concatenate([rng.normal(5.0, 1.0, 2000), rng.normal(0.0, 1.0, 2000)])
    assert PageHinkley(mode="up").update_many(values).drift_indices.size == 0
    assert PageHinkley(mode="both").update_many(values).drift_indices.size > 0


def test_up_mode_estimates_the_change_start_near_the_rise():
    rng = np.random.default_rng(6)
    values = np.concatenate([rng.normal(0.0, 0.05, 3000), rng.normal(1.0, 0.05, 1000)])
    event = PageHinkley(mode="up").update_many(values).drifts[0]
    assert 3000 <= event.index < 3100
    assert abs(event.change_start - 3000) < event.index - 3000 + 10


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.floats(min_value=-50, max_value=50, allow_nan=False), min_size=1, max_size=300),
    cut=st.integers(min_value=0, max_value=300),
    mode=st.sampled_from(["both", "up", "down"]),
)
def test_page_hinkley_update_many_equals_update_loop(values, cut, mode):
    params = {"min_instances": 3, "threshold": 20.0, "mode": mode}
    looped = PageHinkley(**params)
    looped_drifts = drifts_of_loop(looped, values)
    batched = PageHinkley(**params)
    head = batched.update_many(values[:cut])
    tail = batched.update_many(values[cut:])
    offset = min(cut, len(values))
    assert head.drift_indices.tolist() + [offset + i for i in tail.drift_indices.tolist()] == looped_drifts
    assert batched.to_state() == looped.to_state()
    if looped_drifts:
        assert (head.drifts + tail.drifts)[-1] == looped.last_drift


@pytest.mark.parametrize("seed", range(5))
def test_page_hinkley_restored_mid_stream_continues_bit_identically(seed):
    values = shifting_gaussian(seed)
    checkpoint = np.random.default_rng(seed).integers(1, len(values))
    original = PageHinkley()
    original.update_many(values[:checkpoint])
    restored = PageHinkley.from_state(json.loads(json.dumps(original.to_state())))
    assert drifts_of_loop(restored, values[checkpoint:]) == drifts_of_loop(original, values[checkpoint:])
    assert restored.to_state() == original.to_state()


def test_compiled_page_hinkley_kernel_equals_its_python_source():
    values = np.asarray(shifting_gaussian(3), dtype=np.float64)
    outputs = []
    for function in (_page_hinkley_kernel, getattr(_page_hinkley_kernel, "py_func", _page_hinkley_kernel)):
        indices = np.array([0, -1, -1], dtype=np.int64)
        sums = np.array([0.0, 0.0, 0.0, np.inf, -1.0])
        drift = np.zeros(values.size, dtype=np.bool_)
        start = np.full(values.size, -1, dtype=np.int64)
        fired = function(values, 0, indices, sums, False, 30, 0.005, 50.0, 0.9999, True, True, drift, start)
        outputs.append((fired, indices.tolist(), sums.tolist(), drift.tolist(), start.tolist()))
    assert outputs[0] == outputs[1]
    assert any(outputs[0][3])


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "3", None])
def test_page_hinkley_rejects_invalid_values_and_stays_untouched(bad):
    detector = PageHinkley()
    detector.update_many([1.0, 2.0, -7.5])
    before = detector.to_state()
    with pytest.raises(ValidationError):
        detector.update(bad)
    assert detector.to_state() == before


def test_page_hinkley_accepts_values_outside_the_unit_interval():
    detector = PageHinkley()
    detector.update(-1e6)
    detector.update(42)
    assert detector.n_seen == 2


@pytest.mark.parametrize(
    "params",
    [{"min_instances": 0}, {"delta": -0.1}, {"threshold": 0.0}, {"alpha": 0.0}, {"alpha": 1.5}, {"mode": "sideways"}],
)
def test_page_hinkley_rejects_invalid_parameters(params):
    with pytest.raises(ValidationError):
        PageHinkley(**params)
