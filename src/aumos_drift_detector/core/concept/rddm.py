r"""RDDM, the Reactive Drift Detection Method of Barros, Cabral, Gonçalves and Santos (2017).

RDDM is DDM (see :mod:`.ddm`) made fit for long stable streams. It keeps the last
``min_stable_concept_size`` values in a ring buffer and

* once a concept holds more than ``max_concept_size`` values outside a warning, recomputes the
  error-rate statistics from the buffer alone (keeping the stored minimum), so the estimate keeps
  reacting instead of averaging over the whole concept;
* after a drift, restarts from the values seen since the warning began (or from the drifting value
  alone when there was no warning) instead of from nothing;
* turns a warning that lasts ``warning_limit`` values into a drift.

The update follows the authors' reference implementation in MOA (``RDDM.java``) step for step,
including its counting conventions, and uses MOA's defaults, which are the paper's. River has no RDDM.
A drift or a refresh takes effect at the next update, when the buffer is replayed.

>>> import numpy as np
>>> rng = np.random.default_rng(11)
>>> errors = np.concatenate([rng.random(100_000) < 0.2, rng.random(20_000) < 0.3])
>>> detector = RDDM()
>>> [int(i) for i in detector.update_many(errors).drift_indices if i >= 100_000][:1]
[100218]
"""

from __future__ import annotations

import math
from typing import Any, Self

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from aumos_drift_detector.core.compilation import inline_kernel, kernel
from aumos_drift_detector.core.concept.base import DriftDetector
from aumos_drift_detector.core.concept.batch import BatchFlags
from aumos_drift_detector.core.concept.params import (
    DetectorParams,
    NonNegativeInteger,
    PositiveInteger,
    PositiveReal,
    Real,
    require_at_least,
)
from aumos_drift_detector.core.concept.state_format import decode_float, encode_float
from aumos_drift_detector.core.errors import ValidationError

__all__ = ["RDDM"]

# Positions in the integer state vector.
_N, _STORED, _FIRST, _LAST, _WARN_POS, _WARN_INST, _INST, _MIN_INDEX, _PENDING = range(9)
_NO_REPLAY, _REFRESH, _RESTART = 0, 1, 2


