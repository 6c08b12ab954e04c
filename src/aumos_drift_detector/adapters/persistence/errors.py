"""Translation of SQLAlchemy driver errors into the core error tree."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from aumos_drift_detector.core.errors import ConflictError, StorageError


@contextmanager
def storage_errors(action: str) -> Iterator[None]:
    """Re-raise database errors raised inside the block as :class:`StorageError` or :class:`ConflictError`.

    Args:
        action: What was being done, for the message (e.g. ``"commit"``).
    """
    try:
        yield
    except IntegrityError as exc:
        raise ConflictError(f"{action}: conflicts with stored data", details={"reason": str(exc.orig)}) from exc
    except SQLAlchemyError as exc:
        raise StorageError(f"{action}: database error", details={"reason": type(exc).__name__}) from exc
