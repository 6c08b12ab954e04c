"""The ``aumos-drift`` command.

Sub-commands: ``serve`` (run the HTTP service), ``consume`` (ingest the Kafka topics until SIGTERM),
``migrate`` (apply schema migrations), ``demo``
(a monitor with synthetic data, checked once), ``token`` (mint a development token) and ``check``
(compare two data files, no server needed) and ``backtest`` (replay a history file through the decision
logic). Exit codes: 0 success, 1 a failure of the operation (or drift found, for ``check``), 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from aumos_drift_detector import __version__
from aumos_drift_detector.commands.backtest_arguments import add_backtest_parser
from aumos_drift_detector.commands.check_arguments import add_check_parser

if TYPE_CHECKING:
    from aumos_drift_detector.bootstrap import Container
    from aumos_drift_detector.settings import Settings

# Only argparse and the argument modules load at start: ``--help`` must answer at once, so each command
# imports what it needs (the web stack, the database drivers, scipy) when it runs.

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"aumos-drift: {message}\n")
    return code


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    import structlog
    import uvicorn
    from sqlalchemy.engine import make_url

    from aumos_drift_detector.bootstrap import bootstrap, build_app

    container = bootstrap(settings)
    if not settings.migrates_at_startup:
        asyncio.run(_check_schema(container))
    host = args.host or settings.host
    port = args.port or settings.port
    database = make_url(settings.database_url).render_as_string(hide_password=True)
    structlog.get_logger(__name__).info("serving", host=host, port=port, database=database)
    app = build_app(container)
    _freeze_heap()
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)
    return EXIT_OK


def _consume(_args: argparse.Namespace, settings: Settings) -> int:
    if settings.kafka_bootstrap_servers is None:
        return _fail("consume: set AUMOS_DRIFT_KAFKA_BOOTSTRAP_SERVERS to the Kafka cluster", EXIT_BAD_INPUT)
    import asyncio

    from aumos_drift_detector.bootstrap import bootstrap

    container = bootstrap(settings)
    _freeze_heap()
    asyncio.run(_consume_until_signalled(container))
    return EXIT_OK


def _freeze_heap() -> None:
    """Move what start-up allocated out of the garbage collector's sight, once, before the long-running loop.

    A full collection visits every tracked object; with the ~200k that the imported libraries and the
    application leave behind, it took 150-400 ms on the event loop in the middle of a large upload, and a
    consumer joining labels (tens of thousands of objects per batch) ran such collections over and over.
    Those objects live as long as the process.
    """
    import gc

    gc.collect()
    gc.freeze()


async def _consume_until_signalled(container: Container) -> None:
    """Consume until SIGTERM or SIGINT; the batch in hand is committed or rolled back first."""
    import asyncio
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if container.settings.kafka_consumer_metrics_port is not None:
        container.serve_metrics(container.settings.kafka_consumer_metrics_port)
    try:
        await container.prepare_schema()
        await container.consume(stop)
    finally:
        await container.close()


async def _check_schema(container: Container) -> None:
    try:
        await container.prepare_schema()
    finally:
        await container.close()


async def _migrate_async(settings: Settings, *, revision: str, downgrade: bool) -> str | None:
    from aumos_drift_detector.adapters.persistence import migrator
    from aumos_drift_detector.adapters.persistence.database import create_engine

    engine = create_engine(settings.database_url)
    try:
        if downgrade:
            await migrator.downgrade(engine, revision)
        else:
            await migrator.upgrade(engine, revision)
        return await migrator.current_revision(engine)
    finally:
        await engine.dispose()


def _migrate(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    import structlog

    target = args.downgrade or args.revision
    revision = asyncio.run(_migrate_async(settings, revision=target, downgrade=args.downgrade is not None))
    structlog.get_logger(__name__).info("schema_migrated", revision=revision)
    sys.stdout.write(f"database schema at revision {revision or 'base'}\n")
    return EXIT_OK


def _token(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import timedelta

    from aumos_drift_detector.adapters.api.auth import issue_token
    from aumos_drift_detector.core.errors import DriftDetectorError
    from aumos_drift_detector.core.principal import Role

    if settings.is_production:
        return _fail("token: refusing to mint tokens in production; use your identity provider", EXIT_BAD_INPUT)
    roles = [role.strip() for role in args.role.split(",") if role.strip()]
    unknown = sorted(set(roles) - {role.value for role in Role})
    if unknown or not roles:
        return _fail(f"token: --role must be viewer, operator or admin, got {args.role!r}", EXIT_BAD_INPUT)
    if args.hours <= 0:
        return _fail("token: --hours must be positive", EXIT_BAD_INPUT)
    try:
        token = issue_token(
            settings, tenant_id=args.tenant, roles=roles, subject=args.subject, ttl=timedelta(hours=args.hours)
        )
    except DriftDetectorError as exc:
        return _fail(f"token: {exc.message}", EXIT_BAD_INPUT)
    sys.stdout.write(f"{token}\n")
    return EXIT_OK


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from aumos_drift_detector.demo import demo

    return demo(settings, args.tenant)


def _add_service_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", help="interface to bind (default: AUMOS_DRIFT_HOST, else 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (default: AUMOS_DRIFT_PORT, else 8000)")
    serve.set_defaults(handler=_serve)

    consume = commands.add_parser("consume", help="ingest the observation and outcome topics until SIGTERM")
    consume.set_defaults(handler=_consume)

    migrate = commands.add_parser("migrate", help="apply database schema migrations")
    migrate.add_argument("--revision", default="head", help="upgrade to this revision (default: %(default)s)")
    migrate.add_argument(
        "--downgrade", metavar="REVISION", help="downgrade to this revision instead, 'base' empties (default: none)"
    )
    migrate.set_defaults(handler=_migrate)

    demo_parser = commands.add_parser("demo", help="create a demo monitor with synthetic data and run a check")
    demo_parser.add_argument("--tenant", default="demo", help="tenant of the demo monitor (default: %(default)s)")
    demo_parser.set_defaults(handler=_demo)

    token = commands.add_parser("token", help="print a development token signed with AUMOS_DRIFT_JWT_SECRET")
    token.add_argument("--tenant", required=True, help="tenant_id claim (required)")
    token.add_argument(
        "--role", required=True, help="viewer, operator or admin, comma-separated for several (required)"
    )
    token.add_argument("--subject", default="developer", help="sub claim (default: %(default)s)")
    token.add_argument("--hours", type=float, default=12.0, help="validity in hours (default: %(default)s)")
    token.set_defaults(handler=_token)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of ``aumos-drift``.

    Building it imports only the argument modules of the commands, never the commands themselves.
    """
    parser = argparse.ArgumentParser(prog="aumos-drift", description="Drift detection for deployed ML models.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_service_parsers(commands)
    add_check_parser(commands)
    add_backtest_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args = build_parser().parse_args(argv)
    from aumos_drift_detector.logging import configure_logging

    if args.command in ("check", "backtest"):  # local commands: no settings, warnings only
        configure_logging(level="WARNING")
        local: int = args.handler(args)
        return local
    from aumos_drift_detector.core.errors import DriftDetectorError
    from aumos_drift_detector.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        return _fail(f"bad configuration: {exc}", EXIT_BAD_INPUT)
    configure_logging(level=settings.log_level.value, json=settings.logs_as_json)
    try:
        code: int = args.handler(args, settings)
    except DriftDetectorError as exc:
        return _fail(exc.message, EXIT_FAILURE)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
