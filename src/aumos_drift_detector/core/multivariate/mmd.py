"""Maximum mean discrepancy (MMD²) with a Gaussian kernel and a permutation test, for embeddings.

The kernel is ``k(x, y) = exp(−‖x − y‖² / (2σ²))`` with the bandwidth ``σ`` set by the median
heuristic: the median Euclidean distance between distinct points of the pooled sample (of at most
1,000 of them). The statistic is the unbiased estimate

    MMD² = Σ_{i≠j} k(xᵢ, xⱼ) / (n(n−1)) + Σ_{i≠j} k(yᵢ, yⱼ) / (m(m−1)) − 2 Σ_{i,j} k(xᵢ, yⱼ) / (nm)

over the reference points ``x`` and the current points ``y``, each a seeded sample of at most
``max_points``. The p-value comes from relabelling the pooled points (:mod:`.permutations`): with the
Gram matrix ``K`` computed once, a relabelling's statistic needs only ``aᵀKa`` and ``aᵀK1`` for its
indicator ``a``, so a batch of relabellings costs one matrix product.
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
MEDIAN_POINTS = 1_000


def squared_distances(left: FloatArray, right: FloatArray) -> FloatArray:
    """Pairwise squared Euclidean distances (clipped at 0 against rounding)."""
    gram = left @ right.T
    gram *= -2.0
    gram += np.einsum("ij,ij->i", left, left)[:, None]
    gram += np.einsum("ij,ij->i", right, right)[None, :]
    return np.maximum(gram, 0.0, out=gram)


def median_bandwidth(pooled: FloatArray, rng: np.random.Generator) -> float:
    """The median distance between distinct points of (a sample of) ``pooled``; 1 if that is 0."""
    points = bounded_rows(pooled, MEDIAN_POINTS, rng)
    upper = np.triu_indices(len(points), k=1)
    median = float(np.sqrt(np.median(squared_distances(points, points)[upper])))
    return median if median > 0 else 1.0


def _statistics(gram: FloatArray, indicators: FloatArray, n_reference: int) -> FloatArray:
    """Unbiased MMD² for each indicator column (1 marks a reference point)."""
    n_current = len(gram) - n_reference
    diagonal, row_sums = np.diag(gram), gram.sum(axis=1)
    total, trace = float(row_sums.sum()), float(diagonal.sum())
    within = np.einsum("ij,ij->j", indicators, gram @ indicators)
    across_rows, diagonal_ref = indicators.T @ row_sums, indicators.T @ diagonal
    reference_pairs = within - diagonal_ref
    current_pairs = total - 2.0 * across_rows + within - (trace - diagonal_ref)
    cross = across_rows - within
    return np.asarray(
        reference_pairs / (n_reference * (n_reference - 1))
        + current_pairs / (n_current * (n_current - 1))
        - 2.0 * cross / (n_reference * n_current),
        dtype=np.float64,
    )


def mmd(
    reference: npt.ArrayLike,
    current: npt.ArrayLike,
    *,
    column: str = "embedding",
    alpha: float = DEFAULT_ALPHA,
    max_points: int = DEFAULT_MAX_POINTS,
    permutations: int = DEFAULT_PERMUTATIONS,
    bandwidth: float | None = None,
    seed: int = 0,
) -> MultivariateResult:
    """Test whether two samples of vectors come from one distribution, by MMD² and permutations.

    Args:
        reference: Reference vectors, one per row.
        current: Current vectors of the same width.
        column: The embedding column's name, for messages and the result.
        alpha: Significance level.
        max_points: Points per sample used at most (a seeded uniform sample).
        permutations: Relabellings of the pooled sample.
        bandwidth: The kernel's ``σ``; the median heuristic when ``None``.
        seed: Seeds the samples, the median's sample and the relabellings.

    Returns:
        MMD² as both the statistic and the score, the permutation p-value, the bandwidth in the details.

    Raises:
        ValidationError: Vectors that are not a finite matrix, or of different widths.
        InsufficientDataError: Fewer than 50 points in either sample.
    """
    rng = np.random.default_rng(seed)
    ref, cur = embedding_pair(reference, current, column=column)
    ref, cur = bounded_rows(ref, max_points, rng), bounded_rows(cur, max_points, rng)
    require_rows("MMD", len(ref), len(cur))
    pooled = np.vstack([ref, cur])
    sigma = bandwidth if bandwidth is not None else median_bandwidth(pooled, rng)
    gram = squared_distances(pooled, pooled)
    gram *= -1.0 / (2.0 * sigma * sigma)
    np.exp(gram, out=gram)
    observed_labels = np.zeros((len(pooled), 1))
    observed_labels[: len(ref)] = 1.0
    observed = float(_statistics(gram, observed_labels, len(ref))[0])
    permuted = np.concatenate(
        [_statistics(gram, batch, len(ref)) for batch in relabellings(len(pooled), len(ref), permutations, rng)]
    )
    p_value = permutation_p_value(observed, permuted)
    return MultivariateResult(
        method="mmd", columns=(column,), statistic=observed, p_value=p_value, threshold=alpha,
        drift_detected=p_value < alpha, n_reference=len(ref), n_current=len(cur), score=observed,
        details={"bandwidth": sigma, "permutations": permutations, "dimensions": int(pooled.shape[1]), "seed": seed},
    )  # fmt: skip
