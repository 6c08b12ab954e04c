"""A loop that repeats an async action until told to stop, surviving the action's failures."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)


async def repeat(
    stop: asyncio.Event, interval_seconds: float, action: Callable[[], Awaitable[object]], name: str
) -> None:
    """Await ``action`` every ``interval_seconds`` until ``stop`` is set.

    An exception raised by one round is logged with its traceback and the loop goes on.

    Args:
        stop: Set it to end the loop (the current round finishes first).
        interval_seconds: Pause between the end of one round and the start of the next.
        action: What to do each round.
        name: Name of the loop in log lines.
    """
    log.info("loop_started", loop=name, interval_seconds=interval_seconds)
    while not stop.is_set():
        try:
            await action()
        except Exception:
            log.exception("loop_round_failed", loop=name)
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
        except TimeoutError:
            continue
    log.info("loop_stopped", loop=name)
