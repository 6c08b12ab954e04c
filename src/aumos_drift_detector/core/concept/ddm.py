r"""DDM, the Drift Detection Method of Gama et al. (2004), with River's exact semantics by default.

DDM treats the error stream as Bernoulli trials. After ``n`` values it estimates the error rate
:math:`p_n` (a running mean) and its standard deviation :math:`s_n = \sqrt{p_n (1 - p_n) / n}`, and
remembers the pair :math:`(p_{min}, s_{min})` at which :math:`p_n + s_n` was lowest. Once more than
``warm_start`` values have been seen it raises

* a warning when :math:`p_n + s_n > p_{min} + w \cdot s_{min}` (``warning_threshold`` :math:`w`),
* a drift when :math:`p_n + s_n > p_{min} + d \cdot s_{min}` (``drift_threshold`` :math:`d`),

and it forgets everything at the update after a drift. With the default options the detection and
warning indices are exactly River 0.26.1's ``drift.binary.DDM`` on any stream: the running mean is
updated with River's arithmetic, operation for operation.

On long stable streams the stored minimum freezes. An early dip of the running mean, recorded while
:math:`s_{min}` was still large, can stay the lowest :math:`p + s` for ever, because
:math:`p_n + s_n` approaches the true rate from above as :math:`s_n` shrinks; the drift line
:math:`p_{min} + d \cdot s_{min}` then stays as wide as it was early in the concept, and a rise from
0.2 to 0.3 after 500,000 stable values can go unseen for tens of thousands of values.
``minimum_refresh=k`` forgets the stored minimum every ``k`` values of a concept (unless that
value raised a drift), so the next value re-anchors it at the current, precise estimate; a warning
that only existed because of the stale minimum ends there.
:class:`RDDM` is the published, fuller remedy. :class:`EDDM` is re-exported here for the historic import path.

>>> import numpy as np
>>> rng = np.random.default_rng(7)
>>> errors = np.concatenate([rng.random(2000) < 0.1, rng.random(2000) < 0.4])
>>> detector = DDM()
>>> result = detector.update_many(errors)
>>> [int(i) for i in result.drift_indices]
[2140]
"""

from __future__ import annotations

import math
from typing import Any, Self

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from aumos_drift_detector.core.compilation import kernel
from aumos_drift_detector.core.concept.base import DriftDetector
from aumos_drift_detector.core.concept.batch import BatchFlags
from aumos_drift_detector.core.concept.eddm import EDDM
from aumos_drift_detector.core.concept.params import (
    DetectorParams,
    NonNegativeInteger,
    PositiveInteger,
    PositiveReal,
    require_at_least,
)
from aumos_drift_detector.core.concept.state_format import decode_float, encode_float
from aumos_drift_detector.core.concept.stream_values import check_binary_value

__all__ = ["DDM", "EDDM"]


