"""Failures of the OAuth flow, one class per failure that callers handle differently.

Messages name what failed and what to do next. They never contain a client secret, an
authorization code, a state, a PKCE verifier or a token.
"""

from __future__ import annotations


class OAuthError(Exception):
    """Base class for failures of the authorization flow and of token handling."""


class TokenEndpointError(OAuthError):
    """The token endpoint responded with an RFC 6749 error response.

    `error` is the error code from the response. The description, when the server sent
    one, has every secret of the request removed before it is kept here.
    """

    def __init__(self, *, error: str, description: str | None, status_code: int) -> None:
        self.error = error
        self.description = description
        self.status_code = status_code
        detail = f": {description}" if description else ""
        super().__init__(
            f"the token endpoint responded with HTTP {status_code} and error {error!r}{detail}"
        )


class InvalidGrantError(TokenEndpointError):
    """The code or refresh token was rejected: expired, used, revoked or for another client.

    For a refresh this ends the grant, and the user has to authorize again.
    """


class InvalidClientError(TokenEndpointError):
    """The client_id and client_secret were rejected by the token endpoint."""


class TokenEndpointUnavailableError(OAuthError):
    """The token endpoint failed with a 5xx status, a timeout or a connection error.

    Stored tokens are kept; the request may be retried later.
    """


class MalformedTokenResponseError(OAuthError):
    """The token endpoint responded with something that is not a valid token response."""


class InsufficientScopeError(OAuthError):
    """ReAI granted fewer scopes than the app needs."""

    def __init__(self, *, missing: frozenset[str]) -> None:
        self.missing = missing
        listed = " ".join(sorted(missing))
        super().__init__(
            f"ReAI did not grant the scopes {listed}: add them to the app definition in "
            "ReAI, then install and open the app again"
        )


class GrantEndedError(OAuthError):
    """The user's grant has ended, and the user must go through the flow again."""

    def __init__(self, *, reason: str) -> None:
        self.reason = reason
        super().__init__(f"the grant has ended ({reason}): the user must authorize again")


class InvalidLaunchError(OAuthError):
    """A launch request whose parameters are missing, repeated or malformed."""

    def __init__(self, *, parameter: str, problem: str) -> None:
        self.parameter = parameter
        self.problem = problem
        super().__init__(f"the launch parameter {parameter} {problem}")


class InvalidCallbackError(OAuthError):
    """A callback request whose parameters are missing, repeated or malformed."""

    def __init__(self, *, parameter: str, problem: str) -> None:
        self.parameter = parameter
        self.problem = problem
        super().__init__(f"the callback parameter {parameter} {problem}")


class AuthorizationRejectedError(OAuthError):
    """ReAI sent the browser back with `error=` instead of a code (RFC 6749 4.1.2.1)."""

    def __init__(self, *, error: str) -> None:
        self.error = error
        super().__init__(f"ReAI rejected the authorization request with error {error!r}")


class UnknownStateError(OAuthError):
    """The callback's state matches no sign-in in progress: unknown, forged or used."""

    def __init__(self) -> None:
        super().__init__(
            "the callback's state matches no sign-in in progress: it was already used, or "
            "it was not issued by this app; open the app from ReAI again"
        )


class StateFromOtherBrowserError(OAuthError):
    """The callback arrived in a browser other than the one that started the sign-in."""

    def __init__(self) -> None:
        super().__init__(
            "the sign-in was started in another browser, or this browser did not send the "
            "app's cookie; open the app from ReAI again in this browser"
        )


class FlowExpiredError(OAuthError):
    """The callback arrived after the sign-in's lifetime ran out."""

    def __init__(self) -> None:
        super().__init__("the sign-in took too long and has expired; open the app again")
