"""The multivariate option of a monitor: its defaults, its bounds and the Bonferroni level of its tests."""

from __future__ import annotations

from typing import Any

import pytest

from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.monitors.multivariate import MultivariateConfig
from aumos_drift_detector.core.validation import parse


def test_defaults_and_the_level_split_among_every_test() -> None:
    config = parse(MultivariateConfig, {"tests": ["classifier", "pca"], "embeddings": [{"name": "vec"}]})
    assert (config.alpha, config.sample_size, config.seed) == (0.05, 5000, 0)
    assert config.embeddings[0].tests == ("mmd", "classifier")
    assert (config.count, config.level, config.embedding_names) == (4, 0.0125, ["vec"])


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"tests": ["tree"]}, "multivariate.tests[0]"),
        ({"tests": ["pca", "pca"]}, "multivariate.tests"),
        ({"embeddings": [{"name": "v", "tests": ["knn"]}]}, "multivariate.embeddings[0].tests[0]"),
        ({"embeddings": [{"name": "v", "tests": []}]}, "multivariate.embeddings[0].tests"),
        ({"embeddings": [{"name": "v"}, {"name": "v"}]}, "multivariate.embeddings"),
        ({"tests": ["pca"], "sample_size": 99}, "multivariate.sample_size"),
        ({"tests": ["pca"], "sample_size": 20_001}, "multivariate.sample_size"),
        ({"tests": ["pca"], "alpha": 0}, "multivariate.alpha"),
        ({"tests": ["pca"], "alpha": 0.5}, "multivariate.alpha"),
        ({"tests": ["pca"], "seed": -1}, "multivariate.seed"),
        ({"tests": ["pca"], "extra": 1}, "multivariate.extra"),
        ({}, "multivariate"),
    ],
)
def test_a_bad_option_names_its_field(document: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse(MultivariateConfig, document, path="multivariate")
    assert caught.value.details["field"] == field
