"""A parser's failure, reported as a :class:`~aumos_drift_detector.core.errors.ValidationError` naming the file.

Only the parsing is guarded, not the code that takes the parsed batches, so a fault there is never
mistaken for a malformed file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pyarrow as pa

from aumos_drift_detector.core.errors import ValidationError


def unreadable(fmt: str, name: str, error: Exception) -> ValidationError:
    """``"<name>: cannot read <FMT>: <the first line of the parser's reason>"``."""
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return ValidationError(f"{name}: cannot read {fmt.upper()}: {reason}", details={"file": name})


@contextlib.contextmanager
def reading(fmt: str, name: str) -> Iterator[None]:
    """Turn a parser's failure inside the block into the error of :func:`unreadable`."""
    try:
        yield
    except (pa.ArrowException, ValueError, OSError, TypeError) as exc:
        raise unreadable(fmt, name, exc) from exc


def guarded(batches: Iterator[pa.RecordBatch], fmt: str, name: str) -> Iterator[pa.RecordBatch]:
    """The batches of a parser, its failures turned into validation errors as by :func:`reading`."""
    with reading(fmt, name):
        yield from batches
