"""The tenant registry on SQLAlchemy, for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Row, Select, case, func, select, type_coerce, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ..oauth.client_auth import ClientCredentials
from ..oauth.scopes import format_scopes, parse_scopes
from ..oauth.tokens import TokenSet
from ..storage.crypto import Cipher
from ..storage.database import locking_transaction
from ..storage.tables import UTCDateTime, grants, installations
from .models import (
    Grant,
    GrantEndReason,
    GrantStatus,
    Installation,
    InstallationStatus,
    InstallationSummary,
)
from .registry import GrantNotFoundError


class SqlTenantRegistry:
    """TenantRegistry on an AsyncEngine; see registry.py for the contract."""

    def __init__(self, *, engine: AsyncEngine, cipher: Cipher) -> None:
        self._engine = engine
        self._cipher = cipher

    async def save_authorization(
        self,
        *,
        credentials: ClientCredentials,
        tokens: TokenSet,
        authorized_at: datetime,
    ) -> Grant:
        async with self._engine.begin() as connection:
            await self._upsert_installation(connection, credentials, tokens, authorized_at)
            grant_id = await self._upsert_grant(connection, credentials, tokens, authorized_at)
            grant = await _select_grant(
                connection, self._cipher, client_id=credentials.client_id, grant_id=grant_id
            )
        if grant is None:
            raise GrantNotFoundError(client_id=credentials.client_id, grant_id=grant_id)
        return grant

    async def get_installation(self, *, client_id: str) -> Installation | None:
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    select(installations).where(installations.c.client_id == client_id)
                )
            ).one_or_none()
        return None if row is None else self._installation_from_row(row)

    async def list_installations(self) -> list[InstallationSummary]:
        active = grants.c.status == GrantStatus.ACTIVE.value
        query = (
            select(
                installations.c.client_id,
                installations.c.scopes,
                installations.c.status,
                installations.c.installed_at,
                installations.c.last_launch_at,
                func.count(case((active, 1))).label("active_grants"),
                func.count(case((~active, 1))).label("ended_grants"),
                # type_coerce keeps the column's type, so the aggregate is read back as an
                # aware datetime on SQLite too.
                type_coerce(
                    func.min(case((active, grants.c.access_expires_at))), UTCDateTime()
                ).label("next_expiry"),
            )
            .select_from(installations.outerjoin(grants))
            .group_by(installations.c.client_id)
            .order_by(installations.c.last_launch_at.desc())
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [
            InstallationSummary(
                client_id=row.client_id,
                scopes=parse_scopes(row.scopes),
                status=InstallationStatus(row.status),
                installed_at=row.installed_at,
                last_launch_at=row.last_launch_at,
                active_grants=row.active_grants,
                ended_grants=row.ended_grants,
                next_access_expiry=row.next_expiry,
            )
            for row in rows
        ]

    async def get_grant(self, *, client_id: str, grant_id: int) -> Grant | None:
        async with self._engine.connect() as connection:
            return await _select_grant(
                connection, self._cipher, client_id=client_id, grant_id=grant_id
            )

    async def end_grant(
        self,
        *,
        client_id: str,
        grant_id: int,
        reason: GrantEndReason,
        ended_at: datetime,
        expected_version: int | None = None,
    ) -> None:
        async with self._engine.begin() as connection:
            await _end_grant(connection, client_id, grant_id, reason, ended_at, expected_version)

    @asynccontextmanager
    async def lock_grant(self, *, client_id: str, grant_id: int) -> AsyncIterator[_LockedGrant]:
        async with locking_transaction(self._engine) as connection:
            # FOR UPDATE locks the row on PostgreSQL. SQLAlchemy leaves it out on SQLite,
            # where BEGIN IMMEDIATE already holds the write lock for the whole database.
            query = (
                _grant_query(client_id=client_id, grant_id=grant_id)
                .add_columns(installations.c.client_secret.label("installation_secret"))
                .join(installations, installations.c.client_id == grants.c.client_id)
                .with_for_update(of=grants)
            )
            row = (await connection.execute(query)).one_or_none()
            if row is None:
                raise GrantNotFoundError(client_id=client_id, grant_id=grant_id)
            credentials = ClientCredentials(
                client_id=client_id,
                client_secret=SecretStr(self._cipher.decrypt(row.installation_secret)),
            )
            yield _LockedGrant(
                cipher=self._cipher,
                connection=connection,
                grant=_grant_from_row(self._cipher, row),
                credentials=credentials,
            )

    async def _upsert_installation(
        self,
        connection: AsyncConnection,
        credentials: ClientCredentials,
        tokens: TokenSet,
        authorized_at: datetime,
    ) -> None:
        values = {
            "client_id": credentials.client_id,
            "client_secret": self._cipher.encrypt(credentials.client_secret.get_secret_value()),
            "scopes": format_scopes(tokens.scopes),
            "status": InstallationStatus.ACTIVE.value,
            "installed_at": authorized_at,
            "last_launch_at": authorized_at,
            "updated_at": authorized_at,
        }
        insert = _insert_for(connection)(installations).values(**values)
        await connection.execute(
            insert.on_conflict_do_update(
                index_elements=[installations.c.client_id],
                set_={
                    "client_secret": insert.excluded.client_secret,
                    "scopes": insert.excluded.scopes,
                    "status": insert.excluded.status,
                    "last_launch_at": insert.excluded.last_launch_at,
                    "updated_at": insert.excluded.updated_at,
                },
            )
        )

    async def _upsert_grant(
        self,
        connection: AsyncConnection,
        credentials: ClientCredentials,
        tokens: TokenSet,
        authorized_at: datetime,
    ) -> int:
        values = {
            "client_id": credentials.client_id,
            "subject": tokens.subject,
            **_token_columns(self._cipher, tokens),
            "status": GrantStatus.ACTIVE.value,
            "ended_reason": None,
            "version": 1,
            "created_at": authorized_at,
            "updated_at": authorized_at,
            "last_refreshed_at": None,
        }
        insert = _insert_for(connection)(grants).values(**values)
        if tokens.subject is not None:
            # The same user authorizing again replaces the tokens of their grant.
            insert = insert.on_conflict_do_update(
                index_elements=[grants.c.client_id, grants.c.subject],
                set_={
                    **{
                        name: insert.excluded[name]
                        for name in _token_columns(self._cipher, tokens)
                    },
                    "status": insert.excluded.status,
                    "ended_reason": None,
                    "version": grants.c.version + 1,
                    "updated_at": insert.excluded.updated_at,
                },
            )
        grant_id: int = (await connection.execute(insert.returning(grants.c.id))).scalar_one()
        return grant_id

    def _installation_from_row(self, row: Row[Any]) -> Installation:
        return Installation(
            credentials=ClientCredentials(
                client_id=row.client_id,
                client_secret=SecretStr(self._cipher.decrypt(row.client_secret)),
            ),
            scopes=parse_scopes(row.scopes),
            status=InstallationStatus(row.status),
            installed_at=row.installed_at,
            last_launch_at=row.last_launch_at,
        )


class _LockedGrant:
    def __init__(
        self,
        *,
        cipher: Cipher,
        connection: AsyncConnection,
        grant: Grant,
        credentials: ClientCredentials,
    ) -> None:
        self._cipher = cipher
        self._connection = connection
        self._grant = grant
        self._credentials = credentials

    @property
    def grant(self) -> Grant:
        return self._grant

    @property
    def credentials(self) -> ClientCredentials:
        return self._credentials

    async def store(self, tokens: TokenSet, *, refreshed_at: datetime) -> Grant:
        """Replace the grant's tokens; the change commits when the lock is released."""
        grant = self._grant
        await self._connection.execute(
            update(grants)
            .where(grants.c.id == grant.id, grants.c.client_id == grant.client_id)
            .values(
                **_token_columns(self._cipher, tokens),
                version=grants.c.version + 1,
                updated_at=refreshed_at,
                last_refreshed_at=refreshed_at,
            )
        )
        stored = await _select_grant(
            self._connection, self._cipher, client_id=grant.client_id, grant_id=grant.id
        )
        if stored is None:
            raise GrantNotFoundError(client_id=grant.client_id, grant_id=grant.id)
        self._grant = stored
        return stored

    async def end(self, reason: GrantEndReason, *, ended_at: datetime) -> None:
        await _end_grant(self._connection, self._grant.client_id, self._grant.id, reason, ended_at)


