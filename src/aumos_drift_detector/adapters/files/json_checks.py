"""The rules JSON records must follow, checked record by record.

Each column holds values of one JSON kind: numbers, booleans, strings, objects or arrays; ``null``
(and an absent key) is a missing value in any column. So ``true`` in a column of numbers, ``1`` in a
column of booleans or ``"3"`` in a column of numbers is refused rather than converted: the message
names the column, the row (1 for the first record) and both kinds. Numbers must be finite
(``Infinity`` and overflowing literals such as ``1e400`` are refused; ``NaN`` is a missing value) and
integers must fit in 64 bits. A key may appear only once in an object.
"""

from __future__ import annotations

import json
import math
from typing import Any, Final

from aumos_drift_detector.adapters.files.bad_values import not_finite_error
from aumos_drift_detector.core.errors import ValidationError

_KINDS: Final[dict[type, str]] = {
    bool: "boolean",
    int: "number",
    float: "number",
    str: "string",
    dict: "object",
    list: "array",
}
_INT64: Final = range(-(2**63), 2**63)


class DuplicateKeyError(ValueError):
    """An object names the same key twice."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for :class:`json.JSONDecoder` that refuses a repeated key."""
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return record


def _where(row: int, line: int | None) -> str:
    return f"row {row}" if line is None else f"row {row} (line {line})"


class RecordChecker:
    """Checks records one at a time, remembering each column's kind from its first value.

    Args:
        name: The name to use in error messages.
    """

    def __init__(self, name: str) -> None:
        self._name = name
        self._kinds: dict[str, str] = {}

    def _refuse(self, key: str, message: str, *, row: int, line: int | None, problem: str) -> ValidationError:
        return ValidationError(
            f"{self._name}: column {key!r}, {_where(row, line)}: {message}",
            details={"column": key, "row": row, "problem": problem},
        )

    def duplicate_key(self, key: str, *, row: int, line: int | None = None) -> ValidationError:
        """The error for an object that repeats ``key``."""
        return self._refuse(key, "the key appears twice in one object", row=row, line=line, problem="repeated_key")

    def check(self, record: object, *, row: int, line: int | None = None) -> dict[str, Any]:
        """Check one record and return it as a dict.

        Raises:
            ValueError: The record is not an object.
            ValidationError: A value breaks a rule above.
        """
        if not isinstance(record, dict):
            kind = _KINDS.get(type(record), "null")
            raise ValueError(f"{_where(row, line)}: a {kind} where an object (one per row) was expected")
        for key, value in record.items():
            if value is not None:
                self._check_value(key, value, row, line)
        return record

    def _check_value(self, key: str, value: Any, row: int, line: int | None) -> None:
        kind = _KINDS[type(value)]
        known = self._kinds.setdefault(key, kind)
        if kind != known:
            message = f"the {kind} {_shown(value)} in a column of {known}s"
            raise self._refuse(key, message, row=row, line=line, problem="mixed_kinds")
        if type(value) is float and math.isinf(value):
            raise not_finite_error(self._name, key, _where(row, line), value, row)
        if type(value) is int and value not in _INT64:
            message = f"the integer {value} does not fit in 64 bits"
            raise self._refuse(key, message, row=row, line=line, problem="integer_overflow")


def _shown(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."
