"""Rendering the dashboard's pages: packaged Jinja2 templates, escaped by default, with the session's facts."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from aumos_drift_detector.adapters.ui.session import SESSION_COOKIE, form_token, ui_context
from aumos_drift_detector.core.principal import Principal, Role


def when(value: datetime | None) -> str:
    """A time for people, to the minute, in UTC.

    >>> from datetime import UTC
    >>> when(datetime(2026, 3, 1, 9, 30, 12, tzinfo=UTC)), when(None)
    ('2026-03-01 09:30 UTC', '–')
    """
    if value is None:
        return "–"
    return value.strftime("%Y-%m-%d %H:%M UTC")


def figure(value: float | None) -> str:
    """A figure to 3 significant digits.

    >>> figure(0.123456), figure(None)
    ('0.123', '–')
    """
    return "–" if value is None else f"{value:.3g}"


def duration(seconds: int) -> str:
    """A number of seconds in the largest whole unit (days, hours, minutes) that divides it.

    >>> duration(2419200), duration(5400), duration(90), duration(0)
    ('28 d', '90 min', '90 s', '0 s')
    """
    for unit, size in (("d", 86_400), ("h", 3600), ("min", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


@cache
def environment() -> Environment:
    """The dashboard's template environment (built once)."""
    env = Environment(
        loader=PackageLoader("aumos_drift_detector.adapters.ui", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = when
    env.filters["figure"] = figure
    env.filters["duration"] = duration
    return env


def base_path(request: Request) -> str:
    """Where the dashboard is mounted (``/ui``)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def render(
    request: Request, template: str, *, principal: Principal | None = None, status_code: int = 200, **values: object
) -> HTMLResponse:
    """A page of the dashboard, with the signed-in principal, its role and its forms' anti-forgery value."""
    token = request.cookies.get(SESSION_COOKIE)
    csrf = form_token(ui_context(request).form_key, token) if token and principal else ""
    can_operate = (
        principal is not None
        and principal.highest_role is not None
        and principal.highest_role.rank >= Role.OPERATOR.rank
    )
    page = (
        environment()
        .get_template(template)
        .render(base=base_path(request), principal=principal, csrf=csrf, can_operate=can_operate, **values)
    )
    response = HTMLResponse(page, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
