"""Rendering pages and partials, and the one handler that turns failures into pages."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from ..logs import printable
from ..services import get_services
from .errors import ERROR_TEXTS, ErrorPage, ErrorReason, error_page_for
from .htmx import HX_REFRESH, is_htmx
from .i18n import (
    format_number,
    format_time,
    gettext_current,
    negotiate_locale,
    ngettext_current,
    set_locale,
)

logger = logging.getLogger(__name__)

WEB_DIRECTORY = Path(__file__).parent
TEMPLATES_DIRECTORY = WEB_DIRECTORY / "templates"
STATIC_DIRECTORY = WEB_DIRECTORY / "static"

# Reasons for which a partial request reloads the whole page, so that the user sees the
# page that leads back through the sign-in instead of an error inside a table cell.
_RELOAD_REASONS = {ErrorReason.GRANT_ENDED, ErrorReason.NOT_SIGNED_IN}


def create_templates(*, app_name: str) -> Jinja2Templates:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIRECTORY),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext_current, ngettext_current, newstyle=True
    )
    environment.filters["datetime"] = format_time
    environment.filters["number"] = format_number
    environment.globals["app_name"] = app_name
    environment.globals["static"] = _static_url_function()
    return Jinja2Templates(env=environment)


def _static_url_function() -> Any:
    # A content hash in the URL lets browsers cache static files until they change.
    versions = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in STATIC_DIRECTORY.iterdir()
        if path.is_file()
    }

    def static(name: str) -> str:
        return f"/static/{name}?v={versions[name]}"

    return static


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Render a template in the language the browser requests."""
    services = get_services(request)
    locale = negotiate_locale(
        request.headers.get("accept-language"), services.settings.default_locale
    )
    set_locale(locale)
    session = getattr(request.state, "web_session", None)
    response = services.templates.TemplateResponse(
        request,
        name,
        {
            "locale": locale,
            "session": session,
            "csrf_token": session.csrf_token if session is not None else None,
            **(context or {}),
        },
        status_code=status_code,
        headers=headers,
    )
    response.headers["Vary"] = "Accept-Language, Cookie, HX-Request"
    return response


async def handle_error(request: Request, exc: Exception) -> Response:
    """Show the error page for any failure, or the error partial for an htmx request."""
    page = _page_for(exc)
    path = printable(request.url.path)
    if page.reason is ErrorReason.SERVER_ERROR:
        logger.error("request failed: %s %s", request.method, path, exc_info=exc)
    else:
        logger.info(
            "request refused: reason=%s status=%d path=%s error=%s",
            page.reason,
            page.status_code,
            path,
            type(exc).__name__,
        )
    # Headers the framework attached, such as WWW-Authenticate on a 401, go along.
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    if is_htmx(request) and page.reason in _RELOAD_REASONS:
        return Response(status_code=page.status_code, headers={**headers, HX_REFRESH: "true"})
    template = "partials/error.html" if is_htmx(request) else "error.html"
    return render(
        request,
        template,
        {"page": page, "text": ERROR_TEXTS[page.reason]},
        status_code=page.status_code,
        headers=headers,
    )


def _page_for(exc: Exception) -> ErrorPage:
    if not isinstance(exc, HTTPException):
        return error_page_for(exc)
    status = exc.status_code
    if status == 404:
        reason = ErrorReason.NOT_FOUND
    elif status == 405:
        reason = ErrorReason.METHOD_NOT_ALLOWED
    elif status in {413, 414, 431}:
        reason = ErrorReason.REQUEST_TOO_LARGE
    elif 400 <= status < 500:
        reason = ErrorReason.BAD_REQUEST
    else:
        reason = ErrorReason.SERVER_ERROR
    return ErrorPage(reason, status)
