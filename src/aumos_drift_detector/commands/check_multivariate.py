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

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from aumos_drift_detector.adapters.files.embedding_columns import embedding_matrix
from aumos_drift_detector.commands.multivariate_arguments import MultivariatePlan
from aumos_drift_detector.core.multivariate import (
    DEFAULT_MAX_POINTS,
    MultivariateResult,
    centroid_cosine,
    domain_classifier,
    embedding_classifier,
    mmd,
    pca_reconstruction,
)


def _arrays(table: pa.Table, names: Sequence[str]) -> dict[str, np.ndarray]:
    return {name: table.column(name).to_numpy(zero_copy_only=False) for name in names}


def _tabular(plan: MultivariatePlan, reference: pa.Table, current: pa.Table, features: Sequence[str],
             categorical: frozenset[str], level: float) -> list[MultivariateResult]:  # fmt: skip
    ref, cur = _arrays(reference, features), _arrays(current, features)
    results = []
    bound = plan.sample_size
    for test in plan.tabular:
        run = domain_classifier if test == "classifier" else pca_reconstruction
        results.append(run(ref, cur, categorical=categorical, alpha=level, max_rows=bound, seed=plan.seed))
    return results


def _embedding(
    plan: MultivariatePlan, column: str, reference: np.ndarray, current: np.ndarray, level: float
) -> list[MultivariateResult]:
    rows, points, seed = plan.sample_size, min(plan.sample_size, DEFAULT_MAX_POINTS), plan.seed
    tests = {
        "mmd": lambda: mmd(reference, current, column=column, alpha=level, max_points=points, seed=seed),
        "classifier": lambda: embedding_classifier(
            reference, current, column=column, alpha=level, max_rows=rows, seed=seed
        ),
        "cosine": lambda: centroid_cosine(reference, current, column=column, alpha=level, max_points=points, seed=seed),
    }
    return [tests[test]() for test in plan.tests_of(column)]


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
