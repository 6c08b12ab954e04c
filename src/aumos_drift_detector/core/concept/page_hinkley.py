r"""The Page-Hinkley test (Page, 1954) on a real-valued stream, with River's exact semantics by default.

The detector keeps the running mean :math:`\bar x_t` and two faded cumulative deviations,

.. math::
    m^{+}_t = \alpha\, m^{+}_{t-1} + (x_t - \bar x_t) - \delta, \qquad
    m^{-}_t = \alpha\, m^{-}_{t-1} + (x_t - \bar x_t) + \delta,

with :math:`M^{+}_t = \min m^{+}` and :math:`M^{-}_t = \max m^{-}` (the latter starting at -1, as in
River). After ``min_instances`` values it raises a drift when :math:`m^{+}_t - M^{+}_t` (an increase)
or :math:`M^{-}_t - m^{-}_t` (a decrease) exceeds ``threshold`` (:math:`\lambda`), and forgets
everything at the update after a drift. It never raises warnings.

River's default ``mode="both"`` watches both directions; the original test and MOA's
``PageHinkleyDM`` watch only increases, which is what an error or loss stream needs: pass
``mode="up"``. With the same options the detection indices are exactly River 0.26.1's
``drift.PageHinkley``.

>>> import numpy as np
>>> rng = np.random.default_rng(3)
>>> losses = np.concatenate([rng.normal(0.0, 1.0, 1000), rng.normal(3.0, 1.0, 500)])
>>> detector = PageHinkley(mode="up")
>>> [int(i) for i in detector.update_many(losses).drift_indices]
[1013]
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from aumos_drift_detector.core.compilation import kernel
from aumos_drift_detector.core.concept.base import DriftDetector
from aumos_drift_detector.core.concept.batch import BatchFlags
from aumos_drift_detector.core.concept.params import (
    DetectorParams,
    NonNegativeReal,
    PositiveInteger,
    PositiveReal,
    UnitUpperClosed,
)
from aumos_drift_detector.core.concept.state_format import decode_float, encode_float
from aumos_drift_detector.core.concept.stream_values import check_real_value

__all__ = ["PageHinkley"]


class PageHinkley(DriftDetector):
    """Page-Hinkley change detector on any finite real-valued stream.

    Args:
        min_instances: Values to observe before a drift can be raised.
        delta: Magnitude of change tolerated per value (delta, >= 0).
        threshold: Detection threshold lambda (> 0).
        alpha: Forgetting factor of the cumulative sums, in ``(0, 1]``.
        mode: ``"both"`` (River's default), ``"up"`` (the paper and MOA) or ``"down"``.

    Raises:
        ValidationError: If a parameter is out of range.
    """

    class Params(DetectorParams):
        """Page-Hinkley's parameters, with River's names and defaults."""

        min_instances: PositiveInteger = Field(30, description="Values to observe before a drift can be raised.")
        delta: NonNegativeReal = Field(0.005, description="Magnitude of change tolerated per value.")
        threshold: PositiveReal = Field(50.0, description="Detection threshold lambda.")
        alpha: UnitUpperClosed = Field(0.9999, description="Forgetting factor of the cumulative sums.")
        mode: Literal["both", "up", "down"] = Field(
            "both", description="Which changes to flag: both (River), up (the paper, MOA) or down."
        )

    input_domain = "real"

    def __init__(
        self,
        min_instances: int = 30,
        delta: float = 0.005,
        threshold: float = 50.0,
        alpha: float = 0.9999,
        mode: Literal["both", "up", "down"] = "both",
    ) -> None:
        params = self.Params.parse(
            min_instances=min_instances, delta=delta, threshold=threshold, alpha=alpha, mode=mode
        )
        super().__init__(params)
        self.min_instances = params.min_instances
        self.delta = params.delta
        self.threshold = params.threshold
        self.alpha = params.alpha
        self.mode = params.mode
        self._watch_up = mode != "down"
        self._watch_down = mode != "up"
        self._reset_statistics()

    def update(self, x: float) -> None:
        """Consume one value (see :meth:`DriftDetector.update`; this is the same, inlined for speed).

        Args:
            x: The next value, any finite real number.

        Raises:
            ValidationError: If the value is not a finite real number.
        """
        if not (type(x) is float and x - x == 0.0):
            x = check_real_value(x)
        if self._drift_detected:
            self._reset_statistics()
        self._n_seen += 1
        self._step(x)
        if self._drift_detected:
            self._record(False)

    def _reset_statistics(self) -> None:
        self._drift_detected = False
        self._n = 0
        self._mean = 0.0
        self._sum_up = 0.0
        self._sum_down = 0.0
        self._min_up = math.inf
        self._max_down = -1.0
        self._min_index = -1
        self._max_index = -1
        self._fired_up = False

    def _step(self, x: float) -> None:
        n = self._n + 1
        self._n = n
        mean = self._mean + (1.0 / n) * (x - self._mean)
        self._mean = mean
        deviation = x - mean
        sum_up = self._sum_up = self.alpha * self._sum_up + deviation - self.delta
        sum_down = self._sum_down = self.alpha * self._sum_down + deviation + self.delta
        if sum_up < self._min_up:
            self._min_up = sum_up
            self._min_index = self._n_seen - 1
        if sum_down > self._max_down:
            self._max_down = sum_down
            self._max_index = self._n_seen - 1
        if n >= self.min_instances:
            self._fired_up = self._watch_up and sum_up - self._min_up > self.threshold
            self._drift_detected = self._fired_up or (self._watch_down and self._max_down - sum_down > self.threshold)

    def _change_start(self) -> int | None:
        index = self._min_index if self._fired_up else self._max_index
        return index + 1 if index >= 0 else None

    def _step_many(self, values: npt.NDArray[np.float64]) -> BatchFlags:
        size = values.size
        drift = np.zeros(size, dtype=np.bool_)
        change_start = np.full(size, -1, dtype=np.int64)
        indices = np.array([self._n, self._min_index, self._max_index], dtype=np.int64)
        sums = np.array([self._mean, self._sum_up, self._sum_down, self._min_up, self._max_down], dtype=np.float64)
        fired_up = _page_hinkley_kernel(
            values,
            self._n_seen,
            indices,
            sums,
            self._fired_up,
            self.min_instances,
            self.delta,
            self.threshold,
            self.alpha,
            self._watch_up,
            self._watch_down,
            drift,
            change_start,
        )
        self._fired_up = bool(fired_up)  # a NumPy bool when the kernel runs uncompiled
        self._n, self._min_index, self._max_index = (int(v) for v in indices)
        self._mean, self._sum_up, self._sum_down, self._min_up, self._max_down = (float(v) for v in sums)
        self._drift_detected = bool(drift[-1])
        return BatchFlags(drift, np.zeros(size, dtype=np.bool_), change_start)

    def _statistics_state(self) -> dict[str, Any]:
        return {
            "n": self._n,
            "mean": self._mean,
            "sum_up": self._sum_up,
            "sum_down": self._sum_down,
            "min_up": encode_float(self._min_up),
            "max_down": encode_float(self._max_down),
            "min_index": self._min_index,
            "max_index": self._max_index,
            "fired_up": self._fired_up,
        }

    def _restore_statistics(self, state: dict[str, Any]) -> None:
        self._n = int(state["n"])
        self._mean = float(state["mean"])
        self._sum_up = float(state["sum_up"])
        self._sum_down = float(state["sum_down"])
        self._min_up = decode_float(state["min_up"])
        self._max_down = decode_float(state["max_down"])
        self._min_index = int(state["min_index"])
        self._max_index = int(state["max_index"])
        self._fired_up = bool(state["fired_up"])


def _page_hinkley_batch(
    values: npt.NDArray[np.float64],
    offset: int,
    indices: npt.NDArray[np.int64],
    sums: npt.NDArray[np.float64],
    fired_up: bool,
    min_instances: int,
    delta: float,
    threshold: float,
    alpha: float,
    watch_up: bool,
    watch_down: bool,
    drift: npt.NDArray[np.bool_],
    change_start: npt.NDArray[np.int64],
) -> bool:
    """:meth:`PageHinkley._step` over a batch; ``indices`` and ``sums`` are updated in place.

    One loop on purpose: the detector's statistics stay in local variables for the whole batch, which a
    split into functions would pass through arrays at every value.
    """
    n, min_index, max_index = indices[0], indices[1], indices[2]
    mean, sum_up, sum_down, min_up, max_down = sums[0], sums[1], sums[2], sums[3], sums[4]
    for i in range(values.shape[0]):
        if i > 0 and drift[i - 1]:
            n, min_index, max_index, fired_up = 0, -1, -1, False
            mean, sum_up, sum_down, min_up, max_down = 0.0, 0.0, 0.0, math.inf, -1.0
        x = values[i]
        n += 1
        mean = mean + (1.0 / n) * (x - mean)
        deviation = x - mean
        sum_up = alpha * sum_up + deviation - delta
        sum_down = alpha * sum_down + deviation + delta
        if sum_up < min_up:
            min_up = sum_up
            min_index = offset + i
        if sum_down > max_down:
            max_down = sum_down
            max_index = offset + i
        if n >= min_instances:
            fired_up = watch_up and sum_up - min_up > threshold
            if fired_up or (watch_down and max_down - sum_down > threshold):
                drift[i] = True
                start = min_index if fired_up else max_index
                change_start[i] = start + 1 if start >= 0 else -1
    indices[0], indices[1], indices[2] = n, min_index, max_index
    sums[0], sums[1], sums[2], sums[3], sums[4] = mean, sum_up, sum_down, min_up, max_down
    return fired_up


_page_hinkley_kernel = kernel(_page_hinkley_batch)
