r"""EDDM, the Early Drift Detection Method of Baena-García et al. (2006), River-exact by default.

EDDM watches the *distance* between consecutive errors rather than the error rate: while a model
improves or holds steady, errors are spread out; when the concept changes they bunch up. At each
error it updates the mean :math:`p'` and standard deviation :math:`s'` of the distances and keeps
the largest :math:`p' + 2 s'` seen so far. Once more than ``warm_start`` values *and* more than
``warm_start`` errors have been seen, the ratio :math:`(p' + 2 s') / \max(p' + 2 s')` raises

* a drift when it falls below ``beta``,
* a warning when it falls below ``alpha`` (the flag is only re-evaluated at errors, as in River).

Input is binary (0 or 1, 1 = an error). With the defaults the detection and warning indices
are exactly River 0.26.1's ``drift.binary.EDDM``. River, like this default, uses the *sample*
standard deviation (``ddof=1``); the paper and MOA use the population one: pass ``ddof=0``.

>>> import numpy as np
>>> rng = np.random.default_rng(7)
>>> errors = np.concatenate([rng.random(3000) < 0.1, rng.random(1000) < 0.5])
>>> detector = EDDM()
>>> result = detector.update_many(errors)
>>> [int(i) for i in result.drift_indices if i >= 3000][:1]
[3102]
"""

from __future__ import annotations

from typing import Any, Self

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from aumos_drift_detector.core.compilation import kernel
from aumos_drift_detector.core.concept.base import DriftDetector
from aumos_drift_detector.core.concept.batch import BatchFlags
from aumos_drift_detector.core.concept.params import (
    DetectorParams,
    Integer,
    NonNegativeInteger,
    UnitUpperClosed,
    require_at_least,
)
from aumos_drift_detector.core.concept.stream_values import check_binary_value

__all__ = ["EDDM"]


class EDDM(DriftDetector):
    """Early Drift Detection Method on a stream of binary errors: 0 or 1 (1 = wrong prediction).

    Args:
        warm_start: Values, and errors, to observe before a warning or drift can be raised.
        alpha: Warning level in ``(0, 1]``; the ratio falling below it raises a warning.
        beta: Drift level in ``(0, 1]``, at most ``alpha``; the ratio falling below it raises a drift.
        ddof: Delta degrees of freedom of the distance standard deviation: 1 (sample, River) or 0
            (population, the paper and MOA).

    Raises:
        ValidationError: If a parameter is out of range.
    """

    class Params(DetectorParams):
        """EDDM's parameters, with River's names and defaults."""

        warm_start: NonNegativeInteger = Field(30, description="Values, and errors, to observe before any alarm.")
        alpha: UnitUpperClosed = Field(0.95, description="Warning level: the ratio falling below it raises a warning.")
        beta: UnitUpperClosed = Field(0.9, description="Drift level, at most `alpha`: the ratio below it is a drift.")
        ddof: Integer = Field(1, ge=0, le=1, description="1: sample standard deviation (River); 0: population (MOA).")

        @model_validator(mode="after")
        def _levels_ordered(self) -> Self:
            require_at_least(self, "alpha", "beta")
            return self

    input_domain = "binary"

    def __init__(self, warm_start: int = 30, alpha: float = 0.95, beta: float = 0.9, ddof: int = 1) -> None:
        params = self.Params.parse(warm_start=warm_start, alpha=alpha, beta=beta, ddof=ddof)
        super().__init__(params)
        self.warm_start = params.warm_start
        self.alpha = params.alpha
        self.beta = params.beta
        self.ddof = params.ddof
        self._reset_statistics()

    def update(self, x: float) -> None:
        """Consume one error value (see :meth:`DriftDetector.update`; this is the same, inlined for speed).

        Args:
            x: The next error, 0 or 1 (1 = wrong prediction).

        Raises:
            ValidationError: If the value is not the number 0 or 1.
        """
        kind = type(x)
        if not ((kind is float or kind is int) and (x == 0.0 or x == 1.0)):
            x = check_binary_value(x)
        if self._drift_detected:
            self._reset_statistics()
            self._warning_start = None
        self._n_seen += 1
        was_warning = self._warning_detected
        if x == 1.0:
            self._step(x)
        else:
            self._n += 1
        if was_warning or self._warning_detected or self._drift_detected:
            self._record(was_warning)

    def _reset_statistics(self) -> None:
        self._drift_detected = False
        self._warning_detected = False
        self._n = 0
        self._last_error = 0
        self._n_errors = 0
        self._mean = 0.0
        self._m2 = 0.0
        self._p2s_max = -1.0
        self._max_index = -1

    def _step(self, x: float) -> None:
        n = self._n + 1
        self._n = n
        if x != 1.0:
            return
        n_errors = self._n_errors + 1
        self._n_errors = n_errors
        distance = n - self._last_error
        self._last_error = n
        old_mean = self._mean
        mean = old_mean + (1.0 / n_errors) * (distance - old_mean)
        self._mean = mean
        self._m2 += (distance - old_mean) * (distance - mean)
        if n <= self.warm_start:
            return
        variance = self._m2 / (n_errors - self.ddof) if n_errors > self.ddof else 0.0
        p2s = mean + 2 * variance**0.5
        if p2s > self._p2s_max:
            self._p2s_max = p2s
            self._max_index = self._n_seen - 1
        elif n_errors > self.warm_start:
            level = p2s / self._p2s_max
            if level < self.beta:
                self._drift_detected = True
            else:
                self._warning_detected = level < self.alpha

    def _change_start(self) -> int | None:
        return self._max_index + 1 if self._max_index >= 0 else None

    def _step_many(self, values: npt.NDArray[np.float64]) -> BatchFlags:
        size = values.size
        drift = np.zeros(size, dtype=np.bool_)
        warning = np.zeros(size, dtype=np.bool_)
        change_start = np.full(size, -1, dtype=np.int64)
        counters = np.array([self._n, self._last_error, self._n_errors, self._max_index], dtype=np.int64)
        moments = np.array([self._mean, self._m2, self._p2s_max], dtype=np.float64)
        _eddm_kernel(
            values,
            self._n_seen,
            counters,
            moments,
            self._warning_detected,
            self.warm_start,
            self.alpha,
            self.beta,
            self.ddof,
            0.5,
            drift,
            warning,
            change_start,
        )
        self._n, self._last_error, self._n_errors, self._max_index = (int(v) for v in counters)
        self._mean, self._m2, self._p2s_max = (float(v) for v in moments)
        self._drift_detected = bool(drift[-1])
        self._warning_detected = bool(warning[-1])
        return BatchFlags(drift, warning, change_start)

    def _statistics_state(self) -> dict[str, Any]:
        return {
            "n": self._n,
            "last_error": self._last_error,
            "n_errors": self._n_errors,
            "mean": self._mean,
            "m2": self._m2,
            "p2s_max": self._p2s_max,
            "max_index": self._max_index,
        }

    def _restore_statistics(self, state: dict[str, Any]) -> None:
        self._n = int(state["n"])
        self._last_error = int(state["last_error"])
        self._n_errors = int(state["n_errors"])
        self._mean = float(state["mean"])
        self._m2 = float(state["m2"])
        self._p2s_max = float(state["p2s_max"])
        self._max_index = int(state["max_index"])


