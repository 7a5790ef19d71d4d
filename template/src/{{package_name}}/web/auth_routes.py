"""HTTP handlers of the sign-in: the launch, the callback and reconnecting."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from ..config import Settings
from ..oauth.callback import complete_authorization, is_callback, parse_callback
from ..oauth.errors import InvalidLaunchError
from ..oauth.launch import LaunchRequest, parse_launch, start_authorization
from ..services import Services
from .auth import CsrfSessionDep, OptionalSessionDep, ServicesDep
from .cookies import (
    clear_cookie,
    cookie_names,
    new_token,
    read_token,
    set_token_cookie,
)
from .errors import NotSignedInError
from .rendering import render

logger = logging.getLogger(__name__)

DASHBOARD_PATH = "/dashboard"
# The landing page shows a notice when it is reached with this parameter after a disconnect.
DISCONNECTED_PARAMETER = "disconnected"


def create_auth_router(settings: Settings) -> APIRouter:
    """Route the launch to the app root and the callback to the redirect URI's path.

    When the redirect URI is the app root, as in the platform's own example, the root
    handler tells the two apart by their parameters.
    """
    router = APIRouter()
    router.add_api_route("/", app_root, methods=["GET"], include_in_schema=False)
    if settings.redirect_path != "/":
        router.add_api_route(
            settings.redirect_path, callback, methods=["GET"], include_in_schema=False
        )
    router.add_api_route("/reconnect", reconnect, methods=["POST"], include_in_schema=False)
    return router


async def app_root(
    request: Request, services: ServicesDep, session: OptionalSessionDep
) -> Response:
    query = request.query_params.multi_items()
    keys = {key for key, _ in query}
    callback_here = services.settings.redirect_path == "/" and is_callback(query)
    if "client_id" in keys and callback_here:
        raise InvalidLaunchError(
            parameter="client_id", problem="arrived together with callback parameters"
        )
    if "client_id" in keys or "client_secret" in keys:
        launch = parse_launch(query, client_id_pattern=services.settings.client_id_pattern)
        return await _start_sign_in(request, services, launch)
    if callback_here:
        return await _finish_sign_in(request, services)
    if session is not None:
        return RedirectResponse(DASHBOARD_PATH, status_code=303)
    return render(request, "landing.html", {"disconnected": DISCONNECTED_PARAMETER in keys})


async def callback(request: Request, services: ServicesDep) -> Response:
    return await _finish_sign_in(request, services)


async def reconnect(request: Request, services: ServicesDep, session: CsrfSessionDep) -> Response:
    """Start a new sign-in with the stored credentials of the session's installation.

    This works while the session's grant has ended, which is when the user needs it.
    """
    installation = await services.registry.get_installation(client_id=session.client_id)
    if installation is None:
        raise NotSignedInError()
    launch = LaunchRequest(credentials=installation.credentials, scopes=installation.scopes)
    return await _start_sign_in(request, services, launch)


async def _start_sign_in(request: Request, services: Services, launch: LaunchRequest) -> Response:
    settings = services.settings
    names = cookie_names(settings)
    browser_token = read_token(request, names.browser, settings) or new_token()
    authorization_url = await start_authorization(
        launch=launch,
        browser_token=browser_token,
        settings=settings,
        flows=services.flows,
        now=services.clock(),
    )
    logger.info("sign-in started: client_id=%s", launch.credentials.client_id)
    # No body, no caching and no Referer: the launch URL holds the client secret.
    response = RedirectResponse(authorization_url, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    set_token_cookie(
        response,
        name=names.browser,
        value=browser_token,
        settings=settings,
        max_age=settings.flow_lifetime_seconds,
    )
    return response


async def _finish_sign_in(request: Request, services: Services) -> Response:
    settings = services.settings
    names = cookie_names(settings)
    now = services.clock()
    grant = await complete_authorization(
        callback=parse_callback(request.query_params.multi_items()),
        browser_token=read_token(request, names.browser, settings),
        flows=services.flows,
        token_endpoint=services.token_endpoint,
        registry=services.registry,
        now=now,
    )

    # A fresh session id after every sign-in, so that a session id planted before the
    # sign-in (session fixation) never becomes an authenticated one.
    old_token = read_token(request, names.session, settings)
    if old_token is not None:
        await services.sessions.delete(old_token)
    session_token = new_token()
    await services.sessions.create(
        token=session_token, client_id=grant.client_id, grant_id=grant.id, now=now
    )
    logger.info("sign-in completed: client_id=%s grant_id=%d", grant.client_id, grant.id)

    response = RedirectResponse(DASHBOARD_PATH, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    set_token_cookie(
        response,
        name=names.session,
        value=session_token,
        settings=settings,
        max_age=settings.session_lifetime_seconds,
    )
    return response


def clear_session_cookie(response: Response, settings: Settings) -> None:
    clear_cookie(response, name=cookie_names(settings).session, settings=settings)
