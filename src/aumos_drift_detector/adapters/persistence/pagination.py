"""Keyset pagination in SQL: the clause that continues a newest-first listing after a cursor."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from aumos_drift_detector.core.paging import decode_cursor


def after_cursor(timestamp_column: Any, id_column: Any, cursor: str | None) -> ColumnElement[bool] | None:
    """Return the WHERE clause selecting rows after the cursor in newest-first order, or ``None``."""
    if cursor is None:
        return None
    stamp, row_id = decode_cursor(cursor)
    return or_(timestamp_column < stamp, and_(timestamp_column == stamp, id_column < row_id))
