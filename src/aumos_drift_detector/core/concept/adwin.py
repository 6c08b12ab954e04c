r"""ADWIN: adaptive windowing (Bifet & Gavaldà, 2007).

ADWIN keeps a window of recent values, summarised in an exponential histogram of buckets (see
:mod:`.adwin_kernel`), and shrinks it whenever two adjacent sub-windows :math:`W_0` (older, size
:math:`n_0`) and :math:`W_1` (newer, :math:`n_1`) have means further apart than

.. math::

    \varepsilon = \sqrt{\frac{2}{m}\,\sigma_W^2\,\delta'} + \frac{2}{3m}\,\delta', \qquad
    \frac{1}{m} = \frac{1}{n_0 - \ell + 1} + \frac{1}{n_1 - \ell + 1}, \qquad
    \delta' = \ln\frac{2 \ln |W|}{\delta},

where :math:`\sigma_W^2` is the window variance and :math:`\ell` the minimum sub-window length.
Cuts are searched every ``clock`` values once the window holds more than ``grace_period`` values;
every cut drops the oldest bucket and the search repeats until no cut remains. An update that cut
the window raises a drift. ``change_start`` of a drift is the first value left in the window.

River 0.26.1 then forgets the whole window at the next update (``reset_on_drift=True``, the
default, which gives exactly River's detections). The paper and MOA keep the shrunken window, which
already describes the new concept: pass ``reset_on_drift=False`` for that behaviour.

Values are real numbers (not only errors). Because flags can only change on a clock tick,
``update`` buffers values and processes them in compiled code when a tick is due.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(12345)
    >>> stream = np.concatenate([rng.integers(0, 2, 1000), rng.integers(4, 8, 1000)])
    >>> detector = ADWIN()
    >>> [int(i) for i in detector.update_many(stream).drift_indices]
    [1023]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import Field

from aumos_drift_detector.core.concept.adwin_kernel import MAX_LEVELS, ring_capacity, run_adwin
from aumos_drift_detector.core.concept.base import DriftDetector
from aumos_drift_detector.core.concept.batch import BatchFlags
from aumos_drift_detector.core.concept.params import DetectorParams, Flag, NonNegativeInteger, OpenUnit, PositiveInteger
from aumos_drift_detector.core.concept.results import DriftEvent
from aumos_drift_detector.core.concept.state_format import decode_float, encode_float
from aumos_drift_detector.core.concept.stream_values import check_real_value


class ADWIN(DriftDetector):
    """Adaptive windowing drift detector for real-valued streams.

    Args:
        delta: Significance of the cut test, in ``(0, 1)``; smaller means fewer false alarms.
        clock: Search for cuts every ``clock`` values (1 = every value).
        max_buckets: Buckets kept per level before the two oldest merge (>= 1).
        min_window_length: Minimum size of each sub-window in a cut (>= 1).
        grace_period: No cut is searched while the window holds this many values or fewer.
        reset_on_drift: Forget the whole window at the update after a drift (River). ``False``
            keeps the shrunken window and the clock phase (paper and MOA).

    Raises:
        ValidationError: If a parameter is out of range.
    """

    class Params(DetectorParams):
        """ADWIN's parameters, with River's names and defaults."""

        delta: OpenUnit = Field(0.002, description="Significance of the cut test; smaller means fewer false alarms.")
        clock: PositiveInteger = Field(32, description="Search for cuts every `clock` values (1 = every value).")
        max_buckets: PositiveInteger = Field(
            5,
            le=1_000,
            description="Buckets kept per level before the two oldest merge (every level is allocated "
            "at this capacity: about 1 MB at the bound).",
        )
        min_window_length: PositiveInteger = Field(5, description="Minimum size of each sub-window in a cut.")
        grace_period: NonNegativeInteger = Field(
            10, description="No cut is searched while the window holds this many values or fewer."
        )
        reset_on_drift: Flag = Field(
            True, description="Forget the window after a drift (River); false keeps the shrunken window (MOA)."
        )

    input_domain = "real"

    def __init__(
        self,
        delta: float = 0.002,
        clock: int = 32,
        max_buckets: int = 5,
        min_window_length: int = 5,
        grace_period: int = 10,
        reset_on_drift: bool = True,
    ) -> None:
        params = self.Params.parse(
            delta=delta,
            clock=clock,
            max_buckets=max_buckets,
            min_window_length=min_window_length,
            grace_period=grace_period,
            reset_on_drift=reset_on_drift,
        )
        super().__init__(params)
        self.delta = params.delta
        self.clock = params.clock
        self.max_buckets = params.max_buckets
        self.min_window_length = params.min_window_length
        self.grace_period = params.grace_period
        self.reset_on_drift = params.reset_on_drift
        self._settings = np.array(
            [self.delta, self.min_window_length, self.grace_period, self.max_buckets], dtype=np.float64
        )
        self._last_cut = 0
        self._reset_statistics()

    # ------------------------------------------------------------------ window statistics
    @property
    def width(self) -> int:
        """Number of values in the current window."""
        self._materialise()
        return int(self._window[2])

    @property
    def total(self) -> float:
        """Sum of the values in the window."""
        self._materialise()
        return float(self._window[0])

    @property
    def variance(self) -> float:
        """Population variance of the values in the window (0 when empty)."""
        self._materialise()
        width = self._window[2]
        return float(self._window[1] / width) if width else 0.0

    @property
    def estimation(self) -> float:
        """Mean of the window (0 when empty)."""
        self._materialise()
        width = self._window[2]
        return float(self._window[0] / width) if width else 0.0

    # ------------------------------------------------------------------------- updates
    def update(self, x: float) -> None:
        """Consume one real value (see :class:`DriftDetector`).

        Args:
            x: The next value.

        Raises:
            ValidationError: If ``x`` is not a finite real number.
        """
        if type(x) is not float or x - x != 0.0:
            x = check_real_value(x)
        if self._drift_detected:
            self._adapt_after_drift()
        self._n_seen += 1
        self._pending.append(x)
        self._countdown -= 1
        if self._countdown:
            self._drift_detected = False
        else:
            self._flush()
            if self._drift_detected:
                self._n_detections += 1
                self._last_drift = DriftEvent(self._n_seen - 1, self._last_cut, None)

    def _step(self, x: float) -> None:
        self._pending.append(x)
        self._countdown -= 1
        self._drift_detected = False
        if not self._countdown:
            self._flush()

    def _change_start(self) -> int:
        return self._last_cut

    def _flush(self) -> None:
        """Process the buffered values; the last one falls on a clock tick or the buffer is partial."""
        values = np.array(self._pending, dtype=np.float64)
        self._pending.clear()
        drift, change_start = self._run(values, self._n_seen - values.size)
        self._drift_detected = bool(drift[-1])
        if self._drift_detected:
            self._last_cut = int(change_start[-1])

    def _materialise(self) -> None:
        if self._pending:
            self._flush()

    def _run(self, values: npt.NDArray[np.float64], seen: int) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
        result = run_adwin(
            values,
            self._totals,
            self._variances,
            self._counts,
            self._heads,
            self._window,
            self._clock_state,
            self._settings,
            self.clock,
            self.reset_on_drift,
            seen,
        )
        self._countdown = self.clock - int(self._clock_state[0]) % self.clock
        return result

    def _step_many(self, values: npt.NDArray[np.float64]) -> BatchFlags:
        self._materialise()
        drift, change_start = self._run(values, self._n_seen)
        if drift[-1]:
            self._last_cut = int(change_start[-1])
        return BatchFlags(drift, np.zeros(values.size, dtype=np.bool_), change_start)

    def _adapt_after_drift(self) -> None:
        if self.reset_on_drift:
            self._reset_statistics()

    def _reset_statistics(self) -> None:
        capacity = ring_capacity(self.max_buckets)
        self._totals = np.zeros((MAX_LEVELS, capacity), dtype=np.float64)
        self._variances = np.zeros((MAX_LEVELS, capacity), dtype=np.float64)
        self._counts = np.zeros(MAX_LEVELS, dtype=np.int64)
        self._heads = np.zeros(MAX_LEVELS, dtype=np.int64)
        self._window = np.zeros(3, dtype=np.float64)
        self._clock_state = np.array([0, 1], dtype=np.int64)
        self._pending: list[float] = []
        self._countdown = self.clock

    # --------------------------------------------------------------------------- state

    def _statistics_state(self) -> dict[str, Any]:
        self._materialise()
        levels = []
        mask = self._totals.shape[1] - 1
        for level in range(int(self._clock_state[1])):
            slots = (int(self._heads[level]) + np.arange(int(self._counts[level]))) & mask
            totals = self._totals[level, slots].tolist()
            variances = self._variances[level, slots].tolist()
            levels.append([[encode_float(t), encode_float(v)] for t, v in zip(totals, variances, strict=True)])
        return {
            "levels": levels,
            "window": [encode_float(value) for value in self._window.tolist()],
            "tick": int(self._clock_state[0]),
        }

    def _restore_statistics(self, state: dict[str, Any]) -> None:
        self._reset_statistics()
        for level, buckets in enumerate(state["levels"]):
            self._counts[level] = len(buckets)
            for slot, (total, variance) in enumerate(buckets):
                self._totals[level, slot] = decode_float(total)
                self._variances[level, slot] = decode_float(variance)
        self._window[:] = [decode_float(value) for value in state["window"]]
        self._clock_state[:] = [int(state["tick"]), max(1, len(state["levels"]))]
        self._countdown = self.clock - int(state["tick"]) % self.clock
