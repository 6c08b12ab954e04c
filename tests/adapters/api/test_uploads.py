"""Uploads over HTTP: parsed off the event loop without holding the body in memory, bad values
refused naming column and row, missing values reported, valid data stored as before."""

from __future__ import annotations

import asyncio
import hashlib
import tracemalloc
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from typing import Any

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
from starlette.requests import Request

from aumos_drift_detector.adapters.api.uploads import receive_upload
from aumos_drift_detector.adapters.files.spooled_upload import SpooledTableFile
from aumos_drift_detector.adapters.persistence import data_repositories
from aumos_drift_detector.adapters.persistence.arrow_codec import ArrowIpcTableWriter
from aumos_drift_detector.bootstrap import Container
from tests.api_client import MINIMAL_MONITOR, api, auth, churn_rows, csv_bytes
from tests.conftest import DatabaseTarget

CSV = {"Content-Type": "text/csv"}


@pytest.fixture
async def service(database: DatabaseTarget) -> AsyncIterator[tuple[httpx.AsyncClient, Container]]:
    async with api(database.url) as pair:
        yield pair


async def _monitor(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await client.post("/api/v1/monitors", json=MINIMAL_MONITOR, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _on_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.mark.integration
async def test_upload_answers_report_missing_values_per_column(service: tuple[httpx.AsyncClient, Container]) -> None:
    client, container = service
    admin = auth(container.settings)
    base = f"/api/v1/monitors/{await _monitor(client, admin)}"
    body = b"age,plan,note\n31,pro,x\n,basic,\nNaN,,y\n44,team,z\n" + b"50,pro,w\n" * 6
    reference = await client.put(f"{base}/reference", content=body, headers={**admin, **CSV})
    assert reference.status_code == 201, reference.text
    assert reference.json()["missing_values"] == {"age": 2, "plan": 1, "note": 1}
    assert reference.json()["rows"] == 10
    records = b'[{"age": 30.5, "plan": "pro"}, {"age": null, "plan": "pro"}, {"age": NaN}]'
    batch = await client.post(
        f"{base}/observations", content=records, headers={**admin, "Content-Type": "application/json"}
    )
    assert batch.status_code == 202, batch.text
    assert batch.json() == {
        "accepted_rows": 3,
        "duplicate": False,
        "ignored_columns": [],
        "missing_values": {"age": 2, "plan": 1},
    }


BAD_VALUES = [
    ("csv infinity", b"age,plan\n31,pro\ninf,basic\n", CSV, "column 'age', row 2: inf is not a finite number"),
    ("csv overflow", b"age,plan\n31,pro\n1e400,basic\n", CSV, "column 'age', row 2: inf is not a finite number"),
    ("csv unclosed quote", b'age,plan\n31,"pro\n40,basic\n', CSV, "line 2 (row 1), column 'plan': a quote is opened"),
    (
        "json boolean among numbers",
        b'[{"age": 31.5, "plan": "pro"}, {"age": true, "plan": "basic"}]',
        {"Content-Type": "application/json"},
        "column 'age', row 2: the boolean true in a column of numbers",
    ),
    (
        "json mixed kinds",
        b'{"age": 31, "plan": "pro"}\n{"age": 40, "plan": 7}\n',
        {"Content-Type": "application/x-ndjson"},
        "column 'plan', row 2 (line 2): the number 7 in a column of strings",
    ),
]


@pytest.mark.integration
@pytest.mark.parametrize(("label", "body", "headers", "message"), BAD_VALUES, ids=[case[0] for case in BAD_VALUES])
async def test_bad_values_are_refused_naming_column_and_row_and_store_nothing(
    service: tuple[httpx.AsyncClient, Container], label: str, body: bytes, headers: dict[str, str], message: str
) -> None:
    client, container = service
    admin = auth(container.settings)
    base = f"/api/v1/monitors/{await _monitor(client, admin)}"
    for name, method, url in [("reference", "PUT", "reference"), ("observations", "POST", "observations")]:
        response = await client.request(method, f"{base}/{url}", content=body, headers={**admin, **headers})
        assert response.status_code == 422, (label, response.text)
        assert response.json()["error"]["message"].startswith(f"{name}: {message}"), response.json()
    assert (await client.get(f"{base}/reference", headers=admin)).status_code == 404


@pytest.mark.integration
async def test_an_upload_to_an_unknown_monitor_is_not_found_before_its_body_is_parsed(
    service: tuple[httpx.AsyncClient, Container], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, container = service
    admin = auth(container.settings)
    parsed: list[str] = []
    monkeypatch.setattr(pa_csv, "open_csv", lambda *args, **kwargs: parsed.append("csv"))
    base = f"/api/v1/monitors/{uuid.uuid4()}"
    body = b"age,plan\ninf,pro\n"
    for method, url in [("PUT", "reference"), ("POST", "observations")]:
        response = await client.request(method, f"{base}/{url}", content=body, headers={**admin, **CSV})
        assert response.status_code == 404, response.text
    assert parsed == []


@pytest.mark.integration
async def test_valid_upload_is_stored_unchanged_with_the_body_checksum(
    service: tuple[httpx.AsyncClient, Container],
) -> None:
    client, container = service
    admin = auth(container.settings)
    monitor_id = await _monitor(client, admin)
    rows = churn_rows(np.random.default_rng(11), 60_000)  # several CSV blocks
    body = csv_bytes({**rows, "age": np.where(np.arange(60_000) < 50_000, np.round(rows["age"]), rows["age"])})
    reference = await client.put(f"/api/v1/monitors/{monitor_id}/reference", content=body, headers={**admin, **CSV})
    assert reference.json()["checksum"] == hashlib.sha256(body).hexdigest()
    assert reference.json()["rows"] == 60_000
    batch = await client.post(f"/api/v1/monitors/{monitor_id}/observations", content=body, headers={**admin, **CSV})
    assert batch.json()["accepted_rows"] == 60_000
    async with container.unit_of_work() as uow:
        window = await uow.observations.load_window(
            "acme", uuid.UUID(monitor_id), columns=["age", "plan"], last_rows=None, since=None
        )
    expected = pa_csv.read_csv(pa.BufferReader(body), convert_options=pa_csv.ConvertOptions(strings_can_be_null=True))
    assert window.table.equals(expected.select(["age", "plan"]))


@pytest.mark.integration
async def test_parsing_and_compression_run_off_the_event_loop(
    service: tuple[httpx.AsyncClient, Container], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, container = service
    admin = auth(container.settings)
    calls: dict[str, list[bool]] = {}

    def watched(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls.setdefault(name, []).append(_on_loop())
            return function(*args, **kwargs)

        return wrapper

    for reader in ("read_csv", "open_csv"):
        monkeypatch.setattr(pa_csv, reader, watched("parse", getattr(pa_csv, reader)))
    monkeypatch.setattr(data_repositories, "encode_table", watched("encode", data_repositories.encode_table))
    monkeypatch.setattr(ArrowIpcTableWriter, "add", watched("compress", ArrowIpcTableWriter.add))
    base = f"/api/v1/monitors/{await _monitor(client, admin)}"
    body = csv_bytes(churn_rows(np.random.default_rng(12), 500))
    assert (await client.put(f"{base}/reference", content=body, headers={**admin, **CSV})).status_code == 201
    assert (await client.post(f"{base}/observations", content=body, headers={**admin, **CSV})).status_code == 202
    assert calls["parse"]
    assert not any(calls["parse"])
    assert calls["encode"] == [False]
    assert calls["compress"]
    assert not any(calls["compress"])


def _request(chunks: Iterator[bytes]) -> Request:
    async def receive() -> dict[str, Any]:
        chunk = next(chunks, None)
        return {"type": "http.request", "body": chunk or b"", "more_body": chunk is not None}

    headers = [(b"content-type", b"text/csv")]
    return Request({"type": "http", "method": "PUT", "path": "/", "query_string": b"", "headers": headers}, receive)


_BLOCK_ROWS = 20_000
_BLOCK = b"".join(b"%d.5,plan%d\n" % (i % 90, i % 7) for i in range(_BLOCK_ROWS))


def _generated_csv(blocks: int) -> Iterator[bytes]:
    """A CSV body made on the fly: the same block of rows over and over, never all in memory."""
    yield b"age,plan\n"
    for _ in range(blocks):
        yield _BLOCK


class _RowCounter:
    """A consumer that keeps nothing of the batches but their size."""

    def __init__(self) -> None:
        self.rows = 0

    def start(self, names: Any) -> bool:
        self.rows = 0
        return True

    def add(self, batch: Any) -> None:
        self.rows += batch.num_rows


async def test_reading_an_upload_does_not_hold_the_body_in_python_memory() -> None:
    blocks = 300
    size = sum(len(chunk) for chunk in _generated_csv(blocks))
    assert size > 60_000_000
    counter = _RowCounter()
    tracemalloc.start()
    try:
        upload = await receive_upload(
            _request(_generated_csv(blocks)), limit=size, name="reference", opener=SpooledTableFile
        )
        with closing(upload):
            scanned = await asyncio.to_thread(upload.scan, counter)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert scanned.rows == counter.rows == blocks * _BLOCK_ROWS
    assert peak < size * 0.75, f"peak {peak:,} bytes of Python memory for a body of {size:,} bytes"


async def test_streamed_body_over_the_limit_without_content_length_is_refused() -> None:
    from aumos_drift_detector.core.errors import PayloadTooLargeError

    with pytest.raises(PayloadTooLargeError, match="more than the limit of 1000 bytes"):
        await receive_upload(_request(_generated_csv(1)), limit=1000, name="reference", opener=SpooledTableFile)
