"""The pages of the UI: dashboard, employees, connection, and the health checks."""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import JSONResponse, RedirectResponse, Response

from ..oauth.errors import GrantEndedError
from ..storage.migrate import current_revision, head_revision
from ..tenants.models import Grant, GrantEndReason
from .auth import CsrfSessionDep, ServicesDep, SessionDep
from .auth_routes import DISCONNECTED_PARAMETER, clear_session_cookie
from .cookies import cookie_names, read_token
from .employees import EmployeeQuery, select_page
from .errors import NotSignedInError
from .htmx import HX_CURRENT_URL, is_htmx
from .rendering import render
from .sessions import WebSession

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)


async def _active_grant(services: ServicesDep, session: WebSession) -> Grant:
    grant = await services.registry.get_grant(
        client_id=session.client_id, grant_id=session.grant_id
    )
    if grant is None:
        raise NotSignedInError()
    if not grant.is_active:
        raise GrantEndedError(reason=str(grant.ended_reason or "ended"))
    return grant


@router.get("/dashboard")
async def dashboard(request: Request, services: ServicesDep, session: SessionDep) -> Response:
    grant = await _active_grant(services, session)
    return render(request, "dashboard.html", {"grant": grant})


@router.get("/employees")
async def employees(
    request: Request,
    services: ServicesDep,
    session: SessionDep,
    search: Annotated[str | None, Query(alias="q")] = None,
    sort: str | None = None,
    order: str | None = None,
    page: str | None = None,
) -> Response:
    """Render the employee list: a partial for htmx requests, a whole page otherwise."""
    grant = await _active_grant(services, session)
    query = EmployeeQuery.from_params(search=search, sort=sort, order=order, page=page)
    everyone = await services.reai.list_employees(client_id=grant.client_id, grant_id=grant.id)
    # Address bar updates belong to the employee page; the dashboard keeps its own URL.
    try:
        current = urlsplit(request.headers.get(HX_CURRENT_URL, "")).path
    except ValueError:  # a header that is not a URL at all
        current = ""
    push_url = not is_htmx(request) or current.startswith("/employees")
    context = {"grant": grant, "result": select_page(everyone, query), "push_url": push_url}
    if is_htmx(request):
        return render(request, "partials/employees_table.html", context)
    return render(request, "employees.html", context)


@router.get("/connection")
async def connection(request: Request, services: ServicesDep, session: SessionDep) -> Response:
    grant = await services.registry.get_grant(
        client_id=session.client_id, grant_id=session.grant_id
    )
    if grant is None:
        raise NotSignedInError()
    return render(request, "connection.html", {"grant": grant})


@router.post("/connection/refresh")
async def refresh_connection(
    request: Request, services: ServicesDep, session: CsrfSessionDep
) -> Response:
    await services.tokens.refresh_now(client_id=session.client_id, grant_id=session.grant_id)
    if is_htmx(request):
        grant = await _active_grant(services, session)
        return render(
            request, "partials/connection_status.html", {"grant": grant, "refreshed": True}
        )
    return RedirectResponse("/connection", status_code=303)


@router.post("/connection/disconnect")
async def disconnect(request: Request, services: ServicesDep, session: CsrfSessionDep) -> Response:
    """End the user's grant, erase its tokens and sign the browser out."""
    await services.registry.end_grant(
        client_id=session.client_id,
        grant_id=session.grant_id,
        reason=GrantEndReason.DISCONNECTED,
        ended_at=services.clock(),
    )
    token = read_token(request, cookie_names(services.settings).session, services.settings)
    if token is not None:
        await services.sessions.delete(token)
    logger.info("disconnected: client_id=%s grant_id=%d", session.client_id, session.grant_id)
    # Redirect after the POST, so that reloading the page does not send the form again.
    response = RedirectResponse(f"/?{DISCONNECTED_PARAMETER}=1", status_code=303)
    clear_session_cookie(response, services.settings)
    return response


@router.get("/healthz")
async def healthz() -> JSONResponse:
    """Liveness: the process is serving requests."""
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
async def readyz(services: ServicesDep) -> JSONResponse:
    """Report readiness: the database responds and its schema is current."""
    try:
        async with services.engine.connect() as db:
            await db.execute(text("SELECT 1"))
        current = await current_revision(services.engine)
    except (SQLAlchemyError, OSError) as exc:
        logger.warning("readiness check failed: %s", type(exc).__name__)
        return JSONResponse({"status": "database unavailable"}, status_code=503)
    if current != head_revision():
        return JSONResponse({"status": "schema outdated"}, status_code=503)
    return JSONResponse({"status": "ready"})
