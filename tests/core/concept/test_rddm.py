"""RDDM: MOA's described behaviour on seeded simulations, batch/loop equivalence, checkpoints, validation."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aumos_drift_detector.core.concept.ddm import DDM
from aumos_drift_detector.core.concept.rddm import RDDM
from aumos_drift_detector.core.errors import ValidationError

SMALL = {
    "warm_start": 10,
    "warning_threshold": 1.2,
    "drift_threshold": 2.0,
    "max_concept_size": 150,
    "min_stable_concept_size": 40,
    "warning_limit": 25,
}


def flags_of_loop(detector, values) -> tuple[list[int], list[int]]:
    drifts, warnings = [], []
    for i, value in enumerate(values):
        detector.update(value)
        if detector.drift_detected:
            drifts.append(i)
        if detector.warning_detected:
            warnings.append(i)
    return drifts, warnings


def first_delay(detector, values, change: int) -> int | None:
    late = [int(i) - change for i in detector.update_many(values).drift_indices if i >= change]
    return late[0] if late else None


def test_rddm_reacts_faster_than_ddm_after_a_long_stable_concept():
    for seed in range(4):
        rng = np.random.default_rng(seed)
        values = np.concatenate([rng.random(200_000) < 0.2, rng.random(40_000) < 0.3])
        rddm_delay = first_delay(RDDM(), values, 200_000)
        ddm_delay = first_delay(DDM(), values, 200_000)
        assert rddm_delay is not None
        assert ddm_delay is None or rddm_delay < ddm_delay


def test_a_warning_lasting_the_warning_limit_is_turned_into_a_drift():
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.random(3000) < 0.1, rng.random(3000) < 0.13])
    params = {"warning_threshold": 1.0, "drift_threshold": 5.0, "warning_limit": 200}
    drifts = RDDM(**params).update_many(values).drifts
    with_warning = [event for event in drifts if event.warning_start is not None]
    assert with_warning
    assert all(event.index - event.warning_start <= 200 for event in with_warning)
    assert any(event.index - event.warning_start == 200 for event in with_warning)


def test_after_a_warned_drift_the_statistics_restart_from_the_warning_start():
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.random(5000) < 0.1, rng.random(2000) < 0.6]).astype(float)
    detector = RDDM()
    for value in values:
        detector.update(value)
        if detector.drift_detected and detector.last_drift.warning_start is not None:
            event = detector.last_drift
            break
    else:
        pytest.fail("no warned drift")
    detector.update(0.0)
    replayed = event.index - event.warning_start + 1
    # MOA counts from 1: the replayed values, then the new one, then one more.
    assert detector._ints[0] == replayed + 2


def test_long_concepts_are_recomputed_from_the_recent_window():
    values = (np.random.default_rng(4).random(5000) < 0.2).astype(float)
    detector = RDDM(**{**SMALL, "warning_limit": 10_000, "drift_threshold": 50.0, "warning_threshold": 50.0})
    sizes = []
    for value in values:
        detector.update(value)
        sizes.append(int(detector._ints[0]))
    assert max(sizes) == SMALL["max_concept_size"] + 1
    assert min(sizes[1000:]) == SMALL["min_stable_concept_size"] + 2


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.sampled_from([0.0, 1.0, 0.0]), min_size=1, max_size=500),
    cut=st.integers(min_value=0, max_value=500),
)
def test_rddm_update_many_equals_update_loop(values, cut):
    looped = RDDM(**SMALL)
    looped_flags = flags_of_loop(looped, values)
    batched = RDDM(**SMALL)
    head = batched.update_many(values[:cut])
    tail = batched.update_many(values[cut:])
    offset = min(cut, len(values))
    drifts = head.drift_indices.tolist() + [offset + i for i in tail.drift_indices.tolist()]
    warnings = head.warning_indices.tolist() + [offset + i for i in tail.warning_indices.tolist()]
    assert (drifts, warnings) == looped_flags
    assert batched.to_state() == looped.to_state()


@pytest.mark.parametrize("seed", range(4))
def test_rddm_restored_mid_stream_continues_bit_identically(seed):
    rng = np.random.default_rng(seed)
    values = np.concatenate([rng.random(3000) < rate for rate in (0.1, 0.4, 0.2, 0.5)]).tolist()
    checkpoint = int(rng.integers(1, len(values)))
    original = RDDM(**SMALL)
    original.update_many(values[:checkpoint])
    restored = RDDM.from_state(json.loads(json.dumps(original.to_state())))
    assert flags_of_loop(restored, values[checkpoint:]) == flags_of_loop(original, values[checkpoint:])
    assert restored.to_state() == original.to_state()


def test_rddm_state_must_match_its_parameters():
    state = RDDM(**SMALL).to_state()
    state["params"]["min_stable_concept_size"] = 41
    with pytest.raises(ValidationError):
        RDDM.from_state(state)


@pytest.mark.parametrize("bad", [float("nan"), 1.01, -0.5, "0"])
def test_rddm_rejects_invalid_values(bad):
    detector = RDDM()
    with pytest.raises(ValidationError):
        detector.update(bad)
    assert detector.n_seen == 0


@pytest.mark.parametrize(
    "params",
    [
        {"warm_start": -1},
        {"warning_threshold": 3.0, "drift_threshold": 2.0},
        {"warning_threshold": 0.0},
        {"max_concept_size": 0},
        {"min_stable_concept_size": 0},
        {"warning_limit": 0},
    ],
)
def test_rddm_rejects_invalid_parameters(params):
    with pytest.raises(ValidationError):
        RDDM(**params)
