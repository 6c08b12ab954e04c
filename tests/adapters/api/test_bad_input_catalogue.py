"""The catalogue of bad input: each answer is a 4xx naming the field, and nothing is stored.

Every entry is a request a client can get wrong (bodies, query parameters, headers, uploads, outcome
batches), sent to the real application on SQLite and on PostgreSQL after a monitor with reference
data, observations, a concept detector, a detection and an alert were stored. Each answer must be the
entry's 4xx status with the error body whose message names the field (and the row and value where
they apply), and the row count of every ``drf_`` table must be what it was before the request.
Bad tokens have their own tests (``test_auth.py``).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np
import pytest
from sqlalchemy import func, inspect, select, table
from sqlalchemy.ext.asyncio import AsyncEngine

from aumos_drift_detector.bootstrap import Container
from tests.api_client import MINIMAL_MONITOR, api, auth, churn_rows, csv_bytes
from tests.conftest import DatabaseTarget

pytestmark = pytest.mark.integration

API = "/api/v1"
MONITOR = API + "/monitors/{monitor}"
ALERT = API + "/alerts/{alert}"
CSV = {"Content-Type": "text/csv"}
JSON = {"Content-Type": "application/json"}
UPLOAD_LIMIT = 64 * 1024


@dataclass(frozen=True)
class BadInput:
    """One bad request, the status it must answer and the words its message must contain."""

    label: str
    method: str
    path: str
    status: int
    named: tuple[str, ...]
    request: dict[str, Any] = field(default_factory=dict)


def monitor_body(**changes: Any) -> dict[str, Any]:
    return {**MINIMAL_MONITOR, **changes}


def raw_json(body: Any, literal: str) -> dict[str, Any]:
    """``body`` as JSON text with its ``"RAW"`` string replaced by a literal Python would not write (1e400, NaN)."""
    return {"content": json.dumps(body).replace('"RAW"', literal).encode(), "headers": JSON}


def upload(body: bytes, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"content": body, "headers": CSV if headers is None else headers}


REFERENCE_ROWS = b"age,plan\n" + b"".join(b"%d,pro\n" % age for age in range(20, 40))
HUGE_AT_ROW_20 = b"age,plan\n" + b"".join(b"%d,pro\n" % age for age in range(20, 39)) + b"1e308,pro\n"
OVER_THE_LIMIT = csv_bytes(churn_rows(np.random.default_rng(0), 12_000))

BODIES = [
    BadInput("NUL in name", "POST", API + "/monitors", 422, ("name", "NUL"), {"json": monitor_body(name="a\x00b")}),
    BadInput(
        "NUL in description",
        "POST",
        API + "/monitors",
        422,
        ("description", "NUL"),
        {"json": monitor_body(description="ok\x00")},
    ),
    BadInput(
        "NUL in model_version",
        "POST",
        API + "/monitors",
        422,
        ("model_version",),
        {"json": monitor_body(model_version="3\x00")},
    ),
    BadInput(
        "NUL in a label value",
        "POST",
        API + "/monitors",
        422,
        ("labels.team",),
        {"json": monitor_body(labels={"team": "risk\x00"})},
    ),
    BadInput(
        "NUL in a label key",
        "POST",
        API + "/monitors",
        422,
        ("labels", "key 'te\\x00am'"),
        {"json": monitor_body(labels={"te\x00am": "risk"})},
    ),
    BadInput(
        "NUL in a feature name",
        "POST",
        API + "/monitors",
        422,
        ("features[1].name",),
        {"json": monitor_body(features=[{"name": "age"}, {"name": "pl\x00an"}])},
    ),
    BadInput(
        "NUL in a cron expression",
        "POST",
        API + "/monitors",
        422,
        ("schedule.cron",),
        {"json": monitor_body(schedule={"cron": "*/5 * * * *\x00"})},
    ),
    BadInput(
        "NUL in a time zone",
        "POST",
        API + "/monitors",
        422,
        ("schedule.timezone",),
        {"json": monitor_body(schedule={"cron": "0 * * * *", "timezone": "UTC\x00"})},
    ),
    BadInput(
        "last_seconds of 10**18",
        "POST",
        API + "/monitors",
        422,
        ("window.last_seconds",),
        {"json": monitor_body(window={"last_seconds": 10**18})},
    ),
    BadInput(
        "min_rows of 10**18",
        "POST",
        API + "/monitors",
        422,
        ("window.min_rows",),
        {"json": monitor_body(window={"last_rows": None, "min_rows": 10**18})},
    ),
    BadInput(
        "threshold of 1e400",
        "POST",
        API + "/monitors",
        422,
        ("features[0].threshold", "finite"),
        raw_json(monitor_body(features=[{"name": "age", "threshold": "RAW"}]), "1e400"),
    ),
    BadInput(
        "NaN drift share",
        "POST",
        API + "/monitors",
        422,
        ("dataset_rule.drift_share",),
        raw_json(monitor_body(dataset_rule={"drift_share": "RAW"}), "NaN"),
    ),
    BadInput(
        "detector window of a billion values",
        "POST",
        API + "/monitors",
        422,
        ("concept.params", "window_size"),
        {"json": monitor_body(concept={"detector": "KSWIN", "params": {"window_size": 10**9}})},
    ),
    BadInput(
        "detector with a billion buckets",
        "POST",
        API + "/monitors",
        422,
        ("concept.params", "max_buckets"),
        {"json": monitor_body(concept={"detector": "ADWIN", "params": {"max_buckets": 10**9}})},
    ),
    BadInput("unknown field", "POST", API + "/monitors", 422, ("surprise",), {"json": monitor_body(surprise=1)}),
    BadInput(
        "monitor body as text/plain",
        "POST",
        API + "/monitors",
        415,
        ("Content-Type",),
        {"content": json.dumps(MINIMAL_MONITOR).encode(), "headers": {"Content-Type": "text/plain"}},
    ),
    BadInput(
        "monitor body without a Content-Type",
        "POST",
        API + "/monitors",
        415,
        ("Content-Type",),
        {"content": json.dumps(MINIMAL_MONITOR).encode()},
    ),
    BadInput(
        "malformed JSON", "POST", API + "/monitors", 422, ("body", "JSON"), {"content": b'{"name": ', "headers": JSON}
    ),
    BadInput(
        "JSON that is not UTF-8",
        "POST",
        API + "/monitors",
        422,
        ("body", "UTF-8"),
        {"content": b'{"name": "\xff"}', "headers": JSON},
    ),
    *(
        BadInput(f"explicit null for {name}", "PATCH", MONITOR, 422, (name,), {"json": {name: None}})
        for name in ("name", "model_version", "description", "features", "window", "dataset_rule", "status", "labels")
    ),
    BadInput("NUL in a PATCH", "PATCH", MONITOR, 422, ("description",), {"json": {"description": "\x00"}}),
    # Rules between fields hold against defaults too: such a monitor was stored, then unreadable (503).
    BadInput(
        "last_rows below the default min_rows",
        "POST",
        API + "/monitors",
        422,
        ("window.min_rows", "last_rows (10)"),
        {"json": monitor_body(window={"last_rows": 10})},
    ),
    BadInput(
        "last_rows below the default min_rows (PATCH)",
        "PATCH",
        MONITOR,
        422,
        ("window.min_rows",),
        {"json": {"window": {"last_rows": 1}}},
    ),
    BadInput(
        "medium effect band above the default high band",
        "PATCH",
        MONITOR,
        422,
        ("alert_policy.severity.high_effect_sd",),
        {"json": {"alert_policy": {"severity": {"medium_effect_sd": 0.9}}}},
    ),
    BadInput(
        "m above the default n",
        "POST",
        API + "/monitors",
        422,
        ("alert_policy.m_of_n.n",),
        {"json": monitor_body(alert_policy={"m_of_n": {"m": 5}})},
    ),
]

QUERIES = [
    *(
        BadInput(f"NUL in model_id of {path}", "GET", API + path, 422, ("model_id",), {"params": {"model_id": "a\x00"}})
        for path in ("/monitors", "/detections", "/alerts")
    ),
    BadInput(
        "since before the year 1 in UTC",
        "GET",
        API + "/detections",
        422,
        ("since", "UTC"),
        {"params": {"since": "0001-01-01T00:00:00+14:00"}},
    ),
    BadInput(
        "until after the year 9999 in UTC",
        "GET",
        API + "/detections",
        422,
        ("until", "UTC"),
        {"params": {"until": "9999-12-31T23:59:59-14:00"}},
    ),
    BadInput("since as a number", "GET", API + "/detections", 422, ("since",), {"params": {"since": "0.5"}}),
    BadInput("since without offset", "GET", API + "/detections", 422, ("since",), {"params": {"since": "2026-01-01"}}),
    BadInput("NUL in a cursor", "GET", API + "/monitors", 422, ("cursor",), {"params": {"cursor": "\x00"}}),
    BadInput("forged cursor", "GET", API + "/alerts", 422, ("cursor",), {"params": {"cursor": "AAAA"}}),
    BadInput("limit of 10**18", "GET", API + "/detections", 422, ("limit",), {"params": {"limit": str(10**18)}}),
    BadInput("monitor_id not a UUID", "GET", API + "/alerts", 422, ("monitor_id",), {"params": {"monitor_id": "x"}}),
    BadInput("unknown status", "GET", API + "/alerts", 422, ("status",), {"params": {"status": "lost"}}),
]

HEADERS = [
    BadInput(
        "NUL in Idempotency-Key (observations)",
        "POST",
        MONITOR + "/observations",
        422,
        ("idempotency-key", "NUL"),
        upload(REFERENCE_ROWS, {**CSV, "Idempotency-Key": "batch\x00"}),
    ),
    BadInput(
        "NUL in Idempotency-Key (outcomes)",
        "POST",
        MONITOR + "/outcomes",
        422,
        ("idempotency-key",),
        {"json": {"values": [0, 1]}, "headers": {"Idempotency-Key": "\x00"}},
    ),
    BadInput(
        "Idempotency-Key longer than its column",
        "POST",
        MONITOR + "/observations",
        422,
        ("idempotency-key", "200"),
        upload(REFERENCE_ROWS, {**CSV, "Idempotency-Key": "k" * 201}),
    ),
    BadInput(
        "Idempotency-Key reused for another batch",
        "POST",
        MONITOR + "/observations",
        409,
        ("Idempotency-Key", "batch-1"),
        upload(REFERENCE_ROWS, {**CSV, "Idempotency-Key": "batch-1"}),
    ),
    BadInput(
        "Idempotency-Key reused for other outcomes",
        "POST",
        MONITOR + "/outcomes",
        409,
        ("Idempotency-Key", "outcomes-1"),
        {"json": {"values": [1, 1, 1]}, "headers": {"Idempotency-Key": "outcomes-1"}},
    ),
]

ALERT_NOTES = [
    BadInput("NUL in an acknowledge note", "POST", ALERT + "/acknowledge", 422, ("note",), {"json": {"note": "\x00"}}),
    BadInput("NUL in a resolve note", "POST", ALERT + "/resolve", 422, ("note",), {"json": {"note": "on it\x00"}}),
    BadInput(
        "NUL in a snooze note",
        "POST",
        ALERT + "/snooze",
        422,
        ("note",),
        {"json": {"until": "2999-01-01T00:00:00Z", "note": "\x00"}},
    ),
    BadInput(
        "snooze until after the year 9999 in UTC",
        "POST",
        ALERT + "/snooze",
        422,
        ("until", "UTC"),
        {"json": {"until": "9999-12-31T23:59:59-14:00"}},
    ),
    BadInput("snooze until a number", "POST", ALERT + "/snooze", 422, ("until",), {"json": {"until": 4102444800}}),
    BadInput(
        "snooze into the past", "POST", ALERT + "/snooze", 422, ("until",), {"json": {"until": "2000-01-01T00:00:00Z"}}
    ),
    BadInput(
        "unknown field in a note body", "POST", ALERT + "/acknowledge", 422, ("surprise",), {"json": {"surprise": 1}}
    ),
    BadInput(
        "note as text/plain",
        "POST",
        ALERT + "/resolve",
        415,
        ("Content-Type",),
        {"content": b'{"note": "x"}', "headers": {"Content-Type": "text/plain"}},
    ),
]


def _uploads(endpoint: str, method: str, name: str) -> list[BadInput]:
    return [
        BadInput(
            f"{name}: NUL in a column name",
            method,
            MONITOR + endpoint,
            422,
            ("column 2", "NUL"),
            upload(b"age,pl\x00an\n31,pro\n"),
        ),
        BadInput(
            f"{name}: NUL in a value",
            method,
            MONITOR + endpoint,
            422,
            ("column 'plan'", "row 2", "NUL"),
            upload(b"age,plan\n31,pro\n32,p\x00ro\n"),
        ),
        BadInput(
            f"{name}: 1e308",
            method,
            MONITOR + endpoint,
            422,
            ("column 'age'", "row 20", "1e+308"),
            upload(HUGE_AT_ROW_20),
        ),
        BadInput(
            f"{name}: 1e400",
            method,
            MONITOR + endpoint,
            422,
            ("column 'age'", "row 1"),
            upload(b"age,plan\n1e400,pro\n"),
        ),
        BadInput(
            f"{name}: a JSON line holding null",
            method,
            MONITOR + endpoint,
            422,
            ("line 1",),
            upload(b"null\n", {"Content-Type": "application/x-ndjson"}),
        ),
        BadInput(
            f"{name}: true among JSON numbers",
            method,
            MONITOR + endpoint,
            422,
            ("column 'age'", "row 2"),
            upload(b'[{"age": 1, "plan": "a"}, {"age": true, "plan": "b"}]', JSON),
        ),
        BadInput(
            f"{name}: text/plain",
            method,
            MONITOR + endpoint,
            415,
            ("Content-Type",),
            upload(REFERENCE_ROWS, {"Content-Type": "text/plain"}),
        ),
        BadInput(
            f"{name}: no Content-Type", method, MONITOR + endpoint, 415, ("Content-Type",), upload(REFERENCE_ROWS, {})
        ),
        BadInput(f"{name}: empty body", method, MONITOR + endpoint, 422, ("body",), upload(b"")),
        BadInput(
            f"{name}: over the limit",
            method,
            MONITOR + endpoint,
            413,
            ("body", str(UPLOAD_LIMIT)),
            upload(OVER_THE_LIMIT),
        ),
    ]


UPLOADS = [*_uploads("/reference", "PUT", "reference"), *_uploads("/observations", "POST", "observations")]

OUTCOMES = [
    BadInput(
        "outcome with an extra field",
        "POST",
        MONITOR + "/outcomes",
        422,
        ("surprise",),
        {"json": {"values": [1], "surprise": 1}},
    ),
    BadInput(
        "outcome as a boolean", "POST", MONITOR + "/outcomes", 422, ("values[1]",), {"json": {"values": [0, True]}}
    ),
    BadInput("outcome as a string", "POST", MONITOR + "/outcomes", 422, ("values[0]",), {"json": {"values": ["1"]}}),
    BadInput(
        "outcome NaN",
        "POST",
        MONITOR + "/outcomes",
        422,
        ("values[0]", "finite"),
        raw_json({"values": ["RAW"]}, "NaN"),
    ),
    BadInput(
        "outcome 1e400",
        "POST",
        MONITOR + "/outcomes",
        422,
        ("values[2]", "finite"),
        raw_json({"values": [0, 1, "RAW"]}, "1e400"),
    ),
    BadInput("no outcomes", "POST", MONITOR + "/outcomes", 422, ("values",), {"json": {"values": []}}),
    BadInput("outcomes as an array", "POST", MONITOR + "/outcomes", 422, ("body",), {"json": [0, 1]}),
    BadInput(
        "outcomes as a form",
        "POST",
        MONITOR + "/outcomes",
        415,
        ("Content-Type",),
        {"content": b"values=1", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
    ),
]

CATALOGUE = [*BODIES, *QUERIES, *HEADERS, *ALERT_NOTES, *UPLOADS, *OUTCOMES]


@pytest.fixture
async def service(database: DatabaseTarget, engine: AsyncEngine) -> AsyncIterator[tuple[httpx.AsyncClient, Container]]:
    async with api(database.url, max_upload_bytes=UPLOAD_LIMIT) as pair:
        yield pair


async def _seed(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, str]:
    """A monitor with reference data, a keyed batch of observations, keyed outcomes, a detection and an alert."""
    rng = np.random.default_rng(3)
    created = await client.post(f"{API}/monitors", json=monitor_body(concept={"detector": "ADWIN"}), headers=admin)
    monitor = created.json()["id"]
    base = MONITOR.format(monitor=monitor)
    answers = [
        await client.put(f"{base}/reference", content=csv_bytes(churn_rows(rng, 300)), headers={**admin, **CSV}),
        await client.post(
            f"{base}/observations",
            content=csv_bytes(churn_rows(rng, 300, age_shift=25)),
            headers={**admin, **CSV, "Idempotency-Key": "batch-1"},
        ),
        await client.post(
            f"{base}/outcomes", json={"values": [0, 1, 0]}, headers={**admin, "Idempotency-Key": "outcomes-1"}
        ),
        await client.post(f"{base}/runs", headers=admin),
    ]
    assert [answer.status_code for answer in answers] == [201, 202, 202, 201], [answer.text for answer in answers]
    alerts = (await client.get(f"{API}/alerts", headers=admin)).json()["items"]
    assert alerts, "the seeded drift raised no alert"
    return {"monitor": monitor, "alert": alerts[0]["id"]}


async def row_counts(engine: AsyncEngine) -> dict[str, int]:
    """Rows in every ``drf_`` table of the database."""
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
        counts = {}
        for name in sorted(name for name in names if name.startswith("drf_")):
            counts[name] = (await connection.execute(select(func.count()).select_from(table(name)))).scalar_one()
        return counts


def _problem(entry: BadInput, response: httpx.Response) -> str | None:
    """What is wrong with the answer to a bad input, or ``None``."""
    if response.status_code != entry.status or not 400 <= response.status_code < 500:
        return f"status {response.status_code}, expected {entry.status}: {response.text[:300]}"
    try:
        message = response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return f"not the error body: {response.text[:300]}"
    missing = [word for word in entry.named if word not in message]
    return f"message {message!r} does not name {missing}" if missing else None


async def test_every_bad_input_is_a_4xx_naming_the_field_and_stores_nothing(
    service: tuple[httpx.AsyncClient, Container], engine: AsyncEngine
) -> None:
    client, container = service
    admin = auth(container.settings)
    ids = await _seed(client, admin)
    before = await row_counts(engine)
    assert {"drf_monitors", "drf_detections", "drf_alerts"} <= before.keys(), before
    assert before["drf_monitors"] == 1
    assert before["drf_alerts"] == 1
    problems = []
    for entry in CATALOGUE:
        request = dict(entry.request)
        headers = {**admin, **request.pop("headers", {})}
        response = await client.request(entry.method, entry.path.format(**ids), headers=headers, **request)
        problem = _problem(entry, response)
        after = await row_counts(engine)
        if after != before:
            changed = {name: (before.get(name), count) for name, count in after.items() if before.get(name) != count}
            problem = f"{problem or 'answer as expected'}; stored rows changed: {changed}"
            before = after
        if problem:
            problems.append(f"{entry.label}: {problem}")
    assert not problems, f"{len(problems)} of {len(CATALOGUE)} bad inputs:\n" + "\n".join(problems)