class RDDM(DriftDetector):
    """Reactive Drift Detection Method on a stream of binary errors: 0 or 1 (1 = wrong prediction).

    Args:
        warm_start: MOA's ``minNumInstances``: values before a warning or drift can be raised.
        warning_threshold: Multiple of :math:`s_{min}` above :math:`p_{min}` that raises a warning.
        drift_threshold: Multiple of :math:`s_{min}` above :math:`p_{min}` that raises a drift.
        max_concept_size: Concept length beyond which the statistics are recomputed from the buffer.
        min_stable_concept_size: Length of the ring buffer of recent values.
        warning_limit: Length of a warning after which a drift is forced.

    Raises:
        ValidationError: If a parameter is out of range.
    """

    class Params(DetectorParams):
        """RDDM's parameters, with MOA's defaults."""

        warm_start: NonNegativeInteger = Field(129, description="Values to observe before a warning or drift.")
        warning_threshold: PositiveReal = Field(1.773, description="Multiple of s_min above p_min that warns.")
        drift_threshold: Real = Field(2.258, description="Multiple of s_min above p_min that is a drift.")
        max_concept_size: PositiveInteger = Field(
            40_000, description="Concept length beyond which the statistics are recomputed from the buffer."
        )
        min_stable_concept_size: PositiveInteger = Field(
            7_000,
            le=1_000_000,
            description="Length of the buffer of recent values (allocated whole: 8 MB at the bound).",
        )
        warning_limit: PositiveInteger = Field(1_400, description="Length of a warning after which a drift is forced.")

        @model_validator(mode="after")
        def _thresholds_ordered(self) -> Self:
            require_at_least(self, "drift_threshold", "warning_threshold")
            return self

    input_domain = "binary"

    def __init__(
        self,
        warm_start: int = 129,
        warning_threshold: float = 1.773,
        drift_threshold: float = 2.258,
        max_concept_size: int = 40_000,
        min_stable_concept_size: int = 7_000,
        warning_limit: int = 1_400,
    ) -> None:
        params = self.Params.parse(
            warm_start=warm_start,
            warning_threshold=warning_threshold,
            drift_threshold=drift_threshold,
            max_concept_size=max_concept_size,
            min_stable_concept_size=min_stable_concept_size,
            warning_limit=warning_limit,
        )
        super().__init__(params)
        self.warm_start = params.warm_start
        self.warning_threshold = params.warning_threshold
        self.drift_threshold = params.drift_threshold
        self.max_concept_size = params.max_concept_size
        self.min_stable_concept_size = params.min_stable_concept_size
        self.warning_limit = params.warning_limit
        self._drift_one = np.zeros(1, dtype=np.bool_)
        self._warning_one = np.zeros(1, dtype=np.bool_)
        self._change_one = np.full(1, -1, dtype=np.int64)
        self._value_one = np.zeros(1, dtype=np.float64)
        self._reset_statistics()

    def _reset_statistics(self) -> None:
        self._drift_detected = False
        self._warning_detected = False
        self._buffer = np.zeros(self.min_stable_concept_size, dtype=np.float64)
        self._ints = np.array([1, 0, 0, -1, -1, -1, 0, -1, _NO_REPLAY], dtype=np.int64)
        # p, s, p_min, s_min, ps_min (MOA starts p at 1; the first update overwrites it).
        self._floats = np.array([1.0, 0.0, math.inf, math.inf, math.inf], dtype=np.float64)

    def _adapt_after_drift(self) -> None:
        """Nothing to do here: the replay after a drift runs at the start of the next step."""

    def _step(self, x: float) -> None:
        self._value_one[0] = x
        self._run(self._value_one, self._n_seen - 1, self._drift_one, self._warning_one, self._change_one)
        self._drift_detected = bool(self._drift_one[0])
        self._warning_detected = bool(self._warning_one[0])

    def _change_start(self) -> int | None:
        start = int(self._change_one[0])
        return start if start >= 0 else None

    def _step_many(self, values: npt.NDArray[np.float64]) -> BatchFlags:
        size = values.size
        drift = np.empty(size, dtype=np.bool_)
        warning = np.empty(size, dtype=np.bool_)
        change_start = np.empty(size, dtype=np.int64)
        self._run(values, self._n_seen, drift, warning, change_start)
        self._drift_detected = bool(drift[-1])
        self._warning_detected = bool(warning[-1])
        self._change_one[0] = change_start[-1]  # as the per-sample path leaves it after its last step
        return BatchFlags(drift, warning, change_start)

    def _run(
        self,
        values: npt.NDArray[np.float64],
        offset: int,
        drift: npt.NDArray[np.bool_],
        warning: npt.NDArray[np.bool_],
        change_start: npt.NDArray[np.int64],
    ) -> None:
        thresholds = (self.warm_start, self.warning_threshold, self.drift_threshold)
        limits = (self.max_concept_size, self.warning_limit)
        _rddm_kernel(
            values, offset, self._buffer, self._ints, self._floats, *thresholds, *limits, drift, warning, change_start
        )

    def _statistics_state(self) -> dict[str, Any]:
        return {
            "buffer": self._buffer.tolist(),
            "ints": self._ints.tolist(),
            "floats": [encode_float(v) for v in self._floats.tolist()],
            "change_start": int(self._change_one[0]),
        }

    def _restore_statistics(self, state: dict[str, Any]) -> None:
        buffer = np.asarray(state["buffer"], dtype=np.float64)
        if buffer.shape != (self.min_stable_concept_size,) or len(state["ints"]) != len(self._ints):
            raise ValidationError("RDDM state does not match its parameters")
        self._buffer = buffer
        self._ints = np.asarray(state["ints"], dtype=np.int64)
        self._floats = np.array([decode_float(v) for v in state["floats"]], dtype=np.float64)
        self._change_one[0] = int(state["change_start"])


