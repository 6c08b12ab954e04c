"""Encoded rows as a standardised numeric design for PCA, learned from reference rows only.

Numerical columns: missing values become the reference mean. Categorical codes: one indicator
column per code among the ``max_levels`` most frequent in the reference (missing and other codes
set none). Every design column is then centred and scaled by its reference mean and standard
deviation (a constant column is only centred).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
DEFAULT_MAX_LEVELS = 20


@dataclass(frozen=True, slots=True)
class NumericDesign:
    """The learned encoding: fill values, levels and scaling.

    Attributes:
        categorical: Which encoded columns hold category codes.
        fill: Per numerical column, the value that replaces a missing one.
        levels: Per categorical column, the codes that get an indicator.
        mean: Mean of each design column in the reference.
        scale: Standard deviation of each design column (1 where it is 0).
    """

    categorical: BoolArray
    fill: dict[int, float]
    levels: dict[int, tuple[float, ...]]
    mean: FloatArray
    scale: FloatArray

    @classmethod
    def fit(
        cls, reference: FloatArray, categorical: BoolArray, *, max_levels: int = DEFAULT_MAX_LEVELS
    ) -> NumericDesign:
        """Learn the encoding from reference rows."""
        fill: dict[int, float] = {}
        levels: dict[int, tuple[float, ...]] = {}
        for column in range(reference.shape[1]):
            values = reference[:, column]
            present = values[~np.isnan(values)]
            if categorical[column]:
                codes, counts = np.unique(present, return_counts=True)
                levels[column] = tuple(float(code) for code in codes[np.argsort(-counts, kind="stable")][:max_levels])
            else:
                fill[column] = float(present.mean()) if len(present) else 0.0
        unscaled = cls(categorical, fill, levels, np.zeros(0), np.ones(0))._raw(reference)
        scale = unscaled.std(axis=0)
        return cls(categorical, fill, levels, unscaled.mean(axis=0), np.where(scale > 0, scale, 1.0))

    def _raw(self, rows: FloatArray) -> FloatArray:
        parts: list[FloatArray] = []
        for column in range(rows.shape[1]):
            values = rows[:, column]
            if self.categorical[column]:
                parts.extend((values == level).astype(np.float64) for level in self.levels[column])
            else:
                parts.append(np.where(np.isnan(values), self.fill[column], values))
        return np.column_stack(parts) if parts else np.zeros((len(rows), 0))

    def transform(self, rows: FloatArray) -> FloatArray:
        """The standardised design of encoded rows."""
        return (self._raw(rows) - self.mean) / self.scale
