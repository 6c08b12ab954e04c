"""Decoding the JSON records of the ingest topics.

An observation record carries one or more production rows, an outcome record a batch of outcome values,
in the shapes the REST endpoints accept::

    {"tenant_id": "acme", "monitor_id": "…uuid…", "rows": [{"age": 31, "plan": "pro"}, …]}
    {"tenant_id": "acme", "monitor_id": "…uuid…", "values": [0, 1, 0.5, …]}
    {"tenant_id": "acme", "monitor_id": "…uuid…", "labels": [{"inference_id": "a1", "label": 1}, …]}

An observation row may carry ``inference_id``, ``prediction`` and ``score`` (kept for the label join of
monitors that name a concept ``error``); an outcome record carries either ``values`` or ``labels``.

A record that is not such an object raises :class:`RecordError` with the dead-letter reason.

>>> decode(b'{"tenant_id": "acme", "monitor_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "values": [0, 1]}',
...        StreamKind.OUTCOMES).values
[0.0, 1.0]
>>> try:
...     decode(b'{"tenant_id": "acme"', StreamKind.OUTCOMES)
... except RecordError as error:
...     print(error.reason.value, "-", error.message)
unparseable - not JSON: Expecting ',' delimiter: line 1 column 21 (char 20)
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field

from aumos_drift_detector.core.streams.model import DeadLetterReason, StreamKind

#: The longest tenant id, as in a token's ``tenant_id`` claim.
MAX_TENANT_ID_LENGTH = 64


class RecordError(Exception):
    """A record that cannot be decoded.

    Args:
        reason: The dead-letter reason.
        message: What is wrong, naming the field.
    """

    def __init__(self, reason: DeadLetterReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True, slots=True)
class ObservationRecord:
    """Production rows for one monitor."""

    tenant_id: str
    monitor_id: uuid.UUID
    rows: list[object]


@dataclass(frozen=True, slots=True)
class OutcomeRecord:
    """Prediction outcomes for one monitor, oldest first: values, or labels to join to stored predictions."""

    tenant_id: str
    monitor_id: uuid.UUID
    values: list[float]
    labels: list[object] = field(default_factory=list)


def _invalid(message: str) -> RecordError:
    return RecordError(DeadLetterReason.INVALID_RECORD, message)


def _document(value: bytes | None) -> dict[str, object]:
    if value is None:
        raise RecordError(DeadLetterReason.UNPARSEABLE, "the record has no value")
    try:
        document = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordError(DeadLetterReason.UNPARSEABLE, f"not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise _invalid(f"the record must be a JSON object, got {type(document).__name__}")
    return document


def _owner(document: dict[str, object]) -> tuple[str, uuid.UUID]:
    tenant_id, monitor_id = document.get("tenant_id"), document.get("monitor_id")
    if not isinstance(tenant_id, str) or not tenant_id.strip():
        raise _invalid("tenant_id: must be a non-empty string")
    if len(tenant_id) > MAX_TENANT_ID_LENGTH or not tenant_id.isprintable():
        raise _invalid(f"tenant_id: must be at most {MAX_TENANT_ID_LENGTH} printable characters")
    if not isinstance(monitor_id, str):
        raise _invalid("monitor_id: must be a UUID string")
    try:
        return tenant_id, uuid.UUID(monitor_id)
    except ValueError as exc:
        raise _invalid(f"monitor_id: not a UUID: {monitor_id!r}") from exc


def _rows(document: dict[str, object]) -> list[object]:
    rows = document.get("rows")
    if not isinstance(rows, list) or not rows:
        raise _invalid("rows: must be a non-empty list of objects")
    for number, row in enumerate(rows):
        if not isinstance(row, dict):
            raise _invalid(f"rows[{number}]: must be an object, got {type(row).__name__}")
    return rows


def _values(document: dict[str, object]) -> list[float]:
    values = document.get("values")
    if not isinstance(values, list) or not values:
        raise _invalid("values: must be a non-empty list of numbers")
    for number, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _invalid(f"values[{number}]: must be a finite number, got {value!r}")
    return [float(value) for value in values]


def _labels(document: dict[str, object]) -> list[object]:
    labels = document.get("labels")
    if "values" in document:
        raise _invalid("labels: send either values or labels, not both")
    if not isinstance(labels, list) or not labels:
        raise _invalid("labels: must be a non-empty list of {inference_id, label} objects")
    return labels


def decode(value: bytes | None, kind: StreamKind) -> ObservationRecord | OutcomeRecord:
    """Decode a record of a topic of the given kind.

    Raises:
        RecordError: Not JSON, not an object, or a field missing or of the wrong type.
    """
    document = _document(value)
    tenant_id, monitor_id = _owner(document)
    if kind is StreamKind.OBSERVATIONS:
        return ObservationRecord(tenant_id, monitor_id, _rows(document))
    if "labels" in document:
        return OutcomeRecord(tenant_id, monitor_id, [], _labels(document))
    return OutcomeRecord(tenant_id, monitor_id, _values(document))
