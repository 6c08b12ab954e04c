"""``Annotated`` dependency aliases that routes use to reach the composition root's services."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from aumos_drift_detector.adapters.api.context import ApiContext
from aumos_drift_detector.core.interfaces import Clock, UnitOfWork


def _context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.context
    return context


def _unit_of_work(context: Annotated[ApiContext, Depends(_context)]) -> UnitOfWork:
    return context.uow_factory()


def _clock(context: Annotated[ApiContext, Depends(_context)]) -> Clock:
    return context.clock


Context = Annotated[ApiContext, Depends(_context)]
UnitOfWorkDep = Annotated[UnitOfWork, Depends(_unit_of_work)]
ClockDep = Annotated[Clock, Depends(_clock)]
