"""``Annotated`` dependency aliases that routes use to reach the composition root's services."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from aumos_drift_detector.adapters.api.context import ApiContext


def _context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.context
    return context


Context = Annotated[ApiContext, Depends(_context)]
