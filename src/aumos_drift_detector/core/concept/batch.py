"""Turning a batch's per-value flags into counters, warning episodes and drift events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.concept.results import DriftEvent


class BatchFlags(NamedTuple):
    """Per-value outcome of a batch: what ``update`` would have left after each value.

    Attributes:
        drift: ``drift_detected`` after each value.
        warning: ``warning_detected`` after each value.
        change_start: At drift positions, the estimated stream index where the change began (-1 if unknown).
    """

    drift: npt.NDArray[np.bool_]
    warning: npt.NDArray[np.bool_]
    change_start: npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class BatchSummary:
    """Derived bookkeeping for a batch (see :func:`summarise_batch`)."""

    drift_indices: npt.NDArray[np.int64]
    warning_indices: npt.NDArray[np.int64]
    events: tuple[DriftEvent, ...]
    drifts_count: int
    new_warning_episodes: int
    open_warning_start: int | None


def _read_only(array: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    array.flags.writeable = False
    return array


def summarise_batch(flags: BatchFlags, offset: int, was_warning: bool, open_warning_start: int | None) -> BatchSummary:
    """Derive drift events and warning episodes exactly as a loop of single updates would.

    Args:
        flags: The per-value flags of the batch.
        offset: Stream index of the batch's first value.
        was_warning: ``warning_detected`` before the batch.
        open_warning_start: Start of the warning episode open before the batch, if any.

    Returns:
        Batch positions, drift events, counter increments and the episode still open at the end.
    """
    warning = flags.warning
    previous = np.empty_like(warning)
    previous[0] = was_warning
    previous[1:] = warning[:-1]
    starts = np.flatnonzero(warning & ~previous)
    drift_positions = np.flatnonzero(flags.drift).astype(np.int64)

    def episode_start(position: int) -> int | None:
        k = int(np.searchsorted(starts, position, side="right")) - 1
        return offset + int(starts[k]) if k >= 0 else open_warning_start

    events = []
    for position in drift_positions.tolist():
        active = bool(warning[position]) or bool(previous[position])
        estimate = int(flags.change_start[position])
        events.append(
            DriftEvent(
                offset + position, None if estimate < 0 else estimate, episode_start(position) if active else None
            )
        )
    last = warning.size - 1
    return BatchSummary(
        drift_indices=_read_only(drift_positions),
        warning_indices=_read_only(np.flatnonzero(warning).astype(np.int64)),
        events=tuple(events),
        drifts_count=int(drift_positions.size),
        new_warning_episodes=int(starts.size),
        open_warning_start=episode_start(last) if warning[last] else None,
    )
