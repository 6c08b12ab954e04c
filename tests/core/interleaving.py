"""In-memory storage whose every repository call first yields to the event loop, as a call to a database does.

The plain in-memory repositories never suspend, so a use case's transaction runs in one piece however
many run concurrently, and a missing row lock would go unnoticed. Here each call (and each commit) lets
the other coroutines run first, so concurrent transactions interleave and only the locks keep them apart.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Self

from aumos_drift_detector.core.unit_of_work_in_memory import InMemoryStorage, InMemoryUnitOfWork

REPOSITORIES = (
    "monitors",
    "detections",
    "alerts",
    "alert_events",
    "retraining_triggers",
    "outbox",
    "references",
    "observations",
    "concept_states",
)


class YieldingRepository:
    """Delegates to a repository, yielding to the event loop before each of its coroutine methods.

    Args:
        target: The in-memory repository.
    """

    def __init__(self, target: object) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if not inspect.iscoroutinefunction(attribute):
            return attribute
        method: Callable[..., Awaitable[Any]] = attribute

        async def call(*args: Any, **kwargs: Any) -> Any:
            await asyncio.sleep(0)
            return await method(*args, **kwargs)

        return call


class InterleavingUnitOfWork(InMemoryUnitOfWork):
    """The in-memory unit of work with yielding repositories and a yielding commit."""

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        for name in REPOSITORIES:
            setattr(self, name, YieldingRepository(getattr(self, name)))
        return self

    async def commit(self) -> None:
        await asyncio.sleep(0)
        await super().commit()


class InterleavingStorage(InMemoryStorage):
    """In-memory storage whose units of work interleave at every repository call."""

    def unit_of_work(self) -> InterleavingUnitOfWork:
        return InterleavingUnitOfWork(self)
