"""How an event looks on the wire: a CloudEvents-style JSON envelope, or Protobuf binary.

* ``json`` (default, CloudEvents *structured* mode): the value is one JSON object with
  ``specversion``, ``id``, ``type``, ``source``, ``time``, ``subject``, ``tenant_id``,
  ``datacontenttype`` and ``data``; header ``content-type: application/cloudevents+json``.
* ``protobuf`` (CloudEvents *binary* mode): the value is the event type's Protobuf message
  (``proto/aumos/drift/v1/events.proto``); the envelope attributes travel as ``ce_*`` headers and
  ``content-type: application/protobuf; messageType=aumos.drift.v1.<Message>``.

The key is always ``tenant_id:model_id``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from aumos_drift_detector.adapters.messaging import protobuf_schema
from aumos_drift_detector.core.events.model import Event

SPEC_VERSION = "1.0"
JSON_CONTENT_TYPE = "application/cloudevents+json"
PROTOBUF_CONTENT_TYPE = "application/protobuf"


class WireFormat(StrEnum):
    """The encoding of message values."""

    JSON = "json"
    PROTOBUF = "protobuf"


@dataclass(frozen=True, slots=True)
class WireMessage:
    """One Kafka record ready to produce.

    Attributes:
        topic: Destination topic.
        key: ``tenant_id:model_id`` as bytes.
        value: The encoded event.
        headers: Record headers (``content-type`` always among them).
    """

    topic: str
    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def envelope(event: Event) -> dict[str, Any]:
    """Return the CloudEvents-style JSON envelope of an event."""
    return {
        "specversion": SPEC_VERSION,
        "id": str(event.id),
        "type": event.type.value,
        "source": event.source,
        "time": event.time.isoformat(),
        "subject": event.subject,
        "tenant_id": event.tenant_id,
        "datacontenttype": "application/json",
        "data": event.payload(),
    }


def encode(event: Event, wire_format: WireFormat = WireFormat.JSON) -> WireMessage:
    """Encode an event for Kafka in the given format."""
    key = event.key.encode()
    if wire_format is WireFormat.JSON:
        value = json.dumps(envelope(event), separators=(",", ":"), sort_keys=True).encode()
        return WireMessage(event.type.topic, key, value, [("content-type", JSON_CONTENT_TYPE.encode())])
    content_type = f"{PROTOBUF_CONTENT_TYPE}; messageType={protobuf_schema.full_name(event.type)}"
    headers = [
        ("content-type", content_type.encode()),
        ("ce_specversion", SPEC_VERSION.encode()),
        ("ce_id", str(event.id).encode()),
        ("ce_type", event.type.value.encode()),
        ("ce_source", event.source.encode()),
        ("ce_time", event.time.isoformat().encode()),
        ("ce_subject", event.subject.encode()),
        ("ce_tenantid", event.tenant_id.encode()),
    ]
    return WireMessage(event.type.topic, key, protobuf_schema.encode_data(event.type, event.payload()), headers)
