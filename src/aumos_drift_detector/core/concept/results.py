"""The records a detector hands back: one per drift, and one per batch of updates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class DriftEvent:
    """One detected drift.

    Attributes:
        index: Stream index (0-based) of the update that raised the drift.
        change_start: Estimated stream index of the first value of the new concept, or ``None``.
        warning_start: Stream index where the warning episode in progress at the drift began, or ``None``.
    """

    index: int
    change_start: int | None
    warning_start: int | None


@dataclass(frozen=True, slots=True, eq=False)
class UpdateManyResult:
    """What a batch of updates produced.

    Attributes:
        offset: ``n_seen`` before the batch; batch position ``i`` is stream index ``offset + i``.
        drift_indices: Batch positions whose update raised a drift (read-only int64 array).
        warning_indices: Batch positions whose update raised a warning (read-only int64 array).
        drifts: One :class:`DriftEvent` per drift, with stream indices.
    """

    offset: int
    drift_indices: npt.NDArray[np.int64]
    warning_indices: npt.NDArray[np.int64]
    drifts: tuple[DriftEvent, ...]
