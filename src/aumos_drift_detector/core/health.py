"""Ports of readiness: what the readiness probe checks."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


class HealthCheck(Protocol):
    """A dependency the readiness probe checks."""

    name: str

    async def check(self) -> None:
        """Return if the dependency is usable; raise ``InfrastructureError`` saying why otherwise."""
        ...


@runtime_checkable
class HealthDetails(Protocol):
    """A health check that also reports figures (shown under ``details`` in ``/health/ready``)."""

    async def details(self) -> dict[str, Any]:
        """Return JSON-serialisable figures gathered by the last check."""
        ...
