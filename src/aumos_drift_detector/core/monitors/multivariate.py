"""A monitor's multivariate option: joint tests of its features and tests of embedding columns.

``multivariate`` is optional (``null``: off). ``tests`` test the monitored features together
(``classifier``: the domain classifier with per-feature attribution; ``pca``: the PCA reconstruction
error); each entry of ``embeddings`` names a column holding one vector per row and the tests to run
on it (``mmd``, ``classifier`` on a PCA projection, ``cosine`` distance of the centroids). Every
test of one run is judged at ``alpha / k`` for ``k`` tests (Bonferroni), as ``aumos-drift check``
does. ``sample_size`` bounds the rows a test takes from the reference and from the current window.

>>> from aumos_drift_detector.core.validation import parse
>>> parse(MultivariateConfig, {"tests": ["classifier"], "embeddings": [{"name": "vec"}]}).count
3
>>> parse(MultivariateConfig, {"tests": ["tree"]}, path="multivariate")
Traceback (most recent call last):
...
aumos_drift_detector.core.errors.ValidationError: multivariate.tests[0]: Input should be 'classifier' or 'pca'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Final, Literal, TypeVar

from pydantic import Field, field_validator, model_validator

from aumos_drift_detector.core.validation import ByValue, DomainModel, Named

#: Fewest rows a multivariate test takes from each sample (the library refuses fewer than 50).
MIN_SAMPLE_SIZE: Final[int] = 100
#: Most rows a multivariate test takes from each sample (time and memory grow with it).
MAX_SAMPLE_SIZE: Final[int] = 20_000
#: Rows kept of a reference, and taken from each sample, unless the monitor says otherwise.
DEFAULT_SAMPLE_SIZE: Final[int] = 5_000
#: Most embedding columns one monitor may test.
MAX_EMBEDDINGS: Final[int] = 20

TabularTest = Literal["classifier", "pca"]
EmbeddingTest = Literal["mmd", "classifier", "cosine"]
_Item = TypeVar("_Item")


def _once(values: Sequence[_Item]) -> Sequence[_Item]:
    if len(set(values)) != len(values):
        msg = "must name each test at most once"
        raise ValueError(msg)
    return values


class EmbeddingSpec(DomainModel):
    """One embedding column (a fixed-length vector of numbers per row) and its tests."""

    name: Named = Field(description="Column holding one vector per row: a JSON array, or a Parquet list column")
    tests: Annotated[tuple[EmbeddingTest, ...], ByValue] = Field(
        default=("mmd", "classifier"),
        min_length=1,
        description="mmd (MMD² permutation test), classifier (domain classifier on a PCA projection), "
        "cosine (cosine distance of the centroids)",
    )

    _unique_tests = field_validator("tests")(_once)


class MultivariateConfig(DomainModel):
    """Multivariate and embedding drift tests run with every check of the monitor (``docs/multivariate.md``)."""

    tests: Annotated[tuple[TabularTest, ...], ByValue] = Field(
        default=(),
        description="Joint tests of the monitored features: classifier (domain classifier with attribution), "
        "pca (PCA reconstruction error)",
    )
    embeddings: Annotated[tuple[EmbeddingSpec, ...], ByValue] = Field(
        default=(), max_length=MAX_EMBEDDINGS, description="Embedding columns and their tests"
    )
    alpha: float = Field(
        default=0.05, gt=0, le=0.2, description="Family-wise level of the multivariate tests, split among them"
    )
    sample_size: int = Field(
        default=DEFAULT_SAMPLE_SIZE,
        ge=MIN_SAMPLE_SIZE,
        le=MAX_SAMPLE_SIZE,
        description="Rows a test takes at most from the reference sample and from the current window",
    )
    seed: int = Field(default=0, ge=0, le=2**31 - 1, description="Seed of the samples and the tests")

    _unique_tests = field_validator("tests")(_once)

    @field_validator("embeddings")
    @classmethod
    def _unique_columns(cls, embeddings: tuple[EmbeddingSpec, ...]) -> tuple[EmbeddingSpec, ...]:
        names = [item.name for item in embeddings]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            msg = f"embedding column {repeated[0]!r} is named twice"
            raise ValueError(msg)
        return embeddings

    @model_validator(mode="after")
    def _something_to_run(self) -> MultivariateConfig:
        if not self.tests and not self.embeddings:
            msg = "name at least one test or embedding column (or set multivariate to null)"
            raise ValueError(msg)
        return self

    @property
    def embedding_names(self) -> list[str]:
        """The embedding columns, in declared order."""
        return [item.name for item in self.embeddings]

    @property
    def count(self) -> int:
        """How many tests one run makes (the Bonferroni divisor)."""
        return len(self.tests) + sum(len(item.tests) for item in self.embeddings)

    @property
    def level(self) -> float:
        """The level each test is judged at: ``alpha / count``."""
        return self.alpha / self.count
