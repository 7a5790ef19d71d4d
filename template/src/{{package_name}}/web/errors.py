"""Every failure the UI shows, with a reason code, a status and a text for the user.

One exception handler turns the app's exceptions into an error page (or, for htmx, a
partial or a full reload). The page states what happened and what to do. It shows no
secret: messages of the exceptions involved are written so that they carry none.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from ..oauth.errors import (
    AuthorizationRejectedError,
    FlowExpiredError,
    GrantEndedError,
    InsufficientScopeError,
    InvalidCallbackError,
    InvalidClientError,
    InvalidGrantError,
    InvalidLaunchError,
    MalformedTokenResponseError,
    StateFromOtherBrowserError,
    TokenEndpointError,
    TokenEndpointUnavailableError,
    UnknownStateError,
)
from ..reai.errors import ReaiResponseError, ReaiUnavailableError
from .i18n import mark

logger = logging.getLogger(__name__)


class ErrorReason(StrEnum):
    INVALID_LAUNCH = "invalid_launch"
    INVALID_CALLBACK = "invalid_callback"
    AUTHORIZATION_DENIED = "authorization_denied"
    AUTHORIZATION_FAILED = "authorization_failed"
    UNKNOWN_STATE = "unknown_state"
    OTHER_BROWSER = "other_browser"
    FLOW_EXPIRED = "flow_expired"
    CODE_REJECTED = "code_rejected"
    INVALID_CLIENT = "invalid_client"
    INSUFFICIENT_SCOPE = "insufficient_scope"
    GRANT_ENDED = "grant_ended"
    REAI_UNAVAILABLE = "reai_unavailable"
    REAI_BAD_RESPONSE = "reai_bad_response"
    NOT_SIGNED_IN = "not_signed_in"
    CSRF_FAILED = "csrf_failed"
    REQUEST_TOO_LARGE = "request_too_large"
    BAD_REQUEST = "bad_request"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    SERVER_ERROR = "server_error"


class NotSignedInError(Exception):
    """The request needs a session, and the browser has none or an expired one."""


class CsrfError(Exception):
    """A state-changing request without the session's CSRF token."""


@dataclass(frozen=True, slots=True)
class ErrorText:
    title: str
    explanation: str
    action: str


@dataclass(frozen=True, slots=True)
class ErrorPage:
    """The page shown for one failure. `detail` is safe to show because it has no secret."""

    reason: ErrorReason
    status_code: int
    detail: str | None = None
    # Whether the user can start the sign-in again from a session, with the stored
    # installation's credentials, instead of opening the app from ReAI.
    can_reconnect: bool = False


OPEN_FROM_REAI = mark("Open the app again from ReAI: Apps, then this app, then Open.")