def _eddm_batch(
    values: npt.NDArray[np.float64],
    offset: int,
    counters: npt.NDArray[np.int64],
    moments: npt.NDArray[np.float64],
    warn: bool,
    warm_start: int,
    alpha: float,
    beta: float,
    ddof: int,
    half: float,
    drift: npt.NDArray[np.bool_],
    warning: npt.NDArray[np.bool_],
    change_start: npt.NDArray[np.int64],
) -> None:
    """:meth:`EDDM._step` over a batch; ``counters`` and ``moments`` are updated in place.

    ``half`` is 0.5 passed at run time: a literal exponent lets the compiler turn ``** 0.5`` into a
    square root, which rounds differently from the C library's ``pow`` that Python (and River) call.

    One loop on purpose: the detector's statistics stay in local variables for the whole batch, which a
    split into functions would pass through arrays at every value.
    """
    n, last_error, n_errors, max_index = counters[0], counters[1], counters[2], counters[3]
    mean, m2, p2s_max = moments[0], moments[1], moments[2]
    for i in range(values.shape[0]):
        if i > 0 and drift[i - 1]:
            n, last_error, n_errors, max_index, mean, m2, p2s_max, warn = 0, 0, 0, -1, 0.0, 0.0, -1.0, False
        n += 1
        if values[i] == 1.0:
            n_errors += 1
            distance = n - last_error
            last_error = n
            old_mean = mean
            mean = old_mean + (1.0 / n_errors) * (distance - old_mean)
            m2 += (distance - old_mean) * (distance - mean)
            if n > warm_start:
                variance = m2 / (n_errors - ddof) if n_errors > ddof else 0.0
                p2s = mean + 2 * variance**half
                if p2s > p2s_max:
                    p2s_max = p2s
                    max_index = offset + i
                elif n_errors > warm_start:
                    level = p2s / p2s_max
                    if level < beta:
                        drift[i] = True
                        change_start[i] = max_index + 1 if max_index >= 0 else -1
                    else:
                        warn = level < alpha
        warning[i] = warn
    counters[0], counters[1], counters[2], counters[3] = n, last_error, n_errors, max_index
    moments[0], moments[1], moments[2] = mean, m2, p2s_max


_eddm_kernel = kernel(_eddm_batch)
