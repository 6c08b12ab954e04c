"""A history file for the backtest: rows with a time column, cut into periods of received rows.

The time column holds timestamps (Parquet, or ISO 8601 text that the CSV reader recognised), dates,
or ISO 8601 text (``2026-01-05T09:30:00Z``, ``2026-01-05 09:30:00+01:00``, ``2026-01-05``). Times
without a zone are read as UTC. The rows are ordered by time; the first period starts on the clock
at or before the first row (:func:`~aumos_drift_detector.core.backtest.period.first_start`), and each
period's rows are received at its start, so a window of one period sees exactly them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from aumos_drift_detector.core.backtest.model import Period
from aumos_drift_detector.core.backtest.period import first_start, period_count
from aumos_drift_detector.core.errors import ValidationError
from aumos_drift_detector.core.ingest.model import ReceivedBatch

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _text_time(value: str, *, name: str, column: str, row: int) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            f"{name}: column {column!r} row {row}: {value!r} is not an ISO 8601 time (such as 2026-01-05T09:30:00Z)",
            details={"file": name, "column": column, "row": row},
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _micros_of_text(values: pa.ChunkedArray, *, name: str, column: str) -> npt.NDArray[np.int64]:
    micros = np.empty(len(values), dtype=np.int64)
    for index, value in enumerate(values.to_pylist()):
        moment = _text_time(value, name=name, column=column, row=index + 1)
        micros[index] = (moment - _EPOCH) // _MICROSECOND
    return micros


def time_micros(table: pa.Table, column: str, *, name: str) -> npt.NDArray[np.int64]:
    """Each row's time, in microseconds since the epoch (UTC).

    Raises:
        ValidationError: A missing time, a value that is not a time, or a column of another type; the
            message names the file, the column and the row.
    """
    values = table.column(column)
    if values.null_count:
        row = int(np.flatnonzero(values.is_null().to_numpy(zero_copy_only=False))[0]) + 1
        raise ValidationError(
            f"{name}: column {column!r} row {row}: no time", details={"file": name, "column": column, "row": row}
        )
    kind = values.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _micros_of_text(values, name=name, column=column)
    if pa.types.is_timestamp(kind):
        # Nanosecond stamps (pandas' default) are truncated to the microsecond, as the service stores times.
        target = pa.timestamp("us", tz=kind.tz)
        stamps = pc.cast(values, options=pc.CastOptions(target, allow_time_truncate=True))
        return np.asarray(pc.cast(stamps, pa.int64()).to_numpy(), dtype=np.int64)
    if pa.types.is_date(kind):
        stamps = values.cast(pa.timestamp("us"))
        return np.asarray(pc.cast(stamps, pa.int64()).to_numpy(), dtype=np.int64)
    raise ValidationError(
        f"{name}: column {column!r} holds {kind}, not times; give timestamps or ISO 8601 text such as "
        "2026-01-05T09:30:00Z",
        details={"file": name, "column": column},
    )


def _moment(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def cut_periods(table: pa.Table, column: str, every: timedelta, *, name: str, features: Sequence[str]) -> list[Period]:
    """The rows of ``features``, ordered by ``column`` and cut into periods of length ``every``.

    Every period from the first row's to the last row's is returned, those without rows included
    (their check finds no rows, as a live check would).
    """
    micros = time_micros(table, column, name=name)
    order = np.argsort(micros, kind="stable")
    ordered = micros[order]
    start = first_start(_moment(int(ordered[0])), every)
    count = period_count(start, _moment(int(ordered[-1])), every)
    period_us = every // _MICROSECOND
    index = (ordered - (start - _EPOCH) // _MICROSECOND) // period_us
    bounds = np.searchsorted(index, np.arange(count + 1), side="left")
    rows = table.select(list(features)).take(pa.array(order))
    periods = []
    for number in range(count):
        begin = start + number * every
        low, high = int(bounds[number]), int(bounds[number + 1])
        batches = (ReceivedBatch(begin, rows.slice(low, high - low)),) if high > low else ()
        periods.append(Period(begin, begin + every, batches))
    return periods
