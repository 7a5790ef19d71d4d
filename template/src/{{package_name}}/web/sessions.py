"""Browser sessions, stored server-side. The cookie holds only a random token."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from ..oauth.flows import token_hash
from ..storage.tables import web_sessions


@dataclass(frozen=True, slots=True)
class WebSession:
    """A signed-in browser: which installation and which grant it acts for."""

    token_hash: str
    client_id: str
    grant_id: int
    expires_at: datetime
    csrf_token: str

    def __repr__(self) -> str:
        return (
            f"WebSession(client_id={self.client_id!r}, grant_id={self.grant_id}, "
            f"expires_at={self.expires_at.isoformat()})"
        )


def csrf_token_for(session_token: str, *, secret: str) -> str:
    """Derive the session's CSRF token, so that it need not be stored."""
    return hmac.new(
        secret.encode("utf-8"), b"csrf:" + session_token.encode("utf-8"), hashlib.sha256
    ).hexdigest()


def csrf_token_matches(candidate: str | None, expected: str) -> bool:
    return candidate is not None and hmac.compare_digest(candidate.encode(), expected.encode())


class SessionStore:
    def __init__(self, *, engine: AsyncEngine, secret: str, lifetime_seconds: int) -> None:
        self._engine = engine
        self._secret = secret
        self._lifetime = timedelta(seconds=lifetime_seconds)

    async def create(self, *, token: str, client_id: str, grant_id: int, now: datetime) -> None:
        """Store a new session for `token`, and delete sessions that have expired."""
        async with self._engine.begin() as connection:
            await connection.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
            await connection.execute(
                web_sessions.insert().values(
                    id_hash=token_hash(token),
                    client_id=client_id,
                    grant_id=grant_id,
                    created_at=now,
                    expires_at=now + self._lifetime,
                )
            )

    async def load(self, token: str, *, now: datetime) -> WebSession | None:
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    select(web_sessions).where(
                        web_sessions.c.id_hash == token_hash(token),
                        web_sessions.c.expires_at > now,
                    )
                )
            ).one_or_none()
        if row is None:
            return None
        return WebSession(
            token_hash=row.id_hash,
            client_id=row.client_id,
            grant_id=row.grant_id,
            expires_at=row.expires_at,
            csrf_token=csrf_token_for(token, secret=self._secret),
        )

    async def delete(self, token: str) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(web_sessions).where(web_sessions.c.id_hash == token_hash(token))
            )
