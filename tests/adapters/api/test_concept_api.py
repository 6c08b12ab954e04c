"""Concept drift over HTTP: outcome batches, a checkpointed detector, concept detections, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import numpy as np
import pytest
from river import drift as river_drift

from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.outcomes.direction import follow
from aumos_drift_detector.core.outcomes.stretch import OutcomeStretch
from tests.api_client import MINIMAL_MONITOR, api, auth
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration


@pytest.fixture
async def service(database: DatabaseTarget) -> AsyncIterator[tuple[httpx.AsyncClient, Container]]:
    async with api(database.url) as pair:
        yield pair


def error_stream(seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    return [float(x) for x in np.concatenate([rng.random(3000) < 0.1, rng.random(3000) < 0.5])]


def river_drift_indices(stream: list[float]) -> list[int]:
    detector = river_drift.ADWIN()
    found = []
    for index, value in enumerate(stream):
        detector.update(value)
        if detector.drift_detected:
            found.append(index)
    return found


async def test_batches_across_restarts_give_rivers_drift_indices(database: DatabaseTarget) -> None:
    stream = error_stream(3)
    expected = river_drift_indices(stream)
    assert expected, "the stream must contain a drift"
    drifts: list[dict[str, Any]] = []
    detection_ids: list[str] = []
    chunks = [stream[i : i + 700] for i in range(0, len(stream), 700)]
    monitor_id = None
    for part in range(2):
        # Two service lifetimes on one database: the detector must continue from its checkpoint.
        async with api(database.url) as (client, container):
            admin = auth(container.settings)
            if monitor_id is None:
                body = {**MINIMAL_MONITOR, "concept": {"detector": "ADWIN"}}
                monitor_id = (await client.post("/api/v1/monitors", json=body, headers=admin)).json()["id"]
            for chunk in chunks[part * len(chunks) // 2 : (part + 1) * len(chunks) // 2]:
                response = await client.post(
                    f"/api/v1/monitors/{monitor_id}/outcomes", json={"values": chunk}, headers=admin
                )
                assert response.status_code == 202, response.text
                drifts.extend(response.json()["drifts"])
                detection_ids.extend(response.json()["detection_ids"])
            status = (await client.get(f"/api/v1/monitors/{monitor_id}/concept", headers=admin)).json()
            concept = await client.get(
                "/api/v1/detections", params={"monitor_id": monitor_id, "is_drift": "true"}, headers=admin
            )
    assert [item["index"] for item in drifts] == expected
    assert status["n_seen"] == len(stream)
    assert status["n_detections"] == len(expected)
    stored = concept.json()["items"]
    assert sorted(item["id"] for item in stored) == sorted(detection_ids)
    assert {item["kind"] for item in stored} == {"concept"}
    assert sorted(item["concept"]["stream_index"] for item in stored) == expected
    assert {(item["concept"]["detector"], len(item["features"])) for item in stored} == {("ADWIN", 0)}


def bernoulli(seed: int, before: float, after: float) -> list[float]:
    rng = np.random.default_rng(seed)
    return [float(x) for x in np.concatenate([rng.random(2000) < before, rng.random(1000) < after])]


def expected_figures(detector: str, stream: list[float]) -> list[dict[str, Any]]:
    """The direction and the before/after figures of each drift, from the core library on the whole stream."""
    built = parse_concept({"detector": detector}).build()
    values = np.asarray(stream)
    figures, _ = follow(OutcomeStretch.empty(0), values, built.update_many(values).drifts)
    return [
        {
            "direction": f.direction.value,
            "before": f.before.model_dump(mode="json"),
            "after": f.after.model_dump(mode="json"),
        }
        for f in figures
    ]


async def test_concept_detections_carry_their_direction_and_only_degradations_alert(database: DatabaseTarget) -> None:
    streams = {"DDM": bernoulli(5, 0.1, 0.3), "ADWIN": bernoulli(5, 0.4, 0.05)}
    monitors: dict[str, str] = {}
    for part in range(2):
        # Two service lifetimes on one database; the batches are cut at arbitrary points.
        async with api(database.url) as (client, container):
            admin = auth(container.settings)
            for detector, stream in streams.items():
                if detector not in monitors:
                    body = {**MINIMAL_MONITOR, "concept": {"detector": detector}}
                    monitors[detector] = (await client.post("/api/v1/monitors", json=body, headers=admin)).json()["id"]
                url = f"/api/v1/monitors/{monitors[detector]}/outcomes"
                for chunk in np.array_split(np.asarray(stream), [777, 1500, 2090, 2500])[part * 3 : part * 3 + 3]:
                    response = await client.post(url, json={"values": chunk.tolist()}, headers=admin)
                    assert response.status_code == 202, response.text
            found = {
                detector: (await client.get("/api/v1/detections", params={"monitor_id": monitor}, headers=admin)).json()
                for detector, monitor in monitors.items()
            }
            alerts = {
                detector: (await client.get("/api/v1/alerts", params={"monitor_id": monitor}, headers=admin)).json()
                for detector, monitor in monitors.items()
            }
            status = (await client.get(f"/api/v1/monitors/{monitors['ADWIN']}/concept", headers=admin)).json()
    for detector, stream in streams.items():
        items = sorted(found[detector]["items"], key=lambda item: item["concept"]["stream_index"])
        figures = [{name: item["concept"][name] for name in ("direction", "before", "after")} for item in items]
        assert figures == expected_figures(detector, stream)
    degradation, improvement = found["DDM"]["items"][-1], found["ADWIN"]["items"][0]
    assert (degradation["concept"]["direction"], degradation["severity"]) == ("degradation", "high")
    assert degradation["concept"]["after"]["low"] <= 0.3 <= degradation["concept"]["after"]["high"]
    assert (improvement["concept"]["direction"], improvement["severity"], improvement["is_drift"]) == (
        "improvement",
        "none",
        True,
    )
    assert [alert["severity"] for alert in alerts["DDM"]["items"]] == ["high"]
    assert alerts["ADWIN"]["items"] == []
    after = improvement["concept"]["after"]
    assert (status["current"]["start"], status["current"]["n"]) == (after["start"], 3000 - after["start"])
    assert status["current"]["interval"] == "wilson"


async def test_the_alert_policy_names_the_concept_directions_it_alerts_on(
    service: tuple[httpx.AsyncClient, Container],
) -> None:
    client, container = service
    admin = auth(container.settings)
    default = await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=admin)
    assert default.json()["alert_policy"]["concept_directions"] == ["degradation"]
    opted_in = {**MINIMAL_MONITOR, "alert_policy": {"concept_directions": ["degradation", "improvement"]}}
    created = await client.post("/api/v1/monitors", json=opted_in, headers=admin)
    assert created.json()["alert_policy"]["concept_directions"] == ["degradation", "improvement"]
    sideways = {**MINIMAL_MONITOR, "alert_policy": {"concept_directions": ["sideways"]}}
    refused = await client.post("/api/v1/monitors", json=sideways, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["error"]["message"].startswith("alert_policy.concept_directions[0]: Input should be")
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]["AlertPolicy"]
    assert schema["properties"]["concept_directions"]["default"] == ["degradation"]


async def test_a_retried_batch_counts_once(service: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = service
    admin = auth(container.settings)
    body = {**MINIMAL_MONITOR, "concept": {"detector": "DDM"}}
    monitor_id = (await client.post("/api/v1/monitors", json=body, headers=admin)).json()["id"]
    url = f"/api/v1/monitors/{monitor_id}/outcomes"
    headers = {**admin, "Idempotency-Key": "outcomes-1"}
    first = await client.post(url, json={"values": [0, 1, 0, 0]}, headers=headers)
    again = await client.post(url, json={"values": [0, 1, 0, 0]}, headers=headers)
    assert (first.json()["accepted"], again.json()["accepted"], again.json()["duplicate"]) == (4, 0, True)
    assert again.json()["n_seen"] == 4


@pytest.mark.parametrize(
    ("concept", "field"),
    [
        ({"detector": "MAGIC"}, "concept: Input tag 'MAGIC' found using 'detector' does not match any of the expected"),
        ({"detector": "ADWIN", "params": {"delta": -1}}, "concept.params.delta: Input should be greater than 0"),
        (
            {"detector": "ADWIN", "params": {"speed": 3}},
            "concept.params: unknown parameter 'speed'; ADWIN takes delta, clock, max_buckets, min_window_length, "
            "grace_period, reset_on_drift",
        ),
        (
            {"detector": "DDM", "params": {"delta": 0.1}},
            "concept.params: unknown parameter 'delta'; DDM takes warm_start, warning_threshold, drift_threshold",
        ),
        ({"detector": "ADWIN", "colour": "red"}, "concept.colour"),
        ({"detector": "ADWIN", "error": "abs"}, "concept.error: Input should be 'misclassification', 'absolute'"),
        ({"detector": "HDDM_A", "error": "absolute"}, "concept.error: this detector takes unit_interval values"),
        ({"detector": "DDM", "error": "squared"}, "concept.error: this detector takes binary values"),
    ],
)
async def test_bad_concept_configuration_names_the_field(
    service: tuple[httpx.AsyncClient, Container], concept: dict[str, Any], field: str
) -> None:
    client, container = service
    admin = auth(container.settings)
    response = await client.post("/api/v1/monitors", json={**MINIMAL_MONITOR, "concept": concept}, headers=admin)
    assert response.status_code == 422
    assert response.json()["error"]["message"].startswith(field)


async def test_the_joined_error_is_stored_and_shown(service: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = service
    admin = auth(container.settings)
    body = {**MINIMAL_MONITOR, "concept": {"detector": "ADWIN", "error": "absolute"}}
    created = (await client.post("/api/v1/monitors", json=body, headers=admin)).json()
    shown = (await client.get(f"/api/v1/monitors/{created['id']}", headers=admin)).json()
    plain = {**MINIMAL_MONITOR, "name": "plain", "concept": {"detector": "DDM"}}
    default = (await client.post("/api/v1/monitors", json=plain, headers=admin)).json()
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]["ADWINConfig"]["properties"]
    assert (shown["concept"]["error"], default["concept"]["error"]) == ("absolute", None)
    assert "squared" in str(schema["error"])


async def test_bad_outcomes_are_rejected_and_change_nothing(service: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = service
    admin = auth(container.settings)
    plain = (await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=admin)).json()["id"]
    no_detector = await client.post(f"/api/v1/monitors/{plain}/outcomes", json={"values": [1]}, headers=admin)
    assert no_detector.status_code == 409
    body = {**MINIMAL_MONITOR, "concept": {"detector": "DDM"}}
    monitor_id = (await client.post("/api/v1/monitors", json=body, headers=admin)).json()["id"]
    url = f"/api/v1/monitors/{monitor_id}/outcomes"
    assert (await client.post(url, json={"values": []}, headers=admin)).status_code == 422
    assert (await client.post(url, json={"values": ["x"]}, headers=admin)).status_code == 422
    out_of_range = await client.post(url, json={"values": [0, 1, 2]}, headers=admin)
    assert out_of_range.status_code == 422, out_of_range.text
    assert "must be 0 or 1" in out_of_range.json()["error"]["message"]
    assert (await client.get(f"/api/v1/monitors/{monitor_id}/concept", headers=admin)).json()["n_seen"] == 0
    viewer = auth(container.settings, role="viewer")
    assert (await client.post(url, json={"values": [0]}, headers=viewer)).status_code == 403
    other = auth(container.settings, tenant="globex")
    assert (await client.post(url, json={"values": [0]}, headers=other)).status_code == 404
