"""The errors a new user meets first, through the real application on SQLite and PostgreSQL.

Each says what is wrong: the cron field out of range, a cron that never fires, the parameters a
detector takes, where JSON breaks, the column, row and value of a word among numbers, and 415 for a
body of another media type.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from aumos_drift_detector.bootstrap import Container
from tests.api_client import MINIMAL_MONITOR, api, auth
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration

MONITORS = "/api/v1/monitors"


@pytest.fixture
async def service(database: DatabaseTarget) -> AsyncIterator[tuple[httpx.AsyncClient, Container]]:
    async with api(database.url) as pair:
        yield pair


async def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"schedule": {"cron": "61 * * * *"}},
            "schedule.cron: '61 * * * *': the minute field: 61 is out of range 0-59",
        ),
        (
            {"schedule": {"cron": "0 0 30 2 *"}},
            "schedule.cron: '0 0 30 2 *': it never fires: no date has a day and a month that its day field '30' "
            "and month field '2' both allow",
        ),
        (
            {"concept": {"detector": "ADWIN", "params": {"delt": 0.01}}},
            "concept.params: unknown parameter 'delt'; ADWIN takes delta, clock, max_buckets, min_window_length, "
            "grace_period, reset_on_drift",
        ),
    ],
)
async def test_a_bad_monitor_says_what_is_wrong(
    service: tuple[httpx.AsyncClient, Container], changes: dict[str, Any], message: str
) -> None:
    client, container = service
    response = await client.post(MONITORS, json={**MINIMAL_MONITOR, **changes}, headers=auth(container.settings))
    assert (await _error(response, 422))["message"] == message


async def test_a_cron_patched_out_of_range_is_refused_the_same_way(
    service: tuple[httpx.AsyncClient, Container],
) -> None:
    client, container = service
    admin = auth(container.settings)
    monitor = (await client.post(MONITORS, json=MINIMAL_MONITOR, headers=admin)).json()
    change = {"schedule": {"cron": "0 24 * * *"}}
    response = await client.patch(f"{MONITORS}/{monitor['id']}", json=change, headers=admin)
    assert (await _error(response, 422))["message"].endswith("the hour field: 24 is out of range 0-23")


async def test_malformed_json_bodies_and_uploads_name_the_position(
    service: tuple[httpx.AsyncClient, Container],
) -> None:
    client, container = service
    admin = auth(container.settings)
    json_type = {**admin, "Content-Type": "application/json"}
    body = await _error(await client.post(MONITORS, content=b'{"name": "churn",\n  , "x": 1}', headers=json_type), 422)
    assert body["message"] == (
        "body: not valid JSON (Expecting property name enclosed in double quotes at line 2, column 3)"
    )
    monitor = (await client.post(MONITORS, json=MINIMAL_MONITOR, headers=admin)).json()
    upload = b'[{"age": 31, "plan": "pro"},\n {"age": 40 "plan": "basic"}]'
    answer = await client.put(f"{MONITORS}/{monitor['id']}/reference", content=upload, headers=json_type)
    assert (await _error(answer, 422))["message"] == (
        "reference: cannot read JSON: row 2: Expecting ',' delimiter at line 2, column 13"
    )


@pytest.mark.parametrize("route", ["reference", "observations"])
async def test_a_word_among_numbers_names_column_row_and_value(
    service: tuple[httpx.AsyncClient, Container], route: str
) -> None:
    client, container = service
    admin = auth(container.settings)
    monitor = (await client.post(MONITORS, json=MINIMAL_MONITOR, headers=admin)).json()
    base = f"{MONITORS}/{monitor['id']}"
    csv = {**admin, "Content-Type": "text/csv"}
    if route == "observations":
        reference = b"age,plan\n" + b"".join(b"%d,pro\n" % (20 + i) for i in range(40))
        assert (await client.put(f"{base}/reference", content=reference, headers=csv)).status_code == 201
    response = await client.request(
        "PUT" if route == "reference" else "POST", f"{base}/{route}",
        content=b"age,plan\n31,pro\n40,basic\nforty-two,pro\n", headers=csv,
    )  # fmt: skip
    error = await _error(response, 422)
    assert error["message"].startswith(f"{route}: column 'age', row 3: 'forty-two' is not a number")
    assert error["details"] == {"column": "age", "row": 3, "value": "forty-two", "problem": "not_a_number"}


@pytest.mark.parametrize(
    ("method", "path", "content_type"),
    [
        ("PUT", "reference", "text/plain"),
        ("POST", "observations", "application/xml"),
        ("POST", "outcomes", "text/plain"),
        ("POST", "", "application/x-www-form-urlencoded"),
    ],
)
async def test_an_unsupported_content_type_is_415_naming_the_header(
    service: tuple[httpx.AsyncClient, Container], method: str, path: str, content_type: str
) -> None:
    client, container = service
    admin = auth(container.settings)
    monitor = (await client.post(MONITORS, json=MINIMAL_MONITOR, headers=admin)).json()
    url = f"{MONITORS}/{monitor['id']}/{path}" if path else MONITORS
    response = await client.request(method, url, content=b"x=1", headers={**admin, "Content-Type": content_type})
    error = await _error(response, 415)
    assert error["message"].startswith("Content-Type:")
    assert content_type in error["message"]
