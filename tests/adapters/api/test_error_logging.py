"""What a served application logs around errors and credentials, in console and in JSON mode.

The application runs under a real uvicorn server (the server's own logging is part of what is
checked) with a PostgreSQL URL that carries a password and a JWT secret of its own. A test-only
router adds a route that fails and a route that logs carelessly: whatever reaches a log line
must not carry a token, the secret or the password, and each failure shows one plain traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
import structlog
import uvicorn
from fastapi import APIRouter, FastAPI, Request
from sqlalchemy.engine import make_url

from aumos_drift_detector.bootstrap import bootstrap, build_app
from aumos_drift_detector.logging import configure_logging
from aumos_drift_detector.settings import Settings, load_settings
from tests import servers
from tests.api_client import auth

pytestmark = pytest.mark.integration

JWT_SECRET = "Zq8-log-test-jwt-secret-7c1e9a4f2b6d8e3a5c0f"
DATABASE_PASSWORD = "pg-password-4e7b1d9c"  # trust authentication ignores it
LOCAL_ONLY = "value-held-only-by-a-local-variable"
FAILURE = "the database at {url} did not answer"


def _test_router() -> APIRouter:
    router = APIRouter(prefix="/test")
    careless = structlog.get_logger("tests.careless")

    @router.get("/failure")
    async def failure(request: Request) -> None:
        settings: Settings = request.app.state.context.settings
        held_in_a_local = LOCAL_ONLY
        raise RuntimeError(FAILURE.format(url=settings.database_url) + f" ({len(held_in_a_local)})")

    @router.get("/careless")
    async def careless_logging(request: Request) -> dict[str, str]:
        settings: Settings = request.app.state.context.settings
        careless.info("upstream_call", authorization=request.headers["authorization"], dsn=settings.database_url)
        careless.info("settings_loaded", settings=settings, headers=dict(request.headers))
        logging.getLogger("tests.careless.stdlib").warning(
            "forwarding %s to %s", request.headers, settings.database_url
        )
        return {"status": "logged"}

    return router


@pytest.fixture
def database_url(postgres_available: str | None) -> Iterator[str]:
    """A fresh PostgreSQL database whose URL carries a password."""
    if postgres_available is not None:
        servers.unavailable(postgres_available)
    with servers.postgres_database() as url:
        parsed = make_url(url)
        if parsed.password is None:
            parsed = parsed.set(password=DATABASE_PASSWORD)
        yield parsed.render_as_string(hide_password=False)


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The application behind a uvicorn server on a free loopback port, and a client for it."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="on"))
    serving = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        while not server.started:
            if serving.done():
                serving.result()
                pytest.fail("the server stopped during start-up")
            await asyncio.sleep(0.02)
        port = listener.getsockname()[1]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        await serving
        listener.close()


async def _drive(client: httpx.AsyncClient, settings: Settings) -> tuple[list[str], str | None]:
    """Send a failing, a badly signed, a valid and a carelessly logged request; return the tokens and the 500's id."""
    valid = auth(settings)
    forged = auth(settings.model_copy(update={"jwt_secret": "another-secret-" * 3}))
    failed = await client.get("/test/failure", headers=valid)
    assert failed.status_code == 500
    assert failed.json() == {"error": {"code": "internal_error", "message": "internal server error", "details": {}}}
    rejected = await client.get("/api/v1/monitors", headers=forged)
    assert rejected.status_code == 401
    assert rejected.headers["WWW-Authenticate"] == "Bearer"
    assert (await client.get("/api/v1/monitors", headers=valid)).status_code == 200
    assert (await client.get("/test/careless", headers=valid)).status_code == 200
    assert (await client.get("/health/live")).status_code == 200
    tokens = [header.removeprefix("Bearer ") for header in (valid["Authorization"], forged["Authorization"])]
    return tokens, failed.headers.get("X-Request-ID")


def _assert_no_secret(log: str, tokens: list[str]) -> None:
    for token in tokens:
        _header, payload, signature = token.split(".")
        assert token not in log
        assert payload not in log
        assert signature not in log
    leaked = [JWT_SECRET[i : i + 8] for i in range(len(JWT_SECRET) - 7) if JWT_SECRET[i : i + 8] in log]
    assert leaked == [], f"pieces of the JWT secret in the log: {leaked}"
    assert DATABASE_PASSWORD not in log


@pytest.mark.parametrize("json_logs", [False, True], ids=["console", "json"])
async def test_logs_show_one_plain_traceback_per_error_and_never_a_credential(
    json_logs: bool, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(level="INFO", json=json_logs)
    settings = load_settings(database_url=database_url, jwt_secret=JWT_SECRET, scheduler_enabled=False)
    app = build_app(bootstrap(settings))
    app.include_router(_test_router())
    capsys.readouterr()
    async with served(app) as client:
        tokens, request_id = await _drive(client, settings)
    log = capsys.readouterr().err

    _assert_no_secret(log, tokens)
    assert log.count("Traceback (most recent call last)") == 1
    assert log.count("RuntimeError: the database at") == 1
    assert LOCAL_ONLY not in log
    assert "[REDACTED]" in log
    failure_lines = [line for line in log.splitlines() if "unhandled_error" in line]
    assert len(failure_lines) == 1
    assert request_id is not None
    assert request_id in failure_lines[0]
    if json_logs:
        lines = [json.loads(line) for line in log.splitlines()]
        assert [line["event"] for line in lines].count("unhandled_error") == 1
