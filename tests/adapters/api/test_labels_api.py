"""Delayed labels over HTTP on both databases: predictions, shuffled late labels, ghosts and expiry.

The errors the detector is fed must be the offline join's errors in prediction order: its stored state
equals that of a fresh detector fed those errors.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import numpy as np
import pytest

from aumos_drift_detector.bootstrap import Container
from aumos_drift_detector.core.clock import FixedClock
from aumos_drift_detector.core.concept.config import parse_concept
from aumos_drift_detector.core.labels.expiry import ExpiryPass, LabelExpiry
from tests.api_client import MINIMAL_MONITOR, api, auth
from tests.conftest import DatabaseTarget
from tests.core.builders import T0

pytestmark = pytest.mark.integration

N = 300


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
async def service(database: DatabaseTarget, clock: FixedClock) -> AsyncIterator[tuple[httpx.AsyncClient, Container]]:
    async with api(database.url, clock=clock) as pair:
        yield pair


async def test_labels_join_over_http_and_feed_the_offline_errors_in_order(
    service: tuple[httpx.AsyncClient, Container], clock: FixedClock
) -> None:
    client, container = service
    admin = auth(container.settings)
    body = {**MINIMAL_MONITOR, "concept": {"detector": "ADWIN", "error": "squared"}}
    monitor = (await client.post("/api/v1/monitors", json=body, headers=admin)).json()["id"]
    rng = np.random.default_rng(13)
    predicted, truth = rng.normal(0, 1, N).round(3), rng.normal(0, 1, N).round(3)
    order = rng.permutation(N)
    never, early, late = set(order[:30].tolist()), sorted(order[30:50].tolist()), order[50:].tolist()
    totals: dict[str, int] = {}

    async def send(path: str, payload: dict[str, Any]) -> None:
        response = await client.post(f"/api/v1/monitors/{monitor}/{path}", json=payload, headers=admin)
        assert response.status_code == 202, response.text
        for name, value in response.json().items():
            if isinstance(value, int):
                totals[name] = totals.get(name, 0) + value

    def labels(numbers: list[int]) -> list[dict[str, Any]]:
        return [{"inference_id": f"i{n}", "label": float(truth[n])} for n in numbers]

    await send("outcomes", {"labels": labels(early)})
    for start in range(0, N, 100):
        chunk = range(start, start + 100)
        await send(
            "predictions", {"predictions": [{"inference_id": f"i{n}", "prediction": predicted[n]} for n in chunk]}
        )
    for start in range(0, len(late), 60):
        clock.advance(timedelta(minutes=30))
        await send("outcomes", {"labels": [*labels(late[start : start + 60]), {"inference_id": "ghost", "label": 0}]})
    clock.advance(timedelta(days=8))
    await send("outcomes", {"labels": [{"inference_id": "last-ghost", "label": 0}]})

    offline = ((truth - predicted) ** 2)[[n for n in range(N) if n not in never]]
    reference = parse_concept({"detector": "ADWIN"}).build()
    reference.update_many(offline)
    status = (await client.get(f"/api/v1/monitors/{monitor}/concept", headers=admin)).json()
    async with container.unit_of_work() as uow:
        checkpoint = await uow.concept_states.get("acme", uuid.UUID(monitor))
    assert checkpoint is not None
    assert checkpoint.state == reference.to_state()
    assert status["n_seen"] == N - len(never)
    ghosts = len(range(0, len(late), 60))
    assert {name: totals[name] for name in ("predictions", "joined", "unknown", "expired_predictions", "fed")} == {
        "predictions": N,
        "joined": N - len(never),
        "unknown": len(early) + ghosts + 1,
        "expired_predictions": len(never),
        "fed": N - len(never),
    }
    assert totals["expired_labels"] == ghosts
    shown = (await client.get(f"/api/v1/monitors/{monitor}/labels", headers=admin)).json()
    assert shown == {
        "next_sequence": N,
        "watermark": N,
        "joined": N - len(never),
        "unknown": len(early) + ghosts + 1,
        "expired_predictions": len(never),
        "expired_labels": ghosts,
        "duplicates": 0,
    }


async def test_the_expiry_pass_settles_a_monitor_that_receives_nothing_more(
    service: tuple[httpx.AsyncClient, Container], clock: FixedClock
) -> None:
    client, container = service
    admin = auth(container.settings)
    body = {**MINIMAL_MONITOR, "concept": {"detector": "ADWIN", "error": "absolute"}}
    monitor = (await client.post("/api/v1/monitors", json=body, headers=admin)).json()["id"]
    predictions = [{"inference_id": f"i{n}", "prediction": float(n)} for n in range(10)]
    labelled = [{"inference_id": f"i{n}", "label": float(n) + 0.5} for n in range(1, 10, 2)]
    for path, payload in (("predictions", {"predictions": predictions}), ("outcomes", {"labels": labelled})):
        response = await client.post(f"/api/v1/monitors/{monitor}/{path}", json=payload, headers=admin)
        assert response.status_code == 202, response.text
    expiry = LabelExpiry(container.unit_of_work, container.services().labels)
    assert await expiry.sweep() == ExpiryPass(monitors=1)

    clock.advance(timedelta(days=7, seconds=1))

    assert await expiry.sweep() == ExpiryPass(monitors=1, expired_predictions=5, fed=5)
    shown = (await client.get(f"/api/v1/monitors/{monitor}/labels", headers=admin)).json()
    assert (shown["watermark"], shown["joined"], shown["expired_predictions"]) == (10, 5, 5)
    status = (await client.get(f"/api/v1/monitors/{monitor}/concept", headers=admin)).json()
    assert status["n_seen"] == 5
    assert await expiry.sweep() == ExpiryPass()
    assert counted(container, "rest") == {"predictions": 10, "joins": 5}
    assert counted(container, "expiry") == {"expired_predictions": 5, "errors_fed": 5}


def counted(container: Container, source: str) -> dict[str, float]:
    """The label join counters of one source, by name, leaving out those at zero."""
    found: dict[str, float] = {}
    for metric in container.registry.collect():
        for sample in metric.samples:
            ours = sample.name.startswith("aumos_drift_label_") and sample.name.endswith("_total")
            if ours and sample.labels.get("source") == source and sample.value:
                found[sample.name.removeprefix("aumos_drift_label_").removesuffix("_total")] = sample.value
    return found


async def test_label_bodies_are_checked_and_named(service: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = service
    admin = auth(container.settings)
    plain = (await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=admin)).json()["id"]
    both = {"values": [1], "labels": [{"inference_id": "a", "label": 1}]}
    refused = await client.post(f"/api/v1/monitors/{plain}/outcomes", json=both, headers=admin)
    no_join = await client.post(f"/api/v1/monitors/{plain}/outcomes", json={"labels": both["labels"]}, headers=admin)
    predictions = {"predictions": [{"inference_id": "a", "prediction": 1}]}
    no_store = await client.post(f"/api/v1/monitors/{plain}/predictions", json=predictions, headers=admin)
    no_status = await client.get(f"/api/v1/monitors/{plain}/labels", headers=admin)
    assert (refused.status_code, no_join.status_code, no_store.status_code, no_status.status_code) == (
        422,
        409,
        409,
        409,
    )
    assert "either 'values' or 'labels'" in refused.json()["error"]["message"]
    assert "concept.error" in no_join.json()["error"]["message"]


async def test_a_prediction_score_must_be_a_number(service: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = service
    admin = auth(container.settings)
    body = {**MINIMAL_MONITOR, "concept": {"detector": "ADWIN", "error": "misclassification"}}
    monitor = (await client.post("/api/v1/monitors", json=body, headers=admin)).json()["id"]
    url = f"/api/v1/monitors/{monitor}/predictions"
    for score in (False, "0.5"):  # lax parsing would store 0.0 and 0.5
        bad = {"predictions": [{"inference_id": 0, "prediction": False, "score": score}]}
        answer = await client.post(url, json=bad, headers=admin)
        assert answer.status_code == 422, answer.text
        assert "predictions[0].score" in answer.json()["error"]["message"]
    good = {"predictions": [{"inference_id": 0, "prediction": False, "score": 1}]}
    assert (await client.post(url, json=good, headers=admin)).status_code == 202


async def test_an_inference_id_is_a_string_or_an_integer_not_a_boolean(
    service: tuple[httpx.AsyncClient, Container],
) -> None:
    client, container = service
    admin = auth(container.settings)
    body = {**MINIMAL_MONITOR, "concept": {"detector": "ADWIN", "error": "misclassification"}}
    monitor = (await client.post("/api/v1/monitors", json=body, headers=admin)).json()["id"]
    predictions = {"predictions": [{"inference_id": False, "prediction": False}]}
    labels = {"labels": [{"inference_id": True, "label": "cat"}]}
    for path, bad in (("predictions", predictions), ("outcomes", labels)):
        answer = await client.post(f"/api/v1/monitors/{monitor}/{path}", json=bad, headers=admin)
        assert answer.status_code == 422, answer.text
        assert f"{path.replace('outcomes', 'labels')}[0].inference_id" in answer.json()["error"]["message"]
