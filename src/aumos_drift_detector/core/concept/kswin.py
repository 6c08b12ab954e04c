r"""KSWIN: Kolmogorov-Smirnov windowing (Raab, Heusinger & Schleif, 2020).

KSWIN keeps a sliding window :math:`\Psi` of the last ``window_size`` values. Once it is full, on
every value it compares the newest ``stat_size`` values :math:`R` with ``stat_size`` values drawn
uniformly without replacement from the older part :math:`W` of the window, using the two-sample
Kolmogorov-Smirnov test. A drift is declared when the p-value is at most ``alpha`` and the
statistic exceeds 0.1 (River's rule).

The draw is made with Python's Mersenne Twister exactly as River does (``random.Random(seed)``
and ``Random.sample``), and the p-value is SciPy's exact one for equal sample sizes, so with default
options the detections equal River 0.26.1's ``drift.KSWIN`` for the same ``seed``. River then
forgets the window and re-seeds the generator at the next update (``reset_on_drift=True``); the
paper keeps the newest ``stat_size`` values as the start of the new window and continues the
generator (``reset_on_drift=False``). With ``seed=None`` every reset draws fresh entropy, as in River.

The estimated change start of a drift is the first value of :math:`R`.

Example:
    >>> import random
    >>> rng = random.Random(12345)
    >>> stream = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    >>> detector = KSWIN(alpha=0.0001, seed=42)
    >>> [int(i) for i in detector.update_many(stream).drift_indices]
    [1016]
"""

from __future__ import annotations

import math
from typing import Any, Self

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from aumos_drift_detector.core.concept.base import DriftDetector
from aumos_drift_detector.core.concept.batch import BatchFlags
from aumos_drift_detector.core.concept.kswin_kernel import run_kswin
from aumos_drift_detector.core.concept.mersenne_twister import STATE_WORDS, seeded_state
from aumos_drift_detector.core.concept.params import (
    DetectorParams,
    Flag,
    NonNegativeInteger,
    OpenUnit,
    PositiveInteger,
    parameter_error,
)
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.statistical.ks_distribution import square_outside_loop

MAX_STAT_SIZE = 10_000  # above this SciPy's "auto" mode stops computing the exact p-value


def drift_threshold(stat_size: int, alpha: float) -> int:
    """Smallest ``h`` with ``p(h) <= alpha`` and ``h / stat_size > 0.1`` (``stat_size + 1`` if none).

    ``p(h)`` is SciPy's exact p-value of two samples of ``stat_size`` values at ``D = h / stat_size``,
    from the statistical library's equal-size sum (run as plain Python: a handful of calls). Where that
    sum exceeds 1 SciPy falls back to its asymptotic law, only for p-values above 0.9999, so reading it
    as 1 decides identically for any ``alpha`` used in practice. The rule is monotone in ``h``, so a
    bisection finds the threshold.

    Args:
        stat_size: Size of each KS sample.
        alpha: Significance level.

    Returns:
        The threshold on the integer statistic.

    Example:
        >>> drift_threshold(30, 0.005)
        14
    """

    def passes(h: int) -> bool:
        return h / stat_size > 0.1 and min(square_outside_loop(stat_size, h), 1.0) <= alpha

    low, high = 1, stat_size + 1
    while low < high:
        middle = (low + high) // 2
        if passes(middle):
            high = middle
        else:
            low = middle + 1
    return low


