"""Service settings, read from ``AUMOS_DRIFT_*`` environment variables (and an optional ``.env`` file).

Settings are built by :func:`load_settings`, never at import time, so tests and the CLI can build
them with overrides. A bad value raises :class:`SettingsError` whose message names the variable.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "AUMOS_DRIFT_"
DEVELOPMENT_JWT_SECRET = "development-only-secret-change-me-0123456789"  # noqa: S105 - refused in production
#: Spark masters: ``local``, ``local[N]``, ``local[*]``, ``local[N,F]``, ``spark://``, ``k8s://``, ``mesos://``,
#: ``yarn`` (Spark Connect's ``sc://`` is not one: the counting needs Spark ML's ``Bucketizer`` on the driver).
_SPARK_MASTER = re.compile(r"^(local(\[(\*|[1-9][0-9]*)(,[1-9][0-9]*)?\])?|(spark|k8s|mesos)://\S+|yarn)$")


class Environment(StrEnum):
    """Where the service runs; production refuses insecure defaults."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class LogLevel(StrEnum):
    """Log levels accepted by ``AUMOS_DRIFT_LOG_LEVEL``."""

    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


class SettingsError(Exception):
    """A setting has a bad value; the message names the environment variable."""


class Settings(BaseSettings):
    """Every setting of the service. See ``.env.example`` for the meaning of each."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,
        frozen=True,
    )

    env: Environment = Environment.DEVELOPMENT
    database_url: str = "sqlite+aiosqlite:///./aumos_drift.db"
    database_echo: bool = False
    database_pool_size: int = Field(default=10, ge=1, le=200)
    kafka_bootstrap_servers: str | None = None
    kafka_client_id: str = "aumos-drift-detector"
    kafka_event_format: Literal["json", "protobuf"] = "json"
    kafka_message_timeout_ms: int = Field(default=30_000, ge=1000, le=900_000)
    kafka_consume_in_serve: bool = False
    kafka_consumer_group: str = Field(default="aumos-drift-ingest", min_length=1)
    kafka_observations_topic: str = Field(default="drift.observations", min_length=1)
    kafka_outcomes_topic: str = Field(default="drift.outcomes", min_length=1)
    kafka_dead_letter_topic: str = Field(default="drift.ingest.dead_letter", min_length=1)
    kafka_consumer_max_records: int = Field(default=500, ge=1, le=100_000)
    kafka_consumer_max_batch_bytes: int = Field(default=16 * 1024 * 1024, ge=1024, le=1024**3)
    kafka_consumer_max_wait_seconds: float = Field(default=0.5, gt=0, le=60)
    kafka_consumer_session_timeout_ms: int = Field(default=45_000, ge=1000, le=3_600_000)
    kafka_consumer_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    log_level: LogLevel = LogLevel.INFO
    log_json: bool | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    jwt_secret: str = DEVELOPMENT_JWT_SECRET
    jwt_public_key: str | None = None
    jwt_algorithm: str = "HS256"
    jwt_audience: str | None = None
    max_upload_bytes: int = Field(default=256 * 1024 * 1024, ge=1024)
    observation_retention_days: int = Field(default=30, ge=1)
    outbox_retention_days: int = Field(default=7, ge=1)
    summary_retention_days: int = Field(default=400, ge=1)
    summary_min_rows: int = Field(default=100_000, ge=1)
    reference_exact_rows: int = Field(default=200_000, ge=0)
    summary_rollup_interval_seconds: float = Field(default=300.0, gt=0)
    scheduler_enabled: bool = True
    scheduler_interval_seconds: float = Field(default=10.0, gt=0)
    outbox_relay_interval_seconds: float = Field(default=1.0, gt=0)
    outbox_max_pending_age_seconds: float = Field(default=900.0, ge=0)
    auto_migrate: bool | None = None
    label_pending_seconds: float = Field(default=86_400.0, gt=0)
    prediction_expiry_seconds: float = Field(default=7 * 86_400.0, gt=0)
    label_expiry_interval_seconds: float = Field(default=60.0, gt=0)
    spark_master: str = "local[*]"

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            msg = "must start with 'sqlite+aiosqlite://' or 'postgresql+asyncpg://'"
            raise ValueError(msg)
        return value

    @field_validator("kafka_bootstrap_servers")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("spark_master")
    @classmethod
    def _spark_master(cls, value: str) -> str:
        if not _SPARK_MASTER.match(value):
            msg = "must be a Spark master: local[*], local[N], spark://host:port, k8s://https://host:port or yarn"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _production_is_secure(self) -> Settings:
        if self.env is Environment.PRODUCTION and self.jwt_public_key is None:
            if self.jwt_secret == DEVELOPMENT_JWT_SECRET:
                msg = "AUMOS_DRIFT_JWT_SECRET: the development secret is refused in production; set a secret"
                raise ValueError(msg)
            if len(self.jwt_secret) < 32:
                msg = "AUMOS_DRIFT_JWT_SECRET: must be at least 32 characters in production"
                raise ValueError(msg)
        return self

    @model_validator(mode="after")
    def _consumer_needs_kafka(self) -> Settings:
        if self.kafka_consume_in_serve and self.kafka_bootstrap_servers is None:
            msg = "AUMOS_DRIFT_KAFKA_CONSUME_IN_SERVE: needs AUMOS_DRIFT_KAFKA_BOOTSTRAP_SERVERS to be set"
            raise ValueError(msg)
        return self

    @property
    def is_production(self) -> bool:
        """Whether the service runs in production mode."""
        return self.env is Environment.PRODUCTION

    @property
    def logs_as_json(self) -> bool:
        """JSON log lines in production (or when forced), readable console output otherwise."""
        return self.log_json if self.log_json is not None else self.is_production

    @property
    def migrates_at_startup(self) -> bool:
        """Development applies pending migrations at start-up; production refuses a stale schema."""
        return self.auto_migrate if self.auto_migrate is not None else not self.is_production

    @property
    def kafka_enabled(self) -> bool:
        """Whether events go to Kafka (otherwise the outbox relay writes them to the log)."""
        return self.kafka_bootstrap_servers is not None


def load_settings(**overrides: Any) -> Settings:
    """Build the settings from the environment, with keyword overrides taking precedence.

    Args:
        **overrides: Field values that win over the environment (used by tests and the CLI).

    Returns:
        The validated settings.

    Raises:
        SettingsError: A value is invalid; the message names the ``AUMOS_DRIFT_*`` variable.
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "settings"
            variable = f"{ENV_PREFIX}{field.upper()}" if error["loc"] else "settings"
            message = str(error["msg"]).removeprefix("Value error, ")
            if message.startswith(ENV_PREFIX):
                problems.append(message)
            else:
                problems.append(f"{variable}: {message} (got {error.get('input')!r})")
        raise SettingsError("; ".join(problems)) from exc
