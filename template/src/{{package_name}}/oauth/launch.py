"""The launch: ReAI opens the app with a tenant's credentials in the query string.

`GET <app URL>/?client_id=cli_...&client_secret=...&scope=employee:read`

The credentials are untrusted until the token endpoint accepts them: anyone can type a
launch URL. They are kept only with the new sign-in flow, never in the registry, until the
callback's code exchange succeeds.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from pydantic import SecretStr

from ..config import Settings
from .client_auth import ClientCredentials
from .errors import InsufficientScopeError, InvalidLaunchError
from .flows import FlowStore, PendingFlow
from .scopes import InvalidScopeError, format_scopes, parse_scopes

MAX_CLIENT_ID_LENGTH = 64
MAX_CLIENT_SECRET_LENGTH = 512

# Printable ASCII and the space. A secret is random text from the platform; anything else
# means the URL was mistyped or mangled on the way.
_SECRET_CHARACTERS = re.compile(r"[\x20-\x7e]+")


@dataclass(frozen=True, slots=True)
class LaunchRequest:
    """A validated launch. `scopes` are the scopes ReAI reports for the installation."""

    credentials: ClientCredentials
    scopes: frozenset[str] | None


def parse_launch(query: Sequence[tuple[str, str]], *, client_id_pattern: str) -> LaunchRequest:
    """Validate the launch query parameters, or raise InvalidLaunchError.

    Error messages show the client_id (an identifier) but never the client secret.
    """
    client_id = _required_value(query, "client_id")
    client_secret = _required_value(query, "client_secret")
    scope = _optional_value(query, "scope")

    if len(client_id) > MAX_CLIENT_ID_LENGTH or not re.fullmatch(client_id_pattern, client_id):
        raise InvalidLaunchError(
            parameter="client_id",
            problem=f"{client_id[:MAX_CLIENT_ID_LENGTH]!r} does not match CLIENT_ID_PATTERN, "
            "the shape of a ReAI client id (by default cli_ and nine letters or digits)",
        )
    if len(client_secret) > MAX_CLIENT_SECRET_LENGTH:
        raise InvalidLaunchError(
            parameter="client_secret",
            problem=f"has {len(client_secret)} characters, more than the "
            f"{MAX_CLIENT_SECRET_LENGTH} allowed",
        )
    if not _SECRET_CHARACTERS.fullmatch(client_secret):
        raise InvalidLaunchError(
            parameter="client_secret",
            problem="contains control or non-ASCII characters, so the URL was damaged",
        )
    try:
        scopes = None if scope is None else parse_scopes(scope)
    except InvalidScopeError as exc:
        raise InvalidLaunchError(parameter="scope", problem=f"is invalid: {exc}") from exc

    return LaunchRequest(
        credentials=ClientCredentials(client_id=client_id, client_secret=SecretStr(client_secret)),
        scopes=scopes,
    )


def _optional_value(query: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [value for key, value in query if key == name]
    if len(values) > 1:
        raise InvalidLaunchError(parameter=name, problem="appears more than once")
    return values[0] if values and values[0] else None


def _required_value(query: Sequence[tuple[str, str]], name: str) -> str:
    value = _optional_value(query, name)
    if value is None:
        raise InvalidLaunchError(parameter=name, problem="is missing")
    return value


async def start_authorization(
    *,
    launch: LaunchRequest,
    browser_token: str,
    settings: Settings,
    flows: FlowStore,
    now: datetime,
) -> str:
    """Store a new sign-in flow for the launch and return the authorization URL."""
    requested = settings.requested_scopes
    # Fail here, before the consent page, when the installation cannot grant what the app
    # needs: the user could not fix it there.
    if launch.scopes is not None and (missing := requested - launch.scopes):
        raise InsufficientScopeError(missing=frozenset(missing))

    state = secrets.token_urlsafe(32)
    code_verifier = secrets.token_urlsafe(48) if settings.pkce_enabled else None
    await flows.create(
        state=state,
        browser_token=browser_token,
        flow=PendingFlow(
            credentials=launch.credentials,
            code_verifier=None if code_verifier is None else SecretStr(code_verifier),
            redirect_uri=settings.redirect_uri,
            scopes=requested,
            expires_at=now + timedelta(seconds=settings.flow_lifetime_seconds),
        ),
        now=now,
    )
    pkce = (
        {}
        if code_verifier is None
        else {
            "code_challenge": create_s256_code_challenge(code_verifier),
            "code_challenge_method": "S256",
        }
    )
    url: str = prepare_grant_uri(
        settings.authorization_endpoint,
        client_id=launch.credentials.client_id,
        response_type="code",
        redirect_uri=settings.redirect_uri,
        scope=format_scopes(requested),
        state=state,
        **pkce,
    )
    return url
