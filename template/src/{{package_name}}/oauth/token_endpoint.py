"""Requests to ReAI's token endpoint: the code exchange and the refresh."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta

import httpx

from ..clock import Clock
from ..config import Settings
from .client_auth import ClientCredentials, basic_authorization
from .errors import TokenEndpointUnavailableError
from .tokens import TokenSet, parse_token_response

logger = logging.getLogger(__name__)


class TokenEndpoint:
    """Client of the token endpoint; every call returns a validated TokenSet or raises."""

    def __init__(self, *, http: httpx.AsyncClient, settings: Settings, clock: Clock) -> None:
        self._http = http
        self._url = settings.token_endpoint
        self._encoding = settings.token_auth_encoding
        self._refresh_token_lifetime = timedelta(seconds=settings.refresh_token_lifetime_seconds)
        self._timeout_seconds = settings.http_timeout_seconds
        self._clock = clock

    async def exchange_code(
        self,
        *,
        credentials: ClientCredentials,
        code: str,
        redirect_uri: str,
        code_verifier: str | None,
        requested_scopes: frozenset[str],
    ) -> TokenSet:
        """Exchange an authorization code for tokens (RFC 6749 section 4.1.3).

        `redirect_uri` must be the exact string sent to the authorization endpoint.
        """
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if code_verifier is not None:
            form["code_verifier"] = code_verifier
        secrets = [credentials.client_secret.get_secret_value(), code, code_verifier or ""]
        return await self._request(credentials, form, secrets, requested_scopes)

    async def refresh(self, *, credentials: ClientCredentials, tokens: TokenSet) -> TokenSet:
        """Use the refresh token of `tokens` (RFC 6749 section 6) and return the new tokens.

        A server that does not rotate refresh tokens sends none back; the returned set then
        keeps the refresh token that was used, with its expiry.
        """
        if tokens.refresh_token is None:
            raise ValueError("these tokens have no refresh token to use")
        refresh_token = tokens.refresh_token.get_secret_value()
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        secrets = [credentials.client_secret.get_secret_value(), refresh_token]
        new_tokens = await self._request(credentials, form, secrets, tokens.scopes)
        if new_tokens.refresh_token is None:
            return replace(
                new_tokens,
                refresh_token=tokens.refresh_token,
                refresh_expires_at=tokens.refresh_expires_at,
            )
        return new_tokens

    async def _request(
        self,
        credentials: ClientCredentials,
        form: dict[str, str],
        secrets: list[str],
        requested_scopes: frozenset[str],
    ) -> TokenSet:
        headers = {
            "Authorization": basic_authorization(credentials, encoding=self._encoding),
            "Accept": "application/json",
        }
        grant_type = form["grant_type"]
        try:
            # One deadline for the whole request: httpx's timeout applies to each phase
            # (connect, write, each read) on its own, and on SQLite the refresh holds the
            # database's write lock for as long as this takes.
            async with asyncio.timeout(self._timeout_seconds):
                response = await self._http.post(self._url, data=form, headers=headers)
        except (httpx.TimeoutException, TimeoutError) as exc:
            logger.warning(
                "token request timed out: client_id=%s grant_type=%s",
                credentials.client_id,
                grant_type,
            )
            raise TokenEndpointUnavailableError(
                "the token endpoint timed out: ReAI is slow or unavailable, try again later"
            ) from exc
        except httpx.RequestError as exc:
            logger.warning(
                "token request failed: client_id=%s grant_type=%s error=%s",
                credentials.client_id,
                grant_type,
                type(exc).__name__,
            )
            raise TokenEndpointUnavailableError(
                "could not connect to the token endpoint or read its response: ReAI is "
                "unavailable, try again later"
            ) from exc
        logger.info(
            "token response: client_id=%s grant_type=%s status=%d",
            credentials.client_id,
            grant_type,
            response.status_code,
        )
        return parse_token_response(
            response,
            received_at=self._clock(),
            requested_scopes=requested_scopes,
            refresh_token_lifetime=self._refresh_token_lifetime,
            request_secrets=secrets,
        )
