"""Sign-ins in progress, stored in the database from the launch to the callback."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from pydantic import SecretStr
from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncEngine

from ..storage.crypto import Cipher
from ..storage.tables import oauth_flows
from .client_auth import ClientCredentials
from .errors import FlowExpiredError, StateFromOtherBrowserError, UnknownStateError
from .scopes import format_scopes, parse_scopes


def token_hash(token: str) -> str:
    """Hash a random token for storage. The token has 256 bits of entropy, so no salt."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class PendingFlow:
    """The data the callback needs from the launch that started the sign-in.

    The credentials are the ones from the launch URL: they are untrusted until the token
    endpoint accepts them.
    """

    credentials: ClientCredentials
    code_verifier: SecretStr | None
    redirect_uri: str
    scopes: frozenset[str]
    expires_at: datetime


class FlowStore:
    """Sign-in flows keyed by the hash of their state, each bound to one browser."""

    def __init__(self, *, engine: AsyncEngine, cipher: Cipher) -> None:
        self._engine = engine
        self._cipher = cipher

    async def create(
        self, *, state: str, browser_token: str, flow: PendingFlow, now: datetime
    ) -> None:
        """Store a new flow, and delete flows that have expired."""
        verifier = flow.code_verifier
        async with self._engine.begin() as connection:
            await connection.execute(delete(oauth_flows).where(oauth_flows.c.expires_at < now))
            await connection.execute(
                oauth_flows.insert().values(
                    state_hash=token_hash(state),
                    browser_hash=token_hash(browser_token),
                    client_id=flow.credentials.client_id,
                    client_secret=self._cipher.encrypt(
                        flow.credentials.client_secret.get_secret_value()
                    ),
                    code_verifier=(
                        None
                        if verifier is None
                        else self._cipher.encrypt(verifier.get_secret_value())
                    ),
                    redirect_uri=flow.redirect_uri,
                    scopes=format_scopes(flow.scopes),
                    created_at=now,
                    expires_at=flow.expires_at,
                )
            )

    async def consume(
        self, *, state: str, browser_token: str | None, now: datetime
    ) -> PendingFlow:
        """Remove and return the flow for `state`, if this browser started it.

        A state is consumed once: of two concurrent callbacks with the same state, one gets
        the flow and the other UnknownStateError. A flow that another browser started is
        left in place, so that a leaked callback URL cannot cancel the real user's sign-in.
        """
        state_hash = token_hash(state)
        async with self._engine.begin() as connection:
            row = None
            if browser_token is not None:
                row = (
                    await connection.execute(
                        delete(oauth_flows)
                        .where(
                            oauth_flows.c.state_hash == state_hash,
                            oauth_flows.c.browser_hash == token_hash(browser_token),
                        )
                        .returning(*oauth_flows.c)
                    )
                ).one_or_none()
            if row is None:
                found = await connection.scalar(
                    select(exists().where(oauth_flows.c.state_hash == state_hash))
                )
                raise StateFromOtherBrowserError() if found else UnknownStateError()
        if row.expires_at <= now:
            raise FlowExpiredError()
        return PendingFlow(
            credentials=ClientCredentials(
                client_id=row.client_id,
                client_secret=SecretStr(self._cipher.decrypt(row.client_secret)),
            ),
            code_verifier=(
                None
                if row.code_verifier is None
                else SecretStr(self._cipher.decrypt(row.code_verifier))
            ),
            redirect_uri=row.redirect_uri,
            scopes=parse_scopes(row.scopes),
            expires_at=row.expires_at,
        )
