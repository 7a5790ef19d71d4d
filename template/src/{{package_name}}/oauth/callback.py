"""The callback: ReAI sends the browser back to the redirect URI with a code or an error.

The steps run in a fixed order: the state, consumed once and checked against this
browser, then the provider's error, then the code exchange with the redirect_uri string
sent to the authorization endpoint, and only then the registry write.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..tenants.models import Grant
from ..tenants.registry import TenantRegistry
from .errors import AuthorizationRejectedError, InsufficientScopeError, InvalidCallbackError
from .flows import FlowStore
from .token_endpoint import TokenEndpoint

CALLBACK_PARAMETERS = ("code", "state", "error")

# RFC 6749 appendix A: code and state are VSCHAR (%x20-7E). error is NQSCHAR, which is
# narrower, but only the error codes below are ever shown.
_VSCHAR = re.compile(r"[\x20-\x7e]+")
_LIMITS = {"code": 2048, "state": 512, "error": 64}

# The error codes of RFC 6749 section 4.1.2.1. Any other value is reported as server_error,
# so that a forged callback cannot put its own words on the app's page.
KNOWN_ERRORS = frozenset(
    {
        "invalid_request",
        "unauthorized_client",
        "access_denied",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
    }
)


@dataclass(frozen=True, slots=True)
class CallbackRequest:
    code: str | None = field(repr=False)
    state: str | None = field(repr=False)
    error: str | None


def is_callback(query: Sequence[tuple[str, str]]) -> bool:
    """Return whether the query carries callback parameters rather than a launch."""
    return any(key in CALLBACK_PARAMETERS for key, _ in query)


def parse_callback(query: Sequence[tuple[str, str]]) -> CallbackRequest:
    """Validate the callback parameters' shape, or raise InvalidCallbackError."""
    values: dict[str, str | None] = {}
    for name, limit in _LIMITS.items():
        found = [value for key, value in query if key == name]
        if len(found) > 1:
            raise InvalidCallbackError(parameter=name, problem="appears more than once")
        value = found[0] if found and found[0] else None
        if value is not None and len(value) > limit:
            raise InvalidCallbackError(
                parameter=name, problem=f"has {len(value)} characters, more than {limit}"
            )
        if value is not None and not _VSCHAR.fullmatch(value):
            raise InvalidCallbackError(
                parameter=name, problem="contains characters that are not printable ASCII"
            )
        values[name] = value
    return CallbackRequest(code=values["code"], state=values["state"], error=values["error"])


async def complete_authorization(
    *,
    callback: CallbackRequest,
    browser_token: str | None,
    flows: FlowStore,
    token_endpoint: TokenEndpoint,
    registry: TenantRegistry,
    now: datetime,
) -> Grant:
    """Turn a callback into a stored grant, or raise the OAuthError that names the reason."""
    # 1. The state must be one this browser started; it is consumed here, once, whether
    #    ReAI sent a code or an error. Without it, an error response could be forged too.
    if callback.state is None:
        raise InvalidCallbackError(parameter="state", problem="is missing")
    flow = await flows.consume(state=callback.state, browser_token=browser_token, now=now)

    # 2. ReAI's own error ends the flow; no code is exchanged.
    if callback.error is not None:
        error = callback.error if callback.error in KNOWN_ERRORS else "server_error"
        raise AuthorizationRejectedError(error=error)
    if callback.code is None:
        raise InvalidCallbackError(parameter="code", problem="is missing")

    # 3. The code exchange proves the launch credentials; nothing is stored before it.
    tokens = await token_endpoint.exchange_code(
        credentials=flow.credentials,
        code=callback.code,
        redirect_uri=flow.redirect_uri,
        code_verifier=None
        if flow.code_verifier is None
        else flow.code_verifier.get_secret_value(),
        requested_scopes=flow.scopes,
    )
    if missing := flow.scopes - tokens.scopes:
        raise InsufficientScopeError(missing=frozenset(missing))

    # 4. Persist the installation and the user's grant in one transaction.
    return await registry.save_authorization(
        credentials=flow.credentials, tokens=tokens, authorized_at=now
    )
