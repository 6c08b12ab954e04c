"""The p-value → e-value calibration: an e-value under no drift, growing without bound as p shrinks."""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate

from aumos_drift_detector.core.decisions.evidence import check_evidence, mixture_e_value


def test_the_mixture_calibrator_has_expectation_one_under_uniform_p_values() -> None:
    """∫₀¹ e(p) dp = 1, integrated over u = −ln p up to U = 690; the tail beyond U is ∫ du / u² = 1 / U."""
    value, error = integrate.quad(lambda u: mixture_e_value(math.exp(-u)) * math.exp(-u), 0.0, 690.0, limit=500)
    assert value <= 1.0
    assert math.isclose(value + 1 / 690, 1.0, rel_tol=1e-5), (value, error)


def test_the_calibrator_matches_its_closed_form_and_grows_as_p_falls() -> None:
    # (1 - p + p ln p) / (p (ln p)^2) at p = 1e-3, computed by hand: 0.9920922 / 0.04771708
    assert math.isclose(mixture_e_value(1e-3), 0.9920922 / 0.04771708, rel_tol=1e-6)
    values = [mixture_e_value(p) for p in (0.9, 0.5, 0.1, 1e-2, 1e-5, 1e-20, 0.0)]
    assert values == sorted(values)
    assert mixture_e_value(1.0) == 0.0
    assert math.isfinite(mixture_e_value(0.0))


def test_a_seeded_mean_of_e_values_of_uniform_p_values_is_near_one() -> None:
    p_values = np.random.default_rng(7).uniform(size=200_000)
    mean = float(np.mean([mixture_e_value(float(p)) for p in p_values]))
    assert 0.9 < mean < 1.1


def test_an_effect_below_the_floor_can_lower_the_evidence_but_never_raise_it() -> None:
    assert check_evidence(1e-12, practical=False) == 1.0
    assert check_evidence(0.9, practical=False) == mixture_e_value(0.9) < 1.0
    assert check_evidence(1e-12, practical=True) == mixture_e_value(1e-12)
