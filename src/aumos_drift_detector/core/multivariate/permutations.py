"""Seeded relabellings of a pooled sample, in batches, for the permutation tests.

A relabelling picks which ``n_reference`` of the ``n`` pooled points play the reference; it is held
as one column of a 0/1 matrix so that a batch of relabellings is scored with one matrix product.
The p-value counts the observed labelling as one of the permutations, so it is never zero and the
test is exact at any level: ``(1 + #{permuted ≥ observed}) / (1 + permutations)``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BATCH = 32


def relabellings(n: int, n_reference: int, permutations: int, rng: np.random.Generator) -> Iterator[FloatArray]:
    """Batches of indicator columns (``n`` × at most 32), each with ``n_reference`` ones."""
    left = permutations
    while left > 0:
        size = min(BATCH, left)
        batch = np.zeros((n, size))
        for column in range(size):
            batch[rng.permutation(n)[:n_reference], column] = 1.0
        yield batch
        left -= size


def permutation_p_value(observed: float, permuted: FloatArray) -> float:
    """The share of permutations, the observed one included, at least as extreme as ``observed``."""
    return float((1 + np.count_nonzero(permuted >= observed)) / (1 + len(permuted)))
