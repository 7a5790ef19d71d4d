"""The app's cookies: the browser session and the sign-in binding."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from ..config import Settings

# secrets.token_urlsafe(32) gives 43 characters of this alphabet.
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass(frozen=True, slots=True)
class CookieNames:
    session: str
    browser: str


def cookie_names(settings: Settings) -> CookieNames:
    """Return the cookie names, with the __Host- prefix whenever cookies are Secure.

    The prefix makes the browser refuse the cookie unless it is Secure, has Path=/ and no
    Domain, so a sibling subdomain cannot plant or overwrite it.
    """
    prefix = "__Host-" if settings.secure_cookies else ""
    return CookieNames(session=f"{prefix}reai_session", browser=f"{prefix}reai_browser")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def read_token(request: Request, name: str) -> str | None:
    """Return a cookie that holds one of our random tokens, or None for anything else."""
    value = request.cookies.get(name)
    return value if value is not None and _TOKEN_SHAPE.fullmatch(value) else None


def set_token_cookie(
    response: Response, *, name: str, value: str, settings: Settings, max_age: int | None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite=settings.cookie_samesite,
    )


def clear_cookie(response: Response, *, name: str, settings: Settings) -> None:
    response.delete_cookie(
        name,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite=settings.cookie_samesite,
    )
