"""Decoding the JSON records of the ingest topics.

An observation record carries one or more production rows, an outcome record a batch of outcome values,
in the shapes the REST endpoints accept::

    {"tenant_id": "acme", "monitor_id": "…uuid…", "rows": [{"age": 31, "plan": "pro"}, …]}
    {"tenant_id": "acme", "monitor_id": "…uuid…", "values": [0, 1, 0.5, …]}
    {"tenant_id": "acme", "monitor_id": "…uuid…", "labels": [{"inference_id": "a1", "label": 1}, …]}

An observation row may carry ``inference_id``, ``prediction`` and ``score`` (kept for the label join of
monitors that name a concept ``error``); a JSON outcome record carries either ``values`` or ``labels``.

Instead of ``monitor_id`` a record may name ``model_id`` and ``model_version``: it then goes to every active
monitor of that model version of the tenant (see :mod:`.addressing`). A record that is not such an object
raises :class:`RecordError` with the dead-letter reason. The checks of the envelope (tenant and address) are
shared with the Protobuf records, decoded at the edge into the same records.

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
from dataclasses import dataclass

from aumos_drift_detector.core.streams.model import DeadLetterReason, StreamKind, StreamRecord

#: The longest tenant id, as in a token's ``tenant_id`` claim.
MAX_TENANT_ID_LENGTH = 64
#: The longest model id or model version, as stored with a monitor.
MAX_MODEL_FIELD_LENGTH = 200


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
class ModelVersion:
    """A deployed model version a record is addressed to, instead of one monitor."""

    model_id: str
    model_version: str


@dataclass(frozen=True, slots=True)
class ObservationRecord:
    """Production rows for one monitor (``monitor_id``), or for every active monitor of ``model``."""

    tenant_id: str
    monitor_id: uuid.UUID | None
    rows: list[object]
    model: ModelVersion | None = None


@dataclass(frozen=True, slots=True)
class OutcomeRecord:
    """Prediction outcomes for one monitor (``monitor_id``) or every active monitor of ``model``, oldest first.

    Attributes:
        labels: Delayed labels as ``(inference_id, label)`` pairs, carried as read.
    """

    tenant_id: str
    monitor_id: uuid.UUID | None
    values: list[float]
    model: ModelVersion | None = None
    labels: tuple[tuple[str, float | str | bool], ...] = ()


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


def _model_field(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _invalid(f"{name}: must be a non-empty string")
    if len(value) > MAX_MODEL_FIELD_LENGTH or not value.isprintable():
        raise _invalid(f"{name}: must be at most {MAX_MODEL_FIELD_LENGTH} printable characters")
    return value


def address(
    tenant_id: object, monitor_id: object, model_id: object = None, model_version: object = None
) -> tuple[str, uuid.UUID | None, ModelVersion | None]:
    """Check a record's tenant and its address: a monitor id, or a model id and version (absent fields: ``None``).

    Raises:
        RecordError: ``invalid_record``, naming the field.
    """
    if not isinstance(tenant_id, str) or not tenant_id.strip():
        raise _invalid("tenant_id: must be a non-empty string")
    if len(tenant_id) > MAX_TENANT_ID_LENGTH or not tenant_id.isprintable():
        raise _invalid(f"tenant_id: must be at most {MAX_TENANT_ID_LENGTH} printable characters")
    if monitor_id is None:
        if model_id is None and model_version is None:
            raise _invalid("monitor_id: required (or model_id and model_version)")
        return (
            tenant_id,
            None,
            ModelVersion(_model_field("model_id", model_id), _model_field("model_version", model_version)),
        )
    if model_id is not None or model_version is not None:
        raise _invalid("monitor_id: give either monitor_id or model_id and model_version, not both")
    if not isinstance(monitor_id, str):
        raise _invalid("monitor_id: must be a UUID string")
    try:
        return tenant_id, uuid.UUID(monitor_id), None
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


def outcome_values(values: object) -> list[float]:
    """Check the ``values`` of an outcome record: a non-empty list of finite numbers (booleans are not numbers).

    Raises:
        RecordError: ``invalid_record``, naming the value.
    """
    if not isinstance(values, list) or not values:
        raise _invalid("values: must be a non-empty list of numbers")
    for number, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _invalid(f"values[{number}]: must be a finite number, got {value!r}")
    return [float(value) for value in values]


def _labels(document: dict[str, object]) -> tuple[tuple[str, float | str | bool], ...]:
    """The ``labels`` of a JSON outcome record as ``(inference_id, label)`` pairs (checked again on joining)."""
    labels = document.get("labels")
    if "values" in document:
        raise _invalid("labels: send either values or labels, not both")
    if not isinstance(labels, list) or not labels:
        raise _invalid("labels: must be a non-empty list of {inference_id, label} objects")
    pairs = []
    for number, item in enumerate(labels):
        if not isinstance(item, dict) or "label" not in item or "inference_id" not in item:
            raise _invalid(f"labels[{number}]: must be an object with inference_id and label")
        inference_id, label = item["inference_id"], item["label"]
        if isinstance(inference_id, int) and not isinstance(inference_id, bool):
            inference_id = str(inference_id)
        if not isinstance(inference_id, str) or not isinstance(label, float | int | str | bool):
            raise _invalid(f"labels[{number}]: inference_id must be a string, label a number, string or boolean")
        pairs.append((inference_id, label))
    return tuple(pairs)


def decode(value: bytes | None, kind: StreamKind) -> ObservationRecord | OutcomeRecord:
    """Decode a record of a topic of the given kind.

    Raises:
        RecordError: Not JSON, not an object, or a field missing or of the wrong type.
    """
    document = _document(value)
    fields = ("tenant_id", "monitor_id", "model_id", "model_version")
    tenant_id, monitor_id, model = address(*(document.get(name) for name in fields))
    if kind is StreamKind.OBSERVATIONS:
        return ObservationRecord(tenant_id, monitor_id, _rows(document), model)
    if "labels" in document:
        return OutcomeRecord(tenant_id, monitor_id, [], model, _labels(document))
    return OutcomeRecord(tenant_id, monitor_id, outcome_values(document.get("values")), model)


def json_record(record: StreamRecord, kind: StreamKind) -> ObservationRecord | OutcomeRecord:
    """Decode a record's value as JSON, whatever its content type (core's default ``RecordDecoder``).

    Raises:
        RecordError: As :func:`decode`.
    """
    return decode(record.value, kind)
