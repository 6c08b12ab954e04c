"""The runtime Protobuf messages agree with proto/aumos/drift/v1/events.proto, and event data encodes."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from google.protobuf import json_format

from aumos_drift_detector.adapters.messaging import protobuf_schema
from aumos_drift_detector.core.detections.model import ConceptDirection, IntervalMethod, OutcomeMean
from aumos_drift_detector.core.detections.segments import SegmentFeature, SegmentResult, SegmentsOutcome
from aumos_drift_detector.core.events.builders import drift_detected
from aumos_drift_detector.core.events.model import EventType
from tests.adapters.messaging.proto_files import PROTO_DIR, parse_proto
from tests.core.builders import T0, make_concept_detection, make_detection, make_monitor

PROTO = PROTO_DIR / "events.proto"


def test_runtime_schema_matches_the_proto_file() -> None:
    package, messages = parse_proto(PROTO.read_text())
    assert package == protobuf_schema.PACKAGE == "aumos.drift.v1"
    assert messages == protobuf_schema.MESSAGES


def test_every_event_type_has_one_message_and_unknown_fields_are_refused() -> None:
    assert set(protobuf_schema.MESSAGE_OF_EVENT) == set(EventType)
    data = {"alert_id": "a1", "severity": "high", "occurrences": 3, "feature": "age"}
    decoded = protobuf_schema.decode_data(
        EventType.ALERT_RAISED, protobuf_schema.encode_data(EventType.ALERT_RAISED, data)
    )
    assert (decoded["alert_id"], decoded["severity"], int(decoded["occurrences"]), decoded["feature"]) == (
        "a1",
        "high",
        3,
        "age",
    )
    with pytest.raises(json_format.ParseError, match="no_such_field"):
        protobuf_schema.encode_data(EventType.ALERT_RAISED, {"no_such_field": 1})


def test_a_concept_drift_event_carries_its_stream_position_in_protobuf() -> None:
    monitor = make_monitor()
    detection = make_concept_detection(monitor, T0)
    event = drift_detected(uuid.uuid4(), monitor, detection)
    decoded = protobuf_schema.decode_data(event.type, protobuf_schema.encode_data(event.type, event.payload()))
    assert decoded["features"] == []
    assert decoded["concept"]["detector"] == "ADWIN"
    assert int(decoded["concept"]["stream_index"]) == 1000
    assert int(decoded["concept"]["change_start"]) == 900
    assert "warning_start" not in decoded["concept"]


def test_a_concept_drift_event_carries_its_direction_and_error_rates_in_protobuf() -> None:
    monitor = make_monitor()
    detection = make_concept_detection(monitor, T0)
    rate = {"interval": IntervalMethod.WILSON, "confidence": 0.95}
    stream = detection.stream.model_copy(
        update={
            "direction": ConceptDirection.IMPROVEMENT,
            "before": OutcomeMean(start=0, n=900, mean=0.4, low=0.37, high=0.43, **rate),
            "after": OutcomeMean(start=900, n=1, mean=0.0, low=None, high=None, **rate),
        }
    )
    event = drift_detected(uuid.uuid4(), monitor, dataclasses.replace(detection, stream=stream))
    decoded = protobuf_schema.decode_data(event.type, protobuf_schema.encode_data(event.type, event.payload()))
    concept = decoded["concept"]
    assert concept["direction"] == "improvement"
    assert (int(concept["before"]["n"]), concept["before"]["mean"], concept["before"]["interval"]) == (
        900,
        0.4,
        "wilson",
    )
    assert (int(concept["after"]["start"]), concept["after"]["mean"], concept["after"]["confidence"]) == (
        900,
        0.0,
        0.95,
    )
    assert "low" not in concept["after"]


def test_a_drifted_segment_is_carried_in_protobuf() -> None:
    monitor = make_monitor()
    feature = SegmentFeature(name="age", test="ks", statistic=0.5, p_value=1e-20, threshold=0.05, drift_detected=True)
    segment = SegmentResult(
        segment="country=DE", status="tested", n_reference=400, n_current=400, is_drift=True, drift_share=0.5,
        n_drifted=1, n_features=2, alarm=True, features=[feature],
    )  # fmt: skip
    quiet = segment.model_copy(update={"segment": "country=FR", "is_drift": False, "alarm": False})
    outcome = SegmentsOutcome(by=["country"], segments=[segment, quiet])
    detection = dataclasses.replace(make_detection(monitor, T0), is_drift=True, segments=outcome)
    event = drift_detected(uuid.uuid4(), monitor, detection)
    decoded = protobuf_schema.decode_data(event.type, protobuf_schema.encode_data(event.type, event.payload()))
    (published,) = decoded["segments"]
    assert published["segment"] == "country=DE"
    assert (published["n_drifted"], published["n_features"], published["drifted_features"]) == (1, 2, ["age"])
    assert published["alarm"] is True
