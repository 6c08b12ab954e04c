"""Decoding the records of the ingest topics, JSON or Protobuf, told apart by their ``content-type`` header.

``application/x-protobuf`` or ``application/protobuf`` (with optional parameters; a ``messageType``, when
given, must be the topic's message) is Protobuf (``proto/aumos/drift/v1/ingest.proto``); any other content
type, or none, is JSON (:func:`~aumos_drift_detector.core.streams.records.decode`). Both become the same
core records and share the checks of tenant, address and outcome values, so the service never sees the
wire format.

The typed columns of a Protobuf observation record become the rows a JSON record would carry: doubles as
floats, integers as ints, booleans as bools, strings as strings, null rows as ``None``, so the rows reader
keeps the kinds apart exactly as for JSON.
"""

from __future__ import annotations

from itertools import pairwise, repeat
from typing import Any

from google.protobuf.message import DecodeError  # type: ignore[import-untyped]

from aumos_drift_detector.adapters.messaging import ingest_schema
from aumos_drift_detector.core.streams.model import DeadLetterReason, StreamKind, StreamRecord
from aumos_drift_detector.core.streams.records import (
    ObservationRecord,
    OutcomeRecord,
    RecordError,
    address,
    decode,
    outcome_values,
)

#: Media types of a Protobuf record.
PROTOBUF_MEDIA_TYPES = frozenset({"application/x-protobuf", "application/protobuf"})
CONTENT_TYPE_HEADER = "content-type"
_MESSAGE_OF_KIND = {
    StreamKind.OBSERVATIONS: ingest_schema.OBSERVATION_RECORD,
    StreamKind.OUTCOMES: ingest_schema.OUTCOME_RECORD,
}


def _invalid(message: str) -> RecordError:
    return RecordError(DeadLetterReason.INVALID_RECORD, message)


def _media(content_type: str) -> tuple[str, dict[str, str]]:
    media, *parameters = content_type.split(";")
    pairs = (parameter.partition("=") for parameter in parameters)
    return media.strip().lower(), {name.strip().lower(): value.strip().strip('"') for name, _, value in pairs}


def is_protobuf(content_type: str | None) -> bool:
    """Whether a record with this ``content-type`` header is Protobuf (JSON otherwise)."""
    return content_type is not None and _media(content_type)[0] in PROTOBUF_MEDIA_TYPES


def decode_record(record: StreamRecord, kind: StreamKind) -> ObservationRecord | OutcomeRecord:
    """Decode a record of a topic of the given kind by its content type (core's ``RecordDecoder``).

    Raises:
        RecordError: ``unparseable`` (no value, bytes that are not the message, a ``messageType`` of another
            message) or ``invalid_record`` (a field missing or wrong, naming it).
    """
    if not is_protobuf(record.content_type):
        return decode(record.value, kind)
    message = _parsed(record, _MESSAGE_OF_KIND[kind])
    present = [getattr(message, name) or None for name in ("monitor_id", "model_id", "model_version")]
    tenant_id, monitor_id, model = address(message.tenant_id or None, *present)
    if kind is StreamKind.OBSERVATIONS:
        return ObservationRecord(tenant_id, monitor_id, _rows(message.columns), model)
    if not message.labels:
        return OutcomeRecord(tenant_id, monitor_id, outcome_values(list(message.values)), model)
    if message.values:
        raise _invalid("labels: send either values or labels, not both")
    labels = tuple(_label(number, label) for number, label in enumerate(message.labels))
    return OutcomeRecord(tenant_id, monitor_id, [], model, labels)


def _parsed(record: StreamRecord, name: str) -> Any:
    if record.value is None:
        raise RecordError(DeadLetterReason.UNPARSEABLE, "the record has no value")
    named = _media(record.content_type or "")[1].get("messagetype")
    expected = ingest_schema.full_name(name)
    if named is not None and named != expected:
        raise RecordError(
            DeadLetterReason.UNPARSEABLE, f"content-type: messageType {named!r}, the topic carries {expected}"
        )
    message = ingest_schema.message_class(name)()
    try:
        message.ParseFromString(record.value)
    except DecodeError as exc:
        raise RecordError(DeadLetterReason.UNPARSEABLE, f"not a Protobuf {expected}: {exc}") from exc
    return message


def _rows(columns: Any) -> list[object]:
    """The rows of the typed columns, as the objects of a JSON record."""
    if not columns:
        raise _invalid("columns: must be a non-empty list of columns")
    names: list[str] = []
    values: list[list[object]] = []
    for number, column in enumerate(columns):
        if not column.name or column.name in names:
            raise _invalid(f"columns[{number}].name: must be a non-empty name of its own, got {column.name!r}")
        names.append(column.name)
        values.append(_column(number, column))
    counts = {len(column) for column in values}
    if len(counts) != 1 or 0 in counts:
        raise _invalid(
            f"columns: every column must describe the same number of rows, at least one; got {sorted(counts)}"
        )
    # the lengths are checked above; dicts made by map, without a per-row check, cost about half as much
    return list(map(dict, map(zip, repeat(names), zip(*values, strict=False))))


def _column(number: int, column: Any) -> list[object]:
    """A column's values, one per row, ``None`` at its null rows."""
    filled = [list(getattr(column, kind)) for kind in ingest_schema.VALUE_LISTS if len(getattr(column, kind))]
    if len(filled) > 1:
        raise _invalid(f"columns[{number}] ({column.name}): values of more than one type")
    given: list[object] = filled[0] if filled else []
    nulls = list(column.null_rows)
    if not nulls:
        return given
    count = len(given) + len(nulls)
    if any(low >= high for low, high in pairwise(nulls)) or nulls[-1] >= count:
        raise _invalid(f"columns[{number}] ({column.name}).null_rows: must be ascending row numbers below {count}")
    rows: list[object] = [None] * count
    null_set = set(nulls)
    for row, value in zip((row for row in range(count) if row not in null_set), given, strict=True):
        rows[row] = value
    return rows


def _label(number: int, label: Any) -> tuple[str, float | str | bool]:
    set_fields = [name for name in ("number", "text", "flag") if label.HasField(name)]
    if not label.inference_id or len(set_fields) != 1:
        raise _invalid(f"labels[{number}]: needs an inference_id and exactly one of number, text or flag")
    value: float | str | bool = getattr(label, set_fields[0])
    return label.inference_id, value
