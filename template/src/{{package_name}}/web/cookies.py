"""The app's cookies: the browser session and the sign-in binding.

Each cookie holds a random token and an HMAC-SHA256 signature made with SESSION_SECRET
over the cookie's name and the token. The server stores only a hash of the token, so
someone who can write to the database still cannot make a cookie that the app accepts,
and a token cannot move from one cookie to the other.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from ..config import Settings

# secrets.token_urlsafe(32) gives 43 characters; the signature is 43 more.
_SIGNED_TOKEN = re.compile(r"([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})")


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


def _signature(name: str, token: str, settings: Settings) -> str:
    digest = hmac.new(
        settings.session_secret_value.encode("utf-8"),
        f"cookie:{name}:{token}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def read_token(request: Request, name: str, settings: Settings) -> str | None:
    """Return the token of a correctly signed cookie, or None for anything else."""
    match = _SIGNED_TOKEN.fullmatch(request.cookies.get(name, ""))
    if match is None:
        return None
    token, signature = match.groups()
    if not hmac.compare_digest(signature, _signature(name, token, settings)):
        return None
    return token


def set_token_cookie(
    response: Response, *, name: str, value: str, settings: Settings, max_age: int | None
) -> None:
    response.set_cookie(
        name,
        f"{value}.{_signature(name, value, settings)}",
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