class DDM(DriftDetector):
    """Drift Detection Method on a stream of binary errors: 0 or 1 (1 = wrong prediction).

    Args:
        warm_start: Values to observe before any warning or drift can be raised (River's default 30).
        warning_threshold: Multiple of :math:`s_{min}` above :math:`p_{min}` that raises a warning.
        drift_threshold: Multiple of :math:`s_{min}` above :math:`p_{min}` that raises a drift; at least
            ``warning_threshold``.
        minimum_refresh: ``None`` (River and the paper) or ``k``: every ``k`` values of a concept the stored minimum
            is forgotten and re-anchored at the next value, so it cannot freeze.

    Raises:
        ValidationError: If a parameter is out of range.
    """

    class Params(DetectorParams):
        """DDM's parameters, with River's names and defaults."""

        warm_start: NonNegativeInteger = Field(30, description="Values to observe before any warning or drift.")
        warning_threshold: PositiveReal = Field(2.0, description="Multiple of s_min above p_min that warns.")
        drift_threshold: PositiveReal = Field(3.0, description="Multiple of s_min above p_min that is a drift.")
        minimum_refresh: PositiveInteger | None = Field(
            None, description="Forget the stored minimum every `minimum_refresh` values of a concept (None: never)."
        )

        @model_validator(mode="after")
        def _thresholds_ordered(self) -> Self:
            require_at_least(self, "drift_threshold", "warning_threshold")
            return self

    input_domain = "binary"

    def __init__(
        self,
        warm_start: int = 30,
        warning_threshold: float = 2.0,
        drift_threshold: float = 3.0,
        minimum_refresh: int | None = None,
    ) -> None:
        params = self.Params.parse(
            warm_start=warm_start,
            warning_threshold=warning_threshold,
            drift_threshold=drift_threshold,
            minimum_refresh=minimum_refresh,
        )
        super().__init__(params)
        self.warm_start = params.warm_start
        self.warning_threshold = params.warning_threshold
        self.drift_threshold = params.drift_threshold
        self.minimum_refresh = params.minimum_refresh
        # n % refresh is never 0 for the refresh used when the option is off.
        self._refresh = 2**62 if self.minimum_refresh is None else self.minimum_refresh
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
        self._step(x)
        if was_warning or self._warning_detected or self._drift_detected:
            self._record(was_warning)

    def _reset_statistics(self) -> None:
        self._drift_detected = False
        self._warning_detected = False
        self._n = 0
        self._p = 0.0
        self._p_min = 0.0
        self._s_min = 0.0
        self._ps_min = math.inf
        self._min_index = -1

    def _step(self, x: float) -> None:
        n = self._n + 1
        self._n = n
        p = self._p + (1.0 / n) * (x - self._p)
        self._p = p
        if n > self.warm_start:
            s = math.sqrt(p * (1.0 - p) / n)
            ps = p + s
            if ps <= self._ps_min:
                self._p_min = p
                self._s_min = s
                self._ps_min = ps
                self._min_index = self._n_seen - 1
            if ps > self._p_min + self.drift_threshold * self._s_min:
                self._drift_detected = True
                self._warning_detected = False
                return
            self._warning_detected = ps > self._p_min + self.warning_threshold * self._s_min
            if n % self._refresh == 0:
                self._ps_min = math.inf

    def _change_start(self) -> int | None:
        return self._min_index + 1 if self._min_index >= 0 else None

    def _step_many(self, values: npt.NDArray[np.float64]) -> BatchFlags:
        size = values.size
        drift = np.zeros(size, dtype=np.bool_)
        warning = np.zeros(size, dtype=np.bool_)
        change_start = np.full(size, -1, dtype=np.int64)
        self._n, self._p, self._p_min, self._s_min, self._ps_min, self._min_index = _ddm_kernel(
            values,
            self._n_seen,
            self._n,
            self._p,
            self._p_min,
            self._s_min,
            self._ps_min,
            self._min_index,
            self.warm_start,
            self.warning_threshold,
            self.drift_threshold,
            self._refresh,
            drift,
            warning,
            change_start,
        )
        self._drift_detected = bool(drift[-1])
        self._warning_detected = bool(warning[-1])
        return BatchFlags(drift, warning, change_start)

    def _statistics_state(self) -> dict[str, Any]:
        return {
            "n": self._n,
            "p": self._p,
            "p_min": self._p_min,
            "s_min": self._s_min,
            "ps_min": encode_float(self._ps_min),
            "min_index": self._min_index,
        }

    def _restore_statistics(self, state: dict[str, Any]) -> None:
        self._n = int(state["n"])
        self._p = float(state["p"])
        self._p_min = float(state["p_min"])
        self._s_min = float(state["s_min"])
        self._ps_min = decode_float(state["ps_min"])
        self._min_index = int(state["min_index"])


def _ddm_batch(
    values: npt.NDArray[np.float64],
    offset: int,
    n: int,
    p: float,
    p_min: float,
    s_min: float,
    ps_min: float,
    min_index: int,
    warm_start: int,
    warning_threshold: float,
    drift_threshold: float,
    refresh: int,
    drift: npt.NDArray[np.bool_],
    warning: npt.NDArray[np.bool_],
    change_start: npt.NDArray[np.int64],
) -> tuple[int, float, float, float, float, int]:
    """:meth:`DDM._step` over a batch, forgetting between a drift and the next value (not after the last)."""
    for i in range(values.shape[0]):
        if i > 0 and drift[i - 1]:
            n, p, p_min, s_min, ps_min, min_index = 0, 0.0, 0.0, 0.0, math.inf, -1
        n += 1
        p = p + (1.0 / n) * (values[i] - p)
        if n > warm_start:
            s = math.sqrt(p * (1.0 - p) / n)
            ps = p + s
            if ps <= ps_min:
                p_min, s_min, ps_min, min_index = p, s, ps, offset + i
            if ps > p_min + drift_threshold * s_min:
                drift[i] = True
                change_start[i] = min_index + 1 if min_index >= 0 else -1
                continue
            warning[i] = ps > p_min + warning_threshold * s_min
            if n % refresh == 0:
                ps_min = math.inf
    return n, p, p_min, s_min, ps_min, min_index


_ddm_kernel = kernel(_ddm_batch)
