"""End-to-end: a monitor's segments over HTTP, on both databases.

Each country has its own distribution of ``age``; a run tests each country against its own past, so a
shift confined to a small country, which the global mix hides, drifts the detection and names it,
while countries that differ from each other, but not from their own past, do not.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import numpy as np
import pytest

from aumos_drift_detector.bootstrap import Container
from tests.api_client import MINIMAL_MONITOR, api, auth, csv_bytes
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration
CSV = {"Content-Type": "text/csv"}
#: Rows and mean age of each country: DE is small, FR and US are far apart.
COUNTRIES = {"DE": (400, 40.0), "FR": (1800, 70.0), "US": (1800, 10.0)}
SEGMENTS = {"by": ["country"], "max_segments": 20, "min_rows": 200}


@pytest.fixture
async def service(database: DatabaseTarget) -> AsyncIterator[tuple[httpx.AsyncClient, Container]]:
    async with api(database.url) as pair:
        yield pair


@pytest.fixture
def client(service: tuple[httpx.AsyncClient, Container]) -> httpx.AsyncClient:
    return service[0]


@pytest.fixture
def admin(service: tuple[httpx.AsyncClient, Container]) -> dict[str, str]:
    return auth(service[1].settings)


def rows(seed: int, *, de_shift: float = 0.0) -> bytes:
    """Rows of every country; ``de_shift`` moves the mean age of DE (in its standard deviations, 10 years)."""
    rng = np.random.default_rng(seed)
    parts: dict[str, list[Any]] = {"age": [], "plan": [], "country": []}
    for country, (n, mean) in COUNTRIES.items():
        shift = de_shift * 10 if country == "DE" else 0.0
        parts["age"] += np.round(rng.normal(mean + shift, 10, n), 1).tolist()
        parts["plan"] += rng.choice(["basic", "pro", "team"], size=n, p=[0.5, 0.3, 0.2]).tolist()
        parts["country"] += [country] * n
    return csv_bytes(parts)


async def create(client: httpx.AsyncClient, admin: dict[str, str], **changes: Any) -> httpx.Response:
    return await client.post("/api/v1/monitors", json={**MINIMAL_MONITOR, **changes}, headers=admin)


async def monitor_with_data(client: httpx.AsyncClient, admin: dict[str, str], *, de_shift: float, **option: Any) -> str:
    created = await create(client, admin, segments={**SEGMENTS, **option}, window={"last_rows": 10_000})
    assert created.status_code == 201, created.text
    base = f"/api/v1/monitors/{created.json()['id']}"
    reference = await client.put(f"{base}/reference", content=rows(1), headers={**admin, **CSV})
    assert reference.status_code in (200, 201), reference.text
    observed = await client.post(f"{base}/observations", content=rows(2, de_shift=de_shift), headers={**admin, **CSV})
    assert observed.status_code == 202, observed.text
    return base


async def test_a_shift_in_one_segment_hidden_by_the_mix_drifts_and_names_the_segment(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    base = await monitor_with_data(client, admin, de_shift=1.0)
    run = await client.post(f"{base}/runs", headers=admin)
    assert run.status_code == 201, run.text
    detection = run.json()
    assert not any(feature["drift_detected"] for feature in detection["features"]), detection["features"]
    segments = detection["segments"]
    assert [item["segment"] for item in segments["segments"] if item["is_drift"]] == ["country=DE"]
    de = segments["segments"][0]
    assert (de["n_drifted"], de["n_features"], de["alarm"]) == (1, 2, True)
    assert [feature["name"] for feature in de["features"] if feature["drift_detected"]] == ["age"]
    assert (detection["is_drift"], detection["alarm"]) == (True, True)
    assert (await client.get(f"/api/v1/detections/{detection['id']}", headers=admin)).json() == detection
    alerts = (await client.get("/api/v1/alerts", headers=admin)).json()["items"]
    assert len(alerts) == 1
    assert "segment country=DE: 1 of 2 features drifted" in alerts[0]["title"]
    report = await client.get(f"/api/v1/detections/{detection['id']}/report", headers=admin)
    assert "Segments" in report.text
    assert "country=DE" in report.text


async def test_segments_that_differ_from_each_other_but_not_from_their_past_do_not_drift(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    base = await monitor_with_data(client, admin, de_shift=0.0)
    detection = (await client.post(f"{base}/runs", headers=admin)).json()
    tested = detection["segments"]["segments"]
    assert sorted(item["segment"] for item in tested) == ["country=DE", "country=FR", "country=US"]
    assert [item["status"] for item in tested] == ["tested"] * 3
    assert not any(item["is_drift"] for item in tested)
    assert (detection["is_drift"], detection["alarm"]) == (False, False)
    assert (await client.get("/api/v1/alerts", headers=admin)).json()["items"] == []


async def test_too_many_segment_values_keep_the_largest_and_count_the_rest(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    base = await monitor_with_data(client, admin, de_shift=1.0, max_segments=2)
    segments = (await client.post(f"{base}/runs", headers=admin)).json()["segments"]
    assert sorted(item["segment"] for item in segments["segments"]) == ["country=FR", "country=US"]
    assert (segments["unprofiled_segments"], segments["unprofiled_rows"]) == (1, 400)


async def test_a_small_segment_is_skipped_with_the_reason(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    base = await monitor_with_data(client, admin, de_shift=1.0, min_rows=500)
    segments = (await client.post(f"{base}/runs", headers=admin)).json()["segments"]
    de = next(item for item in segments["segments"] if item["segment"] == "country=DE")
    assert (de["status"], de["reason"]) == ("skipped", "400 reference rows; segments need 500")


async def test_a_reference_from_before_segments_is_a_skipped_reason(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = (await create(client, admin)).json()
    base = f"/api/v1/monitors/{created['id']}"
    await client.put(f"{base}/reference", content=rows(1), headers={**admin, **CSV})
    patched = await client.patch(base, json={"segments": SEGMENTS}, headers=admin)
    assert patched.status_code == 200, patched.text
    assert patched.json()["segments"]["by"] == ["country"]
    await client.post(f"{base}/observations", content=rows(2), headers={**admin, **CSV})
    run = await client.post(f"{base}/runs", headers=admin)
    assert run.status_code == 201, run.text
    skipped = run.json()["segments"]["skipped"]
    assert skipped == (
        "reference version 1 has no segment profiles (it was built before the monitor had segments); "
        "re-upload the reference to test segments"
    )


async def test_observations_without_the_segment_column_are_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = (await create(client, admin, segments=SEGMENTS)).json()
    body = csv_bytes({"age": [30.0, 40.0], "plan": ["pro", "basic"]})
    response = await client.post(
        f"/api/v1/monitors/{created['id']}/observations", content=body, headers={**admin, **CSV}
    )
    assert response.status_code == 422, response.text
    assert "column 'country' is missing (declared as a segment column)" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("option", "field"),
    [
        ({"by": []}, "segments.by"),
        ({"by": ["age"]}, "segments.by[0]"),
        ({"by": ["country"], "max_segments": 500}, "segments.max_segments"),
        ({"by": ["country"], "min_rows": 5}, "segments.min_rows"),
        ({"by": ["country", "country"]}, "segments.by"),
    ],
)
async def test_a_bad_option_is_a_422_naming_the_field(
    client: httpx.AsyncClient, admin: dict[str, str], option: dict[str, Any], field: str
) -> None:
    response = await create(client, admin, segments=option)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"].startswith(f"{field}: "), response.json()
