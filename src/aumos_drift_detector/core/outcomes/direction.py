"""Which way each concept drift moved the outcomes: their mean before and after the change.

For a drift at stream index ``d``, the :class:`~.stretch.OutcomeStretch` (the outcomes since the
current concept began: where the previous drift's change was found, or the stream start) is cut at
``c``, the likeliest change point at or after the detector's change start
(:meth:`~.stretch.OutcomeStretch.cut`): *before* runs from the stretch start to ``c`` (excluded) and
*after* from ``c`` to ``d`` (included). Each is an :class:`OutcomeMean` with a confidence interval
(:mod:`.intervals`): Wilson's score interval when every value of the stretch is 0 or 1 (an error rate,
whichever detector reads it), Student's t otherwise (a mean error or loss).

The outcomes are errors or losses, so the drift is a **degradation** when the mean after the change is
higher than before, and an **improvement** otherwise. When *before* is empty or a mean is not finite
there is nothing to compare, and the drift counts as a degradation: a change that cannot be told apart
is reported, not silenced.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from aumos_drift_detector.core.concept import DriftEvent
from aumos_drift_detector.core.detections.model import ConceptDirection, IntervalMethod, OutcomeMean
from aumos_drift_detector.core.outcomes.intervals import student_t_interval, wilson_interval
from aumos_drift_detector.core.outcomes.stretch import OutcomeStretch, Piece, Values

DEFAULT_CONFIDENCE: Final = 0.95
"""Confidence level of the intervals unless the service is built with another."""


@dataclass(frozen=True, slots=True)
class ChangeFigures:
    """What one drift did to the outcomes.

    Attributes:
        direction: Degradation (the mean went up) or improvement.
        before: The outcomes of the concept the drift ended.
        after: The outcomes from the change start to the drift.
    """

    direction: ConceptDirection
    before: OutcomeMean
    after: OutcomeMean


def outcome_mean(piece: Piece, confidence: float) -> OutcomeMean:
    """The mean of a piece of the stream with its interval (Wilson's on 0/1 values, Student's t on others)."""
    moments = piece.moments
    mean = moments.mean
    if mean is not None and not math.isfinite(mean):
        mean = None
    bounds: tuple[float, float] | None = None
    if piece.binary:
        method = IntervalMethod.WILSON
        if mean is not None:
            bounds = wilson_interval(mean, moments.n, confidence)
    else:
        method = IntervalMethod.STUDENT_T
        variance = moments.variance
        if mean is not None and variance is not None and math.isfinite(variance):
            bounds = student_t_interval(mean, variance, moments.n, confidence)
    low, high = bounds if bounds is not None else (None, None)
    return OutcomeMean(
        start=piece.start, n=moments.n, mean=mean, low=low, high=high, interval=method, confidence=confidence
    )


def direction_of(before: OutcomeMean, after: OutcomeMean) -> ConceptDirection:
    """Degradation when the mean went up (or cannot be compared), improvement otherwise."""
    if before.mean is None or after.mean is None or after.mean > before.mean:
        return ConceptDirection.DEGRADATION
    return ConceptDirection.IMPROVEMENT


def follow(
    stretch: OutcomeStretch,
    values: Values,
    drifts: Sequence[DriftEvent],
    *,
    confidence: float = DEFAULT_CONFIDENCE,
) -> tuple[tuple[ChangeFigures, ...], OutcomeStretch]:
    """Add a batch the detector consumed to the stretch, measuring each of its drifts on the way.

    Args:
        stretch: The stretch before the batch; it ends where the batch begins.
        values: The batch, in stream order.
        drifts: The drifts the detector raised on the batch, with stream indices, in order.
        confidence: Confidence level of the intervals.

    Returns:
        The figures of each drift, and the stretch after the batch.
    """
    figures = []
    position = 0
    for drift in drifts:
        upto = drift.index - stretch.end + position + 1
        stretch = stretch.extend(values[position:upto])
        position = upto
        cut = stretch.cut(drift.change_start)
        before, after = (outcome_mean(piece, confidence) for piece in stretch.split(cut))
        figures.append(ChangeFigures(direction_of(before, after), before, after))
        stretch = stretch.since(cut)
    return tuple(figures), stretch.extend(values[position:])
