"""Runtime Protobuf messages of the published events, built from a definition mirroring ``proto/``.

The message classes are made at run time from :data:`MESSAGES` (no generated code is checked in);
a test parses ``proto/aumos/drift/v1/events.proto`` and checks that both agree field by field.
:func:`build_pool` makes the pool of any such definition (the ingest records use it too).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from google.protobuf import (  # type: ignore[import-untyped]
    descriptor_pb2,
    descriptor_pool,
    json_format,
    message_factory,
)
from google.protobuf.message import Message  # type: ignore[import-untyped]

from aumos_drift_detector.core.events.model import EventType

PACKAGE = "aumos.drift.v1"
FILE_NAME = "aumos/drift/v1/events.proto"

#: Message name -> fields as ``(name, number, type, label)``; label is ``""``, ``"optional"`` or ``"repeated"``.
MESSAGES: dict[str, list[tuple[str, int, str, str]]] = {
    "FeatureResult": [
        ("name", 1, "string", ""),
        ("test", 2, "string", ""),
        ("statistic", 3, "double", ""),
        ("p_value", 4, "double", "optional"),
        ("threshold", 5, "double", ""),
        ("drift_detected", 6, "bool", ""),
    ],
    "OutcomeMean": [
        ("start", 1, "int64", ""),
        ("n", 2, "int64", ""),
        ("mean", 3, "double", "optional"),
        ("low", 4, "double", "optional"),
        ("high", 5, "double", "optional"),
        ("interval", 6, "string", ""),
        ("confidence", 7, "double", ""),
    ],
    "ConceptStream": [
        ("detector", 1, "string", ""),
        ("stream_index", 2, "int64", ""),
        ("change_start", 3, "int64", "optional"),
        ("warning_start", 4, "int64", "optional"),
        ("n_detections", 5, "int64", ""),
        ("direction", 6, "string", "optional"),
        ("before", 7, "OutcomeMean", ""),
        ("after", 8, "OutcomeMean", ""),
    ],
    "MultivariateTest": [
        ("method", 1, "string", ""),
        ("embedding", 2, "string", "optional"),
        ("p_value", 3, "double", "optional"),
        ("threshold", 4, "double", ""),
        ("drift_detected", 5, "bool", ""),
        ("most_moved", 6, "string", "repeated"),
    ],
    "SegmentDrift": [
        ("segment", 1, "string", ""),
        ("n_drifted", 2, "int32", ""),
        ("n_features", 3, "int32", ""),
        ("drifted_features", 4, "string", "repeated"),
        ("alarm", 5, "bool", ""),
    ],
    "DriftDetected": [
        ("detection_id", 1, "string", ""),
        ("monitor_id", 2, "string", ""),
        ("monitor_name", 3, "string", ""),
        ("model_id", 4, "string", ""),
        ("model_version", 5, "string", ""),
        ("kind", 6, "string", ""),
        ("trigger", 7, "string", ""),
        ("severity", 8, "string", ""),
        ("drift_share", 9, "double", ""),
        ("is_drift", 10, "bool", ""),
        ("started_at", 11, "string", ""),
        ("finished_at", 12, "string", ""),
        ("features", 13, "FeatureResult", "repeated"),
        ("concept", 14, "ConceptStream", ""),
        ("multivariate", 15, "MultivariateTest", "repeated"),
        ("segments", 16, "SegmentDrift", "repeated"),
    ],
    "AlertRaised": [
        ("alert_id", 1, "string", ""),
        ("monitor_id", 2, "string", ""),
        ("model_id", 3, "string", ""),
        ("dedup_key", 4, "string", ""),
        ("signal", 5, "string", ""),
        ("feature", 6, "string", "optional"),
        ("severity", 7, "string", ""),
        ("previous_severity", 8, "string", ""),
        ("status", 9, "string", ""),
        ("action", 10, "string", ""),
        ("title", 11, "string", ""),
        ("occurrences", 12, "int64", ""),
        ("first_seen_at", 13, "string", ""),
        ("last_seen_at", 14, "string", ""),
        ("detection_id", 15, "string", ""),
    ],
    "RetrainingRequired": [
        ("trigger_id", 1, "string", ""),
        ("idempotency_key", 2, "string", ""),
        ("monitor_id", 3, "string", ""),
        ("model_id", 4, "string", ""),
        ("model_version", 5, "string", ""),
        ("severity", 6, "string", ""),
        ("reason", 7, "string", ""),
        ("detection_ids", 8, "string", "repeated"),
        ("consecutive_drift_runs", 9, "int32", ""),
    ],
}

#: The message that carries each event type's data.
MESSAGE_OF_EVENT: dict[EventType, str] = {
    EventType.DRIFT_DETECTED: "DriftDetected",
    EventType.ALERT_RAISED: "AlertRaised",
    EventType.RETRAINING_REQUIRED: "RetrainingRequired",
}

_FIELD = descriptor_pb2.FieldDescriptorProto
_SCALARS = {
    "string": _FIELD.TYPE_STRING,
    "double": _FIELD.TYPE_DOUBLE,
    "bool": _FIELD.TYPE_BOOL,
    "int64": _FIELD.TYPE_INT64,
    "int32": _FIELD.TYPE_INT32,
    "uint32": _FIELD.TYPE_UINT32,
}


def _message_proto(name: str, fields: list[tuple[str, int, str, str]]) -> descriptor_pb2.DescriptorProto:
    message = descriptor_pb2.DescriptorProto(name=name)
    for field_name, number, type_name, label in fields:
        field = message.field.add(name=field_name, number=number, json_name=field_name)
        field.label = _FIELD.LABEL_REPEATED if label == "repeated" else _FIELD.LABEL_OPTIONAL
        if type_name in _SCALARS:
            field.type = _SCALARS[type_name]
        else:
            field.type = _FIELD.TYPE_MESSAGE
            field.type_name = f".{PACKAGE}.{type_name}"
        if label == "optional":
            field.proto3_optional = True
            field.oneof_index = len(message.oneof_decl)
            message.oneof_decl.add(name=f"_{field_name}")
    return message


def build_pool(file_name: str, messages: dict[str, list[tuple[str, int, str, str]]]) -> descriptor_pool.DescriptorPool:
    """A pool holding one proto3 file of package :data:`PACKAGE` with the given messages (fields as in ``MESSAGES``)."""
    file_proto = descriptor_pb2.FileDescriptorProto(name=file_name, package=PACKAGE, syntax="proto3")
    for name, fields in messages.items():
        file_proto.message_type.append(_message_proto(name, fields))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file_proto)
    return pool


@cache
def _pool() -> descriptor_pool.DescriptorPool:
    return build_pool(FILE_NAME, MESSAGES)


def message_class(name: str, pool: descriptor_pool.DescriptorPool | None = None) -> type[Message]:
    """Return the runtime class of a message of ``pool`` (the events' by default), e.g. ``"DriftDetected"``."""
    found = (pool or _pool()).FindMessageTypeByName(f"{PACKAGE}.{name}")
    cls: type[Message] = message_factory.GetMessageClass(found)
    return cls


def full_name(event_type: EventType) -> str:
    """Return the fully qualified message name of an event type, e.g. ``aumos.drift.v1.DriftDetected``."""
    return f"{PACKAGE}.{MESSAGE_OF_EVENT[event_type]}"


def encode_data(event_type: EventType, data: dict[str, Any]) -> bytes:
    """Serialise an event's data as its Protobuf message (unknown fields are an error)."""
    message = message_class(MESSAGE_OF_EVENT[event_type])()
    json_format.ParseDict(data, message)
    payload: bytes = message.SerializeToString(deterministic=True)
    return payload


def decode_data(event_type: EventType, payload: bytes) -> dict[str, Any]:
    """Parse a Protobuf payload back to data keyed by the schema's field names."""
    message = message_class(MESSAGE_OF_EVENT[event_type])()
    message.ParseFromString(payload)
    data: dict[str, Any] = json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    return data
