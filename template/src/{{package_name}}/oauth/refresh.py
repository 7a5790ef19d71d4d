"""Fresh access tokens for API calls, refreshed under a lock that every replica respects."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from weakref import WeakValueDictionary

from pydantic import SecretStr

from ..clock import Clock
from ..tenants.models import Grant, GrantEndReason
from ..tenants.registry import LockedGrant, TenantRegistry
from .errors import GrantEndedError, InvalidClientError, InvalidGrantError
from .token_endpoint import TokenEndpoint
from .tokens import TokenSet

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AccessToken:
    """An access token and the grant version it came from.

    `refreshed` is True when the token came out of a refresh during this call, so that a
    caller never refreshes twice for one request.
    """

    value: SecretStr
    grant_version: int
    refreshed: bool = False


class TokenService:
    """Hand out access tokens that stay valid for at least `leeway_seconds`.

    A token that expires within the leeway is refreshed first. The refresh takes the
    grant's lock in the database, so that only one process refreshes a grant at a time.
    The others wait, read the new token and use it. Within one process an asyncio lock per
    grant keeps waiting requests from each holding a database connection.
    """

    def __init__(
        self,
        *,
        registry: TenantRegistry,
        token_endpoint: TokenEndpoint,
        leeway_seconds: float,
        clock: Clock,
    ) -> None:
        self._registry = registry
        self._token_endpoint = token_endpoint
        self._leeway_seconds = leeway_seconds
        self._clock = clock
        self._locks: WeakValueDictionary[tuple[str, int], asyncio.Lock] = WeakValueDictionary()

    async def access_token(self, *, client_id: str, grant_id: int) -> AccessToken:
        """Return an access token for the grant, refreshing it first when it expires soon.

        Raises GrantEndedError when the user must authorize again, and
        TokenEndpointUnavailableError when a needed refresh failed for now.
        """
        grant = await self._registry.get_grant(client_id=client_id, grant_id=grant_id)
        if grant is not None and self._usable(grant):
            return _access_token(grant)
        return await self._refresh(client_id, grant_id, rejected_version=None)

    async def refresh_rejected(
        self, *, client_id: str, grant_id: int, rejected: AccessToken
    ) -> AccessToken:
        """Refresh after ReAI rejected `rejected` with 401.

        When another request has replaced that token in the meantime, its replacement is
        returned without a second refresh.
        """
        return await self._refresh(client_id, grant_id, rejected_version=rejected.grant_version)

    async def refresh_now(self, *, client_id: str, grant_id: int) -> AccessToken:
        """Refresh the grant's tokens even though they are still valid."""
        grant = await self._registry.get_grant(client_id=client_id, grant_id=grant_id)
        if grant is None or grant.tokens is None:
            reason = grant.ended_reason if grant is not None else None
            raise GrantEndedError(reason=str(reason or "ended"))
        return await self._refresh(client_id, grant_id, rejected_version=grant.version)

    def _usable(self, grant: Grant) -> bool:
        return grant.tokens is not None and not grant.tokens.expires_within(
            seconds=self._leeway_seconds, now=self._clock()
        )

    async def _refresh(
        self, client_id: str, grant_id: int, *, rejected_version: int | None
    ) -> AccessToken:
        async with (
            self._process_lock(client_id, grant_id),
            self._registry.lock_grant(client_id=client_id, grant_id=grant_id) as locked,
        ):
            grant = locked.grant
            tokens = grant.tokens
            if tokens is None:
                raise GrantEndedError(reason=str(grant.ended_reason or "ended"))
            # Another request may have refreshed while this one waited for the lock.
            if rejected_version is None and self._usable(grant):
                return _access_token(grant, refreshed=True)
            if rejected_version is not None and grant.version != rejected_version:
                return _access_token(grant, refreshed=True)

            end_reason = await self._refresh_locked(locked, tokens)
        if end_reason is not None:
            # Raised after the lock's transaction committed, so the ended grant is stored.
            raise GrantEndedError(reason=end_reason.value)
        return _access_token(locked.grant, refreshed=True)

    async def _refresh_locked(
        self, locked: LockedGrant, tokens: TokenSet
    ) -> GrantEndReason | None:
        """Refresh a locked grant, or end it and return why it ended."""
        grant = locked.grant
        now = self._clock()
        reason: GrantEndReason | None = None
        if tokens.refresh_token is None:
            reason = GrantEndReason.NO_REFRESH_TOKEN
        elif tokens.refresh_expires_at is not None and tokens.refresh_expires_at <= now:
            reason = GrantEndReason.REFRESH_TOKEN_EXPIRED
        else:
            try:
                new_tokens = await self._token_endpoint.refresh(
                    credentials=locked.credentials, tokens=tokens
                )
            except InvalidGrantError:
                reason = GrantEndReason.INVALID_GRANT
            except InvalidClientError:
                reason = GrantEndReason.INVALID_CLIENT
            else:
                await locked.store(new_tokens, refreshed_at=self._clock())
                logger.info(
                    "refreshed tokens: client_id=%s grant_id=%d", grant.client_id, grant.id
                )
                return None
        await locked.end(reason, ended_at=now)
        logger.info(
            "grant ended: client_id=%s grant_id=%d reason=%s", grant.client_id, grant.id, reason
        )
        return reason

    @asynccontextmanager
    async def _process_lock(self, client_id: str, grant_id: int) -> AsyncIterator[None]:
        key = (client_id, grant_id)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        async with lock:
            yield


def _access_token(grant: Grant, *, refreshed: bool = False) -> AccessToken:
    if grant.tokens is None:
        raise GrantEndedError(reason=str(grant.ended_reason or "ended"))
    return AccessToken(
        value=grant.tokens.access_token, grant_version=grant.version, refreshed=refreshed
    )
