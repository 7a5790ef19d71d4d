"""ASGI middleware: security headers on every response, and early limits on input size."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Settings
from ..logs import printable

STATIC_PREFIX = "/static/"

# "<package>.access", beside the package's other loggers.
access_logger = logging.getLogger(__name__.split(".")[0] + ".access")


def content_security_policy(settings: Settings) -> str:
    """Allow only the app's own scripts and styles; no inline code, no plugins."""
    authorization_origin = "{0.scheme}://{0.netloc}".format(
        urlsplit(settings.authorization_endpoint)
    )
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            # Reconnecting posts a form that redirects to ReAI's authorization endpoint,
            # and browsers apply form-action to that redirect too.
            f"form-action 'self' {authorization_origin}",
            f"frame-ancestors {settings.frame_ancestors}",
            "base-uri 'none'",
        ]
    )


class SecurityHeadersMiddleware:
    """Add the security headers to every HTTP response, error pages included."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": content_security_policy(settings),
            "X-Content-Type-Options": "nosniff",
            # Launch and callback URLs carry secrets; no page of the app needs a Referer.
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
        if settings.frame_ancestors.strip() == "'none'":
            self.headers["X-Frame-Options"] = "DENY"
        if not settings.is_development:
            self.headers["Strict-Transport-Security"] = "max-age=31536000"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope["path"].startswith(STATIC_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
                if not is_static:
                    # Pages show tenant data and may follow a URL that held secrets.
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AccessLogMiddleware:
    """Log one line per request: client, method, path without the query string, status and
    duration.

    It replaces uvicorn's access log, which writes the query string, and with it the
    client secret of a launch and the code of a callback.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            client = scope.get("client")
            access_logger.info(
                '%s "%s %s" %d %.1f ms',
                f"{client[0]}:{client[1]}" if client else "-",
                printable(scope["method"]),
                printable(scope["path"]),
                status,
                (time.perf_counter() - started) * 1000,
            )


class RequestLimitsMiddleware:
    """Reject oversize query strings, headers and bodies with 414, 431 or 413 before any
    handler runs."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_query_string_bytes: int,
        max_header_bytes: int,
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self.max_query_string_bytes = max_query_string_bytes
        self.max_header_bytes = max_header_bytes
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if len(scope.get("query_string", b"")) > self.max_query_string_bytes:
            await _reject(scope, receive, send, 414, "The query string is too long.")
            return
        header_bytes = sum(len(name) + len(value) for name, value in scope["headers"])
        if header_bytes > self.max_header_bytes:
            await _reject(scope, receive, send, 431, "The request headers are too large.")
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (
            not declared.isdigit() or int(declared) > self.max_body_bytes
        ):
            await _reject(scope, receive, send, 413, "The request body is too large.")
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLargeError()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLargeError:
            await _reject(scope, receive, send, 413, "The request body is too large.")


class BodyTooLargeError(Exception):
    """A streamed request body grew past the limit."""


async def _reject(scope: Scope, receive: Receive, send: Send, status: int, text: str) -> None:
    response = PlainTextResponse(text, status_code=status, headers={"Connection": "close"})
    await response(scope, receive, send)
