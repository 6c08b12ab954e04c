"""Bounded uniform samples of rows, seeded and mergeable (priority reservoir sampling).

Every row offered to a :class:`ReservoirSample` draws an independent uniform key; the sample keeps
the ``capacity`` rows with the smallest keys. Any set of rows is then kept with the same probability,
so the sample is uniform without replacement over everything offered, and two samples of disjoint
streams merge into a uniform sample of their union by keeping the smallest keys of both. The keys
come from the caller's seeded generator, so a run is reproducible.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> left = ReservoirSample.empty(3, width=1).add(np.arange(10.0).reshape(-1, 1), rng)
>>> right = ReservoirSample.empty(3, width=1).add(np.arange(10.0, 20.0).reshape(-1, 1), rng)
>>> merged = left.merge(right)
>>> merged.seen, merged.rows.shape
(20, (3, 1))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.errors import ValidationError

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ReservoirSample:
    """A uniform sample of at most ``capacity`` rows of everything offered so far.

    Attributes:
        capacity: The most rows the sample keeps.
        rows: The kept rows (``len(rows) <= capacity``), in no particular order.
        keys: The uniform key of each kept row.
        seen: How many rows were offered in all.
    """

    capacity: int
    rows: FloatArray
    keys: FloatArray
    seen: int

    @classmethod
    def empty(cls, capacity: int, *, width: int) -> ReservoirSample:
        """An empty sample of rows with ``width`` columns.

        Raises:
            ValidationError: If ``capacity`` is below 1.
        """
        if capacity < 1:
            raise ValidationError("the sample's capacity must be at least 1", details={"capacity": capacity})
        return cls(capacity, np.empty((0, width)), np.empty(0), 0)

    def _keep(self, rows: FloatArray, keys: FloatArray, seen: int) -> ReservoirSample:
        if len(keys) > self.capacity:
            chosen = np.argpartition(keys, self.capacity - 1)[: self.capacity]
            rows, keys = rows[chosen], keys[chosen]
        return ReservoirSample(self.capacity, rows, keys, seen)

    def add(self, rows: npt.ArrayLike, rng: np.random.Generator) -> ReservoirSample:
        """A new sample with ``rows`` (a 2-D array) offered, keys drawn from ``rng``."""
        block = np.asarray(rows, dtype=np.float64)
        if block.ndim != 2 or block.shape[1] != self.rows.shape[1]:
            raise ValidationError(
                f"rows must be a 2-D array with {self.rows.shape[1]} columns", details={"shape": list(block.shape)}
            )
        keys = rng.random(len(block))
        return self._keep(np.vstack([self.rows, block]), np.concatenate([self.keys, keys]), self.seen + len(block))

    def merge(self, other: ReservoirSample) -> ReservoirSample:
        """The sample of both streams (disjoint), bounded by the smaller capacity."""
        if other.rows.shape[1] != self.rows.shape[1]:
            raise ValidationError("cannot merge samples of rows of different widths")
        merged = ReservoirSample(min(self.capacity, other.capacity), self.rows, self.keys, 0)
        rows, keys = np.vstack([self.rows, other.rows]), np.concatenate([self.keys, other.keys])
        return merged._keep(rows, keys, self.seen + other.seen)


def bounded_rows(matrix: FloatArray, bound: int, rng: np.random.Generator) -> FloatArray:
    """A uniform sample of at most ``bound`` rows of ``matrix``, in their original order."""
    if len(matrix) <= bound:
        return matrix
    keys = rng.random(len(matrix))
    chosen = np.sort(np.argpartition(keys, bound - 1)[:bound])
    return matrix[chosen]
