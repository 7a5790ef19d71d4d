"""The operator view of the tenant registry, behind its own credential.

It is for the people who run the app, not for tenants' users: it lists every
installation, so a tenant session never opens it. With OPERATOR_PASSWORD unset, the page
does not exist.
"""

from __future__ import annotations

import hmac
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from starlette.exceptions import HTTPException
from starlette.responses import Response

from .auth import ServicesDep
from .rendering import render

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

_basic = HTTPBasic(auto_error=False, realm="operator")


def _matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@router.get("/operator")
async def operator_view(
    request: Request,
    services: ServicesDep,
    credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
) -> Response:
    settings = services.settings
    if settings.operator_password is None:
        raise HTTPException(status_code=404)
    password = settings.operator_password.get_secret_value()
    # Both comparisons always run, so the timing does not tell which one failed.
    user_ok = credentials is not None and _matches(
        credentials.username, settings.operator_username
    )
    password_ok = credentials is not None and _matches(credentials.password, password)
    if not (user_ok and password_ok):
        if credentials is not None:
            # The user name is not logged: people type passwords into the wrong field.
            logger.warning("operator sign-in refused")
        return Response(
            "Operator credentials required.",
            status_code=401,
            headers={"WWW-Authenticate": 'Basic realm="operator", charset="UTF-8"'},
        )
    installations = await services.registry.list_installations()
    return render(
        request, "operator.html", {"installations": installations, "now": services.clock()}
    )