ERROR_TEXTS: dict[ErrorReason, ErrorText] = {
    ErrorReason.INVALID_LAUNCH: ErrorText(
        mark("The link that opened the app is not valid"),
        mark("The app was opened with missing or damaged sign-in details."),
        OPEN_FROM_REAI,
    ),
    ErrorReason.INVALID_CALLBACK: ErrorText(
        mark("The answer from ReAI is not valid"),
        mark("ReAI sent the browser back with missing or damaged details."),
        OPEN_FROM_REAI,
    ),
    ErrorReason.AUTHORIZATION_DENIED: ErrorText(
        mark("Access was not approved"),
        mark("The request for access to ReAI was declined on the consent page."),
        mark("Open the app again from ReAI and choose Approve to use it."),
    ),
    ErrorReason.AUTHORIZATION_FAILED: ErrorText(
        mark("ReAI could not authorize the app"),
        mark("ReAI answered the request for access with an error."),
        OPEN_FROM_REAI,
    ),
    ErrorReason.UNKNOWN_STATE: ErrorText(
        mark("This sign-in link is not valid here"),
        mark("The link from ReAI was used before, or it was not made for this app."),
        OPEN_FROM_REAI,
    ),
    ErrorReason.OTHER_BROWSER: ErrorText(
        mark("This sign-in was started in another browser"),
        mark(
            "For your safety, a sign-in must finish in the browser that started it, and "
            "this browser did not send the app's cookie."
        ),
        mark("Open the app from ReAI in this browser, and allow cookies for the app."),
    ),
    ErrorReason.FLOW_EXPIRED: ErrorText(
        mark("The sign-in took too long"),
        mark("The sign-in expired before ReAI sent the browser back."),
        OPEN_FROM_REAI,
    ),
    ErrorReason.CODE_REJECTED: ErrorText(
        mark("ReAI rejected the authorization code"),
        mark(
            "The code had expired or was already used, or the redirect URI does not match "
            "the one registered for the app in ReAI exactly."
        ),
        mark(
            "Open the app again from ReAI. If this keeps happening, check that the app's "
            "redirect URI equals the one in the app definition, character for character."
        ),
    ),
    ErrorReason.INVALID_CLIENT: ErrorText(
        mark("ReAI rejected the app's credentials"),
        mark(
            "The client id or client secret that opened the app is not valid. Credentials "
            "change when the app is reinstalled."
        ),
        OPEN_FROM_REAI,
    ),
    ErrorReason.INSUFFICIENT_SCOPE: ErrorText(
        mark("The app lacks a permission it needs"),
        mark("ReAI did not grant every scope that this app needs."),
        mark(
            "Ask the app's developer to request every needed scope in the app definition "
            "in ReAI, then reinstall and open the app."
        ),
    ),
    ErrorReason.GRANT_ENDED: ErrorText(
        mark("Your connection to ReAI has expired"),
        mark("ReAI no longer accepts the app's access for your user."),
        mark("Connect again to continue."),
    ),
    ErrorReason.REAI_UNAVAILABLE: ErrorText(
        mark("ReAI is not answering"),
        mark("ReAI did not answer in time or reported an error. Nothing was lost."),
        mark("Try again in a minute."),
    ),
    ErrorReason.REAI_BAD_RESPONSE: ErrorText(
        mark("ReAI sent an unexpected answer"),
        mark("The answer from ReAI could not be read. Nothing was stored."),
        mark("Try again in a minute. If it keeps happening, contact the app's developer."),
    ),
    ErrorReason.NOT_SIGNED_IN: ErrorText(
        mark("You are not signed in"),
        mark("Your session has ended or was never started."),
        OPEN_FROM_REAI,
    ),
    ErrorReason.CSRF_FAILED: ErrorText(
        mark("The form had expired"),
        mark("The request did not carry this session's security token."),
        mark("Reload the page and try again."),
    ),
    ErrorReason.REQUEST_TOO_LARGE: ErrorText(
        mark("The request is too large"),
        mark("The address or the form sent to the app is larger than it accepts."),
        mark("Open the app again from ReAI."),
    ),
    ErrorReason.BAD_REQUEST: ErrorText(
        mark("The request is not valid"),
        mark("The app could not read what the browser sent."),
        mark("Reload the page and try again."),
    ),
    ErrorReason.NOT_FOUND: ErrorText(
        mark("Page not found"),
        mark("There is no page at this address."),
        mark("Go to the dashboard."),
    ),
    ErrorReason.METHOD_NOT_ALLOWED: ErrorText(
        mark("This action is not available here"),
        mark("The page does not accept this kind of request."),
        mark("Go to the dashboard."),
    ),
    ErrorReason.SERVER_ERROR: ErrorText(
        mark("Something went wrong"),
        mark("The app failed to handle the request. The error has been logged."),
        mark("Try again. If it keeps happening, contact the app's developer."),
    ),
}


def error_page_for(exc: Exception) -> ErrorPage:
    """Map an exception to the page shown to the user."""
    match exc:
        case InvalidLaunchError():
            return ErrorPage(ErrorReason.INVALID_LAUNCH, 400, f"{exc.parameter}: {exc.problem}")
        case InvalidCallbackError():
            return ErrorPage(ErrorReason.INVALID_CALLBACK, 400, f"{exc.parameter}: {exc.problem}")
        case AuthorizationRejectedError(error="access_denied"):
            return ErrorPage(ErrorReason.AUTHORIZATION_DENIED, 403)
        case AuthorizationRejectedError(error="invalid_scope"):
            return ErrorPage(ErrorReason.INSUFFICIENT_SCOPE, 403, exc.error)
        case AuthorizationRejectedError():
            return ErrorPage(ErrorReason.AUTHORIZATION_FAILED, 400, exc.error)
        case UnknownStateError():
            return ErrorPage(ErrorReason.UNKNOWN_STATE, 400)
        case StateFromOtherBrowserError():
            return ErrorPage(ErrorReason.OTHER_BROWSER, 403)
        case FlowExpiredError():
            return ErrorPage(ErrorReason.FLOW_EXPIRED, 410)
        case InvalidGrantError():
            return ErrorPage(ErrorReason.CODE_REJECTED, 400, exc.description)
        case InvalidClientError():
            return ErrorPage(ErrorReason.INVALID_CLIENT, 401, exc.description)
        case InsufficientScopeError():
            return ErrorPage(ErrorReason.INSUFFICIENT_SCOPE, 403, " ".join(sorted(exc.missing)))
        case GrantEndedError():
            return ErrorPage(ErrorReason.GRANT_ENDED, 401, exc.reason, can_reconnect=True)
        case TokenEndpointUnavailableError() | ReaiUnavailableError():
            return ErrorPage(ErrorReason.REAI_UNAVAILABLE, 503)
        case TokenEndpointError() | MalformedTokenResponseError() | ReaiResponseError():
            return ErrorPage(ErrorReason.REAI_BAD_RESPONSE, 502)
        case NotSignedInError():
            return ErrorPage(ErrorReason.NOT_SIGNED_IN, 401)
        case CsrfError():
            return ErrorPage(ErrorReason.CSRF_FAILED, 403)
    return ErrorPage(ErrorReason.SERVER_ERROR, 500)
