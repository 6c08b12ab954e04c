"""Seeded data for the multivariate tests and ``scripts/simulate_multivariate.py``.

* :func:`mixed_table`: a table of mixed kinds (five numerical columns, one categorical, one boolean)
  in which ``a`` and ``b`` are normal with correlation ``rho``; flipping the sign of ``rho`` changes
  the joint distribution and leaves every marginal as it was.
* :func:`mixture_embeddings`: 384-dimensional vectors from a fixed mixture of six Gaussian clusters
  (sentence-embedding-like: clusters about as far apart as two points of one cluster), drawn with
  the given mixture weights.
"""

from __future__ import annotations

import numpy as np

DIMENSIONS = 384
CLUSTERS = 6
EVEN_WEIGHTS = np.full(CLUSTERS, 1.0 / CLUSTERS)


def shifted_weights(points: float = 0.10) -> np.ndarray:
    """The even weights with ``points`` moved from the second cluster to the first."""
    weights = EVEN_WEIGHTS.copy()
    weights[0] += points
    weights[1] -= points
    return weights


def mixed_table(rng: np.random.Generator, n: int, *, rho: float = 0.6) -> dict[str, np.ndarray]:
    """``n`` rows: ``a``, ``b`` correlated; ``c`` gamma; ``d``, ``e`` normal; ``plan`` categorical; ``flag``."""
    a = rng.normal(0.0, 1.0, n)
    b = rho * a + np.sqrt(1.0 - rho * rho) * rng.normal(0.0, 1.0, n)
    return {
        "a": a,
        "b": b,
        "c": rng.gamma(2.0, 1.5, n),
        "d": rng.normal(5.0, 2.0, n),
        "e": rng.normal(0.0, 1.0, n),
        "plan": rng.choice(np.array(["free", "basic", "pro", "team"]), n, p=[0.4, 0.3, 0.2, 0.1]),
        "flag": rng.random(n) < 0.3,
    }


def cluster_means() -> np.ndarray:
    """The fixed cluster centres (the same in every run)."""
    return np.random.default_rng(2024).normal(0.0, 0.35, (CLUSTERS, DIMENSIONS))


def mixture_embeddings(rng: np.random.Generator, n: int, weights: np.ndarray = EVEN_WEIGHTS) -> np.ndarray:
    """``n`` vectors of the fixed mixture drawn with ``weights``."""
    clusters = rng.choice(CLUSTERS, n, p=weights)
    return cluster_means()[clusters] + rng.normal(0.0, 0.5, (n, DIMENSIONS))
