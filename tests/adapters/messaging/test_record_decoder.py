"""Protobuf ingest records decode to the records their JSON twins decode to; bad ones are refused by reason."""

from __future__ import annotations

import json
import math
import uuid

import pytest

from aumos_drift_detector.adapters.files.rows_reader import read_rows
from aumos_drift_detector.adapters.messaging import ingest_schema, protobuf_schema
from aumos_drift_detector.adapters.messaging.record_decoder import decode_record, is_protobuf
from aumos_drift_detector.core.streams.model import DeadLetterReason, StreamKind, StreamRecord
from aumos_drift_detector.core.streams.records import ModelVersion, ObservationRecord, OutcomeRecord, RecordError
from tests.adapters.messaging.proto_files import PROTO_DIR, parse_proto
from tests.adapters.messaging.protobuf_records import observation, outcome

PROTOBUF = "application/x-protobuf"
MONITOR = uuid.UUID("7c9e6679-7425-40de-944b-e07fc1f90ae7")
BY_MONITOR = {"tenant_id": "acme", "monitor_id": str(MONITOR)}
ROWS: list[dict[str, object]] = [
    {"age": 31.5, "visits": 3, "churned": False, "plan": "pro"},
    {"age": None, "visits": 12, "churned": True, "plan": None},
    {"age": 40.0, "visits": None, "churned": None, "plan": "basic"},
    {"age": -2.25, "visits": 2**40, "churned": False, "plan": ""},
]


def at(value: bytes | None, content_type: str | None = PROTOBUF) -> StreamRecord:
    return StreamRecord("drift.observations", 0, 0, b"key", value, content_type)


def typed(rows: list[object]) -> list[list[tuple[str, type, object]]]:
    """Rows with each value's type beside it (``1 == 1.0 == True`` in Python, the types tell them apart)."""
    return [[(name, type(value), value) for name, value in row.items()] for row in rows]  # type: ignore[attr-defined]


def test_runtime_schema_matches_the_proto_file() -> None:
    package, messages = parse_proto((PROTO_DIR / "ingest.proto").read_text())
    assert package == protobuf_schema.PACKAGE
    assert messages == ingest_schema.MESSAGES


def test_typed_columns_decode_to_the_rows_of_the_json_twin_with_the_same_types() -> None:
    from_protobuf = decode_record(at(observation(BY_MONITOR, ROWS)), StreamKind.OBSERVATIONS)
    from_json = decode_record(at(json.dumps({**BY_MONITOR, "rows": ROWS}).encode(), None), StreamKind.OBSERVATIONS)
    assert isinstance(from_protobuf, ObservationRecord)
    assert isinstance(from_json, ObservationRecord)
    assert (from_protobuf.tenant_id, from_protobuf.monitor_id, from_protobuf.model) == ("acme", MONITOR, None)
    assert typed(from_protobuf.rows) == typed(from_json.rows) == typed(list(ROWS))
    assert read_rows(from_protobuf.rows).table.equals(read_rows(from_json.rows).table)


def test_an_outcome_record_round_trips_its_values_or_its_labels_and_model_address() -> None:
    address = {"tenant_id": "acme", "model_id": "churn-model", "model_version": "3"}
    labels: list[tuple[str, float | str | bool]] = [("p-1", 1.0), ("p-2", "churned"), ("p-3", True)]
    with_values = decode_record(at(outcome(address, [0.0, 1.0, 0.25])), StreamKind.OUTCOMES)
    with_labels = decode_record(at(outcome(address, [], labels)), StreamKind.OUTCOMES)
    as_json = decode_record(
        at(json.dumps({**address, "labels": [{"inference_id": i, "label": v} for i, v in labels]}).encode(), None),
        StreamKind.OUTCOMES,
    )
    model = ModelVersion("churn-model", "3")
    assert with_values == OutcomeRecord("acme", None, [0.0, 1.0, 0.25], model)
    assert with_labels == as_json == OutcomeRecord("acme", None, [], model, tuple(labels))
    assert [type(label) for _, label in with_labels.labels] == [float, str, bool]


@pytest.mark.parametrize(
    "content_type",
    [PROTOBUF, "application/protobuf", "Application/X-Protobuf ; messageType=aumos.drift.v1.OutcomeRecord"],
)
def test_the_protobuf_media_types_with_or_without_parameters_are_protobuf(content_type: str) -> None:
    assert is_protobuf(content_type)
    decoded = decode_record(at(outcome(BY_MONITOR, [1.0]), content_type), StreamKind.OUTCOMES)
    assert decoded == OutcomeRecord("acme", MONITOR, [1.0])