@inline_kernel
def _replay(
    buffer: npt.NDArray[np.float64],
    first: int,
    stored: int,
    warm_start: int,
    restart: bool,
    p_min: float,
    s_min: float,
    ps_min: float,
) -> tuple[int, float, float, float, float, float]:
    """Rebuild ``(n, p, s, p_min, s_min, ps_min)`` from the ``stored`` buffered values from ``first`` on.

    A new concept (``restart``) also looks for its minimum among them; an over-long one keeps its own.
    """
    size = buffer.shape[0]
    n, p, s = 1, 1.0, 0.0
    position = first
    for _ in range(stored):
        p = p + (buffer[position] - p) / n
        s = math.sqrt(p * (1.0 - p) / n)
        if restart and n > warm_start and p + s < ps_min:
            p_min, s_min, ps_min = p, s, p + s
        n += 1
        position = (position + 1) % size
    return n, p, s, p_min, s_min, ps_min


def _rddm_batch(
    values: npt.NDArray[np.float64],
    offset: int,
    buffer: npt.NDArray[np.float64],
    ints: npt.NDArray[np.int64],
    floats: npt.NDArray[np.float64],
    warm_start: int,
    warning_threshold: float,
    drift_threshold: float,
    max_concept_size: int,
    warning_limit: int,
    drift: npt.NDArray[np.bool_],
    warning: npt.NDArray[np.bool_],
    change_start: npt.NDArray[np.int64],
) -> None:
    """RDDM over a batch; the state vectors and the ring buffer are updated in place.

    One loop on purpose: the detector's statistics stay in local variables for the whole batch, which a
    split into functions would pass through arrays at every value.
    """
    size = buffer.shape[0]
    n, stored, first, last, warn_pos, warn_inst, inst, min_index, pending = (
        ints[0], ints[1], ints[2], ints[3], ints[4], ints[5], ints[6], ints[7], ints[8],
    )  # fmt: skip
    p, s, p_min, s_min, ps_min = floats[0], floats[1], floats[2], floats[3], floats[4]
    for i in range(values.shape[0]):
        drift[i] = False
        warning[i] = False
        change_start[i] = -1
        if pending != 0:
            restart = pending == 2
            min_index = -1
            if restart:
                p_min, s_min, ps_min = math.inf, math.inf, math.inf
            if warn_pos != -1:
                first = warn_pos
                stored = last - first + 1
                if stored <= 0:
                    stored += size
            n, p, s, p_min, s_min, ps_min = _replay(buffer, first, stored, warm_start, restart, p_min, s_min, ps_min)
            warn_pos, warn_inst, pending = -1, -1, 0
        x = values[i]
        last = (last + 1) % size
        buffer[last] = x
        if stored < size:
            stored += 1
        else:
            first = (first + 1) % size
            if warn_pos == last:
                warn_pos = -1
        p = p + (x - p) / n
        s = math.sqrt(p * (1.0 - p) / n)
        inst += 1
        n += 1
        if n <= warm_start:
            continue
        if p + s < ps_min:
            p_min, s_min, ps_min, min_index = p, s, p + s, offset + i
        if p + s > p_min + drift_threshold * s_min:
            drift[i] = True
            pending = 2
            if warn_inst == -1:
                first, stored = last, 1
        elif p + s > p_min + warning_threshold * s_min:
            if warn_inst != -1 and warn_inst + warning_limit <= inst:
                drift[i] = True
                pending = 2
                first, stored, warn_pos, warn_inst = last, 1, -1, -1
            else:
                warning[i] = True
                if warn_inst == -1:
                    warn_inst, warn_pos = inst, last
        else:
            warn_inst, warn_pos = -1, -1
        if drift[i]:
            change_start[i] = min_index + 1 if min_index >= 0 else -1
        elif n > max_concept_size and not warning[i]:
            pending = 1
    ints[0], ints[1], ints[2], ints[3], ints[4], ints[5], ints[6], ints[7], ints[8] = (
        n, stored, first, last, warn_pos, warn_inst, inst, min_index, pending,
    )  # fmt: skip
    floats[0], floats[1], floats[2], floats[3], floats[4] = p, s, p_min, s_min, ps_min


_rddm_kernel = kernel(_rddm_batch)
