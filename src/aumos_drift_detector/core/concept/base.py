"""The contract every streaming concept-drift detector follows.

A detector watches one stream of numbers, usually a model's prediction errors, one value at a time:

* ``update(x)`` consumes one value and returns ``None``. Afterwards ``drift_detected`` and
  ``warning_detected`` describe *that* update and stay valid until the next one. Values are indexed
  from 0 in arrival order; ``n_seen`` is the number consumed so far, so the value just consumed has
  index ``n_seen - 1``.
* Each detector declares its ``input_domain`` (:mod:`.stream_values`): ``"binary"`` (0 or 1, 1 = the
  model was wrong), ``"unit_interval"`` (any error or bounded loss in ``[0, 1]``) or ``"real"`` (any
  finite float); ``stream_kind`` follows from it (``StreamKind.ERROR`` for the first two). NaN,
  infinities, values outside the domain and non-numbers raise :class:`ValidationError` and leave the
  detector untouched. Constructors check their parameters the same way (:mod:`.params`).
* ``update_many(values)`` is exactly equivalent to calling ``update`` on each value in order, except
  that the whole batch is validated first (a bad batch changes nothing). It returns an
  :class:`UpdateManyResult` whose ``drift_indices`` and ``warning_indices`` are positions *within the
  batch* (``offset + i`` is the stream index) and whose ``drifts`` are :class:`DriftEvent` records.
* After a drift, the detector adapts at the *next* update (by default it forgets the old concept, as
  River does; some detectors offer the paper's behaviour behind an option).
* ``reset()`` forgets the stream statistics and clears the flags. ``n_seen``, ``n_detections``
  (updates that raised a drift) and ``n_warnings`` (warning episodes: runs of consecutive updates
  with ``warning_detected``) survive resets, and so does ``last_drift``.
* Every drift is a :class:`DriftEvent`: its stream index, the detector's estimate of where the change
  began (``None`` when the algorithm has none) and the index where the warning episode in progress
  at the drift began (``None`` when there was none).
* ``to_state()`` returns a JSON-serialisable dict (format version, class name, parameters, counters
  and statistics; non-finite floats are encoded as strings) and ``from_state(state)`` rebuilds the
  detector so it continues bit-identically: the same flags and the same future state.
  ``DriftDetector.from_state`` dispatches on the class name; ``ADWIN.from_state`` insists on it.

Subclasses declare ``Params`` (their constructor's parameters as a frozen pydantic model, see
:mod:`.params`) and pass the validated model to ``__init__``; they implement ``_step`` (one value,
sets the two flags), ``_reset_statistics``, ``_statistics_state``/``_restore_statistics`` and may
override ``_step_many`` (a fast batch path), ``_adapt_after_drift`` and ``_change_start``.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import Any, ClassVar, Self

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.concept.batch import BatchFlags, summarise_batch
from aumos_drift_detector.core.concept.params import DetectorParams, check_keywords
from aumos_drift_detector.core.concept.results import DriftEvent, UpdateManyResult
from aumos_drift_detector.core.concept.state_format import STATE_FORMAT_VERSION
from aumos_drift_detector.core.concept.stream_values import VALUE_CHECKS, InputDomain, StreamKind, check_batch
from aumos_drift_detector.core.errors import ValidationError

__all__ = ["DriftDetector", "DriftEvent", "StreamKind", "UpdateManyResult"]


class DriftDetector(abc.ABC):
    """Base class of every concept-drift detector; the module docstring states the contract."""

    input_domain: ClassVar[InputDomain] = "unit_interval"
    """The values the algorithm is defined on; ``update`` and ``update_many`` refuse any other."""
    stream_kind: ClassVar[StreamKind] = StreamKind.ERROR
    """``ERROR`` for binary and unit-interval inputs, ``REAL`` for real ones (follows ``input_domain``)."""
    Params: ClassVar[type[DetectorParams]] = DetectorParams
    """The model of the constructor's parameters (each detector declares its own)."""
    _registry: ClassVar[dict[str, type[DriftDetector]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "input_domain" in vars(cls):
            cls.stream_kind = StreamKind.REAL if cls.input_domain == "real" else StreamKind.ERROR
        elif "stream_kind" in vars(cls):
            cls.input_domain = "real" if cls.stream_kind is StreamKind.REAL else "unit_interval"
        if not getattr(cls, "__abstractmethods__", None):
            DriftDetector._registry[cls.__name__] = cls

    def __new__(cls, *args: Any, **kwargs: Any) -> Self:
        """Refuse a keyword the constructor does not take, listing those it takes (Python would only say which)."""
        check_keywords(cls.__name__, cls.__init__, kwargs)
        return super().__new__(cls)

    def __init__(self, params: DetectorParams | None = None) -> None:
        self.params = params if params is not None else self.Params()
        self._n_seen = 0
        self._n_detections = 0
        self._n_warnings = 0
        self._drift_detected = False
        self._warning_detected = False
        self._warning_start: int | None = None
        self._last_drift: DriftEvent | None = None

    # ----------------------------------------------------------------------------- public API
    @property
    def drift_detected(self) -> bool:
        """Whether the last update raised a drift."""
        return self._drift_detected

    @property
    def warning_detected(self) -> bool:
        """Whether the last update raised a warning."""
        return self._warning_detected

    @property
    def n_seen(self) -> int:
        """Number of values consumed since construction (survives resets)."""
        return self._n_seen

    @property
    def n_detections(self) -> int:
        """Number of updates that raised a drift (survives resets)."""
        return self._n_detections

    @property
    def n_warnings(self) -> int:
        """Number of warning episodes (survives resets)."""
        return self._n_warnings

    @property
    def last_drift(self) -> DriftEvent | None:
        """The most recent drift, or ``None`` if there has been none."""
        return self._last_drift

    def update(self, x: float) -> None:
        """Consume one value; ``drift_detected``/``warning_detected`` then describe it.

        Args:
            x: The next value, in the detector's ``input_domain``.

        Raises:
            ValidationError: If the value is not a finite number in the detector's ``input_domain``.
        """
        value = VALUE_CHECKS[self.input_domain](x)
        if self._drift_detected:
            self._adapt_after_drift()
        self._n_seen += 1
        was_warning = self._warning_detected
        self._step(value)
        self._record(was_warning)

    def update_many(self, values: Iterable[float] | npt.ArrayLike) -> UpdateManyResult:
        """Consume a batch of values; equivalent to calling :meth:`update` on each in order.

        Args:
            values: One-dimensional sequence or array of values.

        Returns:
            The batch positions of drifts and warnings and one :class:`DriftEvent` per drift.

        Raises:
            ValidationError: If any value is outside the ``input_domain`` (or not a finite number); the
                message names the position of the first. Then no value is consumed.
        """
        batch = check_batch(values, domain=self.input_domain)
        offset = self._n_seen
        if batch.size == 0:
            empty = np.zeros(0, dtype=np.int64)
            empty.flags.writeable = False
            return UpdateManyResult(offset, empty, empty, ())
        if self._drift_detected:
            self._adapt_after_drift()
        was_warning = self._warning_detected
        flags = self._step_many(batch)
        summary = summarise_batch(flags, offset, was_warning, self._warning_start)
        self._n_seen += batch.size
        self._n_detections += summary.drifts_count
        self._n_warnings += summary.new_warning_episodes
        self._drift_detected = bool(flags.drift[-1])
        self._warning_detected = bool(flags.warning[-1])
        self._warning_start = summary.open_warning_start
        if summary.events:
            self._last_drift = summary.events[-1]
        return UpdateManyResult(offset, summary.drift_indices, summary.warning_indices, summary.events)

    def reset(self) -> None:
        """Forget the stream statistics and clear the flags; counters and ``last_drift`` survive."""
        self._drift_detected = False
        self._warning_detected = False
        self._warning_start = None
        self._reset_statistics()

    def to_state(self) -> dict[str, Any]:
        """Return the whole detector as a JSON-serialisable dict (see the module docstring)."""
        last = self._last_drift
        return {
            "format_version": STATE_FORMAT_VERSION,
            "detector": type(self).__name__,
            "params": self._params(),
            "n_seen": self._n_seen,
            "n_detections": self._n_detections,
            "n_warnings": self._n_warnings,
            "drift_detected": self._drift_detected,
            "warning_detected": self._warning_detected,
            "warning_start": self._warning_start,
            "last_drift": None if last is None else [last.index, last.change_start, last.warning_start],
            "statistics": self._statistics_state(),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Self:
        """Rebuild a detector from :meth:`to_state` output so it continues bit-identically.

        Args:
            state: A dict produced by ``to_state`` (possibly after a JSON round trip).

        Returns:
            The restored detector.

        Raises:
            ValidationError: If the format version or class name does not match.
        """
        if state.get("format_version") != STATE_FORMAT_VERSION:
            raise ValidationError(
                f"unsupported detector state format {state.get('format_version')!r}; expected {STATE_FORMAT_VERSION}"
            )
        name = state.get("detector")
        target = DriftDetector._registry.get(str(name)) if cls is DriftDetector else cls
        if target is None or target.__name__ != name:
            raise ValidationError(f"state is for detector {name!r}, not {cls.__name__}")
        detector = target(**state["params"])
        detector._n_seen = int(state["n_seen"])
        detector._n_detections = int(state["n_detections"])
        detector._n_warnings = int(state["n_warnings"])
        detector._drift_detected = bool(state["drift_detected"])
        detector._warning_detected = bool(state["warning_detected"])
        detector._warning_start = state["warning_start"]
        last = state["last_drift"]
        detector._last_drift = None if last is None else DriftEvent(*last)
        detector._restore_statistics(state["statistics"])
        return detector  # type: ignore[return-value]

    # ------------------------------------------------------------------------ bookkeeping
    def _record(self, was_warning: bool) -> None:
        """Update counters, the warning episode and the drift record after one ``_step``."""
        index = self._n_seen - 1
        if self._warning_detected and not was_warning:
            self._n_warnings += 1
            self._warning_start = index
        if self._drift_detected:
            self._n_detections += 1
            open_warning = self._warning_start if (was_warning or self._warning_detected) else None
            self._last_drift = DriftEvent(index, self._change_start(), open_warning)
        if not self._warning_detected:
            self._warning_start = None

    # --------------------------------------------------------------- subclass extension points
    @abc.abstractmethod
    def _step(self, x: float) -> None:
        """Consume one validated value (``self._n_seen`` already counts it) and set both flags."""

    @abc.abstractmethod
    def _reset_statistics(self) -> None:
        """Forget everything learnt from the stream (not the counters)."""

    def _params(self) -> dict[str, Any]:
        """Constructor keyword arguments, JSON-serialisable."""
        return self.params.model_dump()

    @abc.abstractmethod
    def _statistics_state(self) -> dict[str, Any]:
        """The stream statistics as a JSON-serialisable dict."""

    @abc.abstractmethod
    def _restore_statistics(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`_statistics_state` returned."""

    def _adapt_after_drift(self) -> None:
        """Called at the update after a drift, before its ``_step``; River forgets everything."""
        self._reset_statistics()

    def _change_start(self) -> int | None:
        """Estimated stream index where the change began, asked right after a drift ``_step``."""
        return None

    def _step_many(self, values: npt.NDArray[np.float64]) -> BatchFlags:
        """Consume a validated batch; the default calls ``_step`` in a loop.

        A fast override must behave exactly like the loop, including ``_adapt_after_drift`` between a
        drift and the next value inside the batch (not after the last value), and must keep
        ``self._n_seen`` in step while it runs if its ``_change_start`` or ``_step`` reads it.

        Args:
            values: Validated float64 values.

        Returns:
            Per-value drift and warning flags and change-start estimates (-1 where unknown).
        """
        size = values.size
        drift = np.zeros(size, dtype=np.bool_)
        warning = np.zeros(size, dtype=np.bool_)
        change_start = np.full(size, -1, dtype=np.int64)
        start_seen = self._n_seen
        for i, value in enumerate(values.tolist()):
            if i and self._drift_detected:
                self._adapt_after_drift()
            self._n_seen = start_seen + i + 1
            self._step(value)
            drift[i] = self._drift_detected
            warning[i] = self._warning_detected
            if self._drift_detected:
                estimate = self._change_start()
                change_start[i] = -1 if estimate is None else estimate
        self._n_seen = start_seen
        return BatchFlags(drift, warning, change_start)