async def _end_grant(
    connection: AsyncConnection,
    client_id: str,
    grant_id: int,
    reason: GrantEndReason,
    ended_at: datetime,
    expected_version: int | None = None,
) -> None:
    conditions = [
        grants.c.id == grant_id,
        grants.c.client_id == client_id,
        grants.c.status == GrantStatus.ACTIVE.value,
    ]
    if expected_version is not None:
        conditions.append(grants.c.version == expected_version)
    await connection.execute(
        update(grants)
        .where(*conditions)
        .values(
            access_token=None,
            refresh_token=None,
            status=GrantStatus.ENDED.value,
            ended_reason=reason.value,
            version=grants.c.version + 1,
            updated_at=ended_at,
        )
    )


def _token_columns(cipher: Cipher, tokens: TokenSet) -> dict[str, Any]:
    refresh_token = tokens.refresh_token
    return {
        "access_token": cipher.encrypt(tokens.access_token.get_secret_value()),
        "refresh_token": (
            None if refresh_token is None else cipher.encrypt(refresh_token.get_secret_value())
        ),
        "token_type": tokens.token_type,
        "scopes": format_scopes(tokens.scopes),
        "access_expires_at": tokens.expires_at,
        "refresh_expires_at": tokens.refresh_expires_at,
    }


async def _select_grant(
    connection: AsyncConnection, cipher: Cipher, *, client_id: str, grant_id: int
) -> Grant | None:
    query = _grant_query(client_id=client_id, grant_id=grant_id)
    row = (await connection.execute(query)).one_or_none()
    return None if row is None else _grant_from_row(cipher, row)


def _grant_from_row(cipher: Cipher, row: Row[Any]) -> Grant:
    scopes = parse_scopes(row.scopes)
    tokens = None
    if row.status == GrantStatus.ACTIVE.value and row.access_token is not None:
        tokens = TokenSet(
            access_token=SecretStr(cipher.decrypt(row.access_token)),
            refresh_token=(
                None if row.refresh_token is None else SecretStr(cipher.decrypt(row.refresh_token))
            ),
            token_type=row.token_type,
            expires_at=row.access_expires_at,
            refresh_expires_at=row.refresh_expires_at,
            scopes=scopes,
            subject=row.subject,
        )
    return Grant(
        id=row.id,
        client_id=row.client_id,
        subject=row.subject,
        tokens=tokens,
        scopes=scopes,
        access_expires_at=row.access_expires_at,
        status=GrantStatus(row.status),
        ended_reason=None if row.ended_reason is None else GrantEndReason(row.ended_reason),
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        last_refreshed_at=row.last_refreshed_at,
    )


def _grant_query(*, client_id: str, grant_id: int) -> Select[Any]:
    return select(grants).where(grants.c.id == grant_id, grants.c.client_id == client_id)


def _insert_for(connection: AsyncConnection) -> Any:
    """Return the dialect's INSERT construct, which supports ON CONFLICT on both backends."""
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
