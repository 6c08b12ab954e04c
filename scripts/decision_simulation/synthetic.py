"""Synthetic tabular data: numerical, categorical and binary features with a fixed law per seed.

Numerical features are N(0, 1); categorical ones have 5 to 8 categories whose probabilities are drawn
once per seed (a Dirichlet draw mixed with the uniform law, so no category is rare); binary ones are
Bernoulli with a rate drawn once per seed in [0.1, 0.5]. A shift moves a numerical feature's mean by
a number of standard deviations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Law:
    """The joint law of the features (independent columns).

    Attributes:
        numerical: Names of the N(0, 1) features.
        categorical: Each categorical feature's category probabilities.
        binary: Each binary feature's rate of ones.
    """

    numerical: tuple[str, ...]
    categorical: Mapping[str, np.ndarray]
    binary: Mapping[str, float]

    @property
    def kinds(self) -> dict[str, str]:
        """Each feature's kind, numerical first."""
        kinds = dict.fromkeys(self.numerical, "numerical")
        kinds.update(dict.fromkeys(self.categorical, "categorical"))
        kinds.update(dict.fromkeys(self.binary, "binary"))
        return kinds


def make_law(n_features: int, rng: np.random.Generator) -> Law:
    """Half numerical features, a tenth binary, the rest categorical (at least one of each when possible)."""
    n_numerical = max(1, n_features // 2)
    n_binary = min(max(1, n_features // 10), n_features - n_numerical)
    n_categorical = n_features - n_numerical - n_binary
    categorical = {}
    for index in range(n_categorical):
        size = int(rng.integers(5, 9))
        categorical[f"cat_{index:02d}"] = 0.7 * rng.dirichlet(np.full(size, 2.0)) + 0.3 / size
    binary = {f"bin_{index:02d}": float(rng.uniform(0.1, 0.5)) for index in range(n_binary)}
    return Law(tuple(f"num_{index:02d}" for index in range(n_numerical)), categorical, binary)


def draw(
    law: Law, rows: int, rng: np.random.Generator, shifts: Mapping[str, float] | None = None
) -> dict[str, np.ndarray]:
    """``rows`` rows of the law; ``shifts`` moves numerical features' means (in standard deviations)."""
    shifts = shifts or {}
    data: dict[str, np.ndarray] = {name: rng.normal(shifts.get(name, 0.0), 1.0, rows) for name in law.numerical}
    for name, probabilities in law.categorical.items():
        data[name] = rng.choice(probabilities.size, size=rows, p=probabilities)
    for name, rate in law.binary.items():
        data[name] = (rng.random(rows) < rate).astype(np.int64)
    return data
