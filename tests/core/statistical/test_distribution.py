"""The pictures of a feature's distributions that reports draw, checked against numpy's histogram."""

from __future__ import annotations

import numpy as np

from aumos_drift_detector.core.statistical import ReferenceProfile, evaluate
from aumos_drift_detector.core.statistical.distribution import (
    MAX_CATEGORIES,
    MAX_HISTOGRAM_BINS,
    categorical_distribution,
    numerical_distribution,
)


def test_histogram_counts_match_numpy_on_the_same_edges() -> None:
    rng = np.random.default_rng(7)
    reference = np.sort(rng.normal(0, 1, 5000))
    current = np.sort(rng.normal(0.5, 1.3, 3000))

    picture = numerical_distribution(reference, current)

    edges = np.array(picture.edges)
    assert list(picture.reference_counts) == np.histogram(reference, bins=edges)[0].tolist()
    assert list(picture.current_counts) == np.histogram(current, bins=edges)[0].tolist()
    assert sum(picture.reference_counts) == reference.size
    assert sum(picture.current_counts) == current.size
    assert len(picture.reference_counts) <= MAX_HISTOGRAM_BINS
    assert picture.edges[0] == min(reference[0], current[0])
    assert picture.edges[-1] == max(reference[-1], current[-1])
    inner = np.diff(edges[1:-1])
    assert np.allclose(inner, inner[0])  # equal widths between the outer bins


def test_a_current_sample_that_moved_away_shows_where_it_went_and_infinities_are_left_out() -> None:
    reference = np.arange(100, dtype=float)
    current = np.concatenate([[-np.inf], np.arange(1000, 1100, dtype=float), [np.inf]])

    picture = numerical_distribution(reference, current, bins=10)

    assert picture.edges[0] == 0.0
    assert picture.edges[-1] == 1099.0
    assert sum(picture.current_counts) == 100
    assert sum(picture.reference_counts) == 100
    assert picture.reference_counts[0] == 100  # all in the first bin, the current all in the last
    assert picture.current_counts[-1] == 100


def test_an_outlier_stretches_only_the_outer_bin() -> None:
    rng = np.random.default_rng(5)
    reference = np.sort(rng.normal(0, 1, 2000))
    current = np.sort(np.concatenate([rng.normal(0, 1, 1999), [1e6]]))

    picture = numerical_distribution(reference, current)

    assert picture.edges[-1] == 1e6
    assert picture.edges[-2] < 5
    assert picture.current_counts[-1] >= 1


def test_a_constant_reference_still_has_one_bin() -> None:
    picture = numerical_distribution(np.full(10, 3.0), np.full(5, 3.0))

    assert picture.edges == (2.5, 3.5)
    assert picture.reference_counts == (10,)
    assert picture.current_counts == (5,)


def test_categories_beyond_the_limit_are_summed_into_other() -> None:
    labels = [f"c{index:02d}" for index in range(40)]
    reference = np.arange(1, 41, dtype=np.int64)
    current = np.zeros(40, dtype=np.int64)
    current[0] = 500

    picture = categorical_distribution(labels, reference, current)

    assert len(picture.labels) == MAX_CATEGORIES
    assert picture.labels[0] == "c00"  # the largest current share
    assert picture.labels[-1] == "other"
    assert picture.other_categories == 40 - (MAX_CATEGORIES - 1)
    assert sum(picture.reference_counts) == int(reference.sum())
    assert sum(picture.current_counts) == 500


def test_the_engine_stores_both_pictures_for_every_feature() -> None:
    rng = np.random.default_rng(3)
    profile = ReferenceProfile.from_data(
        {"x": rng.normal(0, 1, 400), "plan": np.array(["basic", "pro", "team", "basic"] * 100, dtype=object)}
    )
    current = {"x": rng.normal(2, 1, 300), "plan": np.array(["basic", "pro", "enterprise"] * 100, dtype=object)}

    result = evaluate(profile, current)

    numeric = result.feature("x").distribution
    assert numeric is not None
    assert numeric.kind == "histogram"
    assert sum(numeric.current_counts) == 300
    plan = result.feature("plan").distribution
    assert plan is not None
    counts = dict(zip(plan.labels, zip(plan.reference_counts, plan.current_counts, strict=True), strict=True))
    assert counts == {"basic": (200, 100), "pro": (100, 100), "team": (100, 0), "enterprise": (0, 100)}
