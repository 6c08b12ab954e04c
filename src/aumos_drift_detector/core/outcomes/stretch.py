"""The running statistics of a monitor's outcome stream since the concept now in force began.

A *stretch* runs from where the current concept began — the change start of the previous drift, or the
start of the stream — to the latest value. It keeps the count and the sums of the values (shifted by
the stretch's first value, for accuracy) and the latest :data:`TAIL_LIMIT` values themselves, so that
a drift can be split where the change happened (:meth:`OutcomeStretch.cut`: the likeliest change point
at or after the detector's change start): *after* is the part from the cut to the drift, computed from
the kept values; *before* is the rest of the stretch, the totals minus *after*. After the drift the
stretch continues from the cut (the new concept).

Bound: at most :data:`TAIL_LIMIT` values are kept (32 KiB as float64). A change start further back
than that is moved forward to the oldest kept value, so *after* holds at most the latest
``TAIL_LIMIT`` values up to the drift and *before* may hold older values that already belong to the
new concept (``after.start`` shows where the split was made). The sums are accumulated value by value
in stream order, so the figures do not depend on how the stream was cut into batches.

>>> values = np.repeat([0.0, 1.0, 0.0, 1.0], [40, 5, 35, 40])
>>> stretch = OutcomeStretch.empty(0).extend(values)
>>> stretch.cut(20), stretch.cut(None), stretch.cut(100)
(80, 80, 100)
>>> before, after = stretch.split(80)
>>> (before.start, before.moments.n, before.moments.mean), (after.start, after.moments.n, after.moments.mean)
((0, 80, 0.0625), (80, 40, 1.0))
>>> stretch.since(80).start, stretch.since(80).end
(80, 120)
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from aumos_drift_detector.core.concept.state_format import decode_float, encode_float
from aumos_drift_detector.core.errors import ValidationError

__all__ = ["TAIL_LIMIT", "Moments", "OutcomeStretch", "Piece"]

TAIL_LIMIT: Final = 4096
"""The most recent values a stretch keeps, to split a drift at its change start."""

STRETCH_FORMAT_VERSION: Final = 1
"""Version of the dict :meth:`OutcomeStretch.to_state` returns."""

Values = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Moments:
    """A count and the shifted sums of a run of values: enough for their mean and variance.

    Attributes:
        n: Number of values.
        shift: Subtracted from each value before summing (the stretch's first value).
        total: Sum of ``x - shift``.
        total_sq: Sum of ``(x - shift) ** 2``.
    """

    n: int
    shift: float
    total: float
    total_sq: float

    @property
    def mean(self) -> float | None:
        """The mean of the values; ``None`` when there are none."""
        return self.shift + self.total / self.n if self.n else None

    @property
    def variance(self) -> float | None:
        """The sample variance (``n - 1`` in the denominator); ``None`` below two values."""
        if self.n < 2:
            return None
        return max(self.total_sq - self.total * self.total / self.n, 0.0) / (self.n - 1)

    def minus(self, part: Moments) -> Moments:
        """The moments of these values without ``part`` (summed with the same shift)."""
        return Moments(self.n - part.n, self.shift, self.total - part.total, self.total_sq - part.total_sq)


def _accumulate(values: Values, shift: float, total: float, total_sq: float) -> tuple[float, float]:
    """Add the shifted values and their squares to the sums one by one, in stream order."""
    if values.size == 0:
        return total, total_sq
    deviations = values - shift
    sums = np.add.accumulate(np.concatenate(([total], deviations)))
    squares = np.add.accumulate(np.concatenate(([total_sq], deviations * deviations)))
    return float(sums[-1]), float(squares[-1])


def _moments(values: Values, shift: float) -> Moments:
    total, total_sq = _accumulate(values, shift, 0.0, 0.0)
    return Moments(int(values.size), shift, total, total_sq)


def _frozen(values: Values) -> Values:
    values = np.array(values, dtype=np.float64)
    values.flags.writeable = False
    return values


def _all_binary(values: Values) -> bool:
    return bool(np.all((values == 0.0) | (values == 1.0)))


@dataclass(frozen=True, slots=True)
class Piece:
    """A part of a stretch: where it starts on the stream and the moments of its values.

    Attributes:
        start: Stream index of its first value.
        moments: Count and sums of its values.
        binary: Whether every value of the stretch it comes from is 0 or 1.
    """

    start: int
    moments: Moments
    binary: bool


@dataclass(frozen=True, slots=True, eq=False)
class OutcomeStretch:
    """The outcomes since the current concept began (see the module docstring); immutable.

    Attributes:
        start: Stream index of the stretch's first value.
        moments: Count and sums of all its values.
        tail: Its latest values, at most :data:`TAIL_LIMIT` (read-only).
        binary: Whether every value is 0 or 1 (an error stream, whatever the detector).
    """

    start: int
    moments: Moments
    tail: Values
    binary: bool = True

    @classmethod
    def empty(cls, start: int) -> OutcomeStretch:
        """A stretch with no values yet whose first value will have stream index ``start``."""
        return cls(start, Moments(0, 0.0, 0.0, 0.0), _frozen(np.zeros(0)))

    def whole(self) -> Piece:
        """All the values of the stretch as one piece."""
        return Piece(self.start, self.moments, self.binary)

    @property
    def end(self) -> int:
        """Stream index one past the last value."""
        return self.start + self.moments.n

    def extend(self, values: Values) -> OutcomeStretch:
        """The stretch with ``values`` appended (the next values of the stream)."""
        if values.size == 0:
            return self
        moments = self.moments
        shift = moments.shift if moments.n else float(values[0])
        total, total_sq = _accumulate(values, shift, moments.total, moments.total_sq)
        tail = np.concatenate((self.tail, values[-TAIL_LIMIT:]))[-TAIL_LIMIT:]
        extended = Moments(moments.n + int(values.size), shift, total, total_sq)
        return OutcomeStretch(self.start, extended, _frozen(tail), self.binary and _all_binary(values))

    def cut(self, change_start: int | None) -> int:
        """Where a drift at the last value splits the stretch: the likeliest change at or after ``change_start``.

        The candidates run from the detector's change start (the stretch start when it has none; the
        oldest kept value when it lies further back) to the last value. The cut is the least-squares
        estimate of a single change in the mean: the candidate with the largest
        ``n_before * n_after / n * (mean_after - mean_before) ** 2``, the first on a tie. A detector's
        change start is often only where its window begins or where its statistic was lowest; this
        finds where the mean actually moved, without ever cutting before the detector's estimate.
        When the drift is a false alarm there is no such place, and the cut tends to leave only the
        last few values (which raised the alarm) after it.
        """
        oldest_kept = self.end - self.tail.size
        lowest = min(max(self.start if change_start is None else change_start, self.start, oldest_kept), self.end - 1)
        deviations = self.tail[lowest - self.end :] - self.moments.shift
        after_n = np.arange(deviations.size, 0, -1, dtype=np.float64)
        after_sum = np.add.accumulate(deviations[::-1])[::-1]
        before_n = self.moments.n - after_n
        with np.errstate(divide="ignore", invalid="ignore"):
            gap = after_sum / after_n - (self.moments.total - after_sum) / before_n
            score = np.where(before_n > 0, before_n * after_n / self.moments.n * gap * gap, 0.0)
        return lowest + int(np.argmax(np.nan_to_num(score, nan=0.0, posinf=0.0)))

    def split(self, cut: int) -> tuple[Piece, Piece]:
        """The values before ``cut`` and from ``cut`` on (``cut`` from :meth:`cut`, so the latter are kept)."""
        after = _moments(self.tail[cut - self.end :], self.moments.shift)
        return Piece(self.start, self.moments.minus(after), self.binary), Piece(cut, after, self.binary)

    def since(self, cut: int) -> OutcomeStretch:
        """A new stretch holding the values from ``cut`` on (``cut`` from :meth:`cut`)."""
        kept = self.tail[cut - self.end :]
        return OutcomeStretch(cut, _moments(kept, float(kept[0])), _frozen(kept), _all_binary(kept))

    def to_state(self) -> dict[str, Any]:
        """The stretch as a JSON-serialisable dict (the tail as base64 of little-endian float64)."""
        moments = self.moments
        return {
            "format_version": STRETCH_FORMAT_VERSION,
            "start": self.start,
            "n": moments.n,
            "shift": encode_float(moments.shift),
            "total": encode_float(moments.total),
            "total_sq": encode_float(moments.total_sq),
            "tail": base64.b64encode(self.tail.astype("<f8").tobytes()).decode("ascii"),
            "binary": self.binary,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> OutcomeStretch:
        """Rebuild a stretch from :meth:`to_state` output.

        Raises:
            ValidationError: The document is not a stretch of this format.
        """
        if state.get("format_version") != STRETCH_FORMAT_VERSION:
            msg = f"unsupported outcome stretch format {state.get('format_version')!r}"
            raise ValidationError(msg)
        try:
            tail = np.frombuffer(base64.b64decode(state["tail"], validate=True), dtype="<f8").astype(np.float64)
            n = int(state["n"])
            moments = Moments(n, *(decode_float(state[key]) for key in ("shift", "total", "total_sq")))
            stretch = cls(int(state["start"]), moments, _frozen(tail), bool(state["binary"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(f"malformed outcome stretch: {exc}") from None
        if tail.size != min(n, TAIL_LIMIT) or n < 0 or stretch.start < 0:
            raise ValidationError("malformed outcome stretch: its kept values do not fit its count")
        return stretch
