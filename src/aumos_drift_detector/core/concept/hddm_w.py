r"""HDDM_W: drift detection with McDiarmid bounds on exponentially weighted error means.

Frías-Blanco et al. (2015) keep an exponentially weighted moving average (EWMA, weight
:math:`\lambda` on the newest value) of the whole stream together with its *independent bound
condition* :math:`c \leftarrow \lambda^2 + (1-\lambda)^2 c` (starting at 1). The cut point moves to
the present whenever the stream EWMA plus its McDiarmid radius
:math:`\sqrt{c \ln(1/\delta) / 2}` reaches a new minimum; from then on a second EWMA follows only the
values after the cut. A drift (an increase) is declared when the post-cut EWMA exceeds the cut-point
EWMA by more than :math:`\sqrt{(c_1 + c_2)\ln(1/\delta)/2}`; the warning confidence gives the warning.
The two-sided variant mirrors this with a maximum to flag decreases.

The EWMA starts at the first value it sees (as River's ``stats.EWMean`` does). With default options
the flags equal River 0.26.1's ``drift.binary.HDDM_W`` on every stream. The estimated change start of
a drift is the first value after the cut point.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(7)
    >>> errors = np.concatenate([rng.random(1000) < 0.2, rng.random(1000) < 0.6]).astype(float)
    >>> detector = HDDM_W()
    >>> result = detector.update_many(errors)
    >>> [int(i) for i in result.drift_indices]
    [1015, 1729]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import Field

from aumos_drift_detector.core.concept.base import DriftDetector
from aumos_drift_detector.core.concept.batch import BatchFlags
from aumos_drift_detector.core.concept.params import DetectorParams, Flag, OpenUnit, UnitUpperClosed
from aumos_drift_detector.core.concept.state_format import decode_float, encode_float
from aumos_drift_detector.core.concept.stream_values import check_error_value

# An EWMA summary: (has seen a value, weighted mean, independent bound condition).
_Summary = tuple[bool, float, float]
_EMPTY: _Summary = (False, 0.0, 1.0)


class HDDM_W(DriftDetector):  # noqa: N801 - the algorithm's published name
    """McDiarmid drift detection on weighted means of errors or bounded losses in ``[0, 1]`` (1 = error).

    Args:
        drift_confidence: Significance of the drift test, in ``(0, 1)``.
        warning_confidence: Significance of the warning test, in ``(0, 1)``.
        lambda_val: Weight of the newest value in the moving averages, in ``(0, 1]``.
        two_sided_test: Also flag decreases of the error rate.

    Raises:
        ValidationError: If a parameter is out of range.
    """

    class Params(DetectorParams):
        """HDDM_W's parameters, with River's names and defaults."""

        drift_confidence: OpenUnit = Field(0.001, description="Significance of the drift test.")
        warning_confidence: OpenUnit = Field(0.005, description="Significance of the warning test.")
        lambda_val: UnitUpperClosed = Field(0.05, description="Weight of the newest value in the moving averages.")
        two_sided_test: Flag = Field(False, description="Also flag decreases of the error rate.")

    input_domain = "unit_interval"

    def __init__(
        self,
        drift_confidence: float = 0.001,
        warning_confidence: float = 0.005,
        lambda_val: float = 0.05,
        two_sided_test: bool = False,
    ) -> None:
        params = self.Params.parse(
            drift_confidence=drift_confidence,
            warning_confidence=warning_confidence,
            lambda_val=lambda_val,
            two_sided_test=two_sided_test,
        )
        super().__init__(params)
        self.drift_confidence = params.drift_confidence
        self.warning_confidence = params.warning_confidence
        self.lambda_val = params.lambda_val
        self.two_sided_test = params.two_sided_test
        self._weights = (self.lambda_val, 1.0 - self.lambda_val, self.lambda_val**2, (1 - self.lambda_val) ** 2)
        self._log_drift = math.log(1 / self.drift_confidence)
        self._log_warning = math.log(1 / self.warning_confidence)
        self._reset_statistics()

    def _reset_statistics(self) -> None:
        # Five weighted-mean summaries (seen, mean, bound condition): the stream (t), the stream at the
        # increase cut point (ic) and the values after it (ia), the same for decreases (dc, da).
        self._t_seen, self._t_mean, self._t_ibc = _EMPTY
        self._ic_seen, self._ic_mean, self._ic_ibc = _EMPTY
        self._ia_seen, self._ia_mean, self._ia_ibc = _EMPTY
        self._dc_seen, self._dc_mean, self._dc_ibc = _EMPTY
        self._da_seen, self._da_mean, self._da_ibc = _EMPTY
        self._incr_cut = math.inf
        self._decr_cut = -math.inf
        self._incr_cut_index = 0
        self._decr_cut_index = 0
        self._cut_index = 0

    def update(self, x: float) -> None:
        """Consume one error value (see :meth:`DriftDetector.update`; this is the same, inlined for speed).

        Args:
            x: The next error in ``[0, 1]`` (1 = wrong prediction).

        Raises:
            ValidationError: If the value is not a number in ``[0, 1]``.
        """
        kind = type(x)
        if not ((kind is float or kind is int) and 0.0 <= x <= 1.0):
            x = check_error_value(x)
        if self._drift_detected:
            self._reset_statistics()
        self._n_seen += 1
        was_warning = self._warning_detected
        self._step(x)
        if was_warning or self._warning_detected or self._drift_detected:
            self._record(was_warning)

    def _step(self, x: float) -> None:
        lam, rest, lam_sq, rest_sq = self._weights
        log_drift = self._log_drift
        mean = lam * x + rest * self._t_mean if self._t_seen else x + 0.0
        ibc = lam_sq + rest_sq * self._t_ibc
        self._t_seen, self._t_mean, self._t_ibc = True, mean, ibc
        eps = math.sqrt(ibc * log_drift / 2)
        drift = warning = False
        if mean + eps < self._incr_cut:
            self._incr_cut = mean + eps
            self._ic_seen, self._ic_mean, self._ic_ibc = True, mean, ibc
            self._ia_seen, self._ia_mean, self._ia_ibc = _EMPTY
            self._incr_cut_index = self._n_seen
        else:
            after = lam * x + rest * self._ia_mean if self._ia_seen else x + 0.0
            after_ibc = lam_sq + rest_sq * self._ia_ibc
            self._ia_seen, self._ia_mean, self._ia_ibc = True, after, after_ibc
            if self._ic_seen:
                rise, spread = after - self._ic_mean, self._ic_ibc + after_ibc
                drift = rise > math.sqrt(spread * log_drift / 2)
                warning = not drift and rise > math.sqrt(spread * self._log_warning / 2)
        if mean - eps > self._decr_cut:
            self._decr_cut = mean - eps
            self._dc_seen, self._dc_mean, self._dc_ibc = True, mean, ibc
            self._da_seen, self._da_mean, self._da_ibc = _EMPTY
            self._decr_cut_index = self._n_seen
        else:
            self._da_mean = lam * x + rest * self._da_mean if self._da_seen else x + 0.0
            self._da_seen, self._da_ibc = True, lam_sq + rest_sq * self._da_ibc
        self._cut_index = self._incr_cut_index
        if self.two_sided_test:
            drift, warning = self._decrease_flags(drift, warning)
        self._drift_detected = drift
        self._warning_detected = warning

    def _decrease_flags(self, drift: bool, warning: bool) -> tuple[bool, bool]:
        before: _Summary = (self._da_seen, self._da_mean, self._da_ibc)
        after: _Summary = (self._dc_seen, self._dc_mean, self._dc_ibc)
        if _mean_rose(before, after, self._log_drift):
            if not drift:
                self._cut_index = self._decr_cut_index
            return True, warning
        if _mean_rose(before, after, self._log_warning):
            return drift, True
        return drift, warning

    def _change_start(self) -> int:
        return self._cut_index

    def _pack(self) -> npt.NDArray[np.float64]:
        parts = [self._t_seen, self._t_mean, self._t_ibc, self._ic_seen, self._ic_mean, self._ic_ibc]
        parts += [self._ia_seen, self._ia_mean, self._ia_ibc, self._dc_seen, self._dc_mean, self._dc_ibc]
        parts += [self._da_seen, self._da_mean, self._da_ibc]
        parts += [self._incr_cut, self._decr_cut, self._incr_cut_index, self._decr_cut_index]
        return np.array(parts, dtype=np.float64)

    def _unpack(self, stats: list[float]) -> None:
        self._t_seen, self._t_mean, self._t_ibc = bool(stats[0]), stats[1], stats[2]
        self._ic_seen, self._ic_mean, self._ic_ibc = bool(stats[3]), stats[4], stats[5]
        self._ia_seen, self._ia_mean, self._ia_ibc = bool(stats[6]), stats[7], stats[8]
        self._dc_seen, self._dc_mean, self._dc_ibc = bool(stats[9]), stats[10], stats[11]
        self._da_seen, self._da_mean, self._da_ibc = bool(stats[12]), stats[13], stats[14]
        self._incr_cut, self._decr_cut = stats[15], stats[16]
        self._incr_cut_index, self._decr_cut_index = int(stats[17]), int(stats[18])

    def _step_many(self, values: npt.NDArray[np.float64]) -> BatchFlags:
        from aumos_drift_detector.core.concept.hddm_kernels import run_hddm_w

        stats = self._pack()
        consts = np.array([*self._weights, self._log_drift, self._log_warning], dtype=np.float64)
        drift, warning, change_start = run_hddm_w(values, stats, consts, self.two_sided_test, self._n_seen)
        self._unpack(stats.tolist())
        return BatchFlags(drift, warning, change_start)

    def _statistics_state(self) -> dict[str, Any]:
        return {"packed": [encode_float(value) for value in self._pack().tolist()]}

    def _restore_statistics(self, state: dict[str, Any]) -> None:
        self._unpack([decode_float(value) for value in state["packed"]])


def _mean_rose(before: _Summary, after: _Summary, log_term: float) -> bool:
    """Whether ``after``'s weighted mean exceeds ``before``'s by more than the McDiarmid radius."""
    if not (before[0] and after[0]):
        return False
    return after[1] - before[1] > math.sqrt((before[2] + after[2]) * log_term / 2)
