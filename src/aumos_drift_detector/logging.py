"""structlog configured once for the whole process.

Production writes one JSON object per line; development writes readable, coloured console lines.
Standard-library loggers (uvicorn, SQLAlchemy, Alembic) are routed through the same processors, so
every line has one format. Context bound with :func:`structlog.contextvars.bind_contextvars` (the
request id, for one) appears on every line logged while it is bound.

Two rules hold in every mode, for structlog and stdlib records alike:

- tracebacks are plain text without local variables (rendering locals is slow, and locals hold
  request headers, settings and keys);
- :func:`redact_secrets` runs just before rendering and masks bearer tokens, JWT-shaped strings,
  passwords inside URLs, and the values of fields named like a password, secret, token,
  authorization, API key, cookie or credential, both as event fields and inside text.
"""

from __future__ import annotations

import logging
import logging.config
import re
import sys
from typing import Any

import structlog
from structlog.typing import EventDict, Processor

REDACTED = "[REDACTED]"
_MAX_DEPTH = 6
_SENSITIVE = r"passw(?:or)?d|pwd|secret|token|authori[sz]ation|api[_-]?key|private[_-]?key|cookie|credential"
_SENSITIVE_NAME = re.compile(_SENSITIVE, re.IGNORECASE)
_TEXT_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # user:password@ in any URL (postgresql+asyncpg://user:pw@host/db)
    (re.compile(r"(?P<head>://[^:/?#@\s]*:)[^@\s]+@"), rf"\g<head>{REDACTED}@"),
    # a credential after an HTTP authentication scheme
    (re.compile(r"\b(?P<scheme>bearer|basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE), rf"\g<scheme> {REDACTED}"),
    # JWT-shaped: base64url segments joined by dots, the first one a JSON object ('{"' encodes to 'ey')
    (re.compile(r"\be[wy][A-Za-z0-9_-]{10,}(?:\.[A-Za-z0-9_-]*){2,4}"), REDACTED),
    # name=value, name: value, 'name': 'value' where the name says it holds a secret (the
    # lookahead on the first letters of the names makes the scan several times faster)
    (
        re.compile(
            rf"(?P<head>(?=[acpst])(?:{_SENSITIVE})[\w.-]*['\"]?\s*[:=]\s*)"
            r"""(?:\[REDACTED\]|'[^']*'|"[^"]*"|[^\s,;&)}\]'"]+)""",
            re.IGNORECASE,
        ),
        rf"\g<head>{REDACTED}",
    ),
)


def redact_text(text: str) -> str:
    """Mask tokens, JWT-shaped strings, URL passwords and ``secret=value`` pairs inside ``text``."""
    for pattern, replacement in _TEXT_RULES:
        text = pattern.sub(replacement, text)
    return text


def _redact_value(value: Any, depth: int = 0) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return redact_text(value)
    if depth < _MAX_DEPTH and isinstance(value, dict):
        return {key: _redact_field(str(key), item, depth + 1) for key, item in value.items()}
    if depth < _MAX_DEPTH and isinstance(value, list | tuple | set | frozenset):
        return [_redact_value(item, depth + 1) for item in value]
    return redact_text(repr(value))


def _redact_field(name: str, value: Any, depth: int) -> Any:
    if value is not None and _SENSITIVE_NAME.search(name):
        return REDACTED
    return _redact_value(value, depth)


def redact_secrets(_logger: Any, _method: str, event_dict: EventDict) -> EventDict:
    """Processor masking secrets in every field of an event (run after tracebacks are formatted).

    Fields named like a secret lose their value; text anywhere (the event, the traceback, nested
    values, the ``repr`` of other objects) is passed through :func:`redact_text`.
    """
    return {key: _redact_field(key, value, 0) for key, value in event_dict.items()}


_QUIET_LOGGERS = ("aiosqlite", "asyncio", "httpx", "httpcore", "alembic.runtime.plugins")


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]


class CurrentStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that writes to whatever ``sys.stderr`` is when a record is emitted.

    A handler bound to the stream object of the moment breaks once that object is replaced and
    closed (test runners capture and restore stderr); looking it up on every write does not.
    """

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        """The current standard error stream."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        """Ignore the stream the base class stores; the current one is looked up on each write."""


def _renderer(json: bool) -> Processor:
    if json:
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback)


def _stdlib_config(level: str, shared: list[Processor], renderer: Processor) -> dict[str, Any]:
    """The stdlib logging configuration: one handler on stderr formatting every record like structlog's."""
    formatter_processors: list[Processor] = [
        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
        structlog.processors.format_exc_info,
        redact_secrets,
        renderer,
    ]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structlog": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": formatter_processors,
                "foreign_pre_chain": shared,
            }
        },
        "handlers": {"default": {"()": CurrentStderrHandler, "formatter": "structlog"}},
        "root": {"handlers": ["default"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            "uvicorn.access": {"handlers": [], "propagate": True},
            **{name: {"level": "WARNING"} for name in _QUIET_LOGGERS},
        },
    }


def configure_logging(*, level: str = "INFO", json: bool = False) -> None:
    """Configure structlog and route stdlib logging through it.

    Calling it again reconfigures (tests do); the last call wins.

    Args:
        level: Minimum level name, e.g. ``"INFO"``.
        json: Whether to render JSON lines (production) instead of console lines.
    """
    shared = _shared_processors()
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    logging.config.dictConfig(_stdlib_config(level, shared, _renderer(json)))
