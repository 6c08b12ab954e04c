"""The outcome stretch: where a drift is cut, what it keeps, and that batching and storage change nothing."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.outcomes.stretch import TAIL_LIMIT, OutcomeStretch


def stretch_of(values: np.ndarray) -> OutcomeStretch:
    return OutcomeStretch.empty(0).extend(values)


def step(n_before: int, n_after: int, seed: int = 4) -> np.ndarray:
    """0/1 errors at 10% for ``n_before`` values, then at 60%."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.random(n_before) < 0.1, rng.random(n_after) < 0.6]).astype(np.float64)


def test_the_cut_finds_the_change_when_the_detectors_change_start_is_far_before_it() -> None:
    stretch = stretch_of(step(1000, 80))
    cut = stretch.cut(0)
    assert abs(cut - 1000) <= 5
    before, after = stretch.split(cut)
    assert (before.start, before.moments.n, after.start, after.moments.n) == (0, cut, cut, 1080 - cut)
    assert before.moments.mean is not None
    assert after.moments.mean is not None
    assert before.moments.mean < 0.15 < 0.45 < after.moments.mean


def test_the_cut_never_lies_before_the_detectors_change_start() -> None:
    stretch = stretch_of(step(1000, 80))
    assert stretch.cut(1040) >= 1040
    assert stretch.cut(1079) == 1079


def test_without_a_change_start_the_whole_stretch_is_searched() -> None:
    stretch = stretch_of(step(1000, 80))
    assert stretch.cut(None) == stretch.cut(0)


def test_a_change_start_beyond_the_kept_values_moves_to_the_oldest_kept_one() -> None:
    values = np.concatenate([np.zeros(10_000), np.ones(6_000)])
    stretch = stretch_of(values)
    assert stretch.tail.size == TAIL_LIMIT
    cut = stretch.cut(10_000)
    assert cut == 16_000 - TAIL_LIMIT
    before, after = stretch.split(cut)
    assert (before.moments.n, after.moments.n, after.moments.mean) == (16_000 - TAIL_LIMIT, TAIL_LIMIT, 1.0)
    assert before.moments.mean == pytest.approx((16_000 - TAIL_LIMIT - 10_000) / (16_000 - TAIL_LIMIT))
    following = stretch.since(cut)
    assert (following.start, following.end, following.tail.size) == (cut, 16_000, TAIL_LIMIT)


def test_after_a_drift_the_stretch_continues_from_the_cut() -> None:
    values = step(1000, 80)
    stretch = stretch_of(values)
    cut = stretch.cut(0)
    following = stretch.since(cut).extend(np.ones(20))
    assert (following.start, following.end, following.moments.n) == (cut, 1100, 1100 - cut)
    assert following.moments.mean == pytest.approx(np.mean(np.concatenate([values[cut:], np.ones(20)])))


@pytest.mark.parametrize("kind", ["binary", "real"])
def test_batches_cut_anywhere_give_bit_identical_figures(kind: str) -> None:
    rng = np.random.default_rng(7)
    values = step(3000, 2000) if kind == "binary" else rng.normal(1e3, 0.5, 5000) + np.repeat([0.0, 2.0], 2500)
    whole = stretch_of(values)
    pieces = OutcomeStretch.empty(0)
    bounds = [0, *sorted(rng.choice(np.arange(1, 5000), size=40, replace=False).tolist()), 5000]
    for start, end in itertools.pairwise(bounds):
        pieces = pieces.extend(values[start:end])
    assert pieces.moments == whole.moments
    assert np.array_equal(pieces.tail, whole.tail)
    assert pieces.cut(2000) == whole.cut(2000)
    assert pieces.split(pieces.cut(2000)) == whole.split(whole.cut(2000))
    assert pieces.binary is whole.binary is (kind == "binary")


def test_the_state_round_trips_through_json_exactly() -> None:
    values = np.random.default_rng(3).normal(0.0, 1.0, TAIL_LIMIT + 100)
    stretch = stretch_of(values).since(200)
    restored = OutcomeStretch.from_state(json.loads(json.dumps(stretch.to_state())))
    assert (restored.start, restored.moments, restored.binary) == (stretch.start, stretch.moments, stretch.binary)
    assert np.array_equal(restored.tail, stretch.tail)
    assert len(json.dumps(stretch.to_state())) < 8 * TAIL_LIMIT * 4 // 3 + 400


def test_a_stretch_with_a_value_other_than_0_or_1_is_not_binary() -> None:
    assert stretch_of(np.array([0.0, 1.0, 1.0])).binary
    assert not stretch_of(np.array([0.0, 1.0, 0.5])).binary
    assert stretch_of(np.array([0.5, 0.0, 1.0, 1.0])).since(1).binary


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format_version": 9}, "unsupported outcome stretch format 9"),
        ({"tail": "not base64!"}, "malformed outcome stretch"),
        ({"n": 3}, "its kept values do not fit its count"),
        ({"total": None}, "malformed outcome stretch"),
    ],
)
def test_a_malformed_state_is_refused(change: dict[str, object], message: str) -> None:
    state = {**stretch_of(np.array([0.0, 1.0, 1.0, 0.0])).to_state(), **change}
    with pytest.raises(ValidationError, match=message):
        OutcomeStretch.from_state(state)
