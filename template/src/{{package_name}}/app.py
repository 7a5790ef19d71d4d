"""The FastAPI app factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import Response

from .clock import Clock, utc_now
from .config import APP_NAME, COMMAND_NAME, Settings
from .oauth.errors import OAuthError
from .reai.errors import ReaiApiError
from .services import Services
from .storage.database import create_engine
from .storage.migrate import check_schema_is_current
from .web.auth_routes import create_auth_router
from .web.errors import CsrfError, NotSignedInError
from .web.middleware import (
    AccessLogMiddleware,
    RequestLimitsMiddleware,
    SecurityHeadersMiddleware,
)
from .web.operator_routes import router as operator_router
from .web.rendering import STATIC_DIRECTORY, create_templates, handle_error
from .web.ui_routes import router as ui_router

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock = utc_now,
    http_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """Build the app. Its lifespan opens the database and the HTTP client to ReAI.

    `clock` and `http_transport` let tests move time and reach ReAI through a transport
    of their own; the app itself never needs them.
    """
    settings = settings if settings is not None else Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings)
        http = httpx.AsyncClient(
            timeout=settings.http_timeout_seconds,
            follow_redirects=False,
            transport=http_transport,
        )
        try:
            await check_schema_is_current(engine, command_name=f"uv run {COMMAND_NAME}")
            app.state.services = Services.build(
                settings=settings,
                clock=clock,
                engine=engine,
                http=http,
                templates=create_templates(app_name=APP_NAME),
            )
            for variable in settings.generated_secrets:
                logger.warning(
                    "%s is not set: using a random value for this process only; data "
                    "encrypted with it is unreadable after a restart",
                    variable,
                )
            yield
        finally:
            await http.aclose()
            await engine.dispose()

    app = FastAPI(
        title=APP_NAME,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # A slash redirect would change the callback URL, and with it the redirect_uri
        # that must match the registered one exactly.
        redirect_slashes=False,
    )
    app.include_router(create_auth_router(settings))
    app.include_router(ui_router)
    app.include_router(operator_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIRECTORY), name="static")

    for error_class in (OAuthError, ReaiApiError, NotSignedInError, CsrfError, HTTPException):
        app.add_exception_handler(error_class, handle_error)
    security_headers = SecurityHeadersMiddleware(app, settings=settings).headers

    async def handle_unexpected_error(request: Request, exc: Exception) -> Response:
        # Starlette calls this outside all middleware, so it adds the headers itself.
        response = await handle_error(request, exc)
        response.headers.update(security_headers)
        response.headers["Cache-Control"] = "no-store"
        return response

    app.add_exception_handler(Exception, handle_unexpected_error)

    # The last middleware added runs first: the access log records every response, and the
    # security headers cover the limits' refusals.
    app.add_middleware(
        RequestLimitsMiddleware,
        max_query_string_bytes=settings.max_query_string_bytes,
        max_header_bytes=settings.max_header_bytes,
        max_body_bytes=settings.max_body_bytes,
    )
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)
    app.add_middleware(AccessLogMiddleware)
    return app
