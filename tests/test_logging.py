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
