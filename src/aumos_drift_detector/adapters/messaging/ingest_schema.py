"""Runtime Protobuf messages of the ingest records, built from a definition mirroring ``proto/``.

Like the event messages (:mod:`.protobuf_schema`), the classes are made at run time from :data:`MESSAGES`;
a test parses ``proto/aumos/drift/v1/ingest.proto`` and checks that both agree field by field.
"""

from __future__ import annotations

from functools import cache

from google.protobuf import descriptor_pool  # type: ignore[import-untyped]
from google.protobuf.message import Message  # type: ignore[import-untyped]

from aumos_drift_detector.adapters.messaging import protobuf_schema

FILE_NAME = "aumos/drift/v1/ingest.proto"
OBSERVATION_RECORD = "ObservationRecord"
OUTCOME_RECORD = "OutcomeRecord"
#: The lists of a column that hold values, in the order of their field numbers.
VALUE_LISTS = ("doubles", "integers", "booleans", "strings")

#: Message name -> fields as ``(name, number, type, label)``, as in :data:`.protobuf_schema.MESSAGES`.
MESSAGES: dict[str, list[tuple[str, int, str, str]]] = {
    "Column": [
        ("name", 1, "string", ""),
        ("doubles", 2, "double", "repeated"),
        ("integers", 3, "int64", "repeated"),
        ("booleans", 4, "bool", "repeated"),
        ("strings", 5, "string", "repeated"),
        ("null_rows", 6, "uint32", "repeated"),
    ],
    OBSERVATION_RECORD: [
        ("tenant_id", 1, "string", ""),
        ("monitor_id", 2, "string", ""),
        ("model_id", 3, "string", ""),
        ("model_version", 4, "string", ""),
        ("columns", 5, "Column", "repeated"),
    ],
    "Label": [
        ("inference_id", 1, "string", ""),
        ("number", 2, "double", "optional"),
        ("text", 3, "string", "optional"),
        ("flag", 4, "bool", "optional"),
    ],
    OUTCOME_RECORD: [
        ("tenant_id", 1, "string", ""),
        ("monitor_id", 2, "string", ""),
        ("model_id", 3, "string", ""),
        ("model_version", 4, "string", ""),
        ("values", 5, "double", "repeated"),
        ("labels", 6, "Label", "repeated"),
    ],
}


@cache
def _pool() -> descriptor_pool.DescriptorPool:
    return protobuf_schema.build_pool(FILE_NAME, MESSAGES)


def message_class(name: str) -> type[Message]:
    """Return the runtime class of an ingest message, e.g. ``message_class("ObservationRecord")``."""
    return protobuf_schema.message_class(name, _pool())


def full_name(name: str) -> str:
    """The fully qualified name of an ingest message, e.g. ``aumos.drift.v1.OutcomeRecord``."""
    return f"{protobuf_schema.PACKAGE}.{name}"
