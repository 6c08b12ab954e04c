"""structlog configured once for the whole process.

Production writes one JSON object per line; development writes readable, coloured console lines.
Standard-library loggers (uvicorn, SQLAlchemy, Alembic) are routed through the same processors, so
every line has one format. Context bound with :func:`structlog.contextvars.bind_contextvars` (the
request id, for one) appears on every line logged while it is bound.
"""

from __future__ import annotations

import logging
import logging.config
import sys
from typing import Any

import structlog
from structlog.typing import Processor

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


def configure_logging(*, level: str = "INFO", json: bool = False) -> None:
    """Configure structlog and route stdlib logging through it.

    Calling it again reconfigures (tests do); the last call wins.

    Args:
        level: Minimum level name, e.g. ``"INFO"``.
        json: Whether to render JSON lines (production) instead of console lines.
    """
    renderer: Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
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
    formatter_processors: list[Processor] = [
        structlog.stdlib.ProcessorFormatter.remove_processors_meta,
        structlog.processors.format_exc_info if json else _keep,
        renderer,
    ]
    config: dict[str, Any] = {
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
    logging.config.dictConfig(config)


def _keep(_logger: Any, _method: str, event_dict: structlog.typing.EventDict) -> structlog.typing.EventDict:
    return event_dict
