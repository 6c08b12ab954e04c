"""The whole loop with Kafka configured: a drifting run raises an alert people acknowledge, and its events arrive."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import numpy as np
import pytest

from tests import servers
from tests.api_client import MINIMAL_MONITOR, api, auth, churn_rows, csv_bytes
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration
CSV = {"Content-Type": "text/csv"}


@pytest.fixture
def broker(request: pytest.FixtureRequest, kafka_broker_process: servers.Broker) -> Iterator[servers.Broker]:
    """A broker of this test only, so its topics start empty."""
    request.node.user_properties.append(("server", "Kafka broker (tansu)"))
    fresh = servers.start_tansu()
    try:
        yield fresh
    finally:
        fresh.stop()


async def test_drifting_run_alerts_and_publishes_the_three_events(
    database: DatabaseTarget, broker: servers.Broker
) -> None:
    async with api(
        database.url, kafka_bootstrap_servers=broker.bootstrap_servers, outbox_relay_interval_seconds=0.1
    ) as (client, container):
        admin, operator = auth(container.settings), auth(container.settings, role="operator", subject="oncall")
        ready = (await client.get("/health/ready")).json()
        assert ready["checks"]["kafka"] == {"status": "ok"}
        monitor = (await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=admin)).json()
        base = f"/api/v1/monitors/{monitor['id']}"
        rng = np.random.default_rng(42)
        await client.put(f"{base}/reference", content=csv_bytes(churn_rows(rng, 2000)), headers={**admin, **CSV})
        drifted = csv_bytes(churn_rows(rng, 1000, age_shift=10.0, pro_share=0.6))
        await client.post(f"{base}/observations", content=drifted, headers={**operator, **CSV})
        detection = (await client.post(f"{base}/runs", headers=operator)).json()
        assert detection["is_drift"] is True

        alerts = (await client.get("/api/v1/alerts", params={"status": "open"}, headers=operator)).json()["items"]
        assert [alert["last_detection_id"] for alert in alerts] == [detection["id"]]
        alert_id = alerts[0]["id"]
        acknowledged = await client.post(
            f"/api/v1/alerts/{alert_id}/acknowledge", json={"note": "looking into it"}, headers=operator
        )
        assert acknowledged.status_code == 200, acknowledged.text
        assert acknowledged.json()["status"] == "acknowledged"
        history = (await client.get(f"/api/v1/alerts/{alert_id}", headers=operator)).json()["history"]
        assert [(entry["action"], entry["actor"]) for entry in history][-1] == ("acknowledged", "oncall")

        # The relay runs on this event loop: read the topics in a worker thread so it can go on publishing.
        received = {
            topic: await asyncio.to_thread(servers.consume_all, broker.bootstrap_servers, topic, expected=1, timeout=60)
            for topic in ("drift.detected", "drift.alert_raised", "drift.retraining_required")
        }
    for topic, messages in received.items():
        assert len(messages) == 1, topic
        message = messages[0]
        assert message.key() == b"acme:churn-model"
        envelope = json.loads(message.value())
        assert envelope["type"] == topic
        assert envelope["tenant_id"] == "acme"
    detected = json.loads(received["drift.detected"][0].value())["data"]
    assert detected["detection_id"] == detection["id"]
    assert detected["severity"] == detection["severity"]
    assert {item["name"] for item in detected["features"]} == {"age", "plan"}
    raised = json.loads(received["drift.alert_raised"][0].value())["data"]
    assert (raised["alert_id"], raised["action"]) == (alert_id, "opened")
    retrain = json.loads(received["drift.retraining_required"][0].value())["data"]
    assert retrain["model_id"] == "churn-model"
    assert detection["id"] in retrain["detection_ids"]


async def test_without_kafka_the_relay_writes_events_to_the_log_and_drains_the_outbox(
    database: DatabaseTarget, capsys: pytest.CaptureFixture[str]
) -> None:
    from aumos_drift_detector.logging import configure_logging

    configure_logging(level="INFO", json=True)
    async with api(database.url, outbox_relay_interval_seconds=0.05) as (client, container):
        admin = auth(container.settings)
        monitor = (await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=admin)).json()
        base = f"/api/v1/monitors/{monitor['id']}"
        rng = np.random.default_rng(43)
        await client.put(f"{base}/reference", content=csv_bytes(churn_rows(rng, 1000)), headers={**admin, **CSV})
        drifted = csv_bytes(churn_rows(rng, 1000, age_shift=10.0, pro_share=0.6))
        await client.post(f"{base}/observations", content=drifted, headers={**admin, **CSV})
        detection = (await client.post(f"{base}/runs", headers=admin)).json()
        outbox: dict[str, object] = {}
        for _ in range(100):
            outbox = (await client.get("/health/ready")).json()["checks"]["outbox"]["details"]
            if outbox["pending"] == 0:
                break
            await asyncio.sleep(0.05)
    assert outbox["pending"] == 0
    logged = [json.loads(line) for line in capsys.readouterr().err.splitlines() if '"event_published"' in line]
    assert sorted(line["topic"] for line in logged) == sorted(
        ["drift.detected", "drift.alert_raised", "drift.retraining_required"]
    )
    detected = next(line for line in logged if line["topic"] == "drift.detected")
    assert detected["envelope"]["data"]["detection_id"] == detection["id"]
