"""scikit-learn's diabetes data split at random into reference and current halves, with and without a shift.

Each seed splits the 442 rows at random into two halves of 221: the first is the reference, the second
is checked once by a fresh monitor of the ten features (every setting at its default, kinds decided
from the data). The same split is then checked by another fresh monitor with ``bp`` (blood pressure,
mmHg) raised by ``bp_shift`` in the current half.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from decision_simulation.replay import MonitorReplay, make_monitor


@dataclass(frozen=True, slots=True)
class DiabetesConfig:
    """The split's seed and the shift of ``bp`` in mmHg."""

    seed: int = 20261102
    bp_shift: float = 8.0


@cache
def _data() -> tuple[tuple[str, ...], np.ndarray]:
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(scaled=False)
    return tuple(bunch.feature_names), np.asarray(bunch.data, dtype=np.float64)


def _check(names: tuple[str, ...], reference: np.ndarray, current: np.ndarray) -> dict[str, Any]:
    replay = MonitorReplay.start(make_monitor(dict.fromkeys(names, "auto")), dict(zip(names, reference.T, strict=True)))
    current_columns = dict(zip(names, current.T, strict=True))
    engine = replay.evaluate(current_columns)
    record = replay.check(current_columns)
    replay.close()
    bp = next(item for item in engine.features if item.name == "bp")
    return {
        "verdict": record.verdict,
        "alarm": record.alarm,
        "severity": record.severity,
        "alert": record.new_alert,
        "drifted": list(record.drifted),
        "raw_flags": record.raw_flags,
        "bp_p": bp.result.p_value,
        "bp_effect": bp.effect_size,
    }


def run_split(config: DiabetesConfig, seed_index: int) -> dict[str, Any]:
    """One random split: the check of the unchanged half and of the half with ``bp`` shifted."""
    names, data = _data()
    order = np.random.default_rng([config.seed, 7, seed_index]).permutation(len(data))
    half = len(data) // 2
    reference, current = data[order[:half]], data[order[half:]]
    shifted = current.copy()
    shifted[:, names.index("bp")] += config.bp_shift
    return {"seed": seed_index, "null": _check(names, reference, current), "shifted": _check(names, reference, shifted)}