class KSWIN(DriftDetector):
    """Kolmogorov-Smirnov windowing drift detector for real-valued streams.

    Args:
        alpha: Significance level of the KS test, in ``(0, 1)``.
        window_size: Length of the sliding window.
        stat_size: Size of the recent sample and of the random sample; at most half the window.
        seed: Seed of the sampling generator (``None``: fresh entropy at every reset).
        reset_on_drift: Forget the window at the update after a drift (River). ``False`` keeps
            the newest ``stat_size`` values (paper).

    Raises:
        ValidationError: If a parameter is out of range.
    """

    class Params(DetectorParams):
        """KSWIN's parameters, with River's names and defaults."""

        alpha: OpenUnit = Field(0.005, description="Significance level of the KS test.")
        window_size: PositiveInteger = Field(
            100,
            le=1_000_000,
            description="Length of the sliding window, at least 2 * stat_size (allocated whole: 8 MB at the bound).",
        )
        stat_size: PositiveInteger = Field(
            30, le=MAX_STAT_SIZE, description="Size of the recent sample and of the random sample."
        )
        seed: NonNegativeInteger | None = Field(None, description="Seed of the sampling generator (None: fresh).")
        reset_on_drift: Flag = Field(
            True, description="Forget the window after a drift (River); false keeps the recent sample (paper)."
        )

        @model_validator(mode="after")
        def _window_holds_two_samples(self) -> Self:
            if self.window_size < 2 * self.stat_size:
                rule = f"must be >= 2 * stat_size ({2 * self.stat_size}), got {self.window_size}"
                raise parameter_error("window_size", rule)
            return self

    input_domain = "real"

    def __init__(
        self,
        alpha: float = 0.005,
        window_size: int = 100,
        stat_size: int = 30,
        seed: int | None = None,
        reset_on_drift: bool = True,
    ) -> None:
        params = self.Params.parse(
            alpha=alpha, window_size=window_size, stat_size=stat_size, seed=seed, reset_on_drift=reset_on_drift
        )
        super().__init__(params)
        self.alpha = params.alpha
        self.window_size = params.window_size
        self.stat_size = params.stat_size
        self.seed = params.seed
        self.reset_on_drift = params.reset_on_drift
        self._h_min = drift_threshold(self.stat_size, self.alpha)
        population = self.window_size - self.stat_size
        set_size = 21 + (4 ** math.ceil(math.log(self.stat_size * 3, 4)) if self.stat_size > 5 else 0)
        self._use_pool = population <= set_size
        self._change = 0
        self._reset_statistics()

    def _reset_statistics(self) -> None:
        self._window = np.zeros(self.window_size, dtype=np.float64)
        self._ring = np.zeros(2, dtype=np.int64)  # [head, count]
        self._rng = seeded_state(self.seed)

    def _adapt_after_drift(self) -> None:
        if self.reset_on_drift:
            self._reset_statistics()
            return
        recent = self._ordered_window()[-self.stat_size :]
        self._window[: self.stat_size] = recent
        self._ring[:] = [0, self.stat_size]

    def _ordered_window(self) -> npt.NDArray[np.float64]:
        head, count = int(self._ring[0]), int(self._ring[1])
        return np.roll(self._window, -head)[:count].copy()

    def _step(self, x: float) -> None:
        flags = self._run(np.array([x], dtype=np.float64), self._n_seen - 1)
        self._drift_detected = bool(flags.drift[0])

    def _change_start(self) -> int:
        return self._change

    def _step_many(self, values: npt.NDArray[np.float64]) -> BatchFlags:
        return self._run(values, self._n_seen)

    def _run(self, values: npt.NDArray[np.float64], seen: int) -> BatchFlags:
        """Feed ``values`` (the first has stream index ``seen``), adapting between drifts."""
        size = values.size
        drift = np.zeros(size, dtype=np.bool_)
        change_start = np.full(size, -1, dtype=np.int64)
        position = 0
        while position < size:
            at, _ = run_kswin(
                values, position, self._window, self._ring, self._rng, self.stat_size, self._h_min, self._use_pool
            )
            if at >= size:
                break
            drift[at] = True
            change_start[at] = self._change = seen + at - self.stat_size + 1
            position = at + 1
            if position < size:
                self._adapt_after_drift()
        return BatchFlags(drift, np.zeros(size, dtype=np.bool_), change_start)

    def _statistics_state(self) -> dict[str, Any]:
        return {"window": self._ordered_window().tolist(), "rng": self._rng.tolist()}

    def _restore_statistics(self, state: dict[str, Any]) -> None:
        window = [float(value) for value in state["window"]]
        self._window = np.zeros(self.window_size, dtype=np.float64)
        self._window[: len(window)] = window
        self._ring = np.array([0, len(window)], dtype=np.int64)
        rng = [int(word) for word in state["rng"]]
        if len(rng) != STATE_WORDS + 1:
            raise ValidationError("KSWIN state has a malformed generator state")
        self._rng = np.array(rng, dtype=np.int64)
