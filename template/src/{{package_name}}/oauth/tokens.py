"""Token responses from ReAI's token endpoint, turned into a validated TokenSet.

The platform documents `expires_in` as 7200 and the access token as a JWT. The app also
copes with a string or missing `expires_in`, a token that is not a JWT, a JWT without
`exp`, no refresh token, and error bodies that are HTML instead of JSON.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
from joserfc import jws
from joserfc.errors import JoseError
from pydantic import SecretStr

from .errors import (
    InvalidClientError,
    InvalidGrantError,
    MalformedTokenResponseError,
    TokenEndpointError,
    TokenEndpointUnavailableError,
)
from .scopes import InvalidScopeError, parse_scopes

# The platform's documented access token lifetime, used when a response gives neither a
# usable expires_in nor a JWT exp claim.
DEFAULT_ACCESS_TOKEN_LIFETIME = timedelta(hours=2)

# An expires_in above this is capped, so that a broken server cannot make the app trust a
# token for years. A token that ReAI rejects earlier is refreshed after the 401 anyway.
MAX_ACCESS_TOKEN_LIFETIME = timedelta(days=1)

MAX_TOKEN_LENGTH = 8192
MAX_SUBJECT_LENGTH = 255

# Printable ASCII without spaces: RFC 6750 b64token characters and everything a
# reasonable opaque token uses.
_TOKEN_CHARACTERS = re.compile(r"[\x21-\x7e]+")
_ERROR_CODE = re.compile(r"[\x20-\x21\x23-\x5b\x5d-\x7e]{1,64}")
_MAX_DESCRIPTION_LENGTH = 300


@dataclass(frozen=True, slots=True)
class TokenSet:
    """The tokens of one grant, as received from the token endpoint and validated."""

    access_token: SecretStr
    refresh_token: SecretStr | None
    token_type: str
    expires_at: datetime
    refresh_expires_at: datetime | None
    scopes: frozenset[str]
    subject: str | None

    def expires_within(self, *, seconds: float, now: datetime) -> bool:
        return self.expires_at - timedelta(seconds=seconds) <= now


def read_unverified_claims(token: str) -> dict[str, Any]:
    """Return the claims of a JWS compact token without checking its signature.

    The app is not the audience of ReAI's access tokens, so it does not verify them. It
    reads only `exp`, `sub` and `scope`, to plan refreshes and to show them. A token that
    is not a JWT gives an empty dict.
    """
    if token.count(".") != 2:
        return {}
    try:
        payload = json.loads(jws.extract_compact(token.encode("ascii")).payload)
    except (JoseError, ValueError, UnicodeError):
        return {}
    return payload if isinstance(payload, dict) else {}


def parse_token_response(
    response: httpx.Response,
    *,
    received_at: datetime,
    requested_scopes: frozenset[str],
    refresh_token_lifetime: timedelta,
    request_secrets: Iterable[str],
) -> TokenSet:
    """Validate a token endpoint response and return its tokens, or raise a typed error.

    `request_secrets` are the secret values sent in the request (client secret, code,
    verifier, refresh token). They are removed from any error description the server
    echoes, so that no exception message carries them.
    """
    status = response.status_code
    if status >= 500:
        raise TokenEndpointUnavailableError(
            f"the token endpoint responded with HTTP {status}: ReAI is unavailable, try again later"
        )
    body = _json_object(response)
    if body is not None and "error" in body:
        raise _error_from_body(body, status, request_secrets)
    if status == 401:
        raise InvalidClientError(
            error="invalid_client", description="HTTP 401 without an error code", status_code=401
        )
    if status != 200 or body is None:
        raise MalformedTokenResponseError(
            f"the token endpoint responded with HTTP {status} and {_describe_body(response)} "
            "instead of a JSON token response"
        )
    return _token_set_from_body(
        body,
        received_at=received_at,
        requested_scopes=requested_scopes,
        refresh_token_lifetime=refresh_token_lifetime,
    )


def _token_set_from_body(
    body: Mapping[str, Any],
    *,
    received_at: datetime,
    requested_scopes: frozenset[str],
    refresh_token_lifetime: timedelta,
) -> TokenSet:
    access_token = _checked_token("access_token", body.get("access_token"))
    raw_refresh_token = body.get("refresh_token")
    refresh_token = (
        None if raw_refresh_token is None else _checked_token("refresh_token", raw_refresh_token)
    )

    token_type = body.get("token_type", "Bearer")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise MalformedTokenResponseError(
            f"the token response has token_type {str(token_type)[:20]!r}: only Bearer "
            "tokens are supported"
        )

    claims = read_unverified_claims(access_token)
    expires_at = access_token_expiry(
        body.get("expires_in"), claims.get("exp"), received_at=received_at
    )
    refresh_expires_at = None
    if refresh_token is not None:
        refresh_expiry = _timestamp(read_unverified_claims(refresh_token).get("exp"))
        refresh_expires_at = refresh_expiry or received_at + refresh_token_lifetime

    return TokenSet(
        access_token=SecretStr(access_token),
        refresh_token=SecretStr(refresh_token) if refresh_token is not None else None,
        token_type="Bearer",
        expires_at=expires_at,
        refresh_expires_at=refresh_expires_at,
        scopes=_granted_scopes(body.get("scope"), claims.get("scope"), requested_scopes),
        subject=_subject(claims.get("sub")),
    )


def access_token_expiry(
    expires_in: object, exp_claim: object, *, received_at: datetime
) -> datetime:
    """Compute when an access token expires.

    `expires_in` counts from the moment the response was received. When the token is a JWT
    with `exp`, the earlier of the two wins. A missing, non-numeric or non-positive
    `expires_in` is ignored; without `exp` either, the platform's default lifetime applies.
    """
    lifetime = _lifetime(expires_in)
    jwt_expiry = _timestamp(exp_claim)
    if lifetime is None:
        return jwt_expiry or received_at + DEFAULT_ACCESS_TOKEN_LIFETIME
    by_lifetime = received_at + min(lifetime, MAX_ACCESS_TOKEN_LIFETIME)
    return min(by_lifetime, jwt_expiry) if jwt_expiry else by_lifetime


def _lifetime(expires_in: object) -> timedelta | None:
    # A string of digits is accepted: some servers send "7200".
    if isinstance(expires_in, str) and re.fullmatch(r"\s*\d{1,12}(\.\d+)?\s*", expires_in):
        expires_in = float(expires_in)
    seconds = _finite_number(expires_in)
    if seconds is None or seconds <= 0:
        return None
    return timedelta(seconds=min(seconds, MAX_ACCESS_TOKEN_LIFETIME.total_seconds()))


def _timestamp(value: object) -> datetime | None:
    # 2**35 seconds is in the year 3058: anything above is not a real expiry.
    seconds = _finite_number(value)
    if seconds is None or not 0 < seconds < 2**35:
        return None
    return datetime.fromtimestamp(seconds, UTC)


def _finite_number(value: object) -> float | None:
    """Return a JSON number as a finite float, or None for anything else.

    JSON integers can be arbitrarily long, and one too large for a float is treated as
    no number rather than raising OverflowError.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _checked_token(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise MalformedTokenResponseError(f"the token response has no usable {name}")
    if len(value) > MAX_TOKEN_LENGTH:
        raise MalformedTokenResponseError(
            f"the {name} in the token response has {len(value)} characters, more than the "
            f"{MAX_TOKEN_LENGTH} allowed"
        )
    if not _TOKEN_CHARACTERS.fullmatch(value):
        raise MalformedTokenResponseError(
            f"the {name} in the token response contains white space or non-ASCII characters"
        )
    return value


def _granted_scopes(
    body_scope: object, claim_scope: object, requested: frozenset[str]
) -> frozenset[str]:
    # RFC 6749 section 5.1: the response may omit scope when it equals the requested one.
    source = body_scope if body_scope is not None else claim_scope
    if source is None:
        return requested
    if isinstance(source, list) and all(isinstance(item, str) for item in source):
        source = " ".join(source)
    if not isinstance(source, str):
        raise MalformedTokenResponseError("the scope in the token response is not a string")
    try:
        return parse_scopes(source)
    except InvalidScopeError as exc:
        raise MalformedTokenResponseError(
            f"the scope in the token response is invalid: {exc}"
        ) from exc


def _subject(value: object) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= MAX_SUBJECT_LENGTH:
        return value
    return None


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = json.loads(response.content)
    except (ValueError, RecursionError):
        # RecursionError: JSON nested deeper than the parser's recursion limit.
        return None
    return body if isinstance(body, dict) else None


def _describe_body(response: httpx.Response) -> str:
    content_type = response.headers.get("content-type", "no content type").split(";")[0]
    return f"{len(response.content)} bytes of {content_type[:60]}"


def _error_from_body(
    body: Mapping[str, Any], status: int, request_secrets: Iterable[str]
) -> TokenEndpointError:
    raw_error = body.get("error")
    error = raw_error if isinstance(raw_error, str) and _ERROR_CODE.fullmatch(raw_error) else ""
    description = _clean_description(body.get("error_description"), request_secrets)
    if error == "invalid_grant":
        return InvalidGrantError(error=error, description=description, status_code=status)
    if error in {"invalid_client", "unauthorized_client"} or status == 401:
        return InvalidClientError(
            error=error or "invalid_client", description=description, status_code=status
        )
    return TokenEndpointError(
        error=error or "invalid_error_code", description=description, status_code=status
    )


def _clean_description(value: object, request_secrets: Iterable[str]) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value
    for secret in request_secrets:
        # Only long values are replaced: a short one would also match ordinary words. A
        # server may echo a value as it was sent, or URL-encoded.
        if len(secret) >= 6:
            for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
                text = text.replace(form, "[redacted]")
    text = text[:_MAX_DESCRIPTION_LENGTH]
    return "".join(char if char.isprintable() else "?" for char in text)
