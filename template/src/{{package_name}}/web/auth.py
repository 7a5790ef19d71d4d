"""FastAPI dependencies for the browser session and the CSRF check."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from ..services import Services, get_services
from .cookies import cookie_names, read_token
from .errors import CsrfError, NotSignedInError
from .sessions import WebSession, csrf_token_matches

CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"

ServicesDep = Annotated[Services, Depends(get_services)]


async def optional_session(request: Request, services: ServicesDep) -> WebSession | None:
    """Load the browser's session, or return None when it has none or an expired one."""
    settings = services.settings
    token = read_token(request, cookie_names(settings).session, settings)
    if token is None:
        return None
    session = await services.sessions.load(token, now=services.clock())
    # Stored for render(), which puts the CSRF token into every page.
    request.state.web_session = session
    return session


async def require_session(
    session: Annotated[WebSession | None, Depends(optional_session)],
) -> WebSession:
    if session is None:
        raise NotSignedInError()
    return session


async def require_csrf(
    request: Request, session: Annotated[WebSession, Depends(require_session)]
) -> WebSession:
    """Check the CSRF token of a POST: htmx sends it as a header, plain forms as a field."""
    candidate = request.headers.get(CSRF_HEADER)
    if candidate is None:
        try:
            form = await request.form()
        except MultiPartException as exc:
            raise HTTPException(status_code=400, detail="the form is not valid") from exc
        field = form.get(CSRF_FORM_FIELD)
        candidate = field if isinstance(field, str) else None
    if not csrf_token_matches(candidate, session.csrf_token):
        raise CsrfError()
    return session


SessionDep = Annotated[WebSession, Depends(require_session)]
OptionalSessionDep = Annotated[WebSession | None, Depends(optional_session)]
CsrfSessionDep = Annotated[WebSession, Depends(require_csrf)]
