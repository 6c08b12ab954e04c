"""One structlog setup: JSON lines in production, stdlib loggers routed through it."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from aumos_drift_detector.logging import configure_logging


def test_json_lines_carry_bound_context_and_stdlib_records(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(level="INFO", json=True)
    with structlog.contextvars.bound_contextvars(request_id="req-1"):
        structlog.get_logger("aumos.test").info("drift_checked", monitor_id="m1", features=3)
        logging.getLogger("uvicorn.error").warning("from %s", "stdlib")
    structlog.get_logger("aumos.test").debug("hidden")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [line["event"] for line in lines] == ["drift_checked", "from stdlib"]
    assert lines[0]["request_id"] == "req-1"
    assert lines[0]["monitor_id"] == "m1"
    assert lines[0]["level"] == "info"
    assert lines[1]["logger"] == "uvicorn.error"
    assert lines[1]["request_id"] == "req-1"
    assert "timestamp" in lines[1]


def test_console_output_is_readable_text(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(level="DEBUG", json=False)
    structlog.get_logger("aumos.test").debug("console_line", answer=42)
    err = capsys.readouterr().err
    assert "console_line" in err
    assert "answer=42" in err
    with pytest.raises(json.JSONDecodeError):
        json.loads(err.splitlines()[0])


JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsInRlbmFudF9pZCI6ImFjbWUifQ"
    ".Kx3pV9mQ1rT7sN2wY8zB4cD6fG0hJ5kL9nM3pQ7rS1t"
)
SECRETS = {
    "field": "field-password-81f3",
    "nested": "nested-api-key-62b0",
    "header": "opaque-bearer-credential-5d2c",
    "url": "url-password-97aa",
    "repr": "repr-secret-3c4e",
    "jwt_signature": JWT.rsplit(".", 1)[1],
    "jwt_payload": JWT.split(".")[1],
}


class _Config:
    def __repr__(self) -> str:
        return f"_Config(host='db', secret_key='{SECRETS['repr']}', token=\"{SECRETS['repr']}\")"


def _log_every_kind_of_secret() -> None:
    log = structlog.get_logger("aumos.test")
    log.info(
        "connecting",
        password=SECRETS["field"],
        upstream={"headers": {"X-Api-Key": SECRETS["nested"], "Accept": "text/csv"}},
        dsn=f"postgresql+asyncpg://drift:{SECRETS['url']}@db.internal:5432/drift",
        config=_Config(),
    )
    log.info("token_seen in free text %s and " + JWT, "Bearer " + SECRETS["header"])
    logging.getLogger("uvicorn.error").warning(
        "headers %s", [(b"authorization", f"Bearer {SECRETS['header']}".encode()), (b"cookie", b"sid=1")]
    )
    try:
        raise ConnectionError(f"cannot reach mysql://root:{SECRETS['url']}@db/x with token={JWT}")
    except ConnectionError:
        logging.getLogger("sqlalchemy.pool").exception("pool checkout with api_key=%s", SECRETS["nested"])
        log.exception("connect_failed")


@pytest.mark.parametrize("as_json", [False, True], ids=["console", "json"])
def test_secrets_are_masked_in_fields_text_tracebacks_and_stdlib_records(
    as_json: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(level="INFO", json=as_json)
    _log_every_kind_of_secret()
    err = capsys.readouterr().err
    assert {name for name, secret in SECRETS.items() if secret in err} == set()
    assert err.count("[REDACTED]") >= 8
    assert "postgresql+asyncpg://drift:[REDACTED]@db.internal:5432/drift" in err
    assert err.count("ConnectionError: cannot reach mysql://root:[REDACTED]@db/x") == 2
    if as_json:
        events = [json.loads(line)["event"] for line in err.splitlines()]
        assert events[0] == "connecting"
        assert events[-1] == "connect_failed"


def test_redaction_keeps_what_carries_no_secret(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(level="INFO", json=True)
    kept = {
        "url": "postgresql+asyncpg://drift@db.internal:5432/drift",
        "module": "aumos_drift_detector.adapters.api.middleware",
        "exception_type": "asyncpg.exceptions.InvalidAuthorizationSpecificationError",
        "version": "python3.11.7",
        "request_id": "0f895f789390444daf72bf78dfed6fe1",
    }
    structlog.get_logger("aumos.test").info("nothing_secret", **kept, rows=3)
    line = json.loads(capsys.readouterr().err)
    assert {key: line[key] for key in kept} == kept
    assert line["rows"] == 3


def test_console_tracebacks_are_plain_and_hold_no_local_variables(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(level="INFO", json=False)

    def failing(value: str) -> None:
        held_only_here = f"{value}-local"
        raise ValueError(f"bad input of length {len(held_only_here)}")

    marker = "marker" + "-value"
    try:
        failing(marker)
    except ValueError:
        structlog.get_logger("aumos.test").exception("step_failed")
    err = capsys.readouterr().err
    assert err.count("Traceback (most recent call last)") == 1
    assert "ValueError: bad input of length 18" in err
    assert "marker-value" not in err
    assert "locals" not in err
