"""The domain classifier on embeddings: vectors projected on the reference's principal components.

Hundreds of embedding dimensions make a slow, noisy classifier; the leading principal components of
the reference carry most of the structure. The PCA is fitted on a seeded sample of the pooled
points, both samples are projected on its first ``components`` axes, and the domain classifier
(:mod:`.domain_classifier`) runs on the projections. The attribution then ranks the components.

The PCA sees both samples without their labels. Fitting it on the reference alone would make the
test invalid: in a few hundred dimensions the leading axes of a sample overfit it, so the reference
rows the PCA was fitted on spread more along them than any other rows, and the classifier learns
exactly that difference even when nothing drifted.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.multivariate.bounds import DEFAULT_ALPHA, DEFAULT_MAX_ROWS
from aumos_drift_detector.core.multivariate.domain_classifier import classify_encoded
from aumos_drift_detector.core.multivariate.embedding_input import embedding_pair
from aumos_drift_detector.core.multivariate.encoding import EncodedPair
from aumos_drift_detector.core.multivariate.reservoir import bounded_rows
from aumos_drift_detector.core.multivariate.result import MultivariateResult

DEFAULT_COMPONENTS = 20


def embedding_classifier(
    reference: npt.ArrayLike,
    current: npt.ArrayLike,
    *,
    column: str = "embedding",
    components: int = DEFAULT_COMPONENTS,
    alpha: float = DEFAULT_ALPHA,
    max_rows: int = DEFAULT_MAX_ROWS,
    seed: int = 0,
    attribution: bool = True,
) -> MultivariateResult:
    """The domain classifier on the projections of both samples on the pooled points' principal axes.

    Args:
        reference: Reference vectors, one per row.
        current: Current vectors of the same width.
        column: The embedding column's name.
        components: Principal components kept (at most the width and the pooled sample's size).
        alpha: Significance level of the classifier's test.
        max_rows: Rows per sample used at most.
        seed: Seeds the samples, the PCA's sample and the classifier.
        attribution: Whether to rank the components by permutation importance.

    Returns:
        The classifier's result with ``columns == (column,)`` and the components as attributed features.

    Raises:
        ValidationError: Vectors that are not a finite matrix, or of different widths.
        InsufficientDataError: Fewer than 50 rows in either sample.
    """
    ref, cur = embedding_pair(reference, current, column=column)
    sample = bounded_rows(np.vstack([ref, cur]), max_rows, np.random.default_rng(seed))
    kept = max(1, min(components, ref.shape[1], len(sample)))
    from sklearn.decomposition import PCA  # imported by the test, not with the package

    pca = PCA(n_components=kept, svd_solver="randomized" if kept < ref.shape[1] else "full", random_state=seed)
    pca.fit(sample)
    names = tuple(f"{column}[pc{index}]" for index in range(1, kept + 1))
    pair = EncodedPair(names, pca.transform(ref), pca.transform(cur), np.zeros(kept, dtype=bool))
    result = classify_encoded(pair, alpha=alpha, max_rows=max_rows, seed=seed, attribution=attribution)
    explained = float(pca.explained_variance_ratio_.sum())
    details = {**result.details, "projection_components": kept, "explained_variance": explained}
    return MultivariateResult(
        method=result.method, columns=(column,), statistic=result.statistic, p_value=result.p_value,
        threshold=alpha, drift_detected=result.drift_detected, n_reference=result.n_reference,
        n_current=result.n_current, score=result.score, attribution=result.attribution, details=details,
    )  # fmt: skip