@pytest.mark.parametrize("content_type", [None, "application/json", "text/plain"])
def test_any_other_content_type_is_json(content_type: str | None) -> None:
    assert not is_protobuf(content_type)
    with pytest.raises(RecordError, match="not JSON") as caught:
        decode_record(at(outcome(BY_MONITOR, [1.0]), content_type), StreamKind.OUTCOMES)
    assert caught.value.reason is DeadLetterReason.UNPARSEABLE


@pytest.mark.parametrize(
    ("record", "named"),
    [
        (at(b"\xff\xff\xff"), "not a Protobuf aumos.drift.v1.OutcomeRecord"),
        (at(json.dumps({**BY_MONITOR, "values": [1]}).encode()), "not a Protobuf"),
        (at(None), "no value"),
        (at(outcome(BY_MONITOR, [1.0]), f"{PROTOBUF}; messageType=aumos.drift.v1.ObservationRecord"), "messageType"),
    ],
)
def test_bytes_that_are_not_the_topics_message_are_unparseable(record: StreamRecord, named: str) -> None:
    with pytest.raises(RecordError, match=named) as caught:
        decode_record(record, StreamKind.OUTCOMES)
    assert caught.value.reason is DeadLetterReason.UNPARSEABLE


def column_record(*columns: dict[str, object]) -> bytes:
    message = ingest_schema.message_class(ingest_schema.OBSERVATION_RECORD)(**BY_MONITOR)
    for column in columns:
        message.columns.add(**column)
    payload: bytes = message.SerializeToString()
    return payload


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (column_record(), "columns: must be a non-empty list"),
        (column_record({"name": "age", "doubles": [1.0], "integers": [2]}), r"columns\[0\] \(age\): values of more"),
        (column_record({"name": "age", "doubles": [1.0]}, {"name": "n", "integers": [1, 2]}), "same number of rows"),
        (
            column_record({"name": "age", "doubles": [1.0], "null_rows": [2]}),
            r"null_rows: must be ascending .* below 2",
        ),
        (column_record({"name": "age", "doubles": [1.0], "null_rows": [1, 1]}), "null_rows: must be ascending"),
        (column_record({"name": "age", "doubles": [1.0]}, {"name": "age", "doubles": [2.0]}), r"columns\[1\].name"),
        (column_record({"name": "", "doubles": [1.0]}), r"columns\[0\].name"),
        (column_record({"name": "age"}), "at least one"),
        (observation({"monitor_id": str(MONITOR)}, ROWS), "tenant_id: must be a non-empty string"),
        (observation({"tenant_id": "acme", "monitor_id": "churn"}, ROWS), "monitor_id: not a UUID"),
        (observation({"tenant_id": "acme", "model_id": "churn-model"}, ROWS), "model_version: must be"),
    ],
)
def test_a_malformed_observation_record_is_invalid_naming_the_field(value: bytes, named: str) -> None:
    with pytest.raises(RecordError, match=named) as caught:
        decode_record(at(value), StreamKind.OBSERVATIONS)
    assert caught.value.reason is DeadLetterReason.INVALID_RECORD


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (outcome(BY_MONITOR, []), "values: must be a non-empty list"),
        (outcome(BY_MONITOR, [0.0, math.nan]), r"values\[1\]: must be a finite number"),
        (outcome(BY_MONITOR, [], [("", 1.0)]), r"labels\[0\]: needs an inference_id"),
        (outcome(BY_MONITOR, [], [("p-1", 1.0), ("p-2", None)]), r"labels\[1\]: needs .* exactly one"),
        (outcome(BY_MONITOR, [1.0], [("p-1", 1.0)]), "labels: send either values or labels, not both"),
    ],
)
def test_a_malformed_outcome_record_is_invalid_naming_the_field(value: bytes, named: str) -> None:
    with pytest.raises(RecordError, match=named) as caught:
        decode_record(at(value), StreamKind.OUTCOMES)
    assert caught.value.reason is DeadLetterReason.INVALID_RECORD


def test_an_all_null_column_keeps_its_rows() -> None:
    decoded = decode_record(
        at(column_record({"name": "age", "null_rows": [0, 1]}, {"name": "plan", "strings": ["a", "b"]})),
        StreamKind.OBSERVATIONS,
    )
    assert isinstance(decoded, ObservationRecord)
    assert decoded.rows == [{"age": None, "plan": "a"}, {"age": None, "plan": "b"}]
