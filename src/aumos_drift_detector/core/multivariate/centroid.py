"""Cosine distance between the centroids of two samples of vectors, with a permutation test.

``1 − cos(x̄, ȳ)`` for the mean reference vector ``x̄`` and the mean current vector ``ȳ``: 0 when
the centroids point the same way, up to 2 when opposite. It sees a shift of the mean direction and
is blind to changes that keep the centroid (spread, mixture weights of symmetric clusters), which
is why it accompanies MMD rather than replacing it. The p-value relabels the pooled points; a
batch of relabellings needs one product of the indicator matrix with the points.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.multivariate.bounds import (
    DEFAULT_ALPHA,
    DEFAULT_MAX_POINTS,
    DEFAULT_PERMUTATIONS,
    require_rows,
)
from aumos_drift_detector.core.multivariate.embedding_input import embedding_pair
from aumos_drift_detector.core.multivariate.permutations import permutation_p_value, relabellings
from aumos_drift_detector.core.multivariate.reservoir import bounded_rows
from aumos_drift_detector.core.multivariate.result import MultivariateResult

FloatArray = npt.NDArray[np.float64]


def _distances(reference_sums: FloatArray, total: FloatArray, n_reference: int, n_current: int) -> FloatArray:
    """Cosine distance of the centroids for each row of reference sums (a relabelling each)."""
    reference_mean = reference_sums / n_reference
    current_mean = (total[None, :] - reference_sums) / n_current
    dot = np.einsum("ij,ij->i", reference_mean, current_mean)
    norms = np.linalg.norm(reference_mean, axis=1) * np.linalg.norm(current_mean, axis=1)
    return np.asarray(1.0 - dot / np.where(norms > 0, norms, 1.0), dtype=np.float64)


def centroid_cosine(
    reference: npt.ArrayLike,
    current: npt.ArrayLike,
    *,
    column: str = "embedding",
    alpha: float = DEFAULT_ALPHA,
    max_points: int = DEFAULT_MAX_POINTS,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = 0,
) -> MultivariateResult:
    """Test whether the centroid of the current vectors points away from the reference's.

    Args:
        reference: Reference vectors, one per row.
        current: Current vectors of the same width.
        column: The embedding column's name.
        alpha: Significance level.
        max_points: Points per sample used at most.
        permutations: Relabellings of the pooled sample.
        seed: Seeds the samples and the relabellings.

    Returns:
        The cosine distance as statistic and score, and the permutation p-value.

    Raises:
        ValidationError: Vectors that are not a finite matrix, or of different widths.
        InsufficientDataError: Fewer than 50 points in either sample.
    """
    rng = np.random.default_rng(seed)
    ref, cur = embedding_pair(reference, current, column=column)
    ref, cur = bounded_rows(ref, max_points, rng), bounded_rows(cur, max_points, rng)
    require_rows("the centroid distance", len(ref), len(cur))
    pooled = np.vstack([ref, cur])
    total = pooled.sum(axis=0)
    observed = float(_distances(ref.sum(axis=0)[None, :], total, len(ref), len(cur))[0])
    batches = relabellings(len(pooled), len(ref), permutations, rng)
    permuted = np.concatenate([_distances(batch.T @ pooled, total, len(ref), len(cur)) for batch in batches])
    p_value = permutation_p_value(observed, permuted)
    return MultivariateResult(
        method="centroid_cosine", columns=(column,), statistic=observed, p_value=p_value, threshold=alpha,
        drift_detected=p_value < alpha, n_reference=len(ref), n_current=len(cur), score=observed,
        details={"permutations": permutations, "dimensions": int(pooled.shape[1]), "seed": seed},
    )  # fmt: skip
