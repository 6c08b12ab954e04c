"""Signing in to the dashboard with a token, and signing out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aumos_drift_detector.adapters.ui.session import (
    checked_form,
    end_session,
    require_same_origin,
    start_session,
    ui_context,
)
from aumos_drift_detector.adapters.ui.templating import base_path, render
from aumos_drift_detector.core.errors import AuthenticationError

router = APIRouter()


def landing(request: Request, asked: object) -> str:
    """Where to go after signing in: the dashboard page that was asked for, else the monitors.

    Only a path of the dashboard itself is followed (no other host, no scheme, no ``//``), so the
    sign-in form cannot be made to send people elsewhere.
    """
    base = base_path(request)
    if (
        isinstance(asked, str)
        and asked.startswith(f"{base}/")
        and "//" not in asked
        and "\\" not in asked
        and all(character.isprintable() and not character.isspace() for character in asked)
    ):
        return asked
    return f"{base}/"


@router.get("/sign-in", response_class=HTMLResponse)
async def sign_in_page(request: Request) -> HTMLResponse:
    """The sign-in form."""
    asked = request.query_params.get("next")
    return render(request, "sign_in.html.j2", development=ui_context(request).development, next=asked or "")


@router.post("/sign-in", response_model=None)
async def sign_in(request: Request) -> Response:
    """Verify the posted token and keep it in the session cookie; a bad token shows the form again with why.

    Only this dashboard's own page may post it: another site could otherwise sign people in as someone else.
    """
    require_same_origin(request)
    form = await request.form()
    token = form.get("token")
    token = token.strip() if isinstance(token, str) else ""
    context = ui_context(request)
    try:
        if not token:
            raise AuthenticationError("paste a token")
        context.verify_token(token)
    except AuthenticationError as exc:
        asked = form.get("next")
        return render(
            request,
            "sign_in.html.j2",
            status_code=401,
            error=exc.message,
            development=context.development,
            next=asked if isinstance(asked, str) else "",
        )
    response = RedirectResponse(landing(request, form.get("next")), status_code=303)
    start_session(response, request, token)
    return response


@router.post("/sign-out", response_model=None)
async def sign_out(request: Request) -> Response:
    """End the session (a signed form, so no other site can sign people out)."""
    await checked_form(request)
    response = RedirectResponse(f"{base_path(request)}/sign-in", status_code=303)
    end_session(response)
    return response
