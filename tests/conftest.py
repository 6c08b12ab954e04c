"""Shared fixtures: isolated databases on SQLite and PostgreSQL, and a real Kafka-protocol broker."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy.ext.asyncio import AsyncEngine

from aumos_drift_detector.adapters.persistence import migrator
from aumos_drift_detector.adapters.persistence.database import create_engine
from tests import servers

os.environ.setdefault("DO_NOT_TRACK", "1")

# CI runs property tests on a fixed sequence of examples, so a run is reproducible; elsewhere they
# draw new examples each time and may find new failures.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
if servers.in_ci():
    settings.load_profile("ci")


@dataclass(frozen=True)
class DatabaseTarget:
    """One isolated, empty database for one test."""

    backend: str
    url: str


@pytest.fixture(scope="session")
def postgres_available() -> str | None:
    """Why PostgreSQL is unusable (``None`` when it is usable), checked once per run."""
    return servers.postgres_reachable()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_available: str | None
) -> Iterator[DatabaseTarget]:
    """An empty database on each backend: a SQLite file, and a fresh PostgreSQL database."""
    request.node.user_properties.append(("server", "SQLite" if request.param == "sqlite" else "PostgreSQL"))
    if request.param == "sqlite":
        yield DatabaseTarget("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'drift.db'}")
        return
    if postgres_available is not None:
        servers.unavailable(postgres_available)
    with servers.postgres_database() as url:
        yield DatabaseTarget("postgresql", url)


@pytest.fixture
async def engine(database: DatabaseTarget) -> AsyncIterator[AsyncEngine]:
    """An engine on a migrated database of each backend."""
    engine = create_engine(database.url)
    await migrator.upgrade(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def kafka_broker_process() -> Iterator[servers.Broker]:
    """A Kafka-protocol broker: ``AUMOS_DRIFT_TEST_KAFKA_BOOTSTRAP`` if set, else ``tansu`` on a free port."""
    external = os.environ.get("AUMOS_DRIFT_TEST_KAFKA_BOOTSTRAP")
    if external:
        yield servers.Broker(external)
        return
    try:
        broker = servers.start_tansu()
    except (RuntimeError, OSError, ImportError) as exc:
        servers.unavailable(f"cannot start the tansu broker: {exc}")
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture
def kafka_broker(request: pytest.FixtureRequest, kafka_broker_process: servers.Broker) -> servers.Broker:
    """The session's Kafka-protocol broker, recorded on the test's report."""
    request.node.user_properties.append(("server", "Kafka broker (tansu)"))
    return kafka_broker_process


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests ran against each real server, so a run shows what it really covered."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", None) not in ("call", "setup"):
                continue
            if report.when == "setup" and outcome == "passed":
                continue
            for key, server in getattr(report, "user_properties", []):
                if key == "server":
                    outcomes = counts.setdefault(server, {})
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1
    if counts:
        terminalreporter.section("real servers")
        for server, outcomes in sorted(counts.items()):
            summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
            terminalreporter.write_line(f"{server}: {summary}")
