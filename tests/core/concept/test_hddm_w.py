from __future__ import annotations

import pytest
from river.drift import binary as river_binary

from aumos_drift_detector.core.concept import HDDM_W
from aumos_drift_detector.core.errors import ValidationError
from tests.core.concept.streams import (
    bernoulli_steps,
    fractional_errors,
    rising_error_rate,
    river_hddm_doctest_stream,
    run_per_sample,
)

CONFIGS = [
    {},
    {"two_sided_test": True},
    {"drift_confidence": 0.01, "warning_confidence": 0.05, "two_sided_test": True},
    {"drift_confidence": 1e-4, "warning_confidence": 1e-3},
    {"lambda_val": 0.2},
    {"lambda_val": 1.0, "two_sided_test": True},
]


def test_river_doctest_stream_gives_rivers_warning_and_drift():
    stream = river_hddm_doctest_stream()
    expected = run_per_sample(river_binary.HDDMW(), stream)
    assert expected[0] == [1077]
    assert expected[1][0] == 451
    assert run_per_sample(HDDM_W(), stream) == expected
    result = HDDM_W().update_many(stream)
    assert (result.drift_indices.tolist(), result.warning_indices.tolist()) == expected


@pytest.mark.parametrize("config", CONFIGS, ids=str)
@pytest.mark.parametrize("seed", range(8))
def test_flags_equal_rivers_on_seeded_streams(config, seed):
    values = fractional_errors(seed) if seed % 3 == 2 else bernoulli_steps(seed, length=800)
    expected = run_per_sample(river_binary.HDDMW(**config), values.tolist())
    assert run_per_sample(HDDM_W(**config), values.tolist()) == expected
    result = HDDM_W(**config).update_many(values)
    assert (result.drift_indices.tolist(), result.warning_indices.tolist()) == expected


def test_drift_carries_the_cut_point_and_the_warning_that_preceded_it():
    result = HDDM_W().update_many(rising_error_rate(1, before=0.1, after=0.5))
    event = result.drifts[0]
    assert 500 <= event.change_start <= event.index  # the weighted cut point is a coarser estimate
    assert event.warning_start is not None
    assert event.warning_start <= event.index


def test_one_sided_test_ignores_a_falling_error_rate():
    values = rising_error_rate(2, before=0.6, after=0.05)
    assert not [i for i in HDDM_W().update_many(values).drift_indices if i >= 1000]
    assert [i for i in HDDM_W(two_sided_test=True).update_many(values).drift_indices if i >= 1000]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"drift_confidence": 0.0},
        {"warning_confidence": 1.0},
        {"drift_confidence": -1},
        {"two_sided_test": 1},
        {"lambda_val": 0.0},
        {"lambda_val": 1.5},
    ],
    ids=str,
)
def test_invalid_parameters_are_refused(kwargs):
    with pytest.raises(ValidationError):
        HDDM_W(**kwargs)


def test_weighted_mean_starts_at_the_first_value():
    detector = HDDM_W(lambda_val=0.5)
    detector.update(1.0)
    assert detector.to_state()["statistics"]["packed"][:3] == [1.0, 1.0, 0.5**2 + 0.5**2 * 1.0]
