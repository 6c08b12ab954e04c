r"""HDDM_A: drift detection with Hoeffding bounds on the running mean of the error.

Frías-Blanco et al. (2015) watch the mean of the error stream :math:`\bar z` against the mean of a
prefix of the stream, the *cut point*. The cut point :math:`\bar x` is moved to the present whenever
:math:`\bar x + \varepsilon_x \ge \bar z + \varepsilon_z` with the Hoeffding radius
:math:`\varepsilon_n = \sqrt{\ln(1/\delta_d) / (2n)}`, so it tracks the lowest plausible mean seen.
A drift (an increase of the mean) is declared when

.. math::

    \bar z - \bar x \ge \sqrt{\frac{m}{2}\ln\frac{2}{\delta}}, \qquad m = \frac{n_z - n_x}{n_x\,n_z},

with :math:`\delta` the drift confidence; the same test with the warning confidence raises a warning.
The two-sided variant also tracks a highest-mean cut point and flags decreases.

With default options the flags equal River 0.26.1's ``drift.binary.HDDM_A`` on every stream
(the same arithmetic in the same order). The estimated change start of a drift is the first value
after the cut point.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(7)
    >>> errors = np.concatenate([rng.random(1000) < 0.2, rng.random(1000) < 0.6]).astype(float)
    >>> detector = HDDM_A()
    >>> result = detector.update_many(errors)
    >>> [int(i) for i in result.drift_indices]
    [1041]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import Field

from aumos_drift_detector.core.concept.base import DriftDetector
from aumos_drift_detector.core.concept.batch import BatchFlags
from aumos_drift_detector.core.concept.params import DetectorParams, Flag, OpenUnit


class HDDM_A(DriftDetector):  # noqa: N801 - the algorithm's published name
    """Hoeffding drift detection on the running mean of errors or bounded losses in ``[0, 1]`` (1 = error).

    Args:
        drift_confidence: Significance of the drift test, in ``(0, 1)``.
        warning_confidence: Significance of the warning test, in ``(0, 1)``.
        two_sided_test: Also flag decreases of the error rate.

    Raises:
        ValidationError: If a parameter is out of range.
    """

    class Params(DetectorParams):
        """HDDM_A's parameters, with River's names and defaults."""

        drift_confidence: OpenUnit = Field(0.001, description="Significance of the drift test.")
        warning_confidence: OpenUnit = Field(0.005, description="Significance of the warning test.")
        two_sided_test: Flag = Field(False, description="Also flag decreases of the error rate.")

    input_domain = "unit_interval"

    def __init__(
        self, drift_confidence: float = 0.001, warning_confidence: float = 0.005, two_sided_test: bool = False
    ) -> None:
        params = self.Params.parse(
            drift_confidence=drift_confidence, warning_confidence=warning_confidence, two_sided_test=two_sided_test
        )
        super().__init__(params)
        self.drift_confidence = params.drift_confidence
        self.warning_confidence = params.warning_confidence
        self.two_sided_test = params.two_sided_test
        self._log_bound = math.log(1.0 / self.drift_confidence)
        self._log_drift = math.log(2.0 / self.drift_confidence)
        self._log_warning = math.log(2.0 / self.warning_confidence)
        self._reset_statistics()

    def _reset_statistics(self) -> None:
        # (count, mean) of the whole stream, of the low cut point and of the high cut point.
        self._z = (0.0, 0.0)
        self._low = (0.0, 0.0)
        self._high = (0.0, 0.0)
        self._cut = 0

    def _step(self, x: float) -> None:
        n, mean = self._z
        n += 1.0
        mean += (1.0 / n) * (x - mean)
        z = self._z = (n, mean)
        low = z if self._low[0] == 0.0 else self._low
        high = z if self._high[0] == 0.0 else self._high
        eps_z = math.sqrt(1.0 / (2 * n) * self._log_bound)
        if low[1] + math.sqrt(1.0 / (2 * low[0]) * self._log_bound) >= mean + eps_z:
            low = z
        if high[1] - math.sqrt(1.0 / (2 * high[0]) * self._log_bound) <= mean - eps_z:
            high = z
        self._low, self._high = low, high
        rise = _gap(low, z)
        drift = rise >= _radius(low[0], n, self._log_drift)
        warning = not drift and rise >= _radius(low[0], n, self._log_warning)
        self._cut = int(low[0])
        if self.two_sided_test:
            fall = _gap(z, high)
            if fall >= _radius(high[0], n, self._log_drift):
                if not drift:
                    self._cut = int(high[0])
                drift = True
            elif fall >= _radius(high[0], n, self._log_warning):
                warning = True
        self._drift_detected = drift
        self._warning_detected = warning

    def _change_start(self) -> int:
        return self._n_seen - int(self._z[0]) + self._cut

    def _step_many(self, values: npt.NDArray[np.float64]) -> BatchFlags:
        from aumos_drift_detector.core.concept.hddm_kernels import run_hddm_a

        stats = np.array([*self._z, *self._low, *self._high], dtype=np.float64)
        consts = np.array([self._log_bound, self._log_drift, self._log_warning], dtype=np.float64)
        drift, warning, change_start, cut = run_hddm_a(values, stats, consts, self.two_sided_test, self._n_seen)
        self._z = (float(stats[0]), float(stats[1]))
        self._low = (float(stats[2]), float(stats[3]))
        self._high = (float(stats[4]), float(stats[5]))
        self._cut = int(cut)
        return BatchFlags(drift, warning, change_start)

    def _statistics_state(self) -> dict[str, Any]:
        return {"z": list(self._z), "low": list(self._low), "high": list(self._high), "cut": self._cut}

    def _restore_statistics(self, state: dict[str, Any]) -> None:
        self._z = (float(state["z"][0]), float(state["z"][1]))
        self._low = (float(state["low"][0]), float(state["low"][1]))
        self._high = (float(state["high"][0]), float(state["high"][1]))
        self._cut = int(state["cut"])


def _gap(lower: tuple[float, float], upper: tuple[float, float]) -> float:
    """Difference of the means ``upper - lower``."""
    return upper[1] - lower[1]


def _radius(n_cut: float, n: float, log_term: float) -> float:
    """Hoeffding radius for the difference between a cut-point mean and the stream mean (inf if equal)."""
    if n_cut == n:
        return math.inf
    m = (n - n_cut) / n_cut * (1.0 / n)
    return math.sqrt(m / 2 * log_term)
