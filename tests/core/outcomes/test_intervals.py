"""Confidence intervals of the mean outcome, and the direction read from two of them."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from aumos_drift_detector.core.detections.model import ConceptDirection, IntervalMethod, OutcomeMean
from aumos_drift_detector.core.outcomes.direction import direction_of, outcome_mean
from aumos_drift_detector.core.outcomes.intervals import student_t_interval, wilson_interval
from aumos_drift_detector.core.outcomes.stretch import Moments, Piece


@pytest.mark.parametrize(
    ("errors", "n", "low", "high"),
    [
        # statsmodels 0.15: proportion_confint(errors, n, alpha=0.05, method="wilson")
        (100, 1000, 0.08290944359309571, 0.1201519631953484),
        (3, 10, 0.10779126740630104, 0.6032218525388546),
        (0, 20, 0.0, 0.1611251580528194),
        (20, 20, 0.8388748419471804, 0.9999999999999999),
    ],
)
def test_the_wilson_interval_matches_reference_values(errors: int, n: int, low: float, high: float) -> None:
    interval = wilson_interval(errors / n, n, 0.95)
    assert interval == pytest.approx((low, high), abs=1e-12)


def test_the_wilson_interval_narrows_with_a_lower_confidence_and_needs_values() -> None:
    wide, narrow = wilson_interval(0.3, 200, 0.99), wilson_interval(0.3, 200, 0.8)
    assert wide is not None
    assert narrow is not None
    assert wide[0] < narrow[0] < 0.3 < narrow[1] < wide[1]
    assert wilson_interval(0.0, 0, 0.95) is None


@pytest.mark.parametrize(("mean", "variance", "n"), [(2.0, 1.0, 10), (-3.5, 0.04, 2), (1e6, 2.5, 5000)])
def test_the_t_interval_matches_scipy(mean: float, variance: float, n: int) -> None:
    expected = stats.t.interval(0.95, n - 1, loc=mean, scale=math.sqrt(variance / n))
    assert student_t_interval(mean, variance, n, 0.95) == pytest.approx(expected, rel=1e-12)


def test_the_t_interval_needs_two_values() -> None:
    assert student_t_interval(1.0, 0.0, 1, 0.95) is None


def test_a_binary_piece_takes_the_wilson_interval_and_a_real_one_the_t_interval() -> None:
    binary = outcome_mean(Piece(10, Moments(1000, 0.0, 100.0, 100.0), binary=True), 0.95)
    assert (binary.start, binary.n, binary.mean, binary.interval) == (10, 1000, 0.1, IntervalMethod.WILSON)
    assert (binary.low, binary.high) == pytest.approx((0.08290944359309571, 0.1201519631953484))
    real = outcome_mean(Piece(0, Moments(10, 1.0, 10.0, 19.0), binary=False), 0.9)
    assert (real.mean, real.interval, real.confidence) == (2.0, IntervalMethod.STUDENT_T, 0.9)
    assert (real.low, real.high) == pytest.approx(stats.t.interval(0.9, 9, loc=2.0, scale=math.sqrt(1 / 10)))


def test_an_empty_piece_has_no_figures() -> None:
    empty = outcome_mean(Piece(5, Moments(0, 0.0, 0.0, 0.0), binary=True), 0.95)
    assert (empty.n, empty.mean, empty.low, empty.high) == (0, None, None, None)


def mean_of(value: float | None) -> OutcomeMean:
    return OutcomeMean(start=0, n=1, mean=value, low=None, high=None, interval=IntervalMethod.WILSON, confidence=0.95)


@pytest.mark.parametrize(
    ("before", "after", "direction"),
    [
        (0.1, 0.3, ConceptDirection.DEGRADATION),
        (0.4, 0.05, ConceptDirection.IMPROVEMENT),
        (0.2, 0.2, ConceptDirection.IMPROVEMENT),
        (None, 0.05, ConceptDirection.DEGRADATION),
    ],
)
def test_the_direction_is_a_degradation_when_the_mean_went_up_or_cannot_be_compared(
    before: float | None, after: float, direction: ConceptDirection
) -> None:
    assert direction_of(mean_of(before), mean_of(after)) is direction
