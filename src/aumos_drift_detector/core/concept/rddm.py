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
from typing import Any

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.compilation import kernel
from aumos_drift_detector.core.concept.base import DriftDetector, StreamKind, decode_float, encode_float
from aumos_drift_detector.core.concept.batch import BatchFlags
from aumos_drift_detector.core.concept.parameters import require_int, require_real
from aumos_drift_detector.core.errors import ValidationError

__all__ = ["RDDM"]

#: Largest stable concept replayed after a drift: its buffer is allocated whole (8 MB at the bound).
MAX_STABLE_CONCEPT_SIZE = 1_000_000

# Positions in the integer state vector.
_N, _STORED, _FIRST, _LAST, _WARN_POS, _WARN_INST, _INST, _MIN_INDEX, _PENDING = range(9)
_NO_REPLAY, _REFRESH, _RESTART = 0, 1, 2


class RDDM(DriftDetector):
    """Reactive Drift Detection Method on a stream of errors in ``[0, 1]`` (1 = wrong prediction).

    Args:
        warm_start: MOA's ``minNumInstances``: values before a warning or drift can be raised.
        warning_threshold: Multiple of :math:`s_{min}` above :math:`p_{min}` that raises a warning.
        drift_threshold: Multiple of :math:`s_{min}` above :math:`p_{min}` that raises a drift.
        max_concept_size: Concept length beyond which the statistics are recomputed from the buffer.
        min_stable_concept_size: Length of the ring buffer of recent values (at most
            :data:`MAX_STABLE_CONCEPT_SIZE`).
        warning_limit: Length of a warning after which a drift is forced.

    Raises:
        ValidationError: If a parameter is out of range.
    """

    stream_kind = StreamKind.ERROR

    def __init__(
        self,
        warm_start: int = 129,
        warning_threshold: float = 1.773,
        drift_threshold: float = 2.258,
        max_concept_size: int = 40_000,
        min_stable_concept_size: int = 7_000,
        warning_limit: int = 1_400,
    ) -> None:
        super().__init__()
        self.warm_start = require_int("warm_start", warm_start, minimum=0)
        self.warning_threshold = require_real("warning_threshold", warning_threshold)
        self.drift_threshold = require_real("drift_threshold", drift_threshold)
        if not 0.0 < self.warning_threshold <= self.drift_threshold:
            raise ValidationError(
                "thresholds must satisfy 0 < warning_threshold <= drift_threshold, got "
                f"{self.warning_threshold} and {self.drift_threshold}",
                details={"parameter": "warning_threshold"},
            )
        self.max_concept_size = require_int("max_concept_size", max_concept_size, minimum=1)
        self.min_stable_concept_size = require_int(
            "min_stable_concept_size", min_stable_concept_size, minimum=1, maximum=MAX_STABLE_CONCEPT_SIZE
        )
        self.warning_limit = require_int("warning_limit", warning_limit, minimum=1)
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

    def _params(self) -> dict[str, Any]:
        return {
            "warm_start": self.warm_start,
            "warning_threshold": self.warning_threshold,
            "drift_threshold": self.drift_threshold,
            "max_concept_size": self.max_concept_size,
            "min_stable_concept_size": self.min_stable_concept_size,
            "warning_limit": self.warning_limit,
        }

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
    """RDDM over a batch; the state vectors and the ring buffer are updated in place."""
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
            n, p, s, min_index = 1, 1.0, 0.0, -1
            if restart:
                p_min, s_min, ps_min = math.inf, math.inf, math.inf
            if warn_pos != -1:
                first = warn_pos
                stored = last - first + 1
                if stored <= 0:
                    stored += size
            pos = first
            for _ in range(stored):
                p = p + (buffer[pos] - p) / n
                s = math.sqrt(p * (1.0 - p) / n)
                if restart and n > warm_start and p + s < ps_min:
                    p_min, s_min, ps_min = p, s, p + s
                n += 1
                pos = (pos + 1) % size
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
