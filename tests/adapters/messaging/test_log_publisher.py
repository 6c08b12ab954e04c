"""Without Kafka, the relay writes every event to the log, one JSON line each."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from aumos_drift_detector.adapters.messaging.log_publisher import LogEventPublisher
from aumos_drift_detector.core.events.model import EventType
from aumos_drift_detector.logging import configure_logging
from tests.core.builders import make_event


async def test_each_event_is_one_log_line_with_its_envelope(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(level="INFO", json=True)
    events = [make_event(datetime(2026, 11, 1, tzinfo=UTC), event_type=kind) for kind in EventType]
    outcomes = await LogEventPublisher().publish(events)
    assert [outcome.event_id for outcome in outcomes] == [event.id for event in events]
    assert all(outcome.error is None for outcome in outcomes)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if "event_published" in line]
    assert [line["topic"] for line in lines] == [kind.value for kind in EventType]
    assert {line["key"] for line in lines} == {"acme:churn-model"}
    assert [line["envelope"]["id"] for line in lines] == [str(event.id) for event in events]
    assert lines[0]["envelope"]["data"] == events[0].payload()
