import numpy as np
import pytest

from aumos_drift_detector.core.errors import InsufficientDataError, ValidationError
from aumos_drift_detector.core.multivariate import domain_classifier
from tests.core.multivariate.scenarios import mixed_table


def test_a_moved_categorical_is_detected_and_attributed_first():
    rng = np.random.default_rng(0)
    reference, current = mixed_table(rng, 1500), mixed_table(rng, 1500)
    current["plan"] = rng.choice(np.array(["free", "basic", "pro", "team"]), 1500, p=[0.25, 0.3, 0.25, 0.2])
    result = domain_classifier(reference, current, seed=1)
    assert result.drift_detected
    assert result.attribution[0].feature == "plan"
    assert [item.rank for item in result.attribution] == list(range(1, 8))
    assert result.details["n_categorical"] == 1


def test_samples_are_bounded_and_the_result_reproducible():
    rng = np.random.default_rng(1)
    reference, current = mixed_table(rng, 3000), mixed_table(rng, 800)
    first = domain_classifier(reference, current, max_rows=500, seed=4)
    assert (first.n_reference, first.n_current) == (500, 500)
    assert first.details["reference_rows_seen"] == 3000
    assert domain_classifier(reference, current, max_rows=500, seed=4) == first
    assert first.to_dict()["attribution"][0]["rank"] == 1


def test_bad_input_names_the_problem():
    rng = np.random.default_rng(2)
    with pytest.raises(InsufficientDataError, match="domain classifier needs at least 50"):
        domain_classifier(mixed_table(rng, 40), mixed_table(rng, 400))
    current = mixed_table(rng, 100)
    del current["plan"]
    with pytest.raises(ValidationError, match="'plan' is missing from the current sample"):
        domain_classifier(mixed_table(rng, 100), current)


@pytest.mark.parametrize("empty", [np.full(300, np.nan), np.array([None] * 300, dtype=object)])
def test_a_column_missing_everywhere_is_left_unused_rather_than_failing(empty):
    # scikit-learn's binning raises on a column without one value; the other columns still decide
    rng = np.random.default_rng(3)
    reference = {"empty": empty, "x": rng.normal(0, 1, 300)}
    current = {"empty": empty, "x": rng.normal(1, 1, 300)}
    result = domain_classifier(reference, current, seed=0)
    assert result.drift_detected
    importance = {item.feature: item.importance for item in result.attribution}
    assert importance["empty"] == 0.0
    assert importance["x"] > 0.1
