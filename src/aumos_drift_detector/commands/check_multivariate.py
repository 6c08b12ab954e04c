"""The multivariate part of ``check``: joint tests of the features and tests of embedding columns.

``--multivariate classifier,pca`` tests the checked features together: the domain classifier (with
the features ranked by how much they let it tell the files apart) and the PCA reconstruction error.
``--embedding COL[,COL]`` names columns holding one vector per row (see
:mod:`~aumos_drift_detector.adapters.files.embedding_columns`); each is tested with
``--embedding-tests`` (default ``mmd,classifier``: MMD² with a permutation test, and the domain
classifier on a PCA projection; ``cosine`` adds the centroid distance). Embedding columns are left
out of the per-feature tests.

Every multivariate test of one check shares the level ``--multivariate-alpha`` (default 0.05) by
Bonferroni: with ``k`` tests each is judged at ``alpha / k``, so the chance that any of them fires
on undrifted data stays below ``alpha``. A multivariate test that fires makes the check's verdict
drift (exit status 1), beside the per-feature dataset rules.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa

from aumos_drift_detector.adapters.files.embedding_columns import embedding_matrix
from aumos_drift_detector.core.multivariate import (
    DEFAULT_ALPHA,
    MultivariateResult,
    centroid_cosine,
    domain_classifier,
    embedding_classifier,
    mmd,
    pca_reconstruction,
)

TABULAR_TESTS: Final[tuple[str, ...]] = ("classifier", "pca")
EMBEDDING_TESTS: Final[tuple[str, ...]] = ("mmd", "classifier", "cosine")
DEFAULT_EMBEDDING_TESTS: Final[tuple[str, ...]] = ("mmd", "classifier")


def _choices(allowed: Sequence[str]) -> Callable[[str], tuple[str, ...]]:
    def parse(text: str) -> tuple[str, ...]:
        names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
        unknown = [name for name in names if name not in allowed]
        if not names or unknown:
            raise argparse.ArgumentTypeError(f"expected a comma-separated subset of {','.join(allowed)}")
        return names

    return parse


def _columns(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    if not names:
        raise argparse.ArgumentTypeError("expected comma-separated column names")
    return names


def add_multivariate_arguments(parser: argparse.ArgumentParser) -> None:
    """Register ``--multivariate``, ``--embedding``, ``--embedding-tests``, ``--multivariate-alpha``, ``--seed``."""
    parser.add_argument(
        "--multivariate", type=_choices(TABULAR_TESTS), default=(), metavar="classifier,pca",
        help="also test the features together: domain classifier with attribution, PCA reconstruction error",
    )  # fmt: skip
    parser.add_argument(
        "--embedding", type=_columns, default=(), metavar="COL[,COL]",
        help="columns holding one vector per row (list columns or JSON arrays), tested as embeddings",
    )  # fmt: skip
    parser.add_argument(
        "--embedding-tests", type=_choices(EMBEDDING_TESTS), default=DEFAULT_EMBEDDING_TESTS, metavar="mmd,classifier",
        help="tests of each embedding column: mmd, classifier (on a PCA projection), cosine (default mmd,classifier)",
    )  # fmt: skip
    parser.add_argument(
        "--multivariate-alpha", type=float, default=DEFAULT_ALPHA, metavar="ALPHA",
        help="family-wise level of the multivariate tests, split among them by Bonferroni (default 0.05)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="seed of the multivariate tests' samples (default 0)")


@dataclass(frozen=True, slots=True)
class MultivariatePlan:
    """The multivariate tests one check runs.

    Attributes:
        tabular: Joint tests of the features (``classifier``, ``pca``).
        embeddings: Embedding columns.
        embedding_tests: Tests of each embedding column (``mmd``, ``classifier``, ``cosine``).
        alpha: Family-wise level, split by Bonferroni.
        seed: Seed of every test.
    """

    tabular: tuple[str, ...] = ()
    embeddings: tuple[str, ...] = ()
    embedding_tests: tuple[str, ...] = DEFAULT_EMBEDDING_TESTS
    alpha: float = DEFAULT_ALPHA
    seed: int = 0

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> MultivariatePlan:
        """The plan of parsed command-line arguments (none when the options are absent)."""
        return cls(
            tabular=tuple(getattr(args, "multivariate", ())),
            embeddings=tuple(getattr(args, "embedding", ())),
            embedding_tests=tuple(getattr(args, "embedding_tests", DEFAULT_EMBEDDING_TESTS)),
            alpha=float(getattr(args, "multivariate_alpha", DEFAULT_ALPHA)),
            seed=int(getattr(args, "seed", 0)),
        )

    @property
    def count(self) -> int:
        """How many tests the plan runs."""
        return len(self.tabular) + len(self.embeddings) * len(self.embedding_tests)


def _arrays(table: pa.Table, names: Sequence[str]) -> dict[str, np.ndarray]:
    return {name: table.column(name).to_numpy(zero_copy_only=False) for name in names}


def _tabular(plan: MultivariatePlan, reference: pa.Table, current: pa.Table, features: Sequence[str],
             categorical: frozenset[str], level: float) -> list[MultivariateResult]:  # fmt: skip
    ref, cur = _arrays(reference, features), _arrays(current, features)
    results = []
    for test in plan.tabular:
        if test == "classifier":
            results.append(domain_classifier(ref, cur, categorical=categorical, alpha=level, seed=plan.seed))
        else:
            results.append(pca_reconstruction(ref, cur, categorical=categorical, alpha=level, seed=plan.seed))
    return results


def _embedding(
    plan: MultivariatePlan, column: str, reference: np.ndarray, current: np.ndarray, level: float
) -> list[MultivariateResult]:
    tests = {
        "mmd": lambda: mmd(reference, current, column=column, alpha=level, seed=plan.seed),
        "classifier": lambda: embedding_classifier(reference, current, column=column, alpha=level, seed=plan.seed),
        "cosine": lambda: centroid_cosine(reference, current, column=column, alpha=level, seed=plan.seed),
    }
    return [tests[test]() for test in plan.embedding_tests]


def run_multivariate(
    plan: MultivariatePlan,
    reference: pa.Table,
    current: pa.Table,
    *,
    features: Sequence[str],
    categorical: frozenset[str],
    names: tuple[str, str],
) -> tuple[MultivariateResult, ...]:
    """Run the plan's tests on the two tables, each at ``alpha / count``.

    Args:
        plan: What to run.
        reference: The reference table (features and embedding columns).
        current: The current table.
        features: The per-feature columns the tabular tests take together.
        categorical: Features declared categorical.
        names: The reference and current files' names, for messages.

    Raises:
        ValidationError: An unusable embedding column (naming the file, column and row) or feature.
        InsufficientDataError: Too few rows for a test.
    """
    if plan.count == 0:
        return ()
    level = plan.alpha / plan.count
    results = _tabular(plan, reference, current, features, categorical, level) if plan.tabular else []
    for column in plan.embeddings:
        ref = embedding_matrix(reference, column, name=names[0])
        cur = embedding_matrix(current, column, name=names[1])
        results.extend(_embedding(plan, column, ref, cur, level))
    return tuple(results)
